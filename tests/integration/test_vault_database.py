"""The database secrets engine modules against the real OpenBao and the real local PostgreSQL.

Every test enables its own engine mount. The environment's superuser is only ever given to Vault
as is (never rotated); root rotation uses an admin user the test makes.
"""

import time

import hvac
import pytest
from kubernetes import client as k8s_client

from tests import doc_blocks
from tests.integration.ansible_run import run_tasks
from tests.integration.database_it_helpers import (
    can_log_in, connection_task, connection_url, credentials_task, enable_engine, psql, query, role_count, role_task, secret_values,
    wait_until_due,
)
from tests.integration.vault_it_helpers import task, unique


@pytest.fixture
def postgres(local_env):
    if not local_env.postgres:
        pytest.fail("the local environment has no PostgreSQL: restart it with this tree's tools/cluster/localenv.py", pytrace=False)
    return local_env.postgres


def _config(vault_client, mount, name="pg"):
    return vault_client.read("%s/config/%s" % (mount, name))


def test_connection_and_roles_check_diff_idempotent(local_env, vault_client, postgres):
    mount = enable_engine(vault_client)
    static_user = unique("static").replace("-", "_")
    query(postgres, "CREATE ROLE %s WITH LOGIN PASSWORD 'initial-%s'" % (static_user, static_user))
    tasks = [connection_task(postgres, mount, allowed_roles=["app"])]
    checked = run_tasks(tasks, env=local_env.env, check=True, diff=True).assert_ok()
    assert checked.task("connection")["changed"] and checked.task("connection")["password_sent"]
    assert _config(vault_client, mount) is None, "check mode wrote the connection"
    created = run_tasks(tasks, env=local_env.env).assert_ok().task("connection")
    assert created["changed"] and created["password_sent"] and not created["root_rotated"]
    again = run_tasks(tasks, env=local_env.env).assert_ok().task("connection")
    assert not again["changed"] and not again["password_sent"], again

    widened = [connection_task(postgres, mount, allowed_roles=["app", "static"])]
    result = run_tasks(widened, env=local_env.env, diff=True).assert_ok().task("connection")
    assert result["changed"] and result["changed_settings"] == ["allowed_roles"] and not result["password_sent"]
    assert sorted(_config(vault_client, mount)["data"]["allowed_roles"]) == ["app", "static"]

    roles = [role_task(mount, "app"),
             task("static", "vault_database_static_role", mount_point=mount, name="static", db_name="pg", username=static_user,
                  rotation_period="1h")]
    first = run_tasks(roles, env=local_env.env).assert_ok()
    assert first.task("role")["changed"] and first.task("static")["changed"]
    second = run_tasks([role_task(mount, "app", default_ttl=120, max_ttl="600s"),
                        task("static", "vault_database_static_role", mount_point=mount, name="static", rotation_period=3600)],
                       env=local_env.env).assert_ok()
    assert not second.task("role")["changed"] and not second.task("static")["changed"], "durations compare by value"
    longer = run_tasks([role_task(mount, "app", default_ttl="5m")], env=local_env.env, check=True).assert_ok().task("role")
    assert longer["changed"] and longer["changed_settings"] == ["default_ttl"]
    assert vault_client.read("%s/roles/app" % mount)["data"]["default_ttl"] == 120, "check mode wrote the role"

    moved = run_tasks([task("static", "vault_database_static_role", mount_point=mount, name="static", username="someone_else")],
                      env=local_env.env)
    assert moved.returncode != 0 and "cannot move a static role to another user" in moved.task("static")["msg"]


def test_a_connection_that_cannot_connect_fails_clearly_and_writes_nothing(local_env, vault_client, postgres):
    mount = enable_engine(vault_client)
    closed = dict(postgres, port=1)  # nothing listens on port 1
    run = run_tasks([connection_task(closed, mount)], env=local_env.env)
    assert run.returncode != 0
    message = run.task("connection")["msg"]
    assert "verify_connection" in message and "reachable" in message, message
    assert _config(vault_client, mount) is None
    assert postgres["password"] not in run.output


def test_a_literal_password_in_the_url_is_refused(local_env, vault_client, postgres):
    mount = enable_engine(vault_client)
    literal = "postgresql://%s:%s@127.0.0.1:%d/postgres" % (postgres["superuser"], postgres["password"], postgres["port"])
    run = run_tasks([connection_task(postgres, mount, connection_url=literal)], env=local_env.env)
    assert run.returncode != 0 and "literal password" in run.task("connection")["msg"]
    assert _config(vault_client, mount) is None


