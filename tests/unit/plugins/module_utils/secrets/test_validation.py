"""Validators match whole strings: a trailing newline (which a pattern ending in "$" accepts) is refused."""

import base64
import json

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets import validation


@pytest.mark.parametrize("check, args, message", [
    (validation.validate_name, ("db\n",), "is not a valid Secret name"),
    (validation.validate_name, ("db.example\n",), "is not a valid Secret name"),
    (validation.validate_namespace, ("demo\n",), "is not valid"),
    (validation.validate_key, ("password\n",), "is not a valid Secret key"),
    (validation.validate_metadata, ({"app\n": "web"}, {}), "labels key 'app\\\\n' is not valid"),
    (validation.validate_metadata, ({"example.com\n/app": "web"}, {}), "has an invalid prefix"),
    (validation.validate_metadata, ({"app": "web\n"}, {}), "labels value of 'app' is not valid"),
    (validation.validate_metadata, ({}, {"owner\n": "team"}), "annotations key 'owner\\\\n' is not valid"),
])
def test_a_trailing_newline_is_refused(check, args, message):
    with pytest.raises(SecretOpsError, match=message):
        check(*args)


def test_the_same_strings_without_the_newline_pass():
    validation.validate_name("db.example")
    validation.validate_namespace("demo")
    validation.validate_key("password")
    validation.validate_metadata({"example.com/app": "web", "empty": ""}, {"owner": "team"})


def b64(text):
    return base64.b64encode(text.encode() if isinstance(text, str) else text).decode()


@pytest.mark.parametrize("name", ["db", "a.b-c", "x" * 253, "0abc"])
def test_valid_names(name):
    validation.validate_name(name)


@pytest.mark.parametrize("name", ["", None, "DB", "-db", "db-", "a_b", "x" * 254, "a..b"])
def test_invalid_names(name):
    with pytest.raises(SecretOpsError, match="name"):
        validation.validate_name(name)


@pytest.mark.parametrize("namespace", ["", None, "a.b", "A", "x" * 64])
def test_invalid_namespaces(namespace):
    with pytest.raises(SecretOpsError, match="namespace"):
        validation.validate_namespace(namespace)


@pytest.mark.parametrize("key", ["password", ".dockerconfigjson", "tls.crt", "a-b_c.d", "X" * 253])
def test_valid_keys(key):
    validation.validate_key(key)


@pytest.mark.parametrize("key", ["", "a/b", "a b", ".", "..", "..x", "x" * 254, "é"])
def test_invalid_keys_name_the_key_and_the_rule(key):
    with pytest.raises(SecretOpsError, match="letters, digits|empty key"):
        validation.validate_key(key, "data")


def test_metadata_rules():
    validation.validate_metadata({"app.kubernetes.io/name": "web", "tier": ""}, {"example.com/note": "any text: ok"})
    with pytest.raises(SecretOpsError, match="labels value of 'tier'"):
        validation.validate_metadata({"tier": "not valid!"}, None)
    with pytest.raises(SecretOpsError, match="labels key 'bad key'"):
        validation.validate_metadata({"bad key": "x"}, None)
    with pytest.raises(SecretOpsError, match="annotations value of 'n' must be a string"):
        validation.validate_metadata(None, {"n": 1})


def test_size_limit_is_on_decoded_bytes():
    exactly = {"a": b64(b"x" * (1024 * 1024 - 10)), "b": b64(b"y" * 10)}
    assert validation.decoded_size(exactly) == 1024 * 1024
    validation.validate_size(exactly)
    with pytest.raises(SecretOpsError, match="more than the API server's limit of 1 MiB") as caught:
        validation.validate_size({"a": b64(b"x" * (1024 * 1024 + 1))})
    assert caught.value.details["size"] == 1024 * 1024 + 1


def test_base64_check():
    validation.validate_base64("k", b64("x"))
    with pytest.raises(SecretOpsError, match="binary_data key 'k' is not valid base64"):
        validation.validate_base64("k", "not base64!")


@pytest.mark.parametrize("secret_type, data, message", [
    ("kubernetes.io/tls", {"tls.crt": b64("x")}, "needs the key 'tls.key'"),
    ("kubernetes.io/basic-auth", {"username": b64("u")}, "needs the key 'password'"),
    ("kubernetes.io/ssh-auth", {}, "needs the key 'ssh-privatekey'"),
    ("kubernetes.io/dockerconfigjson", {}, "give registries"),
    ("kubernetes.io/dockerconfigjson", {".dockerconfigjson": b64("{not json")}, "must hold a JSON document"),
    ("kubernetes.io/dockerconfigjson", {".dockerconfigjson": b64(json.dumps({"x": 1}))}, "with 'auths'"),
    ("kubernetes.io/dockercfg", {".dockercfg": b64("[]")}, "must hold a JSON object"),
    ("bootstrap.kubernetes.io/token", {"token-id": b64("abcdef")}, "needs the key 'token-secret'"),
])
def test_required_keys_per_type(secret_type, data, message):
    with pytest.raises(SecretOpsError, match=message):
        validation.validate_type_keys(secret_type, data)


def test_custom_and_opaque_types_need_no_keys():
    validation.validate_type_keys("Opaque", {})
    validation.validate_type_keys("example.com/custom", {})
