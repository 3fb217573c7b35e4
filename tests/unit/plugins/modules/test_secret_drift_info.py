"""secret_drift_info's main(): what the argument spec refuses before anything is read."""

from ansible_collections.secretops.provisioning.plugins.modules import secret_drift_info as module_file
from tests.unit.plugins.modules.harness import run_module


def test_namespaces_or_secrets_are_required(monkeypatch):
    ended = run_module(module_file, {"host": "https://k8s.example.test:6443", "api_key": "TOKEN"}, monkeypatch)
    assert ended.failed and "one of the following is required: namespaces, secrets" in ended.result["msg"]