def test_a_literal_password_in_a_query_parameter_is_refused(local_env, vault_client, postgres):
    """?password= was missed by the guard; Vault would have stored and returned it on every read."""
    mount = enable_engine(vault_client)
    literal = "postgresql://127.0.0.1:%d/postgres?sslmode=disable&user=%s&password=%s" % (
        postgres["port"], postgres["superuser"], postgres["password"])
    run = run_tasks([connection_task(postgres, mount, connection_url=literal)], env=local_env.env)
    assert run.returncode != 0 and "literal password" in run.task("connection")["msg"]
    assert "the password= parameter" in run.task("connection")["msg"]
    assert _config(vault_client, mount) is None


def _plant(vault_client, mount, postgres, url):
    """Write a connection with ``url`` straight to Vault, as a hand or an earlier release did."""
    vault_client.write("%s/config/pg" % mount, plugin_name="postgresql-database-plugin", connection_url=url,
                       username=postgres["superuser"], password=postgres["password"], allowed_roles=["*"], verify_connection=False)


def test_a_password_vault_already_holds_in_the_url_never_reaches_a_diff(local_env, vault_client, postgres):
    """A connection written earlier (by hand, or by a release with the weaker guard) holds a literal
    password in its URL, and Vault returns it on every read (it hides only a URL's userinfo password).
    No diff prints it: in check mode, in the run that replaces the URL with the template, nor when
    the connection is deleted."""
    mount = enable_engine(vault_client)
    planted = unique("planted-password")  # given to no no_log option: only the module's masking can hide it
    user, port = postgres["superuser"], postgres["port"]
    forms = [
        "postgresql://127.0.0.1:%d/postgres?sslmode=disable&user=%s&password=%s" % (port, user, planted),
        "host=127.0.0.1 port=%d user=%s password=%s dbname=postgres" % (port, user, planted),  # read back re-encoded
        "%s:%s@tcp(127.0.0.1:%d)/postgres" % (user, planted, port),
        "%s/%s@127.0.0.1:%d/postgres" % (user, planted, port),
        "Driver={PostgreSQL};Server=127.0.0.1;Uid=%s;Pwd=%s;" % (user, planted),
    ]
    tasks = [connection_task(postgres, mount)]
    for url in forms:
        _plant(vault_client, mount, postgres, url)
        held = _config(vault_client, mount)["data"]["connection_details"]["connection_url"]
        assert planted in held, "the server hides this form itself now: %s" % held
        checked = run_tasks(tasks, env=local_env.env, check=True, diff=True).assert_ok()
        result = checked.task("connection")
        assert result["changed"] and result["changed_settings"] == ["connection_url"], result
        assert "********" in result["diff"]["before"]["connection_url"]
        assert planted not in checked.output, url

    fixed = run_tasks(tasks, env=local_env.env, diff=True).assert_ok()
    assert fixed.task("connection")["changed"] and planted not in fixed.output
    assert planted not in _config(vault_client, mount)["data"]["connection_details"]["connection_url"]
    assert vault_client.read("%s/config/pg" % mount)["data"]["connection_details"]["connection_url"] == connection_url(postgres).replace(
        "{% raw %}", "").replace("{% endraw %}", "")

    _plant(vault_client, mount, postgres, forms[0])
    deleted = run_tasks([task("connection", "vault_database_connection", mount_point=mount, name="pg", state="absent")],
                        env=local_env.env, diff=True).assert_ok()
    assert deleted.task("connection")["changed"] and planted not in deleted.output
    assert _config(vault_client, mount) is None


