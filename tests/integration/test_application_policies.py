"""The application policies the roles write, against the real servers: an input that would rewrite the policy is refused
and no policy is written; pods get nothing on the PKI and database engines when the collection delivers their Secrets;
fleet policy names cannot collide."""

import hvac
import pytest

from tests.integration.test_roles_support import run_collection_playbook, sample_app

# Issue 23: one line that closes the path string and its block, then grants the application every policy, with sudo.
INJECTED = 'x" { capabilities = ["read"] } path "sys/policies/acl/*" { capabilities = ["create", "update", "sudo"] } path "y'
PKI = {"mount": "pki-nowhere", "role": "web", "common_name": "web.example.test", "include_ca": True}
DATABASE = {"mount": "database-nowhere", "role": "app"}


def _policies(vault_client):
    return set(vault_client.sys.list_acl_policies()["data"]["keys"])


def _rules(vault_client, name):
    return vault_client.sys.read_acl_policy(name)["data"]["policy"]


def _bootstrap_vars(namespace, secrets, **application):
    app = dict(sample_app(namespace, auth_mount="k8s-" + namespace), vault_k8s_auth_reviewer_namespace=namespace + "-auth")
    app["secretops_applications"][0].update(secrets=secrets, **application)
    return app


def _role_exists(vault_client, namespace):
    try:
        return vault_client.read("auth/k8s-%s/role/%s" % (namespace, namespace)) is not None
    except hvac.exceptions.InvalidPath:
        return False


def _kv_keys(vault_client, path):
    try:
        return vault_client.secrets.kv.v2.list_secrets(path=path, mount_point="secret")["data"]["keys"]
    except hvac.exceptions.InvalidPath:
        return []


@pytest.mark.parametrize("secret, named", [
    ({"name": "config", "vault_path": "it/" + INJECTED}, "secrets[0] (config).vault_path"),
    ({"name": "web-tls", "type": "tls", "pki": dict(PKI, role=INJECTED)}, "secrets[0] (web-tls).pki.role"),
    ({"name": "db", "type": "basic-auth", "database": dict(DATABASE, mount="database/../sys")}, "secrets[0] (db).database.mount"),
])
def test_bootstrap_refuses_an_input_that_rewrites_the_policy_and_writes_none(local_env, namespace, vault_client, secret, named):
    run = run_collection_playbook("bootstrap_vault_auth", _bootstrap_vars(namespace, [secret], dynamic_access="direct"), local_env.env)
    assert run.returncode != 0, run.stdout[-3000:]
    assert named in run.output, run.output[-3000:]
    assert namespace not in _policies(vault_client)
    assert not _role_exists(vault_client, namespace)
    assert not [name for name in _policies(vault_client) if name.startswith(namespace)]


def test_provision_refuses_an_injected_vault_path_before_writing_vault_or_a_policy(local_env, namespace, vault_client):
    app = sample_app(namespace)
    app["secretops_applications"][0]["secrets"][1]["vault_path"] = "it/%s/" % namespace + INJECTED
    run = run_collection_playbook("provision", app, local_env.env)
    assert run.returncode != 0 and "secret config: vault_path" in run.output, run.output[-3000:]
    assert namespace not in _policies(vault_client)
    assert set(_kv_keys(vault_client, "it/%s" % namespace)) <= {"db"}, "something was written at the injected path"


def _paths(text):
    return sorted(line.split('"')[1] for line in text.splitlines() if line.startswith("path "))


def test_delivered_dynamic_secrets_grant_the_pods_nothing_on_the_engines(local_env, namespace, vault_client):
    kv = {"name": "config", "vault_path": "it/%s/config" % namespace}
    secrets = [kv, {"name": "web-tls", "type": "tls", "pki": PKI}, {"name": "db", "type": "basic-auth", "database": DATABASE}]
    run_collection_playbook("bootstrap_vault_auth", _bootstrap_vars(namespace, secrets), local_env.env).assert_ok()
    delivered = _rules(vault_client, namespace)
    assert _paths(delivered) == ["secret/data/it/%s/config" % namespace, "secret/metadata/it/%s/config" % namespace], delivered

    run_collection_playbook("bootstrap_vault_auth", _bootstrap_vars(namespace, secrets, dynamic_access="direct"), local_env.env).assert_ok()
    direct = _rules(vault_client, namespace)
    assert _paths(direct) == sorted(["secret/data/it/%s/config" % namespace, "secret/metadata/it/%s/config" % namespace,
                                     "pki-nowhere/issue/web", "pki-nowhere/cert/ca_chain", "database-nowhere/creds/app",
                                     "sys/leases/lookup", "sys/leases/renew"]), direct
    assert "revoke" not in direct and '"lease_id" = ["database-nowhere/creds/app/*"]' in direct


def test_an_application_with_only_delivered_secrets_logs_in_with_an_empty_policy(local_env, namespace, vault_client):
    secrets = [{"name": "web-tls", "type": "tls", "pki": PKI}]
    run = run_collection_playbook("bootstrap_vault_auth", _bootstrap_vars(namespace, secrets), local_env.env).assert_ok()
    assert "Log in as %s/app" % namespace in run.stdout
    assert _paths(_rules(vault_client, namespace)) == []


def test_fleet_policy_names_carry_the_cluster_after_a_separator_no_name_may_hold(local_env, namespace, vault_client):
    secrets = [{"name": "config", "vault_path": "it/%s/config" % namespace}]
    app = dict(_bootstrap_vars(namespace, secrets), secretops_cluster="eu-1")
    run_collection_playbook("bootstrap_vault_auth", app, local_env.env).assert_ok()
    assert "%s@eu-1" % namespace in _policies(vault_client)
    role = vault_client.read("auth/k8s-%s/role/%s" % (namespace, namespace))["data"]
    assert role["token_policies"] == ["%s@eu-1" % namespace]

    refused = run_collection_playbook("bootstrap_vault_auth", dict(app, secretops_cluster="eu@1"), local_env.env)
    assert refused.returncode != 0 and "cluster name 'eu@1'" in refused.output, refused.output[-3000:]
