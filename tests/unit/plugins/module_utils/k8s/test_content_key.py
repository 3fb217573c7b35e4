"""k8s/content_key.py against a small fake of ``K8sClient.request``: read, make once, race, refuse."""

import base64
import threading

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import content_key
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import ApiException, api_error


def failure(status, action):
    """What ``K8sClient.request`` raises for an HTTP error status."""
    return api_error(ApiException(status=status, reason="status %d" % status), action)


class FakeClient(object):
    """Secrets by (namespace, name); ``race`` makes the first POST lose to a concurrent creator."""

    host = "https://fake"

    def __init__(self, secrets=None, forbidden=False, race=False):
        self.secrets = dict(secrets or {})
        self.forbidden = forbidden
        self.race = race
        self.calls = []

    def request(self, method, path, path_params=None, query=None, body=None, content_type=None, action=None):
        self.calls.append(method)
        if self.forbidden:
            raise failure(403, action)
        ref = (path_params["namespace"], path_params.get("name") or body["metadata"]["name"])
        if method == "GET":
            if ref not in self.secrets:
                raise failure(404, action)
            return self.secrets[ref]
        if self.race:
            self.race = False
            self.secrets[ref] = content_key.key_secret_body(ref[0], b"w" * 32)
        if ref in self.secrets:
            raise failure(409, action)
        self.secrets[ref] = body
        return body


def test_made_once_then_read():
    client = FakeClient()
    first = content_key.namespace_key(client, "demo")
    assert len(first) == content_key.KEY_BYTES
    made = client.secrets[("demo", content_key.KEY_SECRET_NAME)]
    assert made["immutable"] is True and made["type"] == "Opaque"
    assert content_key.namespace_key(client, "demo") == first
    assert client.calls == ["GET", "POST", "GET"]


def test_read_only_callers_never_make_one():
    client = FakeClient()
    assert content_key.namespace_key(client, "demo", create=False) is None
    assert client.calls == ["GET"] and not client.secrets


def test_a_concurrent_creator_wins_and_both_use_its_key():
    client = FakeClient(race=True)
    assert content_key.namespace_key(client, "demo") == b"w" * 32
    assert client.calls == ["GET", "POST", "GET"]


def test_a_damaged_key_is_refused_with_what_to_do():
    body = content_key.key_secret_body("demo", b"short")
    client = FakeClient({("demo", content_key.KEY_SECRET_NAME): body})
    with pytest.raises(SecretOpsError, match="delete it and re-run") as caught:
        content_key.namespace_key(client, "demo")
    assert base64.b64encode(b"short").decode() not in str(caught.value)


def test_forbidden_is_an_error_unless_optional():
    with pytest.raises(SecretOpsError, match=r"HTTP 403.*RBAC"):
        content_key.namespace_key(FakeClient(forbidden=True), "demo")
    keys = content_key.NamespaceKeys(FakeClient(forbidden=True), optional=True)
    assert keys.get("demo") is None and "HTTP 403" in keys.unavailable["demo"]


def test_namespace_keys_reads_each_namespace_once_across_threads():
    client = FakeClient()
    keys = content_key.NamespaceKeys(client)
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(keys.get("demo"))) for _index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(seen)) == 1 and client.calls.count("POST") == 1
    assert keys.get("other") != keys.get("demo"), "one key per namespace"
