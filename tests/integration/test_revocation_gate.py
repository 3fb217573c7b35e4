"""Revocation of replaced dynamic secrets on bad days, against the real kube-apiserver, OpenBao / HashiCorp
Vault and PostgreSQL: a replaced credential is revoked only when no running Pod may hold it, and only when the
automation itself recorded issuing it for that very Secret (never because of what a tenant wrote on the Secret)."""

import base64
import time
import uuid

import pytest
from kubernetes import client as k8s_client

from tests.integration.ansible_run import run_tasks
from tests.integration.database_it_helpers import can_log_in
from tests.integration.dynamic_roles_support import dynamic_app, read_secret, run_playbook_with
from tests.integration.test_roles_support import container, create, deployment, make_rollouts_fail, report_of, summary_of, wait_available
from tests.integration.vault_it_helpers import task, unique


@pytest.fixture
def other_namespace(k8s_api):
    """A second tenant's namespace (the victim of a planted revocation handle)."""
    core = k8s_client.CoreV1Api(k8s_api)
    name = "it-" + uuid.uuid4().hex[:10]
    core.create_namespace(k8s_client.V1Namespace(metadata=k8s_client.V1ObjectMeta(name=name, labels={"secretops.test/integration": "true"})))
    yield name
    core.delete_namespace(name)


def provision(local_env, namespace, engines):
    app = dynamic_app(namespace, engines)
    run_playbook_with("provision", dict(app, app_secrets_vault_access=False), local_env.env).assert_ok()
    return app


def db_consumer():
    return container(env=[{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}])


def credentials(k8s_api, namespace):
    secret, values = read_secret(k8s_api, namespace, "db")
    return secret.metadata.annotations["secretops.io/vault-lease-id"], values


def serial_of(k8s_api, namespace):
    return read_secret(k8s_api, namespace, "web-tls")[0].metadata.annotations["secretops.io/pki-serial"]


def revocation_time(vault_client, engines, serial):
    return vault_client.read("%s/cert/%s" % (engines["pki"], serial))["data"]["revocation_time"]


def wait_running(k8s_api, namespace, name, timeout=60):
    core = k8s_client.CoreV1Api(k8s_api)
    deadline = time.time() + timeout
    while time.time() < deadline:
        if core.read_namespaced_pod(name, namespace).status.phase == "Running":
            return
        time.sleep(0.5)
    raise AssertionError("Pod %s/%s did not run" % (namespace, name))


def wait_pods_gone(k8s_api, namespace, names, timeout=60):
    core = k8s_client.CoreV1Api(k8s_api)
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not set(names) & set(pod.metadata.name for pod in core.list_namespaced_pod(namespace).items):
            return
        time.sleep(0.5)
    raise AssertionError("Pods %s did not go" % ", ".join(names))


def pod_names(k8s_api, namespace):
    return [pod.metadata.name for pod in k8s_client.CoreV1Api(k8s_api).list_namespaced_pod(namespace).items]


