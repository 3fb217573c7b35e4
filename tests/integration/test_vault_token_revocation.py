"""Tokens made by a login (here AppRole) are revoked when a module or a lookup call ends, against
each real Vault server (OpenBao, HashiCorp Vault): counted through their accessors with the root token. A token the user gives is
never revoked, ``revoke_token: false`` keeps the login token, and a later lookup call logs in again."""

import pytest

from tests.integration.ansible_run import run_tasks
from tests.integration.vault_it_helpers import task, unique, vault_env


@pytest.fixture
def approle(local_env, vault_client):
    """An AppRole mount and role whose tokens may read and write secret/<app>/*; removed afterwards."""
    mount = unique("approle")
    app = unique("revoke")
    vault_client.sys.enable_auth_method("approle", path=mount)
    vault_client.sys.create_or_update_acl_policy(app, 'path "secret/data/%s/*" { capabilities = ["create", "read", "update"] }\n'
                                                      'path "secret/metadata/%s/*" { capabilities = ["read"] }\n' % (app, app))
    vault_client.write("auth/%s/role/%s" % (mount, app), token_policies=[app], token_ttl="10m")
    role_id = vault_client.read("auth/%s/role/%s/role-id" % (mount, app))["data"]["role_id"]
    secret_id = vault_client.write("auth/%s/role/%s/secret-id" % (mount, app))["data"]["secret_id"]
    vault_client.secrets.kv.v2.create_or_update_secret(path="%s/db" % app, secret={"password": unique("pw")}, mount_point="secret")
    before = set(_accessors(vault_client))
    yield {"mount": mount, "app": app, "role_id": role_id, "secret_id": secret_id, "before": before}
    for accessor in _login_tokens(vault_client, mount, before):
        vault_client.auth.token.revoke_accessor(accessor)
    vault_client.sys.disable_auth_method(mount)
    vault_client.sys.delete_acl_policy(app)
    vault_client.secrets.kv.v2.delete_metadata_and_all_versions(path="%s/db" % app, mount_point="secret")


def _accessors(vault_client):
    return vault_client.auth.token.list_accessors()["data"]["keys"]


def _login_tokens(vault_client, mount, before):
    """Accessors of live tokens made by a login at ``mount`` since ``before`` was taken."""
    found = []
    for accessor in set(_accessors(vault_client)) - before:
        try:
            info = vault_client.auth.token.lookup_accessor(accessor)["data"]
        except Exception:  # pylint: disable=broad-except  # revoked or expired between list and lookup
            continue
        if (info.get("path") or "").startswith("auth/%s/" % mount):
            found.append(accessor)
    return found


def _login(setup, **extra):
    options = dict(auth_method="approle", auth_mount_path=setup["mount"], role_id=setup["role_id"], secret_id=setup["secret_id"])
    options.update(extra)
    return options


def _env(local_env):
    env = vault_env(local_env)
    env.pop("VAULT_TOKEN")  # nothing but the AppRole login can authenticate
    return env


def test_a_module_revokes_the_token_its_login_made(local_env, vault_client, approle):
    run = run_tasks([task("info", "vault_kv_info", path="secret/%s/db" % approle["app"], **_login(approle))], env=_env(local_env)).assert_ok()
    assert run.task("info")["exists"] is True  # the login worked and its token could read
    assert _login_tokens(vault_client, approle["mount"], approle["before"]) == []


def test_revoke_token_false_keeps_it(local_env, vault_client, approle):
    run_tasks([task("info", "vault_kv_info", path="secret/%s/db" % approle["app"], **_login(approle, revoke_token=False))],
              env=_env(local_env)).assert_ok()
    assert len(_login_tokens(vault_client, approle["mount"], approle["before"])) == 1  # so the count above would see one


def test_each_lookup_call_logs_in_and_revokes(local_env, vault_client, approle):
    lookup = "lookup('secretops.provisioning.vault_kv', 'secret/%s/db', field='password', auth_method='approle', auth_mount_point='%s', " \
             "role_id='%s', secret_id=sid)" % (approle["app"], approle["mount"], approle["role_id"])
    tasks = [
        {"name": "first", "set_fact": {"a": "{{ %s }}" % lookup}, "no_log": True},
        {"name": "second", "set_fact": {"b": "{{ %s }}" % lookup}, "no_log": True},
        {"name": "same", "assert": {"that": ["a == b", "a | length > 0"]}},
    ]
    run_tasks(tasks, env=_env(local_env), vars={"sid": approle["secret_id"]}).assert_ok()
    assert _login_tokens(vault_client, approle["mount"], approle["before"]) == []


def test_the_sync_module_revokes_its_login_token(local_env, vault_client, approle, namespace):
    # secret_sync holds its Vault client in rotation/options.vault_session: revoked when its work ends.
    sync = {"name": "sync", "secretops.provisioning.secret_sync": {
        "name": "db", "namespace": namespace, "vault_path": "secret/%s/db" % approle["app"], "seed": False,
        "vault": _login(approle),
    }}
    run_tasks([sync], env=_env(local_env)).assert_ok()
    assert _login_tokens(vault_client, approle["mount"], approle["before"]) == []


def test_a_given_token_is_never_revoked(local_env, vault_client, approle):
    token = vault_client.auth.token.create(policies=[approle["app"]], ttl="10m")["auth"]
    env = dict(_env(local_env), VAULT_TOKEN=token["client_token"])
    run_tasks([task("info", "vault_kv_info", path="secret/%s/db" % approle["app"])], env=env).assert_ok()
    assert token["accessor"] in _accessors(vault_client)
    vault_client.auth.token.revoke_accessor(token["accessor"])
