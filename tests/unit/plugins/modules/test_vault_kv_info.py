"""vault_kv_info's main(): argument spec and its main path against the fake KV v2 mount."""

from ansible_collections.secretops.provisioning.plugins.modules import vault_kv_info as module_file
from tests.unit.plugins.module_utils.vault.fakes import FakeKv2
from tests.unit.plugins.modules.harness import run_module, session_of

VAULT = {"url": "https://vault.example.test:8200", "token": "s.TOKEN"}


def test_path_is_required(monkeypatch):
    ended = run_module(module_file, VAULT, monkeypatch)
    assert ended.failed and "missing required arguments: path" in ended.result["msg"]


def test_values_are_returned_only_when_asked(monkeypatch):
    api = FakeKv2()
    api.put("app", {"password": "info-secret-value"})
    monkeypatch.setattr(module_file, "vault_session", session_of(api))
    described = run_module(module_file, dict(VAULT, path="secret/app"), monkeypatch)
    assert not described.failed and described.result["changed"] is False and "info-secret-value" not in repr(described.result)
    with_values = run_module(module_file, dict(VAULT, path="secret/app", return_values=True), monkeypatch)
    assert "info-secret-value" in repr(with_values.result) and api.writes() == []
