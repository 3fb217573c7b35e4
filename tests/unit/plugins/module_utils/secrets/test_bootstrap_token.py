"""Bootstrap tokens: a fixed id (no new join token per run), RFC 3339 expirations as Kubernetes parses
them, and whole-string matching of every part."""

import random

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.bootstrap_token import bootstrap_token_content
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.builder import build_secret


def test_an_id_is_required_so_runs_do_not_make_new_tokens():
    for spec in ({"bootstrap_token": {"description": "join"}}, {"type": "bootstrap-token", "bootstrap_token": {"expiration": "2030-01-31T00:00:00Z"}}):
        with pytest.raises(SecretOpsError, match="needs a fixed token id, or every run would make a new join token"):
            build_secret(spec, rng=random.Random(1))


def test_the_id_comes_from_token_id_or_the_name_and_runs_agree():
    first = build_secret({"bootstrap_token": {"token_id": "abcdef"}}, rng=random.Random(1))
    second = build_secret({"bootstrap_token": {"token_id": "abcdef"}}, rng=random.Random(2))
    assert first.ref == second.ref == "kube-system/bootstrap-token-abcdef"
    assert first.generated_keys == ["token-secret"]  # reconcile keeps the server's on later runs
    named = build_secret({"name": "bootstrap-token-qwerty", "type": "bootstrap-token"})
    assert named.ref == "kube-system/bootstrap-token-qwerty" and named.info == {"token_id": "qwerty"}


@pytest.mark.parametrize("expiration", [
    "2030-01-31T00:00:00Z", "2030-01-31T02:00:00+02:00", "2030-01-30T19:00:00-05:00", "2030-01-31T00:00:00.123Z",
    "2024-02-29T23:59:59Z",
])
def test_expirations_go_parses_as_rfc3339_are_accepted(expiration):
    _name, _ns, data, _generated = bootstrap_token_content({"token_id": "abcdef", "expiration": expiration})
    assert data["expiration"] == expiration


@pytest.mark.parametrize("expiration", [
    "2030-01-31T00:00Z",            # no seconds
    "2030-01-31T00:00:00+0000",     # offset without a colon
    "2030-01-31T00:00:00+00",       # offset without minutes
    "2030-01-31 00:00:00Z",         # space for T
    "2030-01-31t00:00:00z",         # lower case
    "2030-01-31T00:00:00",          # no zone
    "2030-01-31",                   # a date
    "2030-02-30T00:00:00Z",         # no such day
    "2030-01-31T24:00:00Z",         # no such hour
    "2030-01-31T00:00:60Z",         # Go refuses leap seconds
    "2030-01-31T00:00:00+24:00",    # no such offset
    "2030-01-31T00:00:00Z\n",       # trailing newline
    "20300131T000000Z",             # ISO 8601 basic form
])
def test_other_forms_are_refused_showing_the_format(expiration):
    with pytest.raises(SecretOpsError) as caught:
        bootstrap_token_content({"token_id": "abcdef", "expiration": expiration})
    message = str(caught.value)
    assert "bootstrap_token.expiration %r is not an RFC 3339 time as Kubernetes reads it" % expiration in message
    assert "2030-01-31T00:00:00Z" in message and "+hh:mm" in message


@pytest.mark.parametrize("options, name, message", [
    ({"token_id": "abcdef\n"}, None, "token_id 'abcdef\\\\n' is not valid"),
    ({}, "bootstrap-token-abcdef\n", "token_id 'abcdef\\\\n' is not valid"),
    ({"token_id": "abcdef", "token_secret": "0123456789abcdef\n"}, None, "token_secret is not valid"),
    ({"token_id": "abcdef", "auth_extra_groups": ["system:bootstrappers:it\n"]}, None, "auth_extra_groups has"),
])
def test_a_trailing_newline_in_a_token_part_is_refused(options, name, message):
    with pytest.raises(SecretOpsError, match=message) as caught:
        bootstrap_token_content(options, name=name)
    assert "0123456789abcdef" not in str(caught.value)


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
