"""Validators and TLS/SSH checks: every bad input fails with a message naming what to fix, never a value."""

import base64
import datetime
import json

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets import validation
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.ssh import check_known_hosts, check_private_key
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.tls import check_tls, expiry_warning


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


# TLS
def test_tls_chain_facts(pki):
    info = check_tls(pki.chain_pem, pki.key_pem, pki.root_pem)
    assert info["subject"] == "CN=web.example.com"
    assert info["issuer"] == "CN=Test Intermediate"
    assert info["sans"] == ["DNS:web.example.com", "DNS:www.example.com"]
    assert info["chain_length"] == 2
    assert info["warnings"] == []
    assert 360 <= info["expires_in_days"] <= 365
    assert info["not_after"].endswith("Z")
    assert "PRIVATE" not in repr(info)


def test_tls_key_mismatch(pki):
    with pytest.raises(SecretOpsError, match="tls.key does not match the certificate"):
        check_tls(pki.chain_pem, pki.other_key_pem)


def test_tls_chain_in_wrong_order(pki):
    with pytest.raises(SecretOpsError, match="wrong order"):
        check_tls(pki.reversed_chain_pem, pki.key_pem)
    intermediate_then_root_without_leaf = pki.leaf_pem + pki.root_pem
    with pytest.raises(SecretOpsError, match="certificate 1 is not issued by certificate 2"):
        check_tls(intermediate_then_root_without_leaf, pki.key_pem)


@pytest.mark.parametrize("cert, key, message", [
    ("garbage", None, "tls.crt is not a PEM certificate"),
    ("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", None, "malformed PEM certificate"),
    (None, "garbage", "tls.key is not a PEM private key"),
    (None, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "not a readable PEM private key"),
])
def test_tls_garbage(pki, cert, key, message):
    with pytest.raises(SecretOpsError, match=message) as caught:
        check_tls(cert or pki.chain_pem, key or pki.key_pem)
    assert "AAAA" not in str(caught.value)


def test_tls_key_in_the_cert_field_and_encrypted_key(pki):
    with pytest.raises(SecretOpsError, match="contains a private key"):
        check_tls(pki.chain_pem + pki.key_pem, pki.key_pem)
    with pytest.raises(SecretOpsError, match="tls.key is encrypted"):
        check_tls(pki.chain_pem, pki.encrypted_key_pem)


def test_tls_unrelated_ca_warns(pki):
    info = check_tls(pki.chain_pem, pki.key_pem, pki.leaf_pem)
    assert any("ca.crt does not sign" in warning for warning in info["warnings"])


def test_tls_expiry_warning(pki):
    soon = check_tls(pki.soon_pem, pki.key_pem)
    assert "expires on" in expiry_warning(soon, 30)
    assert expiry_warning(soon, 3) is None
    later = check_tls(pki.chain_pem, pki.key_pem, now=datetime.datetime(2100, 1, 1, tzinfo=datetime.timezone.utc))
    assert "expired on" in expiry_warning(later, 30)


# SSH
def test_ssh_openssh_and_pem_keys(ssh_key, rsa_pem_key):
    info = check_private_key(ssh_key)
    assert info["key_type"] == "ssh-ed25519" and info["fingerprint"].startswith("SHA256:")
    assert check_private_key(rsa_pem_key)["key_type"] == "ssh-rsa"


@pytest.mark.parametrize("text, message", [
    ("garbage", "is not an SSH private key"),
    ("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n", "not a readable SSH private key"),
    ("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----", "must end with a newline"),
])
def test_ssh_bad_keys(text, message):
    with pytest.raises(SecretOpsError, match=message) as caught:
        check_private_key(text)
    assert "AAAA" not in str(caught.value)


def test_ssh_encrypted_key(encrypted_ssh_key):
    with pytest.raises(SecretOpsError, match="is encrypted"):
        check_private_key(encrypted_ssh_key)


def test_known_hosts():
    check_known_hosts("# comment\ngithub.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
                      "@cert-authority *.example.com ecdsa-sha2-nistp256 AAAA\n")
    with pytest.raises(SecretOpsError, match="line 1 is not a known_hosts entry"):
        check_known_hosts("just-a-host\n")
