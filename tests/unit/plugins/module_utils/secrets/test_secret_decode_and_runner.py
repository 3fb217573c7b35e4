"""Decoding helpers, the filters built on them, describe_secret, and the module runner."""

import base64

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.secretops.provisioning.plugins.filter.secrets import FilterModule
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.secret_info import describe_secret
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.checksum import content_mac
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.decode import decode_data, encode_data, split_text_and_binary

FILTERS = FilterModule().filters()


def b64(raw):
    return base64.b64encode(raw if isinstance(raw, bytes) else raw.encode()).decode()


def test_decode_data():
    assert decode_data({"a": b64("x"), "b": b64("é")}) == {"a": "x", "b": "é"}
    assert decode_data(None) == {}
    with pytest.raises(SecretOpsError, match="key 'bin' holds binary content"):
        decode_data({"bin": b64(b"\xff\xfe")})
    with pytest.raises(SecretOpsError, match="key 'k' is not base64"):
        decode_data({"k": "***"})
    assert split_text_and_binary({"a": b64("x"), "bin": b64(b"\xff")}) == ({"a": "x"}, {"bin": b64(b"\xff")})


def test_encode_data_is_the_inverse_of_decode_data():
    text = {"a": "x", "b": "é", "empty": ""}
    assert encode_data(text) == {"a": b64("x"), "b": b64("é"), "empty": ""}
    assert decode_data(encode_data(text)) == text and encode_data(None) == {}


def test_filters():
    assert FILTERS["b64decode_data"]({"a": b64("x")}) == {"a": "x"}
    with pytest.raises(AnsibleFilterError, match="b64decode_data: expected a Secret's data"):
        FILTERS["b64decode_data"](["x"])
    text = FILTERS["dockerconfigjson"]({"server": "r", "username": "u", "password": "p"})
    assert text == '{"auths":{"r":{"username":"u","password":"p","auth":"%s"}}}' % b64("u:p")
    with pytest.raises(AnsibleFilterError, match=r"dockerconfigjson: registries\[0\] needs both"):
        FILTERS["dockerconfigjson"]([{"username": "u"}])


def test_describe_secret_hides_values_and_last_applied():
    secret = {
        "metadata": {"name": "db", "namespace": "demo", "resourceVersion": "5", "creationTimestamp": "2026-01-01T00:00:00Z",
                     "labels": {"app": "x"}, "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{...}", "n": "v"}},
        "type": "Opaque", "data": {"password": b64("hunter2")},
    }
    described = describe_secret(secret)
    assert described["keys"] == ["password"] and described["annotations"] == {"n": "v"}
    assert described["checksum"] is None, "no key, no checksum"
    assert describe_secret(secret, content_key=b"k" * 32)["checksum"] == content_mac(b"k" * 32, "db", secret["data"])
    assert "hunter2" not in repr(described) and b64("hunter2") not in repr(described)
    assert describe_secret(secret, decode=True)["data"] == {"password": "hunter2"}


class FakeModule(object):
    """Records exit_json/fail_json like AnsibleModule (which would exit the process)."""

    def __init__(self):
        self.exited = None
        self.failed = None

    def exit_json(self, **result):
        self.exited = result

    def fail_json(self, **result):
        self.failed = result


def test_runner_exits_with_the_result():
    module = FakeModule()
    run(module, lambda: {"secret": {"name": "x"}})
    assert module.exited == {"secret": {"name": "x"}, "changed": False}


def test_runner_translates_the_error_once():
    def boom():
        raise SecretOpsError("cannot do it: fix this", status=403, msg="ignored", changed=True)

    module = FakeModule()
    run(module, boom)
    assert module.failed == {"msg": "cannot do it: fix this", "status": 403, "changed": True}
    assert module.exited is None


def test_runner_prunes_no_log_values_only_with_its_own_invocation():
    module = FakeModule()
    module.no_log_values = {"present-value", "absent-value", 'needs "escaping"'}
    run(module, lambda: {"invocation": {"module_args": {}}, "note": "has present-value inside"})
    assert module.no_log_values == {"present-value", 'needs "escaping"'}
    echoing = FakeModule()
    echoing.no_log_values = {"absent-value"}
    run(echoing, lambda: {"note": "x"})
    assert echoing.no_log_values == {"absent-value"}  # Ansible will echo every argument: keep them all