def test_root_rotation_leaves_only_vault_knowing_the_password(local_env, vault_client, postgres):
    mount = enable_engine(vault_client)
    admin = unique("admin").replace("-", "_")
    initial = unique("initial")
    query(postgres, "CREATE ROLE %s WITH LOGIN CREATEROLE PASSWORD '%s'" % (admin, initial))
    tasks = [connection_task(postgres, mount, username=admin, password=initial, rotate_root="on_create"), role_task(mount, "app")]
    run = run_tasks(tasks, env=local_env.env).assert_ok()
    assert run.task("connection")["root_rotated"]
    assert not can_log_in(postgres, admin, initial), "the initial password still works after the rotation"
    again = run_tasks(tasks, env=local_env.env).assert_ok()
    assert not again.task("connection")["changed"], "a re-run must neither resend the stale password nor rotate again"
    # Vault still manages the database with the password only it knows.
    assert vault_client.read("%s/creds/app" % mount)["data"]["username"]
    refused = run_tasks([connection_task(postgres, mount, username=admin, password=initial, rotate_root="on_create",
                                         password_update="always")], env=local_env.env)
    assert refused.returncode != 0 and "cannot be combined" in refused.task("connection")["msg"]


def _lease(vault_client, lease_id):
    return vault_client.write("sys/leases/lookup", lease_id=lease_id)["data"]


def test_credentials_issue_keep_renew_reissue_and_revoke(local_env, vault_client, k8s_api, namespace, postgres):
    mount = enable_engine(vault_client)
    run_tasks([connection_task(postgres, mount), role_task(mount, "app")], env=local_env.env).assert_ok()

    issued = run_tasks([credentials_task("creds", namespace, mount, "app")], env=local_env.env, diff=True).assert_ok().task("creds")
    assert issued["changed"] and issued["action"] == "issue" and issued["lease_renewable"]
    secret, values = secret_values(k8s_api, namespace, "db")
    assert secret.type == "kubernetes.io/basic-auth" and set(values) == {"username", "password"}
    annotations = secret.metadata.annotations
    assert annotations["secretops.io/vault-lease-id"] == issued["lease_id"]
    assert annotations["secretops.io/vault-path"] == "%s/creds/app" % mount
    assert annotations["secretops.io/vault-lease-renewable"] == "true" and annotations["secretops.io/vault-lease-end"].endswith("Z")
    assert can_log_in(postgres, values["username"], values["password"])
    assert values["password"] not in str(issued)

    kept = run_tasks([credentials_task("creds", namespace, mount, "app", renew_before="10s")], env=local_env.env).assert_ok().task("creds")
    assert not kept["changed"] and kept["action"] == "keep", kept

    before = _lease(vault_client, issued["lease_id"])
    wait_until_due(vault_client, issued["lease_id"], 99)
    renewed = run_tasks([credentials_task("creds", namespace, mount, "app", renew_before="99%", ttl="5m")],
                        env=local_env.env).assert_ok().task("creds")
    assert renewed["action"] == "renew" and renewed["lease_id"] == issued["lease_id"], renewed
    after = _lease(vault_client, issued["lease_id"])
    assert after["expire_time"] > before["expire_time"] and after["ttl"] > 200, (before, after)
    assert secret_values(k8s_api, namespace, "db")[1] == values, "a renewal keeps the credentials"

    # No renewal can reach past 20 minutes (max TTL 10m): new credentials, the old lease waits for revocation.
    reissued = run_tasks([credentials_task("creds", namespace, mount, "app", renew_before="20m")], env=local_env.env).assert_ok().task("creds")
    assert reissued["action"] == "issue" and reissued["replaced_lease_id"] == issued["lease_id"], reissued
    assert reissued["pending_revocation"] == [issued["lease_id"]]
    new_values = secret_values(k8s_api, namespace, "db")[1]
    assert new_values["username"] != values["username"]
    assert can_log_in(postgres, new_values["username"], new_values["password"])
    assert can_log_in(postgres, values["username"], values["password"]), "the replaced credentials must live until revoke_replaced"

    checked = run_tasks([credentials_task("creds", namespace, mount, "app", renew_before="10s", revoke_replaced=True)],
                        env=local_env.env, check=True).assert_ok().task("creds")
    assert checked["changed"] and checked["revoked_lease_ids"] == [issued["lease_id"]]
    assert can_log_in(postgres, values["username"], values["password"]), "check mode revoked a lease"

    revoked = run_tasks([credentials_task("creds", namespace, mount, "app", renew_before="10s", revoke_replaced=True)],
                        env=local_env.env).assert_ok().task("creds")
    assert revoked["changed"] and revoked["revoked_lease_ids"] == [issued["lease_id"]] and revoked["pending_revocation"] == []
    assert not can_log_in(postgres, values["username"], values["password"]), "the replaced credentials still work after revocation"
    assert can_log_in(postgres, new_values["username"], new_values["password"])
    assert secret_values(k8s_api, namespace, "db")[0].metadata.annotations["secretops.io/vault-replaced-leases"] == ""
    idle = run_tasks([credentials_task("creds", namespace, mount, "app", renew_before="10s", revoke_replaced=True)],
                     env=local_env.env).assert_ok().task("creds")
    assert not idle["changed"], idle


