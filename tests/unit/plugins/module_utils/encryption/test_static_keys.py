"""The simpler mode's key set (encryption/static_keys.py): generated once, rotated new-first, retired
only when etcd holds nothing under the old names; no key in any error (the service that keeps it in
Vault KV and the configuration: test_static_key_service.py)."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption import census, config, static_keys
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError


def fixed(byte):
    return lambda size: bytes([byte]) * size


def test_a_new_key_is_32_random_bytes_named_by_time_and_unique():
    key = static_keys.new_key("secretbox", (), now=0, random=fixed(7))
    assert key["name"] == "key-19700101T000000Z" and key["type"] == "secretbox"
    assert len(__import__("base64").b64decode(key["secret"])) == 32
    assert static_keys.new_key("aescbc", {"key-19700101T000000Z"}, now=0)["name"] == "key-19700101T000000Z-2"
    with pytest.raises(SecretOpsError, match="aescbc, secretbox"):
        static_keys.new_key("aesgcm", ())


def test_plan_creates_once_rotates_new_first_and_finishes_an_unfinished_rotation():
    keys, why = static_keys.plan(None, "aescbc", rotate=False, now=0)
    assert why == "created" and len(keys) == 1
    assert static_keys.plan(keys, "aescbc", rotate=False) == (keys, None)
    rotated, why = static_keys.plan(keys, "aescbc", rotate=True, now=3600)
    assert why == "rotated" and rotated[1:] == keys and rotated[0]["name"] != keys[0]["name"]
    # A second rotation while the old key is still listed finishes the first one instead.
    assert static_keys.plan(rotated, "aescbc", rotate=True) == (rotated, None)
    switched, why = static_keys.plan(keys, "secretbox", rotate=False, now=3600)
    assert why == "rotated" and switched[0]["type"] == "secretbox" and switched[1] == keys[0]


def test_providers_group_keys_by_type_in_order():
    keys = [{"name": "b", "type": "secretbox", "secret": "S2"}, {"name": "a", "type": "aescbc", "secret": "S1"},
            {"name": "z", "type": "aescbc", "secret": "S0"}]
    assert static_keys.providers(keys) == [{"secretbox": {"keys": [{"name": "b", "secret": "S2"}]}},
                                           {"aescbc": {"keys": [{"name": "a", "secret": "S1"}, {"name": "z", "secret": "S0"}]}}]
    built = config.build("static", ["secrets"], static=static_keys.providers(keys))
    assert [list(p)[0] for p in built["resources"][0]["providers"]] == ["secretbox", "aescbc", "identity"]
    off = config.build("decrypt", ["secrets"], static=static_keys.providers(keys))
    assert [list(p)[0] for p in off["resources"][0]["providers"]] == ["identity", "secretbox", "aescbc"]


def test_retire_refused_while_etcd_holds_an_old_key_name():
    keys = [{"name": "new", "type": "aescbc", "secret": "N"}, {"name": "old", "type": "aescbc", "secret": "O"}]
    busy = {"secrets": census.count([b"k8s:enc:aescbc:v1:old:xxxx", b"k8s:enc:aescbc:v1:new:yyyy"])}
    with pytest.raises(SecretOpsError, match=r"aescbc:old: 1") as raised:
        static_keys.retire(keys, busy)
    assert "O" not in str(raised.value).replace("Objects", "")
    done = {"secrets": census.count([b"k8s:enc:aescbc:v1:new:yyyy", b"plain"])}
    assert static_keys.retire(keys, done) == keys[:1]


def test_keys_of_refuses_a_malformed_set_without_quoting_it():
    with pytest.raises(SecretOpsError, match="not a list") as raised:
        static_keys.keys_of({"keys": [{"name": "k", "type": "aescbc"}], "other": "sekrit"})
    assert "sekrit" not in str(raised.value)
    assert static_keys.keys_of(None) is None


def test_census_reports_static_keys_and_mixed_keys():
    counts = census.count([b"k8s:enc:secretbox:v1:k2:aaaa", b"k8s:enc:secretbox:v1:k1:bbbb", b"plain"])
    assert counts["providers"] == {"secretbox:k2": 1, "secretbox:k1": 1} and counts["key_ids"] == {}
    found = census.failures({"configmaps": counts}, ["mixed_keys"])
    assert found == ["configmaps: objects under 2 keys (secretbox:k1, secretbox:k2)"]
