"""Vault object diffs compare managed fields by meaning."""

from ansible_collections.secretops.provisioning.plugins.module_utils.vault import diff, k8s_auth


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


def test_settings_are_sent_with_durations_in_seconds():
    assert diff.sent("1h", "duration", "ttl") == "3600s" and diff.sent(90, "duration") == "90s"
    assert diff.sent(["a"], "set") == ["a"] and diff.sent(True, "plain") is True


def test_each_kind_is_one_module_option_type():
    kinds = {"names": "set", "ttl": "duration", "bits": "int", "type": "str", "flag": "plain"}
    assert diff.option_specs(kinds) == {"names": {"type": "list", "elements": "str"}, "ttl": {"type": "raw"}, "bits": {"type": "int"},
                                        "type": {"type": "str"}, "flag": {"type": "bool"}}
    assert diff.option_specs({"statements": "plain"}, plain="raw") == {"statements": {"type": "raw"}}
    first = diff.option_specs(kinds)
    first["names"]["no_log"] = False
    assert "no_log" not in diff.option_specs(kinds)["names"]