def test_check_mode_creates_no_database_role_and_no_secret(local_env, vault_client, k8s_api, namespace, postgres):
    mount = enable_engine(vault_client)
    role = unique("ck")
    run_tasks([connection_task(postgres, mount), role_task(mount, role)], env=local_env.env).assert_ok()
    roles_before = role_count(postgres, role)
    checked = run_tasks([credentials_task("creds", namespace, mount, role)], env=local_env.env, check=True).assert_ok().task("creds")
    assert checked["changed"] and checked["action"] == "issue" and checked["lease_id"] is None
    assert role_count(postgres, role) == roles_before == 0
    assert not vault_client.list("sys/leases/lookup/%s/creds/%s" % (mount, role))
    assert not k8s_client.CoreV1Api(k8s_api).list_namespaced_secret(namespace, field_selector="metadata.name=db").items
    # The same count sees the user a real run makes.
    run_tasks([credentials_task("creds", namespace, mount, role)], env=local_env.env).assert_ok()
    assert role_count(postgres, role) == 1


def test_bad_input_fails_clearly_and_writes_nothing(local_env, vault_client, k8s_api, namespace, postgres):
    mount = enable_engine(vault_client)
    # A connection Vault cannot reach (saved without the check), and a role on it.
    role = unique("bad")
    run_tasks([connection_task(dict(postgres, port=1), mount, name="gone", verify_connection=False), role_task(mount, role, db_name="gone")],
              env=local_env.env).assert_ok()
    unknown = run_tasks([credentials_task("creds", namespace, mount, "nosuchrole")], env=local_env.env)
    assert unknown.returncode != 0
    assert "no dynamic database role 'nosuchrole'" in unknown.task("creds")["msg"], unknown.task("creds")["msg"]
    unreachable = run_tasks([credentials_task("creds", namespace, mount, role)], env=local_env.env)
    assert unreachable.returncode != 0
    assert "could not issue credentials" in unreachable.task("creds")["msg"], unreachable.task("creds")["msg"]
    mapped = run_tasks([credentials_task("creds", namespace, mount, role, type="opaque", mapping={"DB_HOST": "host"})], env=local_env.env)
    assert mapped.returncode != 0 and "have only the fields" in mapped.task("creds")["msg"]
    assert not k8s_client.CoreV1Api(k8s_api).list_namespaced_secret(namespace, field_selector="metadata.name=db").items
    assert role_count(postgres, role) == 0
    assert not vault_client.list("sys/leases/lookup/%s/creds/%s" % (mount, role))


def test_leases_outlive_the_play_with_an_orphan_periodic_token(local_env, vault_client, k8s_api, namespace, postgres):
    mount = enable_engine(vault_client)
    run_tasks([connection_task(postgres, mount), role_task(mount, "app")], env=local_env.env).assert_ok()
    policy = unique("db-leases")
    vault_client.sys.create_or_update_policy(policy, """
path "%s/creds/app" { capabilities = ["read"] }
path "sys/leases/lookup" { capabilities = ["update"] }
path "sys/leases/renew" { capabilities = ["update"] }
path "sys/leases/revoke" { capabilities = ["update"] }
""" % mount)
    # What an operator does once: a token made for the leases, with no parent to die with and a period to renew.
    token = vault_client.auth.token.create_orphan(policies=[policy], period="1h")["auth"]["client_token"]
    env = dict(local_env.env, VAULT_TOKEN=token)
    run = run_tasks([credentials_task("creds", namespace, mount, "app")], env=env).assert_ok().task("creds")
    assert run["action"] == "issue" and run["token_renewed"]
    values = secret_values(k8s_api, namespace, "db")[1]
    assert can_log_in(postgres, values["username"], values["password"]), "the lease did not outlive the play"
    assert _lease(vault_client, run["lease_id"])["ttl"] > 0
    vault_client.auth.token.revoke(token)
    # Vault revokes a revoked token's leases in the background.
    deadline = time.monotonic() + 60
    while can_log_in(postgres, values["username"], values["password"]):
        assert time.monotonic() < deadline, "revoking the token did not revoke its leases"
        time.sleep(1)


