"""k8s_secret's main(): argument spec and its main path against the one fake of the API server."""

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import secret_task
from ansible_collections.secretops.provisioning.plugins.modules import k8s_secret as module_file
from tests.unit.plugins.module_utils.k8s.fakes import FakeApiServer
from tests.unit.plugins.modules.harness import run_module, session_of

CONNECTION = {"host": "https://k8s.example.test:6443", "api_key": "TOKEN"}


def test_content_options_are_refused_beside_secrets(monkeypatch):
    ended = run_module(module_file, dict(CONNECTION, namespace="demo", string_data={"a": "b"}, secrets=[{"name": "x"}]), monkeypatch)
    assert ended.failed and "mutually exclusive" in ended.result["msg"]


def test_a_secret_is_applied_once_with_no_value_in_the_result(monkeypatch):
    server = FakeApiServer()
    monkeypatch.setattr(secret_task, "k8s_session", session_of(server))
    args = dict(CONNECTION, namespace="demo", name="db", string_data={"password": "module-secret-value"}, content_stamp=False)
    first = run_module(module_file, args, monkeypatch)
    assert not first.failed and first.result["changed"] is True and ("demo", "db") in server.secrets
    again = run_module(module_file, args, monkeypatch)
    assert not again.failed and again.result["changed"] is False
    assert "module-secret-value" not in repr(first.result) + repr(again.result)


def test_a_failed_item_does_not_stop_the_others(monkeypatch):
    server = FakeApiServer()
    server.failures[("PATCH", "demo", "b")] = [403]
    monkeypatch.setattr(secret_task, "k8s_session", session_of(server))
    items = [{"name": name, "string_data": {"k": "v"}} for name in "abc"]
    ended = run_module(module_file, dict(CONNECTION, namespace="demo", secrets=items, content_stamp=False, concurrency=1), monkeypatch)
    assert ended.failed and ended.result["msg"].startswith("1 of 3 Secrets failed: secrets[1] (demo/b): ")
    assert sorted(name for _namespace, name in server.secrets) == ["a", "c"]
