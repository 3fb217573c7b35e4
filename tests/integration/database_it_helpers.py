"""Shared bits of the database secrets engine tests: a real psql client, an engine mount wired to the
local PostgreSQL, and the module tasks."""

import base64
import os
import subprocess

from kubernetes import client as k8s_client

from ansible_collections.secretops.provisioning.plugins.module_utils.vault import leases

from tests.integration.polling import wait_until
from tests.integration.vault_it_helpers import task, unique

# Vault's templates, kept away from Jinja.
URL_TEMPLATE = "{%% raw %%}postgresql://{{username}}:{{password}}@%s:%d/%s?sslmode=disable{%% endraw %%}"
CREATION = ("{% raw %}CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'; "
            "GRANT CONNECT ON DATABASE postgres TO \"{{name}}\";{% endraw %}")


def psql(postgres, sql, user=None, password=None):
    """Run ``sql`` with the real psql client over TCP; the password travels in PGPASSWORD."""
    env = dict(os.environ, PGPASSWORD=postgres["password"] if password is None else password, PGCONNECT_TIMEOUT="5")
    argv = [os.path.join(postgres["bin_dir"], "psql"), "-h", postgres["host"], "-p", str(postgres["port"]), "-U",
            user or postgres["superuser"], "-d", postgres["database"], "-v", "ON_ERROR_STOP=1", "-X", "-A", "-t", "-c", sql]
    return subprocess.run(argv, env=env, capture_output=True, text=True, check=False, timeout=60)


def query(postgres, sql):
    done = psql(postgres, sql)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def can_log_in(postgres, user, password):
    done = psql(postgres, "SELECT current_user", user=user, password=password)
    return done.returncode == 0 and done.stdout.strip() == user


def role_count(postgres, vault_role):
    """Database users made for ``vault_role`` (Vault's default username template holds its first 8 characters).

    Counting only these keeps the count stable while other tests' leases expire on the shared server."""
    return int(query(postgres, "SELECT count(*) FROM pg_roles WHERE rolname LIKE '%%-%s-%%'" % vault_role[:8]))


def connection_url(postgres):
    return URL_TEMPLATE % (postgres["host"], postgres["port"], postgres["database"])


def enable_engine(vault_client):
    mount = unique("db")
    vault_client.sys.enable_secrets_engine("database", path=mount)
    return mount


def connection_task(postgres, mount, name="pg", allowed_roles=("*",), **extra):
    args = dict(mount_point=mount, name=name, plugin_name="postgresql-database-plugin", connection_url=connection_url(postgres),
                username=postgres["superuser"], password=postgres["password"], allowed_roles=list(allowed_roles))
    args.update(extra)
    return task("connection", "vault_database_connection", **args)


def role_task(mount, name, db_name="pg", **extra):
    args = dict(mount_point=mount, name=name, db_name=db_name, creation_statements=CREATION, default_ttl="2m", max_ttl="10m")
    args.update(extra)
    return task("role", "vault_database_role", **args)


def credentials_task(title, namespace, mount, role, secret="db", **extra):
    args = dict(name=secret, namespace=namespace, mount_point=mount, role=role)
    args.update(extra)
    return task(title, "vault_database_credentials", **args)


def secret_values(k8s_api, namespace, name):
    secret = k8s_client.CoreV1Api(k8s_api).read_namespaced_secret(name, namespace)
    values = dict((key, base64.b64decode(value).decode("utf-8")) for key, value in (secret.data or {}).items())
    return secret, values


def wait_until_due(vault_client, lease_id, percent):
    """Wait until the collection's own decision (``leases.plan``) no longer keeps the lease at ``renew_before:
    <percent>%``, from what Vault reports, so a run with that ``renew_before`` renews it however fast it follows."""
    renew_before = leases.parse_renew_before("%s%%" % percent)
    wait_until("lease %s to be due for renewal at %s%%" % (lease_id, percent),
               lambda: leases.plan(vault_client.sys.read_lease(lease_id)["data"], renew_before)[0] != leases.KEEP, interval=0.5)
