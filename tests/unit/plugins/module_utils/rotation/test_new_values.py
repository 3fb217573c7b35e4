"""rotation/new_values.py: which given new values belong to a Secret (the filter's own test,
filter/test_new_values_for.py, covers the keys and the ambiguity through the filter)."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.new_values import new_values_for

SELECTED = [{"namespace": "shop", "secret": "db", "index": 0}, {"namespace": "shop", "secret": "api"}]


def test_a_bare_name_counts_selected_secrets_only_and_ignores_other_keys():
    # the same name outside the selection, or items without a secret name, make no ambiguity
    selected = SELECTED + [{"namespace": "blog"}, {"namespace": "blog", "secret": "cache"}]
    assert new_values_for({"db": {"password": "p"}}, "shop", "db", selected) == {"password": "p"}
    assert new_values_for({"db": {"password": "p"}}, "shop", "db", None) == {"password": "p"}


def test_a_secret_given_under_its_full_key_only_or_with_no_values():
    assert new_values_for({"shop/db": {"password": "p"}, "api": {"token": "t"}}, "shop", "db", SELECTED) == {"password": "p"}
    assert new_values_for({"shop/db": None}, "shop", "db", SELECTED) == {}


@pytest.mark.parametrize("given, message", [
    (["hunter2-value"], "must map <namespace>/<name>"),
    ({"db": "hunter2-value"}, "for Secret shop/db must be a mapping of field to value"),
    ({"shop/db": ["hunter2-value"]}, "for Secret shop/db must be a mapping of field to value"),
])
def test_what_is_not_a_mapping_is_refused_naming_the_key_never_the_value(given, message):
    with pytest.raises(SecretOpsError, match=message) as raised:
        new_values_for(given, "shop", "db", SELECTED)
    assert "hunter2" not in str(raised.value) and raised.value.details == {}
