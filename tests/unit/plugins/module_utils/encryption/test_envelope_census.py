"""What an etcd value says in clear (encryption/envelope.py) and the counts over many (encryption/census.py)."""

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption import census, envelope


def varint(number):
    out = bytearray()
    while True:
        byte = number & 0x7F
        number >>= 7
        if number:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def kms_v2(name, key_id):
    """An EncryptedObject as kube-apiserver stores it (data, key id, DEK source, source type)."""
    body = field(1, b"\x00" * 300) + field(2, key_id.encode()) + field(3, b"sealed-seed") + varint(5 << 3) + varint(1)
    return b"k8s:enc:kms:v2:" + name.encode() + b":" + body


def test_plaintext_protobuf_and_json_are_identity():
    assert envelope.describe(b"k8s\x00\n\x0c\n\x02v1\x12\x06Secret") == ("identity", None, None)
    assert envelope.describe(b'{"kind":"Secret"}') == ("identity", None, None)


def test_a_kms_v2_envelope_gives_provider_and_key_id():
    assert envelope.describe(kms_v2("vault-transit", "transit/k8s:v3")) == ("kms-v2", "vault-transit", "transit/k8s:v3")


def test_other_providers_are_named_without_key_id():
    assert envelope.describe(b"k8s:enc:aescbc:v1:key1:\x01\x02") == ("aescbc", "key1", None)
    assert envelope.describe(b"k8s:enc:secretbox:v1:key1:xyz") == ("secretbox", "key1", None)


def test_a_truncated_kms_payload_has_no_key_id():
    value = kms_v2("p", "transit/k8s:v1")[:40]
    assert envelope.describe(value)[:2] == ("kms-v2", "p")


def test_count_and_older_versions():
    values = [b"k8s\x00plain", kms_v2("p", "transit/k8s:v1"), kms_v2("p", "transit/k8s:v2"), kms_v2("p", "transit/k8s:v2"),
              kms_v2("p", "transit/other:v1")]
    counts = census.count(values)
    assert counts == {"total": 5, "plaintext": 1, "providers": {"kms-v2:p": 4},
                      "key_ids": {"transit/k8s:v1": 1, "transit/k8s:v2": 2, "transit/other:v1": 1}}
    assert census.older_versions({"secrets": counts}, "transit/k8s", 2) == {"transit/k8s:v1": 1}
    assert census.older_versions({"secrets": counts}, "transit/k8s", 1) == {}


def test_failures_name_each_condition():
    counts = {"secrets": census.count([b"k8s\x00plain", kms_v2("p", "t/k:v1"), kms_v2("p", "t/k:v2")])}
    found = census.failures(counts, ["plaintext", "not_kms", "mixed_keys"])
    assert len(found) == 3 and "1 of 3 objects are stored in plaintext" in found[0]
    assert census.failures({"secrets": census.count([kms_v2("p", "t/k:v1")])}, ["plaintext", "not_kms", "mixed_keys"]) == []


def test_is_current_checks_provider_and_key_id():
    value = kms_v2("p", "t/k:v2")
    assert census.is_current(value, "p") and census.is_current(value, "p", "t/k:v2")
    assert not census.is_current(value, "p", "t/k:v1") and not census.is_current(value, "q")
    assert not census.is_current(b"k8s\x00plain", "p")


def test_object_names_from_etcd_keys():
    assert census.object_name("/registry", "secrets", b"/registry/secrets/ns/db") == "ns/db"
