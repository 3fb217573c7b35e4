"""k8s_secret_info's main(): argument spec and its main path against the one fake of the API server."""

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import secret_info
from ansible_collections.secretops.provisioning.plugins.modules import k8s_secret_info as module_file
from tests.unit.plugins.module_utils.k8s.fakes import FakeApiServer
from tests.unit.plugins.modules.harness import run_module, session_of

CONNECTION = {"host": "https://k8s.example.test:6443", "api_key": "TOKEN"}
SECRET = {"apiVersion": "v1", "kind": "Secret", "type": "Opaque", "metadata": {"name": "db", "namespace": "demo"},
          "data": {"password": "c2VjcmV0LXZhbHVl"}}


def test_a_name_and_a_selector_exclude_each_other(monkeypatch):
    ended = run_module(module_file, dict(CONNECTION, namespace="demo", name="db", label_selector="a=b"), monkeypatch)
    assert ended.failed and "mutually exclusive" in ended.result["msg"]


def test_a_secret_is_described_without_its_values_and_a_missing_one_is_empty(monkeypatch):
    server = FakeApiServer(SECRET)
    monkeypatch.setattr(secret_info, "k8s_session", session_of(server))
    found = run_module(module_file, dict(CONNECTION, namespace="demo", name="db"), monkeypatch)
    assert not found.failed and found.result["changed"] is False
    assert "c2VjcmV0LXZhbHVl" not in repr(found.result) and "secret-value" not in repr(found.result)
    missing = run_module(module_file, dict(CONNECTION, namespace="demo", name="gone"), monkeypatch)
    assert not missing.failed and "secret-value" not in repr(missing.result)
    assert server.writes() == []