def _documented_lease_policy(mount, role):
    """The lease token policy of docs/dynamic-secrets.md, word for word, for ``<mount>/creds/<role>`` instead of the
    guide's ``database/creds/shop-app``."""
    text = doc_blocks.heredoc("docs/dynamic-secrets.md", "policy write shop-db-leases")
    assert text.count("database/creds/shop-app") == 4, "the guide's policy names the role's path in 4 places"
    return text.replace("database/creds/shop-app", "%s/creds/%s" % (mount, role))


def _forbidden(call):
    try:
        call()
    except hvac.exceptions.Forbidden:
        return True
    return False


def test_the_documented_lease_token_policy_rotates_and_revokes_its_role_and_no_other(local_env, vault_client, k8s_api, namespace, postgres):
    mount = enable_engine(vault_client)
    # "app-admin" shares the prefix "app" with the role the token serves: the policy's trailing "/" keeps it out.
    run_tasks([connection_task(postgres, mount), role_task(mount, "app"), role_task(mount, "app-admin")], env=local_env.env).assert_ok()
    policy = unique("shop-db-leases")
    vault_client.sys.create_or_update_policy(policy, _documented_lease_policy(mount, "app"))
    token = vault_client.auth.token.create_orphan(policies=[policy], period="1h")["auth"]["client_token"]
    env = dict(local_env.env, VAULT_TOKEN=token)

    issued = run_tasks([credentials_task("creds", namespace, mount, "app")], env=env).assert_ok().task("creds")
    assert issued["action"] == "issue" and issued["token_renewed"], issued
    wait_until_due(vault_client, issued["lease_id"], 99)
    renewed = run_tasks([credentials_task("creds", namespace, mount, "app", renew_before="99%")], env=env).assert_ok().task("creds")
    assert renewed["action"] == "renew" and renewed["lease_id"] == issued["lease_id"], renewed
    old = secret_values(k8s_api, namespace, "db")[1]
    # A renewal cannot reach past 20 minutes (the role's max_ttl is 10): the credentials are re-issued.
    reissued = run_tasks([credentials_task("creds", namespace, mount, "app", renew_before="20m")], env=env).assert_ok().task("creds")
    assert reissued["action"] == "issue" and reissued["replaced_lease_id"] == issued["lease_id"], reissued
    new = secret_values(k8s_api, namespace, "db")[1]
    assert can_log_in(postgres, old["username"], old["password"]), "the replaced credentials live until they are revoked"
    revoked = run_tasks([credentials_task("creds", namespace, mount, "app", state="revoked")], env=env).assert_ok().task("creds")
    assert revoked["revoked_lease_ids"] == [issued["lease_id"]] and revoked["pending_revocation"] == [], revoked
    assert not can_log_in(postgres, old["username"], old["password"]), "the revoked lease's user was not dropped"
    assert can_log_in(postgres, new["username"], new["password"])

    # Another role's lease (issued by someone else): the same token may not look it up, renew it or revoke it, in any form.
    other = vault_client.read("%s/creds/app-admin" % mount)
    lease_token = hvac.Client(url=local_env.vault_addr, token=token)
    assert _forbidden(lambda: lease_token.sys.revoke_lease(other["lease_id"]))
    assert _forbidden(lambda: lease_token.write("sys/leases/revoke", lease_id=other["lease_id"], sync=True))
    assert _forbidden(lambda: lease_token.write("sys/leases/revoke/%s" % other["lease_id"]))
    assert _forbidden(lambda: lease_token.write("sys/leases/revoke-prefix/%s/creds/app-admin" % mount))
    assert _forbidden(lambda: lease_token.write("sys/revoke/%s" % other["lease_id"]))
    assert _forbidden(lambda: lease_token.sys.renew_lease(other["lease_id"]))
    assert _forbidden(lambda: lease_token.sys.read_lease(other["lease_id"]))
    assert vault_client.sys.read_lease(other["lease_id"])["data"]["id"] == other["lease_id"], "the other role's lease was revoked"
    assert can_log_in(postgres, other["data"]["username"], other["data"]["password"])
    # ...while its own role's leases it may: the prefix is the policy's only grant.
    assert lease_token.sys.read_lease(reissued["lease_id"])["data"]["id"] == reissued["lease_id"]


