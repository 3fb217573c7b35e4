"""vault_kv's main(): argument spec and its main path against the fake KV v2 mount (``module_utils/vault/fakes.py``)."""

from ansible_collections.secretops.provisioning.plugins.modules import vault_kv as module_file
from tests.unit.plugins.module_utils.vault.fakes import FakeKv2
from tests.unit.plugins.modules.harness import run_module, session_of

VAULT = {"url": "https://vault.example.test:8200", "token": "s.TOKEN"}


def test_path_and_secrets_exclude_each_other_and_one_is_required(monkeypatch):
    both = run_module(module_file, dict(VAULT, path="secret/app", secrets=[{"path": "secret/b"}]), monkeypatch)
    assert both.failed and "mutually exclusive" in both.result["msg"]
    neither = run_module(module_file, VAULT, monkeypatch)
    assert neither.failed and "one of the following is required: path, secrets" in neither.result["msg"]


def test_a_write_then_the_same_write_again_and_no_value_in_the_result(monkeypatch):
    api = FakeKv2()
    monkeypatch.setattr(module_file, "vault_session", session_of(api))
    args = dict(VAULT, path="secret/app", data={"password": "kv-secret-value"})
    first = run_module(module_file, args, monkeypatch)
    assert not first.failed and first.result["changed"] is True and api.versions["app"] == [{"password": "kv-secret-value"}]
    again = run_module(module_file, args, monkeypatch)
    assert not again.failed and again.result["changed"] is False and len(api.versions["app"]) == 1
    assert "kv-secret-value" not in repr(first.result) + repr(again.result)


def test_the_list_form_refuses_data_at_task_level_before_any_request(monkeypatch):
    api = FakeKv2()
    monkeypatch.setattr(module_file, "vault_session", session_of(api))
    refused = run_module(module_file, dict(VAULT, data={"a": "b"}, secrets=[{"path": "secret/a"}]), monkeypatch)
    assert refused.failed and refused.result["msg"].startswith("data cannot be set at task level beside secrets")
    assert api.sent == []
