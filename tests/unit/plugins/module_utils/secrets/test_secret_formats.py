"""Pure Secret formats: type names, env files, registry JSON, checksums, bootstrap-token rules."""

import base64
import json
import random

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets import types
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.bootstrap_token import bootstrap_token_content
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.checksum import (
    Fingerprinter, append_hash_suffix,
)
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.dockerconfig import dockercfg, dockerconfigjson
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.envfile import parse_env_file


def b64(text):
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize("given, expected", [
    (None, "Opaque"), ("", "Opaque"), ("opaque", "Opaque"), ("Opaque", "Opaque"), ("OPAQUE", "Opaque"),
    ("dockerconfigjson", "kubernetes.io/dockerconfigjson"), ("dockercfg", "kubernetes.io/dockercfg"),
    ("tls", "kubernetes.io/tls"), ("TLS", "kubernetes.io/tls"), ("basic-auth", "kubernetes.io/basic-auth"),
    ("ssh-auth", "kubernetes.io/ssh-auth"), ("service-account-token", "kubernetes.io/service-account-token"),
    ("bootstrap-token", "bootstrap.kubernetes.io/token"), ("kubernetes.io/tls", "kubernetes.io/tls"),
    ("example.com/custom", "example.com/custom"),
])
def test_normalize_type(given, expected):
    assert types.normalize_type(given) == expected


# env files: the same results as kubectl create secret generic --from-env-file (checked against kubectl 1.32)
def test_env_file_follows_kubectl_rules():
    content = b"\xef\xbb\xbfA=1\r\n  B= two \n#comment\n\n   # indented comment\nC\nD=x=y\nE=\"quoted\"\n"
    assert parse_env_file(content, environ={"C": "fromenv"}) == {"A": "1", "B": " two ", "C": "fromenv", "D": "x=y", "E": "\"quoted\""}


def test_env_file_line_without_value_and_no_environment_is_empty():
    assert parse_env_file("LONELY\n") == {"LONELY": ""}


def test_env_file_rejects_a_bad_name_without_echoing_a_stray_value():
    with pytest.raises(SecretOpsError) as caught:
        parse_env_file("A=1\ns3cr3t value\n", source="env_file /tmp/x.env")
    assert "env_file /tmp/x.env line 2" in str(caught.value)
    assert "s3cr3t" not in str(caught.value)
    assert caught.value.details["line"] == 2


def test_env_file_names_the_line_of_a_bad_key_before_equals_but_not_the_key():
    with pytest.raises(SecretOpsError, match=r"line 1: the text before '=' is not a valid variable name") as caught:
        parse_env_file("1BAD=value\n")
    assert "1BAD" not in str(caught.value)


def test_env_file_rejects_duplicates_and_invalid_utf8():
    with pytest.raises(SecretOpsError, match="key 'A' is given twice"):
        parse_env_file("A=1\nA=2\n")
    with pytest.raises(SecretOpsError, match="not valid UTF-8"):
        parse_env_file(b"A=\xff\n")


# registry credentials: byte-identical to kubectl create secret docker-registry
def test_dockerconfigjson_matches_kubectl_byte_for_byte():
    text = dockerconfigjson([{"server": "registry.example.com", "username": "robot", "password": "p<a>s&s", "email": "ops@example.com"}])
    assert text == ('{"auths":{"registry.example.com":{"username":"robot","password":"p\\u003ca\\u003es\\u0026s",'
                    '"email":"ops@example.com","auth":"cm9ib3Q6cDxhPnMmcw=="}}}')


def test_dockerconfigjson_several_registries_sorted_and_default_server():
    document = json.loads(dockerconfigjson([{"server": "z.example", "username": "u", "password": "p"}, {"username": "d", "password": "q"}]))
    assert list(document["auths"]) == ["https://index.docker.io/v1/", "z.example"]
    assert document["auths"]["z.example"] == {"username": "u", "password": "p", "auth": b64("u:p")}


def test_dockercfg_is_the_auths_map():
    assert json.loads(dockercfg([{"server": "r", "username": "u", "password": "p"}])) == {"r": {"username": "u", "password": "p", "auth": b64("u:p")}}


