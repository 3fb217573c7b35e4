"""describe_secret: what a reader of the info module sees, never a value."""

import base64

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.secret_info import describe_secret
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.checksum import content_mac


def b64(raw):
    return base64.b64encode(raw if isinstance(raw, bytes) else raw.encode()).decode()


def test_describe_secret_hides_values_and_last_applied():
    secret = {
        "metadata": {"name": "db", "namespace": "demo", "resourceVersion": "5", "creationTimestamp": "2026-01-01T00:00:00Z",
                     "labels": {"app": "x"}, "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{...}", "n": "v"}},
        "type": "Opaque", "data": {"password": b64("hunter2")},
    }
    described = describe_secret(secret)
    assert described["data_keys"] == ["password"] and described["annotations"] == {"n": "v"}
    assert described["checksum"] is None, "no key, no checksum"
    assert describe_secret(secret, content_key=b"k" * 32)["checksum"] == content_mac(b"k" * 32, "db", secret["data"])
    assert "hunter2" not in repr(described) and b64("hunter2") not in repr(described)
    assert describe_secret(secret, decode=True)["string_data"] == {"password": "hunter2"}


def test_decode_returns_data_base64_as_the_api_and_the_text_values_as_string_data():
    """Issue 22: ``data`` held decoded values, where in Kubernetes (and k8s_secret's option) it is base64."""
    secret = {"metadata": {"name": "db", "namespace": "demo"}, "type": "Opaque",
              "data": {"password": b64("hunter2"), "keystore": b64(b"\xff\x00binary")}}
    described = describe_secret(secret, decode=True)
    assert described["data"] == secret["data"]
    assert described["string_data"] == {"password": "hunter2"}
    assert "binary_data" not in described