def test_static_role_sync_reports_vault_rotations(local_env, vault_client, k8s_api, namespace, postgres):
    mount = enable_engine(vault_client)
    user = unique("static").replace("-", "_")
    query(postgres, "CREATE ROLE %s WITH LOGIN PASSWORD 'initial-%s'" % (user, user))
    run_tasks([connection_task(postgres, mount),
               task("static", "vault_database_static_role", mount_point=mount, name="report", db_name="pg", username=user,
                    rotation_period="1h")], env=local_env.env).assert_ok()
    sync = [credentials_task("creds", namespace, mount, "report", role_type="static", type="opaque", secret="report",
                             mapping={"DB_USER": "username", "DB_PASSWORD": "password"})]
    first = run_tasks(sync, env=local_env.env).assert_ok().task("creds")
    assert first["secret_changed"] and not first["rotated_since_last_sync"] and first["data_keys"] == ["DB_PASSWORD", "DB_USER"]
    values = secret_values(k8s_api, namespace, "report")[1]
    assert values["DB_USER"] == user and can_log_in(postgres, user, values["DB_PASSWORD"])
    assert not run_tasks(sync, env=local_env.env).assert_ok().task("creds")["changed"]
    vault_client.write("%s/rotate-role/report" % mount)
    rotated = run_tasks(sync, env=local_env.env).assert_ok().task("creds")
    assert rotated["secret_changed"] and rotated["rotated_since_last_sync"], rotated
    new_values = secret_values(k8s_api, namespace, "report")[1]
    assert can_log_in(postgres, user, new_values["DB_PASSWORD"]) and not can_log_in(postgres, user, values["DB_PASSWORD"])


def test_no_password_in_vvvv_output(local_env, vault_client, k8s_api, namespace, postgres):
    mount = enable_engine(vault_client)
    admin = unique("leakadmin").replace("-", "_")
    initial = unique("leak-initial")
    query(postgres, "CREATE ROLE %s WITH LOGIN CREATEROLE PASSWORD '%s'" % (admin, initial))
    tasks = [connection_task(postgres, mount, username=admin, password=initial), role_task(mount, "app"),
             credentials_task("creds", namespace, mount, "app"),
             credentials_task("renew", namespace, mount, "app", renew_before="99%"),
             credentials_task("reissue", namespace, mount, "app", renew_before="20m"),
             credentials_task("revoke", namespace, mount, "app", renew_before="10s", revoke_replaced=True),
             connection_task(postgres, mount, name="broken", username=admin, password=initial, connection_url="postgresql://x:y@127.0.0.1:1/p")]
    tasks[-1]["ignore_errors"] = True
    run = run_tasks(tasks, env=local_env.env, extra_args=["-vvvv"], diff=True).assert_ok()
    values = secret_values(k8s_api, namespace, "db")[1]
    assert run.task("reissue")["action"] == "issue"
    for secret in (initial, values["password"], local_env.vault_token, "x:y@"):
        assert secret not in run.output, "a credential reached the output"
    assert psql(postgres, "SELECT 1").returncode == 0


def test_credentials_whose_lease_vault_revoked_are_re_issued(local_env, vault_client, k8s_api, namespace, postgres):
    mount = enable_engine(vault_client)
    run_tasks([connection_task(postgres, mount), role_task(mount, "app")], env=local_env.env).assert_ok()
    issued = run_tasks([credentials_task("creds", namespace, mount, "app")], env=local_env.env).assert_ok().task("creds")
    vault_client.write("sys/leases/revoke", lease_id=issued["lease_id"])
    checked = run_tasks([credentials_task("creds", namespace, mount, "app")], env=local_env.env, check=True).assert_ok().task("creds")
    assert checked["changed"] and checked["action"] == "issue" and "revoked" in checked["reason"]
    reissued = run_tasks([credentials_task("creds", namespace, mount, "app")], env=local_env.env).assert_ok().task("creds")
    assert reissued["action"] == "issue" and reissued["replaced_lease_id"] is None and reissued["pending_revocation"] == []
    values = secret_values(k8s_api, namespace, "db")[1]
    assert can_log_in(postgres, values["username"], values["password"])
