"""The database connection service against a fake of VaultClient.request: the password is sent only
when it must be, root rotation, and what is refused before any request."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import database_connection

from .fakes import FakeVaultApi

URL = "postgresql://{{username}}:{{password}}@db:5432/postgres"
PATH = "database/config/pg"
STORED = {"allowed_roles": ["app"], "plugin_name": "postgresql-database-plugin", "password_policy": "", "plugin_version": "",
          "root_credentials_rotate_statements": [], "connection_details": {"connection_url": URL, "username": "vault"}}


def settings(**changes):
    wanted = dict((name, None) for name in database_connection.CONNECTION_KINDS)
    wanted.update(plugin_name="postgresql-database-plugin", connection_url=URL, username="vault", allowed_roles=["app"])
    wanted.update(changes)
    return wanted


def existing():
    return FakeVaultApi({("GET", PATH): {"data": dict(STORED)}})


def test_literal_passwords_in_the_url_are_refused():
    for url in ("postgresql://vault:hunter2@db/postgres", "host=db user=vault password=hunter2",
                "postgresql://{{username}}:hunter2@db/postgres"):
        with pytest.raises(SecretOpsError, match="literal password") as raised:
            database_connection.validate({"connection_url": url}, None, "on_create", "never")
        assert "hunter2" not in str(raised.value)
    for url in (URL, "host=db user={{username}} password={{password}}", "postgresql://db/postgres", "postgresql://{{username}}@db/x"):
        database_connection.validate({"connection_url": url}, None, "on_create", "never")


@pytest.mark.parametrize("url", [
    "postgresql://db/postgres?user={{username}}&password=hunter2",
    "{{username}}:hunter2@tcp(db:3306)/app",
    "root:hunter2@tcp(127.0.0.1:3306)/",
    "system/hunter2@localhost:1521/ORCL",
    "Driver={ODBC Driver 18};Server=db;Uid=sa;Pwd=hunter2;",
    "server=db;user id=sa;password=hunter2",
    "mongodb://admin:hunter2@h1:27017,h2:27017/admin",
    "postgresql://{{username}}:{{ password }}@db/postgres",
])
def test_every_form_of_literal_password_is_refused_without_showing_it(url):
    with pytest.raises(SecretOpsError, match="literal password") as raised:
        database_connection.validate({"connection_url": url}, None, "on_create", "never")
    assert "hunter2" not in str(raised.value) and "hunter" not in str(raised.value)


def test_a_literal_password_vault_already_holds_never_reaches_the_diff():
    planted = "postgresql://vault:hunter2@db:5432/postgres?sslmode=disable&sslpassword=hunter2"
    stored = dict(STORED, connection_details={"connection_url": planted, "username": "vault"})
    for state in ("present", "absent"):
        vault = FakeVaultApi({("GET", PATH): {"data": stored}})
        result = database_connection.ensure_connection(vault, "database", "pg", settings(), state=state, check_mode=True)
        assert "hunter2" not in repr(result)
        assert result["diff"]["before"]["connection_url"] == "postgresql://vault:********@db:5432/postgres?sslmode=disable&sslpassword=********"
    assert result["changed"]
    vault = FakeVaultApi({("GET", PATH): {"data": stored}})
    fixed = database_connection.ensure_connection(vault, "database", "pg", settings())
    assert fixed["changed_settings"] == ["connection_url"] and vault.writes()[0][2]["connection_url"] == URL
    assert fixed["diff"]["after"]["connection_url"] == URL and "hunter2" not in repr(fixed)


def test_always_sending_the_password_excludes_root_rotation():
    with pytest.raises(SecretOpsError, match="cannot be combined"):
        database_connection.validate({}, "pw", "always", "on_create")


def test_create_sends_the_password_and_rotates_on_create():
    vault = FakeVaultApi()
    result = database_connection.ensure_connection(vault, "database", "pg", settings(), password="pw", rotate_root="on_create")
    assert result["changed"] and result["password_sent"] and result["root_rotated"]
    (write, rotate) = vault.writes()
    assert write[1] == PATH and write[2]["password"] == "pw" and write[2]["verify_connection"] is True
    assert rotate[:2] == ("POST", "database/rotate-root/pg")
    assert "pw" not in str(result)


def test_a_re_run_sends_nothing_and_does_not_rotate_again():
    vault = existing()
    result = database_connection.ensure_connection(vault, "database", "pg", settings(allowed_roles=["app"]), password="stale",
                                                   rotate_root="on_create")
    assert not result["changed"] and not result["password_sent"] and not result["root_rotated"]
    assert vault.writes() == []


def test_a_changed_setting_is_written_without_the_password():
    vault = existing()
    result = database_connection.ensure_connection(vault, "database", "pg", settings(allowed_roles=["app", "other"]), password="pw")
    assert result["changed_settings"] == ["allowed_roles"] and not result["password_sent"]
    body = vault.writes()[0][2]
    assert "password" not in body and body["allowed_roles"] == ["app", "other"] and body["connection_url"] == URL


def test_password_update_always_sends_it_every_run():
    vault = existing()
    result = database_connection.ensure_connection(vault, "database", "pg", settings(), password="new", password_update="always")
    assert result["changed"] and result["password_sent"] and result["changed_settings"] == []
    assert vault.writes()[0][2]["password"] == "new"
    assert result["diff"]["after"] == {"password_sent": True}


def test_check_mode_writes_nothing():
    vault = FakeVaultApi()
    result = database_connection.ensure_connection(vault, "database", "pg", settings(), password="pw", rotate_root="on_create",
                                                   check_mode=True)
    assert result["changed"] and result["root_rotated"] and vault.writes() == []


def test_a_new_connection_needs_its_password():
    with pytest.raises(SecretOpsError, match="password .* is required"):
        database_connection.ensure_connection(FakeVaultApi(), "database", "pg", settings())


def test_a_failed_verification_says_what_to_check():
    failure = SecretOpsError("Vault rejected write database connection: error creating database object: connection refused", status=400)
    vault = FakeVaultApi({("POST", PATH): failure})
    with pytest.raises(SecretOpsError, match="verify_connection.*reachable") as raised:
        database_connection.ensure_connection(vault, "database", "pg", settings(), password="pw")
    assert raised.value.details["status"] == 400 and "pw" not in str(raised.value)


def test_the_read_is_flattened_to_option_names():
    current = database_connection.current_settings(dict(STORED, root_credentials_rotate_statements=["ALTER"]))
    assert current["connection_url"] == URL and current["username"] == "vault" and current["root_rotation_statements"] == ["ALTER"]
    assert database_connection.current_settings(None) is None
