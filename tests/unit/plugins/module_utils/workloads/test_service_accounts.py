"""workloads/service_accounts.py against the fake API server (``k8s/fakes.py``): what is created,
what a concurrent creator or a wrong binding does, and where the token is read from."""

import base64

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import service_accounts

from ..k8s.fakes import FakeApiServer


def identity_server(objects=None, conflict=False, secrets=()):
    """The API server holding ``objects`` (by path); with ``conflict`` a concurrent creator makes
    each object just before the create of it arrives."""
    def concurrent_creator(method, path, params, body):
        if method == "POST":
            server.serve(method, path, params, {}, body, "application/json")
            server.calls.pop()
            server.requests.pop()

    server = FakeApiServer(*secrets, objects=objects, before=concurrent_creator if conflict else None)
    return server


NAMESPACE = "/api/v1/namespaces/vault"
ACCOUNT = "/api/v1/namespaces/vault/serviceaccounts/reviewer"
BINDING = "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/vault-reviewer-system-auth-delegator"


def test_missing_objects_are_created_as_the_api_expects_them():
    client = identity_server()
    created = service_accounts.ensure_identity(client, "vault", "reviewer", cluster_roles=["system:auth-delegator"])
    assert created == ["Namespace/vault", "ServiceAccount/vault/reviewer", "ClusterRoleBinding/vault-reviewer-system-auth-delegator"]
    assert client.objects[NAMESPACE] == {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "vault"}}
    assert client.objects[ACCOUNT]["metadata"] == {"name": "reviewer", "namespace": "vault"}
    binding = client.objects[BINDING]
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "system:auth-delegator"}
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "reviewer", "namespace": "vault"}]
    assert service_accounts.ensure_identity(client, "vault", "reviewer", cluster_roles=["system:auth-delegator"]) == []


def test_check_mode_reads_and_creates_nothing_past_a_missing_namespace():
    client = identity_server()
    created = service_accounts.ensure_identity(client, "vault", "reviewer", check_mode=True)
    assert created == ["Namespace/vault", "ServiceAccount/vault/reviewer"]
    assert client.requests == [("GET", NAMESPACE)] and not client.objects


def test_a_concurrent_creator_is_the_state_wanted():
    assert service_accounts.ensure_identity(identity_server(conflict=True), "vault", "reviewer") == ["Namespace/vault", "ServiceAccount/vault/reviewer"]


def test_a_binding_of_another_role_or_subject_is_reported_not_rewritten():
    other = {"roleRef": {"name": "view"}, "subjects": [{"kind": "ServiceAccount", "name": "reviewer", "namespace": "vault"}]}
    client = identity_server({NAMESPACE: {}, ACCOUNT: {}, BINDING: other})
    with pytest.raises(SecretOpsError, match="exists but does not bind vault/reviewer to system:auth-delegator: delete it and re-run"):
        service_accounts.ensure_identity(client, "vault", "reviewer", cluster_roles=["system:auth-delegator"])
    assert [method for method, _path in client.requests] == ["GET", "GET", "GET"]


def test_the_token_is_read_from_the_secret_and_a_missing_one_says_what_to_do():
    secret = {"metadata": {"name": "reviewer-token", "namespace": "vault"}, "data": {"token": base64.b64encode(b"header.payload.sig").decode()}}
    client = identity_server(secrets=[secret])
    assert service_accounts.read_token(client, "vault", "reviewer-token") == "header.payload.sig"
    with pytest.raises(SecretOpsError, match="holds no service-account token yet"):
        service_accounts.read_token(client, "vault", "missing")


def test_identity_diff_shows_each_object_created():
    created = ["Namespace/shop", "ServiceAccount/shop/web", "ClusterRoleBinding/shop-web-system-auth-delegator"]
    diff = service_accounts.identity_diff("shop", "web", ["system:auth-delegator"], created)
    assert [entry["after_header"] for entry in diff] == created and all(entry["before"] == {} for entry in diff)
    assert diff[1]["after"]["metadata"] == {"name": "web", "namespace": "shop"}
    assert diff[2]["after"]["roleRef"]["name"] == "system:auth-delegator"
    assert service_accounts.identity_diff("shop", "web", [], []) == []
