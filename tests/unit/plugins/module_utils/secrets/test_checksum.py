"""secrets/checksum.py: the keyed content MAC that pod-template stamps and checksum returns use."""

import base64
import hashlib
import struct

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.checksum import CONTENT_MAC_PREFIX, Fingerprinter, append_hash_suffix, content_mac


KEY = b"k" * 32


def b64(text):
    return base64.b64encode(text.encode()).decode()


def plain_sha256(data):
    """What versions before the keyed MAC stamped (unkeyed): kept here only to prove it is gone."""
    digest = hashlib.sha256()
    for key in sorted(data):
        value = data[key].encode()
        digest.update(key.encode() + b"\0" + struct.pack(">Q", len(value)))
        digest.update(value)
    return digest.hexdigest()


def test_content_mac_is_stable_and_order_independent():
    first = content_mac(KEY, "db", {"a": b64("1"), "b": b64("2")})
    assert first.startswith(CONTENT_MAC_PREFIX) and len(first) == len(CONTENT_MAC_PREFIX) + 64
    assert first == content_mac(KEY, "db", {"b": b64("2"), "a": b64("1")})
    assert first == content_mac(KEY, "db", {"a": "1", "b": b"2"}, encoded=False)
    assert first != content_mac(KEY, "db", {"a": b64("12"), "b": b64("")}), "no ambiguity across key boundaries"
    assert content_mac(KEY, "db", {}) == content_mac(KEY, "db", None)


def test_content_mac_depends_on_key_and_name():
    data = {"password": b64("123456")}
    stamp = content_mac(KEY, "db", data)
    assert stamp != content_mac(b"other-key-of-32-bytes-----------", "db", data)
    assert stamp != content_mac(KEY, "db2", data), "equal content in two Secrets does not show equal stamps"


def test_a_guessed_short_password_cannot_be_tested_without_the_key():
    data = {"password": "123456"}
    stamp = content_mac(KEY, "db", data, encoded=False)
    # the old unkeyed checksum of the same content, and every variant of it, differ from the stamp
    assert plain_sha256(data) not in stamp
    with pytest.raises(ValueError):
        content_mac(b"", "db", data, encoded=False)
    with pytest.raises(ValueError):
        content_mac(None, "db", data, encoded=False)


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