@pytest.mark.usefixtures("vault_server")
def test_a_paused_deployment_and_a_bare_pod_keep_the_replaced_credentials_until_they_are_replaced(
        local_env, namespace, k8s_api, engines):
    """The issue's reproduction: rotate reported success and PostgreSQL dropped the user under both."""
    app = provision(local_env, namespace, engines)
    create(k8s_api, deployment(namespace, "web", {"containers": [db_consumer()]}, replicas=1))
    wait_available(k8s_api, namespace, "web")
    apps = k8s_client.AppsV1Api(k8s_api)
    apps.patch_namespaced_deployment("web", namespace, {"spec": {"paused": True}})
    create(k8s_api, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bare", "namespace": namespace},
                     "spec": {"containers": [db_consumer()]}})
    wait_running(k8s_api, namespace, "bare")
    old_pods = pod_names(k8s_api, namespace)
    old_lease, old_values = credentials(k8s_api, namespace)

    run = run_playbook_with("rotate", dict(app, secretops_rotate=["db"]), local_env.env).assert_ok()
    lease, values = credentials(k8s_api, namespace)
    assert lease != old_lease and can_log_in(local_env.postgres, values["username"], values["password"])
    assert can_log_in(local_env.postgres, old_values["username"], old_values["password"]), "revoked under running pods"
    entry = dict((item["secret"], item) for item in report_of(run)["dynamic"])["db"]
    assert entry["revocation"].startswith("not revoked yet: %s stays valid while " % old_lease), entry
    assert "Pod/bare" in entry["revocation"] and entry["pending_revocation"] == [old_lease]
    assert any(name.startswith("Pod/web-") and "(ReplicaSet/web-" in name for holder in entry["revocation_held"] for name in holder["holders"])
    assert "Pod/bare" in summary_of(run)

    # Nothing due: the next nightly run keeps it pending while the same pods run.
    again = run_playbook_with("rotate", app, local_env.env).assert_ok()
    assert can_log_in(local_env.postgres, old_values["username"], old_values["password"])
    assert credentials(k8s_api, namespace)[0] == lease and report_of(again)["outcome"] == "nothing_rotated"

    # Once the bare Pod is gone and the Deployment resumed, the next run restarts the stale Deployment and, its old Pod
    # gone, revokes the replaced lease.
    k8s_client.CoreV1Api(k8s_api).delete_namespaced_pod("bare", namespace, grace_period_seconds=0)
    wait_pods_gone(k8s_api, namespace, ["bare"])
    apps.patch_namespaced_deployment("web", namespace, {"spec": {"paused": False}})
    last = run_playbook_with("rotate", app, local_env.env).assert_ok()
    assert not set(old_pods) & set(pod_names(k8s_api, namespace))
    assert not can_log_in(local_env.postgres, old_values["username"], old_values["password"])
    assert can_log_in(local_env.postgres, values["username"], values["password"])
    entry = dict((item["secret"], item) for item in report_of(last)["dynamic"])["db"]
    assert entry["revoked_lease_ids"] == [old_lease] and entry["revocation"] == "revoked"
    for value in (values["password"], old_values["password"]):
        assert value not in run.output + again.output + last.output


@pytest.mark.usefixtures("vault_server")
def test_after_a_failed_rollout_a_nightly_run_with_nothing_due_leaves_the_old_pods_their_credentials(
        local_env, namespace, k8s_api, engines):
    """Second form: run 1 re-issues and its rollout fails, the old pods keep serving; the next run must not revoke."""
    app = provision(local_env, namespace, engines)
    create(k8s_api, deployment(namespace, "web", {"containers": [db_consumer()]}, replicas=1))
    wait_available(k8s_api, namespace, "web")
    old_lease, old_values = credentials(k8s_api, namespace)
    make_rollouts_fail(k8s_api, namespace, "web")
    failed = run_playbook_with("rotate", dict(app, secretops_rotate=["db"], secretops_wait_timeout=30), local_env.env)
    assert failed.returncode != 0 and credentials(k8s_api, namespace)[0] != old_lease

    nightly = run_playbook_with("rotate", app, local_env.env)
    assert can_log_in(local_env.postgres, old_values["username"], old_values["password"]), "revoked under the only pods that serve"
    entry = dict((item["secret"], item) for item in report_of(nightly)["dynamic"])["db"]
    assert old_lease in entry.get("pending_revocation", []), entry


@pytest.mark.usefixtures("vault_server")
def test_a_run_may_accept_revoking_under_running_pods_explicitly(local_env, namespace, k8s_api, engines):
    app = provision(local_env, namespace, engines)
    create(k8s_api, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bare", "namespace": namespace},
                     "spec": {"containers": [db_consumer()]}})
    wait_running(k8s_api, namespace, "bare")
    _old_lease, old_values = credentials(k8s_api, namespace)
    run_playbook_with("rotate", dict(app, secretops_rotate=["db"]), local_env.env).assert_ok()
    assert can_log_in(local_env.postgres, old_values["username"], old_values["password"])
    run_playbook_with("rotate", dict(app, secretops_accept_revocation_in_use=True), local_env.env).assert_ok()
    assert not can_log_in(local_env.postgres, old_values["username"], old_values["password"])


