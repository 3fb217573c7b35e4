"""encryption/envelope.py: what a stored value says in clear. Kinds by provider and version, the KMS
v2 key id read from the protobuf, and a malformed payload that yields no key id instead of an error
(test_envelope_census.py covers the common envelopes)."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption import envelope

from .test_envelope_census import field, varint


@pytest.mark.parametrize("value, described", [
    (b"k8s:enc:aesgcm:v1:k1:\x00\x01", ("aesgcm", "k1", None)),
    (b"k8s:enc:kms:v1:legacy:payload", ("kms-v1", "legacy", None)),
    (b"k8s:enc:kms:v3:future:payload", ("unknown", "future", None)),
    (b"k8s:enc:vendor:v1:name:payload", ("unknown", "name", None)),
    (b"k8s:enc:aescbc:v1:no-payload", ("unknown", None, None)),
    (b"k8s:enc:", ("unknown", None, None)),
    (b"", ("identity", None, None)),
])
def test_the_kind_comes_from_provider_and_version_only(value, described):
    assert envelope.describe(value) == described


def test_the_payload_may_hold_colons_and_is_never_returned():
    value = b"k8s:enc:secretbox:v1:key-2:pay:load:with:colons"
    assert envelope.describe(value) == ("secretbox", "key-2", None)


def test_the_key_id_is_field_2_whatever_comes_before_it():
    payload = varint(5 << 3) + varint(300) + field(1, b"ciphertext") + field(2, b"transit/k8s:v7") + field(3, b"seed")
    assert envelope.kms_v2_key_id(payload) == "transit/k8s:v7"
    assert envelope.kms_v2_key_id(field(1, b"ciphertext")) is None  # no key id at all
    assert envelope.kms_v2_key_id(b"") is None


@pytest.mark.parametrize("payload", [
    field(1, b"x")[:-1] + b"\x7f",       # a length past the end
    varint(2 << 3 | 2) + b"\xff\xff",     # a varint cut short
    varint(1 << 3 | 5) + b"\x00" * 4,     # a wire type (fixed32) an EncryptedObject never uses
    b"\xff" * 11,                         # a varint longer than 64 bits
])
def test_a_malformed_payload_has_no_key_id(payload):
    assert envelope.kms_v2_key_id(payload) is None


def test_a_key_id_that_is_not_utf8_is_kept_readable():
    payload = field(2, b"transit/\xffkey:v1")
    assert envelope.kms_v2_key_id(payload) == "transit/\ufffdkey:v1"
