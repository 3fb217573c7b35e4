"""secret_rotation's main(): what the argument spec refuses before anything is read."""

from ansible_collections.secretops.provisioning.plugins.modules import secret_rotation as module_file
from tests.unit.plugins.modules.harness import run_module

CONNECTION = {"host": "https://k8s.example.test:6443", "api_key": "TOKEN"}


def test_a_roll_back_needs_to_version(monkeypatch):
    ended = run_module(module_file, dict(CONNECTION, name="db", namespace="demo", vault_path="app/db", state="rolled_back"), monkeypatch)
    assert ended.failed and "state is rolled_back but all of the following are missing: to_version" in ended.result["msg"]


def test_name_and_secrets_exclude_each_other_and_one_is_required(monkeypatch):
    both = run_module(module_file, dict(CONNECTION, name="db", namespace="demo", vault_path="app/db",
                                        secrets=[{"name": "x", "vault_path": "app/x"}]), monkeypatch)
    assert both.failed and "mutually exclusive" in both.result["msg"]
    neither = run_module(module_file, CONNECTION, monkeypatch)
    assert neither.failed and "one of the following is required: name, secrets" in neither.result["msg"]


def test_an_unknown_state_is_refused(monkeypatch):
    ended = run_module(module_file, dict(CONNECTION, name="db", namespace="demo", vault_path="app/db", state="synced"), monkeypatch)
    assert ended.failed and "value of state must be one of: rotated, rolled_back" in ended.result["msg"]
