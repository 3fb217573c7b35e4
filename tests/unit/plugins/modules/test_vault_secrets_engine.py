"""vault_secrets_engine's main(): what the argument spec refuses before anything is sent to Vault."""

from ansible_collections.secretops.provisioning.plugins.modules import vault_secrets_engine as module_file
from tests.unit.plugins.module_utils.vault.fakes import FakeVaultApi
from tests.unit.plugins.modules.harness import run_module, session_of

VAULT = {"url": "https://vault.example.test:8200", "token": "s.TOKEN"}


def test_present_needs_a_type_and_nothing_is_sent(monkeypatch):
    api = FakeVaultApi()
    monkeypatch.setattr(module_file, "vault_session", session_of(api))
    ended = run_module(module_file, dict(VAULT, mount_point="team-a"), monkeypatch)
    assert ended.failed and "state is present but all of the following are missing: type" in ended.result["msg"]
    assert api.sent == []


def test_the_mount_point_is_required(monkeypatch):
    ended = run_module(module_file, dict(VAULT, type="kv"), monkeypatch)
    assert ended.failed and "missing required arguments: mount_point" in ended.result["msg"]
