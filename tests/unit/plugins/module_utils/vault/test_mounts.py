"""vault/mounts.py against a fake of VaultClient.request: enable, tune only what differs, disable,
check mode, and what it refuses before writing."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import mounts

from .fakes import FakeVaultApi, denied

NO_SETTINGS = dict((name, None) for name in mounts.TUNE_KINDS)


def settings(**given):
    return dict(NO_SETTINGS, **given)


def mounted_kv(default_lease_ttl=2764800, max_lease_ttl=2764800, version="2"):
    """A fake Vault with a KV engine at ``kv``: the listing and its tune settings."""
    return FakeVaultApi({
        ("GET", "sys/mounts"): {"data": {"kv/": {"type": "kv", "local": False, "options": {"version": version}},
                                         "sys/": {"type": "system"}}},
        ("GET", "sys/mounts/kv/tune"): {"data": {"default_lease_ttl": default_lease_ttl, "max_lease_ttl": max_lease_ttl,
                                                 "description": "", "options": {"version": version}}},
    })


def test_an_absent_engine_is_enabled_with_its_settings():
    vault = FakeVaultApi()
    wanted = settings(default_lease_ttl="1h", description="app secrets", options={"version": "2"})
    result = mounts.ensure_mount(vault, mounts.ENGINES, "/kv/", "kv", wanted, local=True)
    assert result["changed"] and result["action"] == "enabled" and result["path"] == "kv"
    assert result["diff"]["before"] is None and result["diff"]["after"]["type"] == "kv"
    assert vault.writes() == [("POST", "sys/mounts/kv", {"type": "kv", "config": {"default_lease_ttl": "3600s"}, "description": "app secrets",
                                                         "local": True, "options": {"version": "2"}})]


def test_check_mode_reports_the_change_and_writes_nothing():
    vault = FakeVaultApi()
    result = mounts.ensure_mount(vault, mounts.AUTH, "kubernetes", "kubernetes", settings(), check_mode=True)
    assert result["changed"] and result["action"] == "enabled"
    assert vault.writes() == []
    assert [entry[:2] for entry in vault.sent] == [("GET", "sys/auth")]


def test_settings_equal_in_meaning_change_nothing():
    vault = mounted_kv(default_lease_ttl=3600)
    result = mounts.ensure_mount(vault, mounts.ENGINES, "kv", "kv", settings(default_lease_ttl="60m", options={"version": 2}))
    assert not result["changed"] and result["action"] == "none"
    assert vault.writes() == []


def test_only_the_settings_that_differ_are_tuned():
    vault = mounted_kv(default_lease_ttl=3600, max_lease_ttl=86400)
    result = mounts.ensure_mount(vault, mounts.ENGINES, "kv", "kv", settings(default_lease_ttl="1h", max_lease_ttl="2h"))
    assert result["changed"] and result["action"] == "tuned" and result["changed_settings"] == ["max_lease_ttl"]
    assert vault.writes() == [("POST", "sys/mounts/kv/tune", {"max_lease_ttl": "7200s"})]


def test_changed_options_are_tuned():
    vault = mounted_kv(version="1")
    result = mounts.ensure_mount(vault, mounts.ENGINES, "kv", "kv", settings(options={"version": "2"}))
    assert result["changed_settings"] == ["options"]
    assert result["diff"]["before"]["options"] == {"version": "1"} and result["diff"]["after"]["options"] == {"version": "2"}
    assert vault.writes() == [("POST", "sys/mounts/kv/tune", {"options": {"version": "2"}})]


def test_another_type_at_the_path_is_refused_before_any_write():
    vault = mounted_kv()
    with pytest.raises(SecretOpsError, match="a secrets engine of type kv is already enabled at kv, not transit: disable it first"):
        mounts.ensure_mount(vault, mounts.ENGINES, "kv", "transit", settings())
    assert vault.writes() == []


def test_a_missing_type_and_an_empty_path_are_refused():
    with pytest.raises(SecretOpsError, match="type is required to enable the auth method at jwt"):
        mounts.ensure_mount(FakeVaultApi(), mounts.AUTH, "jwt", None, settings())
    with pytest.raises(SecretOpsError, match="path must not be empty"):
        mounts.ensure_mount(FakeVaultApi(), mounts.AUTH, " / ", "jwt", settings())


def test_absent_disables_a_mounted_engine_once():
    vault = mounted_kv()
    result = mounts.ensure_mount(vault, mounts.ENGINES, "kv", None, settings(), state="absent")
    assert result["changed"] and result["action"] == "disabled"
    assert result["diff"] == {"before": {"path": "kv", "type": "kv"}, "after": None}
    assert vault.writes() == [("DELETE", "sys/mounts/kv", None)]
    again = FakeVaultApi()
    assert mounts.ensure_mount(again, mounts.ENGINES, "kv", None, settings(), state="absent")["changed"] is False
    assert again.writes() == []


def test_absent_in_check_mode_deletes_nothing():
    vault = mounted_kv()
    assert mounts.ensure_mount(vault, mounts.ENGINES, "kv", None, settings(), state="absent", check_mode=True)["changed"]
    assert vault.writes() == []


def test_a_refused_listing_is_not_read_as_absent():
    vault = FakeVaultApi({("GET", "sys/mounts"): denied("sys/mounts")})
    with pytest.raises(SecretOpsError) as caught:
        mounts.ensure_mount(vault, mounts.ENGINES, "kv", "kv", settings())
    assert caught.value.details["status"] == 403
    assert vault.writes() == []


def test_a_refused_write_is_raised_as_is():
    vault = FakeVaultApi({("POST", "sys/auth/approle"): denied("sys/auth/approle")})
    with pytest.raises(SecretOpsError, match="permission denied on sys/auth/approle"):
        mounts.ensure_mount(vault, mounts.AUTH, "approle", "approle", settings())
