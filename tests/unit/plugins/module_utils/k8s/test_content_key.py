"""k8s/content_key.py against the fake API server (``fakes.py``): read, make once, race, refuse."""

import base64
import threading

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import content_key

from .fakes import FakeApiServer

KEY = ("demo", content_key.KEY_SECRET_NAME)


def stored(body, manager=content_key.FIELD_MANAGER, uid="uid-0"):
    """``body`` as the apiserver keeps it after ``manager`` created it: a uid and a managedFields entry for its fields."""
    fields = dict(("f:" + key, {}) for key in body if key not in ("apiVersion", "kind", "metadata"))
    metadata = dict(body["metadata"], uid=uid, managedFields=[
        {"manager": manager, "operation": "Update", "apiVersion": "v1", "fieldsType": "FieldsV1", "fieldsV1": fields}])
    return dict(body, metadata=metadata)


def key_server(secrets=None, forbidden=False, race=False):
    """The API server holding ``secrets``; ``forbidden`` refuses the first read of the key (403),
    ``race`` makes the first create lose to a concurrent creator."""
    state = {"race": race}

    def concurrent_creator(method, _path, params, _body):
        if method == "POST" and state["race"]:
            state["race"] = False
            server.secrets[(params["namespace"], content_key.KEY_SECRET_NAME)] = stored(
                content_key.key_secret_body(params["namespace"], b"w" * 32), uid="uid-racer")

    server = FakeApiServer(*(secrets or {}).values(), before=concurrent_creator)
    if forbidden:
        server.failures[("GET", "demo", content_key.KEY_SECRET_NAME)] = [403]
    return server


def test_made_once_then_read():
    client = key_server()
    first = content_key.namespace_key(client, "demo")
    assert len(first) == content_key.KEY_BYTES
    made = client.secrets[("demo", content_key.KEY_SECRET_NAME)]
    assert made["immutable"] is True and made["type"] == "Opaque"
    assert content_key.namespace_key(client, "demo") == first
    assert client.methods() == ["GET", "POST", "GET"]


def test_read_only_callers_never_make_one():
    client = key_server()
    assert content_key.namespace_key(client, "demo", create=False) is None
    assert client.methods() == ["GET"] and not client.secrets


def test_a_concurrent_creator_wins_and_both_use_its_key():
    client = key_server(race=True)
    assert content_key.namespace_key(client, "demo") == b"w" * 32
    assert client.methods() == ["GET", "POST", "GET"]


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
    client = key_server(secrets)
    key = content_key.namespace_key(client, "demo")
    assert key != b"k" * 32 and len(key) == content_key.KEY_BYTES
    replacement = client.secrets[("demo", content_key.KEY_SECRET_NAME)]
    assert content_key.untrusted(replacement) is None and replacement["metadata"]["uid"] != "uid-planted"
    assert client.methods() == ["GET", "DELETE", "POST"]
    assert len(warnings) == 1 and reason in warnings[0] and "it is replaced by a new key" in warnings[0]
    assert base64.b64encode(b"k" * 32).decode() not in warnings[0]
    assert content_key.namespace_key(client, "demo") == key


def test_a_planted_key_is_never_used_in_check_mode_either(monkeypatch):
    warnings = []
    monkeypatch.setattr(content_key, "warn", warnings.append)
    client = key_server(planted())
    assert content_key.namespace_key(client, "demo", create=False) is None
    assert client.methods() == ["GET"] and "it would be replaced" in warnings[0]


def test_a_run_that_replaced_the_planted_key_first_keeps_its_key(monkeypatch):
    monkeypatch.setattr(content_key, "warn", lambda message: None)
    client = key_server(planted())

    def other_run_replaces_it_first(method, _path, _params, _body):
        if method == "DELETE" and client.secrets[KEY]["metadata"]["uid"] == "uid-planted":
            client.secrets[KEY] = stored(content_key.key_secret_body("demo", b"w" * 32), uid="uid-other")

    client.before = other_run_replaces_it_first
    assert content_key.namespace_key(client, "demo") == b"w" * 32
    assert client.methods() == ["GET", "DELETE", "POST", "GET"]


def test_forbidden_is_an_error_unless_optional():
    with pytest.raises(SecretOpsError, match=r"HTTP 403.*RBAC"):
        content_key.namespace_key(key_server(forbidden=True), "demo")
    keys = content_key.NamespaceKeys(key_server(forbidden=True), optional=True)
    assert keys.get("demo") is None and "HTTP 403" in keys.unavailable["demo"]


def test_namespace_keys_reads_each_namespace_once_across_threads():
    client = key_server()
    keys = content_key.NamespaceKeys(client)
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(keys.get("demo"))) for _index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(seen)) == 1 and client.methods().count("POST") == 1
    assert keys.get("other") != keys.get("demo"), "one key per namespace"
