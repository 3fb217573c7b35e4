"""vault_transit_key's main(): what the argument spec refuses before anything is sent to Vault, and the
min_decryption_version guard reading the whole store (the one fake of etcd, of Vault)."""

from ansible_collections.secretops.provisioning.plugins.modules import vault_transit_key as module_file
from tests.unit.plugins.module_utils.encryption.fakes import FakeEtcd
from tests.unit.plugins.module_utils.encryption.test_envelope_census import kms_v2
from tests.unit.plugins.module_utils.vault.fakes import FakeVaultApi
from tests.unit.plugins.modules.harness import run_module, session_of

VAULT = {"url": "https://vault.example.test:8200", "token": "s.TOKEN"}


def test_name_is_required_and_the_state_is_present_or_absent(monkeypatch):
    ended = run_module(module_file, VAULT, monkeypatch)
    assert ended.failed and "missing required arguments: name" in ended.result["msg"]
    wrong = run_module(module_file, dict(VAULT, name="etcd", state="rotated"), monkeypatch)
    assert wrong.failed and "value of state must be one of: present, absent" in wrong.result["msg"]


def test_raising_the_floor_reads_every_object_under_the_etcd_prefix(monkeypatch):
    key = {"type": "aes256-gcm96", "exportable": False, "deletion_allowed": False, "allow_plaintext_backup": False,
           "auto_rotate_period": 0, "min_decryption_version": 1, "min_encryption_version": 0, "latest_version": 2,
           "keys": {"1": 1700000000, "2": 1700000100}}
    vault = FakeVaultApi({("GET", "transit/keys/etcd"): {"data": key}})
    monkeypatch.setattr(module_file, "vault_session", session_of(vault))
    # Secrets are all under v2; a ConfigMap (a resource the task names nowhere) is still under v1.
    etcd = FakeEtcd({b"/registry/secrets/shop/db": kms_v2("p", "transit/etcd:v2"),
                     b"/registry/configmaps/shop/settings": kms_v2("p", "transit/etcd:v1")})
    monkeypatch.setattr(module_file, "etcd_reader", lambda params: etcd)
    refused = run_module(module_file, dict(VAULT, name="etcd", min_decryption_version=2, etcd_url="https://127.0.0.1:2379"), monkeypatch)
    assert refused.failed and "transit/etcd:v1: 1" in refused.result["msg"], refused.result
    assert [start for start, _end, _limit in etcd.ranges] == [b"/registry/"] and vault.writes() == []
    del etcd.stored[b"/registry/configmaps/shop/settings"]
    raised = run_module(module_file, dict(VAULT, name="etcd", min_decryption_version=2, etcd_url="https://127.0.0.1:2379"), monkeypatch)
    assert not raised.failed and raised.result["changed"], raised.result
