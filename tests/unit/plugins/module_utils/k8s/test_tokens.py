"""k8s/tokens.py against a small fake of ``K8sClient.request``: the TokenRequest sent and the errors."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import tokens

JWT = "header.payload.signature-never-shown"


class FakeClient(object):
    def __init__(self, status=None):
        self.status = status
        self.sent = []

    def request(self, method, path, path_params=None, query=None, body=None, content_type=None, action=None):
        self.sent.append((method, path, path_params, body, action))
        if self.status:
            raise SecretOpsError("cannot %s: refused (HTTP %d)" % (action, self.status), status=self.status)
        return dict(body, status={"token": JWT, "expirationTimestamp": "2026-01-01T00:10:00Z"})


def test_a_token_request_for_the_audiences_returns_the_token():
    client = FakeClient()
    assert tokens.request_token(client, "apps", "web", ["vault"], 900) == JWT
    method, path, params, body, action = client.sent[0]
    assert (method, path, params) == ("POST", "/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token", {"namespace": "apps", "name": "web"})
    assert body == {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": {"audiences": ["vault"], "expirationSeconds": 900}}
    assert action == "request a token for service account apps/web"


def test_without_audiences_the_api_servers_own_apply():
    client = FakeClient()
    tokens.request_token(client, "apps", "web")
    assert client.sent[0][3]["spec"] == {"audiences": [], "expirationSeconds": 600}


def test_a_missing_service_account_is_named_and_other_errors_pass_through():
    with pytest.raises(SecretOpsError, match="^service account apps/web does not exist$") as missing:
        tokens.request_token(FakeClient(404), "apps", "web")
    assert missing.value.details == {"status": 404}
    with pytest.raises(SecretOpsError, match=r"request a token for service account apps/web: refused \(HTTP 403\)"):
        tokens.request_token(FakeClient(403), "apps", "web")
