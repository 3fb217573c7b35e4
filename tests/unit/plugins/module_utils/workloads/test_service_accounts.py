"""workloads/service_accounts.py against a small fake of ``K8sClient.request``: what is created,
what a concurrent creator or a wrong binding does, and where the token is read from."""

import base64

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import service_accounts


class FakeClient(object):
    """Objects by their expanded path; a POST stores its body under the path of the object it makes."""

    def __init__(self, objects=None, conflict=False):
        self.objects = dict(objects or {})
        self.conflict = conflict
        self.calls = []

    def request(self, method, path, path_params=None, query=None, body=None, content_type=None, action=None):
        params = dict(path_params or {})
        if method == "POST":
            params.setdefault("name", body["metadata"]["name"])
            path += "/{name}"
        for name, value in params.items():
            path = path.replace("{%s}" % name, value)
        self.calls.append((method, path))
        if method == "GET":
            if path not in self.objects:
                raise SecretOpsError("cannot %s: not found (HTTP 404); it does not exist" % action, status=404)
            return self.objects[path]
        if self.conflict:
            raise SecretOpsError("cannot %s: already exists (HTTP 409)" % action, status=409)
        self.objects[path] = body
        return body


NAMESPACE = "/api/v1/namespaces/vault"
ACCOUNT = "/api/v1/namespaces/vault/serviceaccounts/reviewer"
BINDING = "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/vault-reviewer-system-auth-delegator"


def test_missing_objects_are_created_as_the_api_expects_them():
    client = FakeClient()
    created = service_accounts.ensure_identity(client, "vault", "reviewer", cluster_roles=["system:auth-delegator"])
    assert created == ["Namespace/vault", "ServiceAccount/vault/reviewer", "ClusterRoleBinding/vault-reviewer-system-auth-delegator"]
    assert client.objects[NAMESPACE] == {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "vault"}}
    assert client.objects[ACCOUNT]["metadata"] == {"name": "reviewer", "namespace": "vault"}
    binding = client.objects[BINDING]
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "system:auth-delegator"}
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "reviewer", "namespace": "vault"}]
    assert service_accounts.ensure_identity(client, "vault", "reviewer", cluster_roles=["system:auth-delegator"]) == []


def test_check_mode_reads_and_creates_nothing_past_a_missing_namespace():
    client = FakeClient()
    created = service_accounts.ensure_identity(client, "vault", "reviewer", check_mode=True)
    assert created == ["Namespace/vault", "ServiceAccount/vault/reviewer"]
    assert client.calls == [("GET", NAMESPACE)] and not client.objects


def test_a_concurrent_creator_is_the_state_wanted():
    assert service_accounts.ensure_identity(FakeClient(conflict=True), "vault", "reviewer") == ["Namespace/vault", "ServiceAccount/vault/reviewer"]


def test_a_binding_of_another_role_or_subject_is_reported_not_rewritten():
    other = {"roleRef": {"name": "view"}, "subjects": [{"kind": "ServiceAccount", "name": "reviewer", "namespace": "vault"}]}
    client = FakeClient({NAMESPACE: {}, ACCOUNT: {}, BINDING: other})
    with pytest.raises(SecretOpsError, match="exists but does not bind vault/reviewer to system:auth-delegator: delete it and re-run"):
        service_accounts.ensure_identity(client, "vault", "reviewer", cluster_roles=["system:auth-delegator"])
    assert [method for method, _path in client.calls] == ["GET", "GET", "GET"]


def test_the_token_is_read_from_the_secret_and_a_missing_one_says_what_to_do():
    secret = {"metadata": {"name": "reviewer-token"}, "data": {"token": base64.b64encode(b"header.payload.sig").decode()}}
    client = FakeClient({"/api/v1/namespaces/vault/secrets/reviewer-token": secret})
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
