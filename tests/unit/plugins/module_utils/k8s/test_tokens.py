"""k8s/tokens.py against the fake API server (``fakes.py``): the TokenRequest sent and the errors."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import tokens

from .fakes import TOKEN as JWT, FakeApiServer


def token_server(status=None):
    """The API server with the ServiceAccount apps/web; ``status`` fails the TokenRequest with it."""
    server = FakeApiServer(service_accounts={("apps", "web")})
    if status:
        server.failures[("POST", "apps", "web")] = [status]
    return server


def test_a_token_request_for_the_audiences_returns_the_token():
    client = token_server()
    assert tokens.request_token(client, "apps", "web", ["vault"], 900) == JWT
    method, path, namespace, name, _content_type = client.calls[0]
    assert (method, path, namespace, name) == ("POST", "/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token", "apps", "web")
    assert client.bodies[0] == ("POST", "/api/v1/namespaces/apps/serviceaccounts/web/token", {
        "apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": {"audiences": ["vault"], "expirationSeconds": 900}})


def test_without_audiences_the_api_servers_own_apply():
    client = token_server()
    tokens.request_token(client, "apps", "web")
    assert client.bodies[0][2]["spec"] == {"audiences": [], "expirationSeconds": 600}


def test_a_missing_service_account_is_named_and_other_errors_pass_through():
    with pytest.raises(SecretOpsError, match="^service account apps/web does not exist$") as missing:
        tokens.request_token(token_server(404), "apps", "web")
    assert missing.value.details == {"status": 404}
    with pytest.raises(SecretOpsError, match="^service account apps/gone does not exist$"):
        tokens.request_token(token_server(), "apps", "gone")
    with pytest.raises(SecretOpsError, match=r"^cannot request a token for service account apps/web: Forbidden \(HTTP 403\)"):
        tokens.request_token(token_server(403), "apps", "web")
