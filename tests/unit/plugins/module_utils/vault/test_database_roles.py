"""Dynamic and static database roles against a fake of VaultClient.request."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import database_roles

from .fakes import FakeVaultApi

STORED = {"db_name": "pg", "creation_statements": ["CREATE ROLE x, y;"], "revocation_statements": [], "rollback_statements": [],
          "renew_statements": [], "default_ttl": 3600, "max_ttl": 86400, "credential_type": "password"}


def test_statements_are_never_split_on_commas():
    assert database_roles.statements("CREATE ROLE a, b;", "s") == ["CREATE ROLE a, b;"]
    assert database_roles.statements([" A; ", "", "B"], "s") == ["A;", "B"]
    assert database_roles.statements(None, "s") is None
    with pytest.raises(SecretOpsError, match="string or a list of strings"):
        database_roles.statements([1], "creation_statements")


def test_an_unchanged_role_is_not_written_and_durations_compare_by_value():
    vault = FakeVaultApi({("GET", "database/roles/app"): {"data": dict(STORED)}})
    result = database_roles.ensure_role(vault, "database", "app", {"db_name": "pg", "creation_statements": "CREATE ROLE x, y;",
                                                                   "default_ttl": "1h", "max_ttl": "24h"})
    assert not result["changed"] and vault.writes() == []


def test_a_changed_setting_writes_every_managed_setting_and_check_mode_writes_nothing():
    settings = {"db_name": "pg", "default_ttl": "2h", "max_ttl": None, "creation_statements": None}
    vault = FakeVaultApi({("GET", "database/roles/app"): {"data": dict(STORED)}})
    checked = database_roles.ensure_role(vault, "database", "app", settings, check_mode=True)
    assert checked["changed"] and checked["changed_settings"] == ["default_ttl"] and vault.writes() == []
    assert checked["diff"] == {"before": {"default_ttl": 3600}, "after": {"default_ttl": 7200}}
    database_roles.ensure_role(vault, "database", "app", settings)
    assert vault.writes() == [("POST", "database/roles/app", {"db_name": "pg", "default_ttl": "7200s"})]


def test_a_new_role_needs_what_vault_needs():
    with pytest.raises(SecretOpsError, match="creation_statements is required"):
        database_roles.ensure_role(FakeVaultApi(), "database", "app", {"db_name": "pg"})
    with pytest.raises(SecretOpsError, match="username and rotation_period are required"):
        database_roles.ensure_role(FakeVaultApi(), "database", "r", {"db_name": "pg"}, kind=database_roles.STATIC)


def test_a_static_role_cannot_move_to_another_user():
    vault = FakeVaultApi({("GET", "db/static-roles/r"): {"data": {"db_name": "pg", "username": "alice", "rotation_period": 3600}}})
    with pytest.raises(SecretOpsError, match="cannot move a static role to another user"):
        database_roles.ensure_role(vault, "db", "r", {"username": "bob"}, kind=database_roles.STATIC)
    assert vault.writes() == []


def test_absent_deletes_only_what_exists():
    vault = FakeVaultApi({("GET", "database/roles/app"): {"data": dict(STORED)}})
    assert database_roles.ensure_role(vault, "database", "app", {}, state="absent")["changed"]
    assert vault.writes() == [("DELETE", "database/roles/app", None)]
    assert not database_roles.ensure_role(FakeVaultApi(), "database", "gone", {}, state="absent")["changed"]


def test_names_and_mounts_are_checked():
    for bad in ("", "a/b"):
        with pytest.raises(SecretOpsError, match="without '/'"):
            database_roles.role_path("database", bad, database_roles.DYNAMIC)
    with pytest.raises(SecretOpsError, match="mount_point must not be empty"):
        database_roles.role_path("/", "app", database_roles.DYNAMIC)
