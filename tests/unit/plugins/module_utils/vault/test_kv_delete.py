"""kv.delete_secret against the fake of ``VaultClient.request`` (``fakes.py``): what each way of deleting
sends on KV v2 and v1, what check mode sends (reads only), and what is refused on KV v1."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import kv

from .fakes import FakeKv2, FakeVaultApi

KV1_INFO = {"data": {"path": "kv1/", "type": "kv", "options": {"version": "1"}}}


def version(deleted=False, destroyed=False):
    """A version's metadata as Vault gives it."""
    return {"created_time": "2026-01-01T00:00:00Z", "deletion_time": "2026-01-02T00:00:00Z" if deleted else "", "destroyed": destroyed}


def kv2(current_version=3, versions=None):
    versions = versions or {"1": version(destroyed=True), "2": version(deleted=True), "3": version()}
    return FakeVaultApi({("GET", "sys/internal/ui/mounts/secret/app"): FakeKv2.MOUNT_INFO,
                         ("GET", "secret/metadata/app"): {"data": {"current_version": current_version, "versions": versions}}})


def test_the_latest_live_version_is_soft_deleted_and_check_mode_only_reads():
    client = kv2()
    checked = kv.delete_secret(client, "secret/app", check_mode=True)
    assert (checked["changed"], checked["action"], checked["version"]) == (True, "deleted", 3) and client.writes() == []
    result = kv.delete_secret(client, "secret/app")
    assert client.writes() == [("DELETE", "secret/data/app", None)]
    assert result["diff"] == {"before": {"path": "secret/app"}, "after": {"path": "secret/app", "action": "deleted"}}


def test_a_latest_version_already_deleted_or_a_missing_secret_changes_nothing():
    assert kv.delete_secret(kv2(current_version=2), "secret/app")["changed"] is False
    missing = FakeVaultApi({("GET", "sys/internal/ui/mounts/secret/app"): FakeKv2.MOUNT_INFO})
    result = kv.delete_secret(missing, "secret/app")
    assert (result["changed"], result["action"]) == (False, "none") and missing.writes() == []
    assert result["diff"]["before"] == result["diff"]["after"]


def test_destroy_versions_destroys_only_the_versions_not_yet_destroyed():
    client = kv2()
    result = kv.delete_secret(client, "secret/app", destroy_versions=[1, 2, 3, 9])
    assert (result["action"], result["destroyed_versions"]) == ("destroyed", [2, 3])
    assert client.writes() == [("POST", "secret/destroy/app", {"versions": [2, 3]})]
    again = kv2(versions={"1": version(destroyed=True)})
    assert kv.delete_secret(again, "secret/app", destroy_versions=[1])["changed"] is False and again.writes() == []


def test_delete_all_versions_removes_the_metadata():
    client = kv2()
    result = kv.delete_secret(client, "secret/app", delete_all_versions=True)
    assert result["action"] == "deleted_all_versions" and client.writes() == [("DELETE", "secret/metadata/app", None)]


def test_kv_v1_deletes_a_present_secret_and_refuses_the_v2_only_options():
    client = FakeVaultApi({("GET", "sys/internal/ui/mounts/kv1/app"): KV1_INFO, ("GET", "kv1/app"): {"data": {"a": "b"}}})
    result = kv.delete_secret(client, "kv1/app")
    assert (result["changed"], result["kv_version"]) == (True, 1) and client.writes() == [("DELETE", "kv1/app", None)]
    absent = FakeVaultApi({("GET", "sys/internal/ui/mounts/kv1/app"): KV1_INFO})
    assert kv.delete_secret(absent, "kv1/app")["changed"] is False and absent.writes() == []
    for option in ({"destroy_versions": [1]}, {"delete_all_versions": True}):
        with pytest.raises(SecretOpsError, match="need a KV v2 mount; kv1 is KV v1"):
            kv.delete_secret(client, "kv1/app", **option)
