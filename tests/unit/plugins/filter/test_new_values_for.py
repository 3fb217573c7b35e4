"""new_values_for: the given new values of one Secret, keyed by namespace/name or by an unambiguous name."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.secretops.provisioning.plugins.filter.new_values_for import FilterModule

NEW_VALUES_FOR = FilterModule().filters()["new_values_for"]
TWO_DBS = [{"index": 0, "namespace": "shop", "secret": "db"}, {"index": 1, "namespace": "blog", "secret": "db"},
           {"index": 2, "namespace": "shop", "secret": "api"}]


def test_namespace_and_name_keys_pick_one_secret_each():
    given = {"shop/db": {"password": "shop-value"}, "blog/db": {"password": "blog-value"}}
    assert NEW_VALUES_FOR(given, "shop", "db", TWO_DBS) == {"password": "shop-value"}
    assert NEW_VALUES_FOR(given, "blog", "db", TWO_DBS) == {"password": "blog-value"}
    assert NEW_VALUES_FOR(given, "shop", "api", TWO_DBS) == {}


def test_a_bare_name_works_while_it_names_one_selected_secret():
    assert NEW_VALUES_FOR({"api": {"token": "t"}}, "shop", "api", TWO_DBS) == {"token": "t"}
    assert NEW_VALUES_FOR({"db": {"password": "p"}}, "shop", "db", TWO_DBS[:1]) == {"password": "p"}
    assert NEW_VALUES_FOR({}, "shop", "db", TWO_DBS) == {} and NEW_VALUES_FOR(None, "shop", "db", TWO_DBS) == {}


def test_an_ambiguous_bare_name_is_refused_without_its_values():
    with pytest.raises(AnsibleFilterError) as raised:
        NEW_VALUES_FOR({"db": {"password": "hunter2-value"}}, "shop", "db", TWO_DBS)
    assert str(raised.value) == ("new_values_for: rotate_secrets_new_values key db is ambiguous: the selected Secrets named db are in "
                                 "namespaces blog, shop; key the values as <namespace>/db (blog/db, shop/db)")


def test_a_secret_given_under_both_keys_is_refused_without_its_values():
    with pytest.raises(AnsibleFilterError, match="gives Secret shop/db twice, under db and under shop/db: give it once") as raised:
        NEW_VALUES_FOR({"db": {"password": "hunter2-value"}, "shop/db": {"password": "other-value"}}, "shop", "db", TWO_DBS[:1])
    assert "hunter2" not in str(raised.value) and "other-value" not in str(raised.value)


def test_values_that_are_not_a_mapping_are_refused_without_showing_them():
    for given in ({"shop/db": "hunter2-value"}, ["hunter2-value"]):
        with pytest.raises(AnsibleFilterError) as raised:
            NEW_VALUES_FOR(given, "shop", "db", TWO_DBS)
        assert "hunter2" not in str(raised.value)
