"""The application policy filters the roles use: Python renders, errors become filter errors naming the input."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.secretops.provisioning.plugins.filter import application_policy, application_policy_name

FILTERS = dict(application_policy.FilterModule().filters(), **application_policy_name.FilterModule().filters())


def test_the_policy_filter_renders_and_refuses_naming_the_input():
    text = FILTERS["application_policy"]({"name": "shop", "secrets": [{"name": "db", "vault_path": "it/shop/db"}]}, "secret")
    assert 'path "secret/data/it/shop/db"' in text
    with pytest.raises(AnsibleFilterError, match=r"application_policy: secrets\[0\] \(db\).vault_path"):
        FILTERS["application_policy"]({"name": "shop", "secrets": [{"name": "db", "vault_path": 'x"\npath "sys/*'}]})


def test_the_name_filter():
    assert FILTERS["application_policy_name"]("web", "prod-eu-1") == "web@prod-eu-1"
    assert FILTERS["application_policy_name"]("web") == "web"
    with pytest.raises(AnsibleFilterError, match="application_policy_name: cluster name"):
        FILTERS["application_policy_name"]("web", "eu@1")