@pytest.mark.usefixtures("vault_server")
def test_revocation_handles_a_tenant_plants_on_its_own_secrets_never_reach_another_teams_credentials(
        local_env, namespace, other_namespace, k8s_api, vault_client, engines):
    """A tenant who may edit Secrets in its own namespace (the built-in ``edit`` role) writes another team's lease id and
    certificate serial (public from any TLS handshake) into its Secrets' annotations and data; the next rotate run revokes
    neither, and the victim's database user and certificate keep working."""
    provision(local_env, other_namespace, engines)
    victim_lease, victim_values = credentials(k8s_api, other_namespace)
    victim_serial = serial_of(k8s_api, other_namespace)
    app = provision(local_env, namespace, engines)

    core = k8s_client.CoreV1Api(k8s_api)
    core.patch_namespaced_secret("db", namespace, {"metadata": {"annotations": {
        "secretops.io/vault-replaced-leases": victim_lease, "secretops.io/vault-lease-id": victim_lease}}})
    core.patch_namespaced_secret("web-tls", namespace, {"metadata": {"annotations": {"secretops.io/pki-replaced-serial": victim_serial}}})

    run = run_playbook_with("rotate", dict(app, secretops_rotate=["db", "web-tls"]), local_env.env).assert_ok()
    assert can_log_in(local_env.postgres, victim_values["username"], victim_values["password"]), "the victim's user was dropped"
    assert revocation_time(vault_client, engines, victim_serial) == 0, "the victim's certificate was revoked"
    report = report_of(run)
    for entry in report["dynamic"]:
        assert victim_lease not in entry.get("revoked_lease_ids", []) and victim_serial not in entry.get("revoked_serials", [])
    # The tenant's own planted lease id was not adopted: its Secret got credentials of its own.
    lease, _values = credentials(k8s_api, namespace)
    assert lease != victim_lease and lease.startswith("%s/creds/app/" % engines["database"])


@pytest.mark.usefixtures("vault_server")
def test_the_revocation_records_live_in_the_automations_namespace_and_hold_no_value(local_env, namespace, k8s_api, engines):
    provision(local_env, namespace, engines)
    _lease, values = credentials(k8s_api, namespace)
    records = [secret for secret in k8s_client.CoreV1Api(k8s_api).list_namespaced_secret("secretops-system").items
               if (secret.metadata.annotations or {}).get("secretops.io/secret") in ("%s/db" % namespace, "%s/web-tls" % namespace)]
    assert len(records) == 2 and all(record.type == "secretops.io/revocation-record" for record in records)
    text = "".join(base64.b64decode(record.data["record"]).decode() for record in records)
    assert values["password"] not in text and values["username"] not in text
    assert read_secret(k8s_api, namespace, "web-tls")[1]["tls.key"].splitlines()[1] not in text


@pytest.mark.usefixtures("vault_server")
def test_a_leased_certificate_is_refused_with_a_login_token_before_anything_is_issued(
        local_env, namespace, k8s_api, vault_client, engines):
    """A login token is revoked when the task ends, and Vault revokes its leases with it: with a role that gives certificates
    a lease (generate_lease) the certificate just delivered would be revoked at once."""
    vault_client.write("%s/roles/leased" % engines["pki"], allowed_domains="dyn.test", allow_subdomains=True, key_type="ec",
                       key_bits=256, ttl="1h", max_ttl="24h", generate_lease=True)
    mount, app = unique("approle"), unique("leased")
    vault_client.sys.enable_auth_method("approle", path=mount)
    try:
        vault_client.sys.create_or_update_acl_policy(app, 'path "%s/issue/leased" { capabilities = ["create", "update"] }\n'
                                                          'path "%s/roles/leased" { capabilities = ["read"] }\n' % (engines["pki"], engines["pki"]))
        vault_client.write("auth/%s/role/%s" % (mount, app), token_policies=[app], token_ttl="10m")
        role_id = vault_client.read("auth/%s/role/%s/role-id" % (mount, app))["data"]["role_id"]
        secret_id = vault_client.write("auth/%s/role/%s/secret-id" % (mount, app))["data"]["secret_id"]
        certificates = sorted(((vault_client.list("%s/certs" % engines["pki"]) or {}).get("data") or {}).get("keys") or [])
        env = dict(local_env.env)
        env.pop("VAULT_TOKEN")
        run = run_tasks([dict(task("issue", "vault_pki_certificate", name="leased-tls", namespace=namespace, mount_point=engines["pki"],
                                   role="leased", common_name="leased.dyn.test",
                                   vault={"auth_method": "approle", "auth_mount_path": mount, "role_id": role_id, "secret_id": secret_id}),
                              ignore_errors=True)], env=env)
        result = run.task("issue")
        assert "generate_lease" in result.get("msg", ""), result
        assert read_secret(k8s_api, namespace, "leased-tls")[0] is None
        assert sorted(((vault_client.list("%s/certs" % engines["pki"]) or {}).get("data") or {}).get("keys") or []) == certificates
    finally:
        vault_client.sys.disable_auth_method(mount)
        vault_client.sys.delete_acl_policy(app)
