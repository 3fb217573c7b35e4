"""vault_transit_key's main(): what the argument spec refuses before anything is sent to Vault."""

from ansible_collections.secretops.provisioning.plugins.modules import vault_transit_key as module_file
from tests.unit.plugins.modules.harness import run_module

VAULT = {"url": "https://vault.example.test:8200", "token": "s.TOKEN"}


def test_name_is_required_and_the_state_is_present_or_absent(monkeypatch):
    ended = run_module(module_file, VAULT, monkeypatch)
    assert ended.failed and "missing required arguments: name" in ended.result["msg"]
    wrong = run_module(module_file, dict(VAULT, name="etcd", state="rotated"), monkeypatch)
    assert wrong.failed and "value of state must be one of: present, absent" in wrong.result["msg"]