@pytest.mark.parametrize("registries, message", [
    ([], "non-empty list"),
    ([{"server": "r", "username": "u"}], r"registries\[0\] needs both username and password"),
    ([{"server": "r", "username": "u", "password": "p"}, {"server": "r", "username": "v", "password": "q"}], "given twice"),
    ([{"server": "r", "username": "u", "password": "p", "token": "x"}], "unknown field"),
])
def test_dockerconfigjson_rejects_bad_registries(registries, message):
    with pytest.raises(SecretOpsError, match=message) as caught:
        dockerconfigjson(registries)
    assert "'p'" not in str(caught.value)


# checksums
def test_append_hash_matches_kubectl():
    # kubectl create secret generic demo --type=Opaque --from-literal=password=hunter2 --from-literal=user=app --append-hash
    assert append_hash_suffix("demo", "Opaque", {"password": b64("hunter2"), "user": b64("app")}) == "7fhgmmc8fm"
    # without --type kubectl hashes an empty type
    assert append_hash_suffix("demo", "", {"password": b64("hunter2"), "user": b64("app")}) == "86g68758bg"


def test_fingerprints_equal_within_a_run_and_salted_across_runs():
    one = Fingerprinter(salt=b"a" * 32)
    assert one.fingerprint("k", b64("v")) == one.fingerprint("k", b64("v"))
    assert one.fingerprint("k", b64("v")) != one.fingerprint("k", b64("w"))
    assert one.fingerprint("k", b64("v")) != Fingerprinter(salt=b"b" * 32).fingerprint("k", b64("v"))
    assert one.fingerprint("k", b64("v")).startswith("hmac:") and len(one.fingerprint("k", b64("v"))) == 17


# bootstrap tokens
def test_bootstrap_token_full_content():
    name, namespace, data, generated = bootstrap_token_content({
        "token_id": "abcdef", "token_secret": "0123456789abcdef", "expiration": "2030-01-31T00:00:00Z",
        "usages": ["authentication"], "auth_extra_groups": ["system:bootstrappers:kubeadm:default-node-token"],
        "description": "join",
    })
    assert (name, namespace, generated) == ("bootstrap-token-abcdef", "kube-system", [])
    assert data == {
        "token-id": "abcdef", "token-secret": "0123456789abcdef", "expiration": "2030-01-31T00:00:00Z",
        "usage-bootstrap-authentication": "true", "auth-extra-groups": "system:bootstrappers:kubeadm:default-node-token",
        "description": "join",
    }


def test_bootstrap_token_generates_the_secret_with_default_usages():
    name, _namespace, data, generated = bootstrap_token_content({"token_id": "abcdef"}, rng=random.Random(7))
    assert generated == ["token-secret"]
    assert name == "bootstrap-token-abcdef" and data["token-id"] == "abcdef"
    assert len(data["token-secret"]) == 16
    assert data["usage-bootstrap-authentication"] == data["usage-bootstrap-signing"] == "true"


def test_bootstrap_token_id_from_name():
    name, _ns, data, generated = bootstrap_token_content({"token_secret": "0123456789abcdef"}, name="bootstrap-token-zzzzzz")
    assert data["token-id"] == "zzzzzz" and generated == [] and name == "bootstrap-token-zzzzzz"


@pytest.mark.parametrize("options, name, namespace, message", [
    ({"token_id": "ABCDEF"}, None, None, "exactly 6 characters"),
    ({"token_id": "abcdef", "token_secret": "short"}, None, None, "token_secret is not valid"),
    ({"token_id": "abcdef"}, "bootstrap-token-qqqqqq", None, "does not match the name"),
    ({}, "my-token", None, "must be named bootstrap-token-"),
    ({}, None, "default", "must be in namespace kube-system"),
    ({"token_id": "abcdef", "expiration": "tomorrow"}, None, None, "not an RFC 3339 time"),
    ({"token_id": "abcdef", "expiration": "2030-01-31T00:00:00"}, None, None, "then Z or an offset"),
    ({"token_id": "abcdef", "usages": ["everything"]}, None, None, "use authentication and/or signing"),
    ({"token_id": "abcdef", "auth_extra_groups": ["admins"]}, None, None, "system:bootstrappers:"),
    ({"token_id": "abcdef", "ttl": "1h"}, None, None, "unknown field"),
])
def test_bootstrap_token_rules(options, name, namespace, message):
    with pytest.raises(SecretOpsError, match=message):
        bootstrap_token_content(options, name=name, namespace=namespace)
