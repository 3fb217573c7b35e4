"""The ACL policy service (vault/policy_service.py) against a fake of VaultClient.request: write only when
the policy differs in meaning, delete once, and refuse built-in policies before any request."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import policy_service as policies

from .fakes import FakeVaultApi, denied

PATH = "sys/policies/acl/app"
POLICY = 'path "secret/data/app/*" {\n  capabilities = ["read", "list"]\n}\n'
SAME_POLICY_REFORMATTED = '# app\npath "secret/data/app/*" { capabilities = ["list", "read"] }'


def stored(text):
    return FakeVaultApi({("GET", PATH): {"data": {"name": "app", "policy": text}}})


def test_a_new_policy_is_written():
    vault = FakeVaultApi()
    result = policies.ensure_policy(vault, "app", policy_text=POLICY)
    assert result == {"changed": True, "name": "app", "policy": POLICY, "diff": {"before": None, "after": POLICY}}
    assert vault.writes() == [("POST", PATH, {"policy": POLICY})]


def test_a_policy_equal_in_meaning_is_kept_as_vault_has_it():
    vault = stored(POLICY)
    result = policies.ensure_policy(vault, "app", policy_text=SAME_POLICY_REFORMATTED)
    assert not result["changed"] and result["policy"] == POLICY
    assert result["diff"] == {"before": POLICY, "after": POLICY}
    assert vault.writes() == []


def test_a_different_policy_is_rewritten_and_check_mode_writes_nothing():
    wanted = POLICY.replace('"list"', '"update"')
    checked = stored(POLICY)
    assert policies.ensure_policy(checked, "app", policy_text=wanted, check_mode=True)["changed"]
    assert checked.writes() == []
    vault = stored(POLICY)
    result = policies.ensure_policy(vault, "app", policy_text=wanted)
    assert result["changed"] and result["diff"] == {"before": POLICY, "after": wanted}
    assert vault.writes() == [("POST", PATH, {"policy": wanted})]


def test_rules_are_rendered_to_hcl():
    vault = FakeVaultApi()
    result = policies.ensure_policy(vault, "app", rules=[{"path": "secret/data/app/*", "capabilities": ["read", "list"]}])
    ((method, path, body),) = vault.writes()
    assert (method, path) == ("POST", PATH) and body["policy"] == result["policy"]
    assert 'path "secret/data/app/*"' in body["policy"]
    assert policies.ensure_policy(stored(result["policy"]), "app", policy_text=POLICY)["changed"] is False


def test_absent_deletes_once():
    vault = stored(POLICY)
    result = policies.ensure_policy(vault, "app", state="absent")
    assert result["changed"] and result["diff"] == {"before": POLICY, "after": None}
    assert vault.writes() == [("DELETE", PATH, None)]
    gone = FakeVaultApi()
    assert policies.ensure_policy(gone, "app", state="absent")["changed"] is False
    assert gone.writes() == []
    checked = stored(POLICY)
    assert policies.ensure_policy(checked, "app", state="absent", check_mode=True)["changed"]
    assert checked.writes() == []


@pytest.mark.parametrize("name, state, message", [
    ("root", "present", "policy root is built in and cannot be changed"),
    ("root", "absent", "policy root is built in and cannot be deleted"),
    ("default", "absent", "policy default is built in and cannot be deleted"),
    ("", "present", "a policy needs a name"),
])
def test_built_in_policies_and_a_missing_name_are_refused_before_any_request(name, state, message):
    vault = FakeVaultApi()
    with pytest.raises(SecretOpsError, match=message):
        policies.ensure_policy(vault, name, policy_text=POLICY, state=state)
    assert vault.sent == []


def test_present_needs_text_or_rules_but_not_both():
    with pytest.raises(SecretOpsError, match="policy app needs policy \\(HCL text\\) or rules when state is present"):
        policies.ensure_policy(FakeVaultApi(), "app", policy_text="  ")
    with pytest.raises(SecretOpsError, match="give either policy \\(HCL text\\) or rules, not both"):
        policies.ensure_policy(FakeVaultApi(), "app", policy_text=POLICY, rules=[])


def test_a_refused_read_or_write_is_raised_as_is():
    vault = FakeVaultApi({("GET", PATH): denied(PATH)})
    with pytest.raises(SecretOpsError) as caught:
        policies.ensure_policy(vault, "app", policy_text=POLICY)
    assert caught.value.details["status"] == 403 and vault.writes() == []
    vault = FakeVaultApi({("POST", PATH): denied(PATH)})
    with pytest.raises(SecretOpsError, match="permission denied on sys/policies/acl/app"):
        policies.ensure_policy(vault, "app", policy_text=POLICY)
