"""k8s_service_account's main(): argument spec and its main path against the one fake of the API server."""

from ansible_collections.secretops.provisioning.plugins.modules import k8s_service_account as module_file
from tests.unit.plugins.module_utils.k8s.fakes import FakeApiServer
from tests.unit.plugins.modules.harness import run_module, session_of

CONNECTION = {"host": "https://k8s.example.test:6443", "api_key": "TOKEN"}


def test_name_is_required(monkeypatch):
    ended = run_module(module_file, dict(CONNECTION, namespace="vault"), monkeypatch)
    assert ended.failed and "missing required arguments: name" in ended.result["msg"]


def test_the_namespace_account_and_binding_are_created_once(monkeypatch):
    server = FakeApiServer()
    monkeypatch.setattr(module_file, "k8s_session", session_of(server))
    args = dict(CONNECTION, namespace="vault", name="reviewer", cluster_roles=["system:auth-delegator"])
    checked = run_module(module_file, args, monkeypatch, check_mode=True)
    assert checked.result["changed"] is True and server.writes() == []
    first = run_module(module_file, args, monkeypatch)
    assert not first.failed and first.result["created"] == [
        "Namespace/vault", "ServiceAccount/vault/reviewer", "ClusterRoleBinding/vault-reviewer-system-auth-delegator"]
    assert first.result["api_server"] == "https://k8s.example.test:6443" and first.result["ca_cert"] is None
    again = run_module(module_file, args, monkeypatch)
    assert again.result["changed"] is False and again.result["created"] == []


def test_a_token_secret_without_a_token_yet_fails_saying_what_to_do(monkeypatch):
    server = FakeApiServer(service_accounts={("vault", "reviewer")}, objects={"/api/v1/namespaces/vault": {}})
    monkeypatch.setattr(module_file, "k8s_session", session_of(server))
    ended = run_module(module_file, dict(CONNECTION, namespace="vault", name="reviewer", read_token_secret="reviewer-token"), monkeypatch)
    assert ended.failed and "holds no service-account token yet" in ended.result["msg"]
