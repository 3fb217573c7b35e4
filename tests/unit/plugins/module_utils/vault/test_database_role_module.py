"""vault/database_role_module.py, the one body of vault_database_role and vault_database_static_role,
run as a module with the fake Vault API (``vault/fakes.py``): the kind decides the options taken and
the path written, and only that kind's settings are sent."""

from ansible_collections.secretops.provisioning.plugins.module_utils.vault import database_role_module, database_roles
from tests.unit.plugins.modules.harness import run_module, session_of

from .fakes import FakeVaultApi

VAULT = {"url": "https://vault.example.test:8200", "token": "s.TOKEN"}


class ModuleOf(object):
    """A module file whose main() is the shared body for ``kind``."""

    def __init__(self, kind):
        self.main = lambda: database_role_module.main(kind)


def run(kind, args, monkeypatch, vault, check_mode=False):
    monkeypatch.setattr(database_role_module, "vault_session", session_of(vault))
    return run_module(ModuleOf(kind), dict(VAULT, **args), monkeypatch, check_mode=check_mode)


def test_a_dynamic_role_is_written_under_roles_with_its_settings_only(monkeypatch):
    vault = FakeVaultApi()
    ended = run(database_roles.DYNAMIC, {"name": "app", "db_name": "pg", "creation_statements": "CREATE ROLE x;", "default_ttl": "1h"},
                monkeypatch, vault)
    assert not ended.failed and ended.result["changed"]
    sent = {"db_name": "pg", "creation_statements": ["CREATE ROLE x;"], "default_ttl": "3600s"}
    assert vault.writes() == [("POST", "database/roles/app", sent)]


def test_a_static_role_is_written_under_static_roles_and_refuses_dynamic_options(monkeypatch):
    vault = FakeVaultApi()
    ended = run(database_roles.STATIC, {"name": "app", "mount_point": "pg", "db_name": "pg", "username": "app", "rotation_period": "24h"},
                monkeypatch, vault)
    assert not ended.failed and vault.writes() == [("POST", "pg/static-roles/app", {"db_name": "pg", "username": "app",
                                                                                    "rotation_period": "86400s"})]
    refused = run(database_roles.STATIC, {"name": "app", "creation_statements": "CREATE ROLE x;"}, monkeypatch, FakeVaultApi())
    assert refused.failed and "Unsupported parameters" in refused.result["msg"] and "creation_statements" in refused.result["msg"]


def test_check_mode_writes_nothing_and_absent_deletes(monkeypatch):
    vault = FakeVaultApi()
    ended = run(database_roles.DYNAMIC, {"name": "app", "db_name": "pg", "creation_statements": "CREATE ROLE x;"}, monkeypatch, vault,
                check_mode=True)
    assert ended.result["changed"] and vault.writes() == []
    existing = FakeVaultApi({("GET", "database/roles/app"): {"data": {"db_name": "pg", "creation_statements": ["CREATE ROLE x;"]}}})
    gone = run(database_roles.DYNAMIC, {"name": "app", "state": "absent"}, monkeypatch, existing)
    assert gone.result["changed"] and existing.writes() == [("DELETE", "database/roles/app", None)]
