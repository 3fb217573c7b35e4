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


def stored(body, manager=content_key.FIELD_MANAGER, uid="uid-0"):
    """``body`` as the apiserver keeps it after ``manager`` created it: a uid and a managedFields entry for its fields."""
    fields = dict(("f:" + key, {}) for key in body if key not in ("apiVersion", "kind", "metadata"))
    metadata = dict(body["metadata"], uid=uid, managedFields=[
        {"manager": manager, "operation": "Update", "apiVersion": "v1", "fieldsType": "FieldsV1", "fieldsV1": fields}])
    return dict(body, metadata=metadata)


class FakeClient(object):
    """Secrets by (namespace, name); ``race`` makes the first POST lose to a concurrent creator.

    Like the apiserver it records the creating field manager (``fieldManager``, else the client's
    user agent) in managedFields and honours a uid precondition on DELETE."""

    host = "https://fake"

    def __init__(self, secrets=None, forbidden=False, race=False):
        self.secrets = dict(secrets or {})
        self.forbidden = forbidden
        self.race = race
        self.calls = []
        self.made = 0

    def request(self, method, path, path_params=None, query=None, body=None, content_type=None, action=None):
        self.calls.append(method)
        if self.forbidden:
            raise failure(403, action)
        ref = (path_params["namespace"], path_params.get("name") or body["metadata"]["name"])
        if method == "GET":
            if ref not in self.secrets:
                raise failure(404, action)
            return self.secrets[ref]
        if method == "DELETE":
            if ref not in self.secrets:
                raise failure(404, action)
            if self.secrets[ref]["metadata"]["uid"] != body["preconditions"]["uid"]:
                raise failure(409, action)
            del self.secrets[ref]
            return {}
        if self.race:
            self.race = False
            self.secrets[ref] = stored(content_key.key_secret_body(ref[0], b"w" * 32), uid="uid-racer")
        if ref in self.secrets:
            raise failure(409, action)
        self.made += 1
        self.secrets[ref] = stored(body, (query or {}).get("fieldManager", "python-urllib3"), uid="uid-%d" % self.made)
        return self.secrets[ref]


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


def planted(manager="attacker", key=b"k" * 32, **changes):
    body = dict(content_key.key_secret_body("demo", key), **changes)
    return {("demo", content_key.KEY_SECRET_NAME): stored(body, manager, uid="uid-planted")}


@pytest.mark.parametrize("secrets, reason", [
    (planted(), "its data was not written by the collection's field manager secretops"),
    (planted(manager="kubectl-create"), "its data was not written by the collection's field manager secretops"),
    (planted(immutable=False), "it is not immutable"),
    (planted(type="kubernetes.io/tls"), "it is not an Opaque Secret"),
    (planted(metadata={"name": content_key.KEY_SECRET_NAME, "namespace": "demo"}), "it lacks the label"),
    (planted(manager=content_key.FIELD_MANAGER, key=b"short"), "it does not hold exactly one 32-byte 'key'"),
    (planted(manager=content_key.FIELD_MANAGER, data={"key": base64.b64encode(b"k" * 32).decode(), "more": ""}), "exactly one"),
], ids=["other-manager", "kubectl", "mutable", "type", "unlabelled", "damaged", "extra-key"])
def test_a_key_the_collection_did_not_make_is_replaced_with_a_warning(secrets, reason, monkeypatch):
    """Issue 23: a planted key (known to whoever planted it) made every stamp testable offline."""
    warnings = []
    monkeypatch.setattr(content_key, "warn", warnings.append)
    client = FakeClient(secrets)
    key = content_key.namespace_key(client, "demo")
    assert key != b"k" * 32 and len(key) == content_key.KEY_BYTES
    replacement = client.secrets[("demo", content_key.KEY_SECRET_NAME)]
    assert content_key.untrusted(replacement) is None and replacement["metadata"]["uid"] != "uid-planted"
    assert client.calls == ["GET", "DELETE", "POST"]
    assert len(warnings) == 1 and reason in warnings[0] and "it is replaced by a new key" in warnings[0]
    assert base64.b64encode(b"k" * 32).decode() not in warnings[0]
    assert content_key.namespace_key(client, "demo") == key


def test_a_planted_key_is_never_used_in_check_mode_either(monkeypatch):
    warnings = []
    monkeypatch.setattr(content_key, "warn", warnings.append)
    client = FakeClient(planted())
    assert content_key.namespace_key(client, "demo", create=False) is None
    assert client.calls == ["GET"] and "it would be replaced" in warnings[0]


def test_a_run_that_replaced_the_planted_key_first_keeps_its_key(monkeypatch):
    monkeypatch.setattr(content_key, "warn", lambda message: None)
    client = FakeClient(planted())
    real_delete = client.request

    def other_run_replaces_it_first(method, path, **kwargs):
        if method == "DELETE" and client.secrets[("demo", content_key.KEY_SECRET_NAME)]["metadata"]["uid"] == "uid-planted":
            client.secrets[("demo", content_key.KEY_SECRET_NAME)] = stored(content_key.key_secret_body("demo", b"w" * 32), uid="uid-other")
        return real_delete(method, path, **kwargs)

    client.request = other_run_replaces_it_first
    assert content_key.namespace_key(client, "demo") == b"w" * 32
    assert client.calls == ["GET", "DELETE", "POST", "GET"]


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
