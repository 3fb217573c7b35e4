"""vault/kms_credentials.py against the fake Vault API (``vault/fakes.py``): the KMS plugin's policy
(encrypt and decrypt on its one key), its periodic token or AppRole written to 0600 files, kept while
they still work, and no credential in any result."""

import json
import os
import stat

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import kms_credentials

from .fakes import FakeVaultApi, denied

POLICY = "secretops-kms-transit-etcd"
TOKEN = "hvs.PLUGIN-TOKEN-never-shown"
ROLE = "auth/approle/role/secretops-kms-plugin"
ROLE_ID = "role-id-never-shown"
SECRET_ID = "secret-id-never-shown"
POLICY_TEXT = ('path "transit/encrypt/etcd" {\n  capabilities = ["update"]\n}\n\n'
               'path "transit/decrypt/etcd" {\n  capabilities = ["update"]\n}\n')


def params(tmp_path, **extra):
    values = dict(mount="transit", key="etcd", policy_name=None, auth="token", token_file=str(tmp_path / "kms" / "token"),
                  token_period="24h", approle_mount="approle", approle_role="secretops-kms-plugin",
                  role_id_file=str(tmp_path / "kms" / "role-id"), secret_id_file=str(tmp_path / "kms" / "secret-id"))
    values.update(extra)
    return values


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_policy_allows_encrypt_and_decrypt_on_the_one_key_only():
    assert kms_credentials.policy_rules("kms/transit", "etcd") == [
        {"path": "kms/transit/encrypt/etcd", "capabilities": ["update"]},
        {"path": "kms/transit/decrypt/etcd", "capabilities": ["update"]}]


def test_files_are_written_0600_in_a_0700_directory_and_read_back_stripped(tmp_path):
    path = str(tmp_path / "new-dir" / "token")
    kms_credentials.write_file(path, TOKEN)
    assert kms_credentials.read_file(path) == TOKEN and open(path).read() == TOKEN + "\n"
    assert mode(path) == 0o600 and mode(str(tmp_path / "new-dir")) == 0o700
    assert os.listdir(str(tmp_path / "new-dir")) == ["token"]  # no partial file left
    assert kms_credentials.read_file(str(tmp_path / "absent")) is None
    kms_credentials.write_file(path, "")
    assert kms_credentials.read_file(path) is None


def test_a_token_is_made_once_for_the_policy_and_kept_while_it_carries_it(tmp_path):
    vault = FakeVaultApi({("POST", "auth/token/create-orphan"): {"auth": {"client_token": TOKEN}}})
    result = kms_credentials.ensure_credentials(vault, params(tmp_path))
    assert result == {"changed": True, "policy": POLICY, "auth": "token"}
    assert ("POST", "sys/policies/acl/" + POLICY, {"policy": POLICY_TEXT}) in vault.sent
    created = [data for method, path, data in vault.sent if path == "auth/token/create-orphan"]
    assert created == [{"policies": [POLICY], "period": "86400s", "display_name": "secretops-kms-plugin", "renewable": True}]
    assert ("POST", "auth/token/create-orphan") in vault.sent_once  # a create is never repeated
    assert kms_credentials.read_file(params(tmp_path)["token_file"]) == TOKEN and mode(params(tmp_path)["token_file"]) == 0o600
    assert TOKEN not in json.dumps(result)

    alive = FakeVaultApi({("GET", "sys/policies/acl/" + POLICY): {"data": {"policy": POLICY_TEXT}},
                          ("POST", "auth/token/lookup"): {"data": {"policies": ["default", POLICY]}}})
    assert kms_credentials.ensure_credentials(alive, params(tmp_path)) == {"changed": False, "policy": POLICY, "auth": "token"}
    assert alive.writes() == [("POST", "auth/token/lookup", {"token": TOKEN})]


@pytest.mark.parametrize("lookup", [denied("auth/token/lookup"), {"data": {"policies": ["default"]}}])
def test_a_token_vault_refuses_or_without_the_policy_is_replaced(tmp_path, lookup):
    kms_credentials.write_file(params(tmp_path)["token_file"], "hvs.OLD")
    vault = FakeVaultApi({("POST", "auth/token/lookup"): lookup, ("POST", "auth/token/create-orphan"): {"auth": {"client_token": TOKEN}}})
    assert kms_credentials.ensure_credentials(vault, params(tmp_path))["changed"]
    assert kms_credentials.read_file(params(tmp_path)["token_file"]) == TOKEN


