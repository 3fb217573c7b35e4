"""Transit keys (vault/transit_key.py) against a fake of VaultClient.request: safe defaults, one-way
settings refused, rotation, and the min_decryption_version floor guarded by the etcd verifier."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import transit_key

from .fakes import FakeVaultApi

PATH = "transit/keys/k8s"


def params(**extra):
    base = dict(name="k8s", mount="transit", state="present", type="aes256-gcm96", exportable=False, deletion_allowed=False,
                allow_plaintext_backup=False, auto_rotate_period=None, min_decryption_version=None, min_encryption_version=None,
                rotate=False)
    base.update(extra)
    return base


def existing(**data):
    key = {"type": "aes256-gcm96", "exportable": False, "deletion_allowed": False, "allow_plaintext_backup": False,
           "auto_rotate_period": 0, "min_decryption_version": 1, "min_encryption_version": 0, "latest_version": 2,
           "keys": {"1": 1700000000, "2": 1700000100}}
    key.update(data)
    return FakeVaultApi({("GET", PATH): {"data": key}})


def test_a_new_key_is_created_not_exportable():
    client = FakeVaultApi()
    result = transit_key.ensure_key(client, params())
    assert result["changed"]
    assert client.writes()[0] == ("POST", PATH, {"type": "aes256-gcm96", "exportable": False, "allow_plaintext_backup": False})


def test_an_unchanged_key_is_not_written_and_no_key_material_is_returned():
    client = existing()
    result = transit_key.ensure_key(client, params())
    assert not result["changed"] and client.writes() == []
    assert result["key"]["versions"] == [1, 2] and "keys" not in result["key"]


def test_exportable_cannot_be_taken_back():
    with pytest.raises(SecretOpsError, match="cannot turn it off"):
        transit_key.ensure_key(existing(exportable=True), params())


def test_rotate_posts_once():
    client = existing()
    result = transit_key.ensure_key(client, params(rotate=True))
    assert result["changed"] and ("POST", PATH + "/rotate") in client.sent_once


def test_check_mode_writes_nothing():
    client = existing()
    assert transit_key.ensure_key(client, params(rotate=True, auto_rotate_period="24h"), check_mode=True)["changed"]
    assert client.writes() == []


def test_raising_the_floor_is_refused_while_etcd_holds_an_older_version():
    client = existing()
    asked = []

    def older(key, version):
        asked.append((key, version))
        return {"transit/k8s:v1": 3}
    with pytest.raises(SecretOpsError, match="transit/k8s:v1: 3"):
        transit_key.ensure_key(client, params(min_decryption_version=2), older_versions=older)
    assert asked == [("transit/k8s", 2)] and client.writes() == []


def test_raising_the_floor_needs_a_verifier_and_passes_when_nothing_is_older():
    with pytest.raises(SecretOpsError, match="etcd verifier"):
        transit_key.ensure_key(existing(), params(min_decryption_version=2))
    client = existing()
    assert transit_key.ensure_key(client, params(min_decryption_version=2), older_versions=lambda key, version: {})["changed"]
    assert client.writes() == [("POST", PATH + "/config", {"min_decryption_version": 2})]


def test_deleting_needs_confirmation():
    with pytest.raises(SecretOpsError, match="deletion_allowed"):
        transit_key.ensure_key(existing(), params(state="absent"))
    client = existing()
    assert transit_key.ensure_key(client, params(state="absent", deletion_allowed=True))["changed"]
    assert [entry[:2] for entry in client.writes()] == [("POST", PATH + "/config"), ("DELETE", PATH)]
