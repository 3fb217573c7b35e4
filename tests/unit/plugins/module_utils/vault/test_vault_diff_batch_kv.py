"""Pure Vault logic: field comparison, list-form batching, KV diffs without values, config validation."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import diff, k8s_auth, kv
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.batch import apply_items, apply_single_or_list


def test_role_settings_compare_by_meaning():
    current = {"token_ttl": 3600, "token_policies": ["b", "a"], "audience": "vault", "token_bound_cidrs": []}
    wanted = {"token_ttl": "1h", "token_policies": ["a", "b", "a"], "audience": "vault", "token_max_ttl": None, "token_bound_cidrs": []}
    assert diff.differences(current, wanted, k8s_auth.ROLE_KINDS) == []


def test_only_differing_managed_fields_are_reported():
    current = {"token_ttl": 3600, "token_policies": ["a"], "token_max_ttl": 0}
    wanted = {"token_ttl": "2h", "token_policies": ["a"], "token_max_ttl": None}
    assert diff.differences(current, wanted, k8s_auth.ROLE_KINDS) == ["token_ttl"]
    change = diff.before_after(current, wanted, k8s_auth.ROLE_KINDS, ["token_ttl"])
    assert change == {"before": {"token_ttl": 3600}, "after": {"token_ttl": 7200}}


def test_absent_object_differs_in_every_managed_field():
    assert diff.differences(None, {"a": 1, "b": None}, {}) == ["a"]


def test_fields_vault_leaves_out_read_as_empty():
    assert diff.differences({}, {"token_bound_cidrs": [], "token_ttl": 0}, k8s_auth.ROLE_KINDS) == []


def test_batch_keeps_input_order_and_collects_diffs_and_warnings():
    def apply_one(item):
        return {"changed": item == "b", "name": item, "diff": {"before": None, "after": item}, "warnings": ["w-" + item]}

    outcome = apply_items(["a", "b", "c"], apply_one, lambda item: "item " + item)
    assert [result["name"] for result in outcome["results"]] == ["a", "b", "c"]
    assert outcome["changed"] is True
    assert [change["before_header"] for change in outcome["diff"]] == ["item a", "item b", "item c"]
    assert outcome["warnings"] == ["w-a", "w-b", "w-c"]
    assert "diff" not in outcome["results"][0]


def test_batch_failure_names_the_item_and_keeps_earlier_results():
    def apply_one(item):
        if item == "bad":
            raise SecretOpsError("permission denied on sys/policies/acl/bad", status=403)
        return {"changed": True, "name": item}

    with pytest.raises(SecretOpsError) as error:
        apply_items(["ok", "bad", "never"], apply_one, lambda item: "policy " + item)
    assert str(error.value).startswith("item 1 (policy bad): permission denied")
    assert error.value.details["failed_item"] == 1
    assert error.value.details["status"] == 403
    assert [result["name"] for result in error.value.details["results"]] == ["ok"]


def test_kv_diff_shows_keys_never_values():
    change = kv._key_diff({"user": "app", "password": "old-secret"}, {"user": "app", "password": "new-secret", "token": "t0ken"})
    text = repr(change)
    for value in ("old-secret", "new-secret", "t0ken"):
        assert value not in text
    assert change["changed_keys"] == ["password", "token"]
    assert change["before"] == {"password": kv.HIDDEN, "user": kv.HIDDEN}
    assert change["after"]["user"] == kv.HIDDEN


def test_kv_api_paths_per_version():
    assert kv.KvPath("secret", "app/db", 2).api() == "secret/data/app/db"
    assert kv.KvPath("secret", "app/db", 2).api("metadata") == "secret/metadata/app/db"
    assert kv.KvPath("kv1", "app/db", 1).api() == "kv1/app/db"


@pytest.mark.parametrize("settings, jwt, message", [
    ({"kubernetes_host": None}, None, "kubernetes_host is required"),
    ({"kubernetes_host": "https://k8s", "kubernetes_ca_cert": "/etc/ca.crt"}, None, "must be PEM text"),
    ({"kubernetes_host": "https://k8s", "pem_keys": ["nope"]}, None, "pem_keys[0]"),
    ({"kubernetes_host": "https://k8s"}, "  ", "token_reviewer_jwt is empty"),
])
def test_k8s_config_combinations_are_rejected_before_any_request(settings, jwt, message):
    with pytest.raises(SecretOpsError) as error:
        k8s_auth.validate_config(settings, jwt)
    assert message in str(error.value)


def test_role_argument_spec_covers_every_role_setting():
    spec = k8s_auth.role_argument_spec()
    assert set(spec) == set(k8s_auth.ROLE_KINDS)
    assert spec["token_ttl"] == {"type": "raw", "no_log": False}
    assert spec["token_policies"] == {"type": "list", "elements": "str", "no_log": False}
    assert spec["audience"] == {"type": "str"}


class _FakeModule(object):
    def __init__(self, params):
        self.params = params
        self.warnings = []

    def warn(self, text):
        self.warnings.append(text)


def _apply_with_diff(item):
    return {"changed": item["name"] == "b", "name": item["name"], "diff": {"before": "", "after": item["name"]}, "warnings": ["w-" + item["name"]]}


def test_single_form_returns_the_item_result_with_its_diff():
    module = _FakeModule({"name": "b", "policies": None})
    result = apply_single_or_list(module, "policies", _apply_with_diff, lambda item: "policy " + item["name"])
    assert result == {"changed": True, "name": "b", "diff": {"before": "", "after": "b", "before_header": "policy b", "after_header": "policy b"}}
    assert module.warnings == ["w-b"]


def test_list_form_returns_results_in_order_and_all_diffs():
    module = _FakeModule({"name": None, "policies": [{"name": "a"}, {"name": "b"}]})
    result = apply_single_or_list(module, "policies", _apply_with_diff, lambda item: "policy " + item["name"])
    assert result["changed"] is True
    assert [entry["name"] for entry in result["results"]] == ["a", "b"]
    assert [change["after"] for change in result["diff"]] == ["a", "b"]
    assert module.warnings == ["w-a", "w-b"]