def test_a_lookup_failing_otherwise_stops_the_task(tmp_path):
    kms_credentials.write_file(params(tmp_path)["token_file"], "hvs.OLD")
    vault = FakeVaultApi({("POST", "auth/token/lookup"): SecretOpsError("Vault is sealed", status=503)})
    with pytest.raises(SecretOpsError, match="sealed"):
        kms_credentials.ensure_credentials(vault, params(tmp_path))
    assert kms_credentials.read_file(params(tmp_path)["token_file"]) == "hvs.OLD"


def test_check_mode_writes_nothing(tmp_path):
    vault = FakeVaultApi()
    assert kms_credentials.ensure_credentials(vault, params(tmp_path), check_mode=True)["changed"]
    assert vault.writes() == [] and not os.path.exists(str(tmp_path / "kms"))
    assert kms_credentials.ensure_credentials(vault, params(tmp_path, auth="approle"), check_mode=True)["changed"]
    assert vault.writes() == [] and not os.path.exists(str(tmp_path / "kms"))


def approle_vault(role=None, lookup=None):
    return FakeVaultApi({("GET", ROLE): role, ("GET", ROLE + "/role-id"): {"data": {"role_id": ROLE_ID}},
                         ("POST", ROLE + "/secret-id"): {"data": {"secret_id": SECRET_ID}},
                         ("POST", ROLE + "/secret-id/lookup"): lookup})


def test_an_approle_is_written_with_its_role_id_and_a_secret_id_then_kept(tmp_path):
    vault = approle_vault()
    result = kms_credentials.ensure_credentials(vault, params(tmp_path, auth="approle"))
    assert result == {"changed": True, "policy": POLICY, "auth": "approle"}
    role = [data for method, path, data in vault.sent if (method, path) == ("POST", ROLE)]
    assert role == [{"token_policies": [POLICY], "token_ttl": 86400, "token_max_ttl": 345600, "secret_id_num_uses": 0, "secret_id_ttl": 0}]
    assert ("POST", ROLE + "/secret-id") in vault.sent_once
    assert kms_credentials.read_file(params(tmp_path)["role_id_file"]) == ROLE_ID
    assert kms_credentials.read_file(params(tmp_path)["secret_id_file"]) == SECRET_ID
    assert mode(params(tmp_path)["secret_id_file"]) == 0o600
    assert SECRET_ID not in json.dumps(result) and ROLE_ID not in json.dumps(result)

    kept = approle_vault(role={"data": role[0]}, lookup={"data": {"secret_id_num_uses": 0}})
    kept.answers[("GET", "sys/policies/acl/" + POLICY)] = {"data": {"policy": POLICY_TEXT}}
    assert not kms_credentials.ensure_credentials(kept, params(tmp_path, auth="approle"))["changed"]
    assert [path for _method, path, _data in kept.writes()] == [ROLE + "/secret-id/lookup"]


def test_a_secret_id_vault_no_longer_knows_is_replaced(tmp_path):
    kms_credentials.write_file(params(tmp_path)["role_id_file"], ROLE_ID)
    kms_credentials.write_file(params(tmp_path)["secret_id_file"], "expired")
    vault = approle_vault(lookup=SecretOpsError("Vault rejected the lookup", status=400))
    assert kms_credentials.ensure_credentials(vault, params(tmp_path, auth="approle"))["changed"]
    assert kms_credentials.read_file(params(tmp_path)["secret_id_file"]) == SECRET_ID


def test_options_are_checked_before_anything_is_written(tmp_path):
    for wrong, message in ((dict(auth="token", token_file=None), "auth: token needs token_file"),
                           (dict(auth="approle", secret_id_file=None), "auth: approle needs secret_id_file")):
        vault = FakeVaultApi()
        with pytest.raises(SecretOpsError, match=message):
            kms_credentials.ensure_credentials(vault, params(tmp_path, **wrong))
        assert vault.writes() == []  # not even the policy of credentials that cannot be made
    vault = FakeVaultApi()
    with pytest.raises(SecretOpsError, match="key"):
        kms_credentials.ensure_credentials(vault, params(tmp_path, key="etcd/../x"))
    assert vault.sent == []
