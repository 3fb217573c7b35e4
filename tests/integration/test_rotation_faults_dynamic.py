"""Faults during the rotation of dynamic secrets (database credentials), against the real kube-apiserver, OpenBao /
HashiCorp Vault and PostgreSQL: the play is SIGKILLed at a precise point (the admission hook sees each write before
the apiserver stores it), or a server is down (PostgreSQL during the revocation, Vault during the renewal: in a
private environment, never the shared one), then ONE re-run. After each: the credentials the pods hold still log in,
the re-run converges, nothing issued is leaked silently (a lease issued and never delivered is revoked), the report
says what happened, and no value is shown."""

import base64
import json
import os
import signal

import pytest
from kubernetes import client as k8s_client

from ansible_collections.secretops.provisioning.plugins.module_utils.revocation.ledger import Ledger, record_name
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.tls import check_tls
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import leases, pki_certificate as pki

from tests.integration.database_it_helpers import can_log_in, wait_until_due
from tests.integration.dynamic_roles_support import dynamic_app, make_engines, openssl_verify, read_secret, run_playbook_with
from tests.integration.conftest import VAULT_FLAVORS
from tests.integration.rotation_faults_support import (
    AdmissionHook, BackgroundPlaybook, is_data_write_of, is_restart_of, make_namespace, private_environment,
)
from tests.integration.test_revocation_gate import db_consumer, wait_pods_gone, wait_running
from tests.integration.test_roles_support import container, create, deployment, report_of, summary_of, wait_available

# Vault calls give up after 5 s when Vault does not answer (it is paused), and are not retried.
QUICK_VAULT = {"rotate_secrets_vault": {"timeout": 5, "retries": 0}}


def prepared(local_env, k8s_api, namespace, engines, **app_options):
    app = dynamic_app(namespace, engines, **app_options)
    run_playbook_with("provision", dict(app, app_secrets_vault_access=False), local_env.env).assert_ok()
    consumer = container(env=[{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}])
    create(k8s_api, deployment(namespace, "web", {"containers": [consumer]}, replicas=1))
    wait_available(k8s_api, namespace, "web")
    return app


def credentials(k8s_api, namespace):
    secret, values = read_secret(k8s_api, namespace, "db")
    return secret.metadata.annotations["secretops.io/vault-lease-id"], values


def descendants(pid):
    """Every process below ``pid`` (a module process may run in a session of its own, out of the play's group)."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as handle:
                    parent = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, pending = [], [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def killed_at(local_env, k8s_api, namespace, app, should_kill, let_the_write_through=False, rotate="db"):
    """The rotate play (forcing Secret ``rotate``) SIGKILLed at the write ``should_kill`` picks: before it is stored, or
    (``let_the_write_through``) while the API server stores it, so the play dies right after that step."""
    holder = {}

    def decide(request):
        if should_kill(request):
            below = descendants(holder["play"].process.pid)
            holder["play"].kill()
            for pid in below:  # the module that sent this write dies before it hears the answer
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            return None if let_the_write_through else "the test killed the play before this write"
        return None
    with AdmissionHook(k8s_api, local_env, namespace, decide):
        holder["play"] = BackgroundPlaybook("rotate", dict(app, secretops_rotate=[rotate]), local_env.env)
        killed = holder["play"].wait()
    assert killed.killed and killed.returncode == -9
    return killed


def lease_alive(vault_client, lease_id):
    try:
        vault_client.sys.read_lease(lease_id)
        return True
    except Exception:  # pylint: disable=broad-except  # hvac raises InvalidRequest for a lease Vault no longer has
        return False


def revocation_record(k8s_api, namespace, secret="db"):
    """The revocation record of Secret ``secret``, as the automation stored it (where tenants cannot write)."""
    name = Ledger(None).namespace, record_name(namespace, secret)
    stored = k8s_client.CoreV1Api(k8s_api).read_namespaced_secret(name[1], name[0])
    return json.loads(base64.b64decode(stored.data["record"]))


def recorded(k8s_api, namespace, which="issued", secret="db"):
    """The credentials the revocation record of ``secret`` holds as ``issued`` (not yet delivered) or ``pending`` (replaced)."""
    return [entry["id"] for entry in revocation_record(k8s_api, namespace, secret)[which]]


def db_entry(run):
    return dict((item["secret"], item) for item in report_of(run)["dynamic"])["db"]


def shown(*runs):
    """What the plays printed and what their audit reports hold."""
    text = ""
    for run in runs:
        text += run.output
        for name in os.listdir(run.report_dir) if os.path.isdir(run.report_dir) else []:
            with open(os.path.join(run.report_dir, name)) as handle:
                text += handle.read()
    return text


@pytest.mark.usefixtures("vault_server")
def test_play_killed_between_issuing_and_writing_the_secret_leaks_no_lease(local_env, namespace, k8s_api, vault_client, engines):
    app = prepared(local_env, k8s_api, namespace, engines)
    old_lease, old_values = credentials(k8s_api, namespace)
    killed = killed_at(local_env, k8s_api, namespace, app, lambda request: is_data_write_of(request, "db"))
    orphans = recorded(k8s_api, namespace)
    assert len(orphans) == 1, "one lease was issued and recorded before the kill"
    orphan = orphans[0]
    assert lease_alive(vault_client, orphan)
    assert credentials(k8s_api, namespace)[0] == old_lease, "the Secret was not written"
    assert can_log_in(local_env.postgres, old_values["username"], old_values["password"])

    rerun = run_playbook_with("rotate", app, local_env.env).assert_ok()
    assert not lease_alive(vault_client, orphan), "the lease issued by the killed run was left alive"
    assert credentials(k8s_api, namespace)[0] == old_lease and can_log_in(local_env.postgres, old_values["username"], old_values["password"])
    assert "stopped before writing it to the Secret" in rerun.output
    assert old_values["password"] not in shown(killed, rerun)


def tls_secret(k8s_api, namespace):
    """(serial, {key: text}) of Secret ``web-tls``."""
    secret, values = read_secret(k8s_api, namespace, "web-tls")
    return pki.current_certificate(secret.to_dict())["serial"], values


def certificate_in_vault(vault_client, mount, serial):
    """Vault's record of certificate ``serial``: ``certificate``, ``revocation_time`` (0: not revoked)."""
    return vault_client.read("%s/cert/%s" % (mount, serial))["data"]


def assert_valid_certificate(vault_client, mount, serial, values):
    """The Secret's certificate chains to the mount's CA, matches its key, is not revoked and has not ended."""
    ca_pem = vault_client.read("%s/cert/ca" % mount)["data"]["certificate"]
    verified = openssl_verify(ca_pem, values["tls.crt"])
    assert verified.returncode == 0, verified.stdout + verified.stderr
    check_tls(values["tls.crt"], values["tls.key"], values.get("ca.crt"))
    assert certificate_in_vault(vault_client, mount, serial)["revocation_time"] == 0, "the pods' certificate was revoked"


@pytest.mark.usefixtures("vault_server")
def test_play_killed_between_issuing_and_writing_the_certificate_leaks_no_certificate(
        local_env, namespace, k8s_api, vault_client, engines):
    app = dynamic_app(namespace, engines)
    run_playbook_with("provision", dict(app, app_secrets_vault_access=False), local_env.env).assert_ok()
    create(k8s_api, deployment(namespace, "web", {
        "containers": [container(volumeMounts=[{"name": "tls", "mountPath": "/tls", "readOnly": True}])],
        "volumes": [{"name": "tls", "secret": {"secretName": "web-tls"}}]}, replicas=1))
    wait_available(k8s_api, namespace, "web")
    old_serial, old_values = tls_secret(k8s_api, namespace)

    killed = killed_at(local_env, k8s_api, namespace, app, lambda request: is_data_write_of(request, "web-tls"), rotate="web-tls")
    orphans = recorded(k8s_api, namespace, secret="web-tls")
    assert len(orphans) == 1 and orphans[0] != old_serial, "one certificate was issued and recorded before the kill"
    orphan = orphans[0]
    assert certificate_in_vault(vault_client, engines["pki"], orphan)["revocation_time"] == 0, "issued, not yet revoked"
    assert tls_secret(k8s_api, namespace) == (old_serial, old_values), "the Secret was not written"
    assert_valid_certificate(vault_client, engines["pki"], old_serial, old_values)

    rerun = run_playbook_with("rotate", app, local_env.env).assert_ok()
    assert "an earlier run issued %s and stopped before writing it to the Secret" % orphan in rerun.output
    entry = dict((item["secret"], item) for item in report_of(rerun)["dynamic"])["web-tls"]
    assert entry["issued"] is False and entry["serial"] == old_serial, entry
    assert entry["revoked_serials"] == [orphan] and entry["revocation"] == "revoked", entry
    assert orphan in summary_of(rerun), "the report names the certificate it revoked"
    assert certificate_in_vault(vault_client, engines["pki"], orphan)["revocation_time"] > 0, "the orphaned certificate was leaked"
    # Converged: the Secret keeps the certificate the pods hold, and the record holds it alone, nothing issued or pending.
    assert tls_secret(k8s_api, namespace) == (old_serial, old_values)
    assert_valid_certificate(vault_client, engines["pki"], old_serial, old_values)
    record = revocation_record(k8s_api, namespace, "web-tls")
    assert (record["current"]["id"], record["issued"], record["pending"]) == (old_serial, [], []), record
    text = shown(killed, rerun)
    assert old_values["tls.key"] not in text and "PRIVATE KEY" not in text, "key material was shown"


@pytest.mark.usefixtures("vault_server")
def test_play_killed_between_the_secret_write_and_the_restart_revokes_only_after_the_pods_moved(
        local_env, namespace, k8s_api, vault_client, engines):
    app = prepared(local_env, k8s_api, namespace, engines)
    old_lease, old_values = credentials(k8s_api, namespace)
    killed = killed_at(local_env, k8s_api, namespace, app, lambda request: is_restart_of(request, "web"))
    lease, values = credentials(k8s_api, namespace)
    assert lease != old_lease, "the Secret got new credentials before the kill"
    assert can_log_in(local_env.postgres, old_values["username"], old_values["password"]), "the pods' credentials still work"
    assert can_log_in(local_env.postgres, values["username"], values["password"])

    rerun = run_playbook_with("rotate", app, local_env.env).assert_ok()
    report = report_of(rerun)
    assert [(item["name"], item["outcome"]) for item in report["restarts"]] == [("web", "complete")], report["restarts"]
    assert not can_log_in(local_env.postgres, old_values["username"], old_values["password"]), "the replaced lease was kept"
    assert can_log_in(local_env.postgres, values["username"], values["password"])
    entry = dict((item["secret"], item) for item in report["dynamic"])["db"]
    assert entry["revoked_lease_ids"] == [old_lease]
    assert not lease_alive(vault_client, old_lease) and lease_alive(vault_client, lease)
    for value in (values["password"], old_values["password"]):
        assert value not in shown(killed, rerun)


# ---------------------------------------------------------------- servers down (a private environment)

@pytest.fixture(scope="module", params=VAULT_FLAVORS)
def private(request):
    with private_environment(request.param) as env:
        if not env.local_env.postgres:
            pytest.fail("the private environment has no PostgreSQL", pytrace=False)
        env.engines = make_engines(env.local_env, env.vault_client)
        yield env


@pytest.fixture
def private_namespace(private):
    return make_namespace(private.k8s_api)


def test_postgresql_down_during_the_revocation_keeps_the_lease_pending_and_the_rerun_revokes_it(private, private_namespace):
    local_env, k8s_api, vault_client, namespace = private.local_env, private.k8s_api, private.vault_client, private_namespace
    postgres = local_env.postgres
    app = dynamic_app(namespace, private.engines)
    run_playbook_with("provision", dict(app, app_secrets_vault_access=False), local_env.env).assert_ok()
    # A bare Pod holds the credentials while they are replaced: the replaced lease stays pending.
    create(k8s_api, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bare", "namespace": namespace},
                     "spec": {"containers": [db_consumer()]}})
    wait_running(k8s_api, namespace, "bare")
    old_lease, old_values = credentials(k8s_api, namespace)
    reissued = run_playbook_with("rotate", dict(app, secretops_rotate=["db"]), local_env.env).assert_ok()
    lease, values = credentials(k8s_api, namespace)
    assert lease != old_lease and db_entry(reissued)["pending_revocation"] == [old_lease]
    k8s_client.CoreV1Api(k8s_api).delete_namespaced_pod("bare", namespace, grace_period_seconds=0)
    wait_pods_gone(k8s_api, namespace, ["bare"])

    # Nothing is due and no Pod holds the replaced lease: this run revokes it, while PostgreSQL is down.
    private.component("kill", "postgres")
    try:
        run = run_playbook_with("rotate", app, local_env.env)
    finally:
        private.component("start", "postgres")
    entry = db_entry(run)
    assert entry["pending_revocation"] == [old_lease] and not entry.get("revoked_lease_ids"), entry
    assert entry["revocation"].startswith("revocation failed for %s (a later run tries again): " % old_lease), entry
    assert "revocation failed for %s" % old_lease in summary_of(run)
    assert recorded(k8s_api, namespace, "pending") == [old_lease], "the failed revocation stays in the record"
    assert lease_alive(vault_client, old_lease) and credentials(k8s_api, namespace)[0] == lease
    assert can_log_in(postgres, old_values["username"], old_values["password"]), "Vault could not drop the user"
    assert can_log_in(postgres, values["username"], values["password"]), "the Secret's credentials work"

    rerun = run_playbook_with("rotate", app, local_env.env).assert_ok()
    entry = db_entry(rerun)
    assert entry["revoked_lease_ids"] == [old_lease] and entry["revocation"] == "revoked", entry
    assert recorded(k8s_api, namespace, "pending") == [] and not lease_alive(vault_client, old_lease)
    assert not can_log_in(postgres, old_values["username"], old_values["password"]), "the replaced lease was kept"
    assert can_log_in(postgres, values["username"], values["password"]) and credentials(k8s_api, namespace)[0] == lease
    for value in (values["password"], old_values["password"]):
        assert value not in shown(reissued, run, rerun)


def test_vault_down_during_the_renewal_fails_cleanly_and_the_pods_keep_their_credentials(private, private_namespace):
    local_env, k8s_api, vault_client, namespace = private.local_env, private.k8s_api, private.vault_client, private_namespace
    postgres = local_env.postgres
    # renew_before 99% of the lease's 5 minutes: the lease is due for renewal 3 s after it was issued or renewed.
    app = prepared(local_env, k8s_api, namespace, private.engines, db_renew_before="99%")
    lease, values = credentials(k8s_api, namespace)
    wait_until_due(vault_client, lease, 99)
    due = vault_client.sys.read_lease(lease)["data"]

    private.component("pause", private.vault_process)
    try:
        run = run_playbook_with("rotate", dict(app, **QUICK_VAULT), local_env.env)
    finally:
        private.component("resume", private.vault_process)
    assert run.returncode != 0
    assert "cannot reach Vault" in db_entry(run)["error"], db_entry(run)
    assert "cannot reach Vault" in summary_of(run)
    assert credentials(k8s_api, namespace) == (lease, values), "the Secret keeps the credentials the pods hold"
    assert can_log_in(postgres, values["username"], values["password"])
    assert lease_alive(vault_client, lease)

    rerun = run_playbook_with("rotate", app, local_env.env).assert_ok()
    entry = db_entry(rerun)
    assert entry["action"] == "renew" and entry["lease_id"] == lease, entry
    assert credentials(k8s_api, namespace) == (lease, values) and can_log_in(postgres, values["username"], values["password"])
    # Renewed for the role's default TTL (5 minutes from the renewal, however long the rest of the run took).
    renewed = vault_client.sys.read_lease(lease)["data"]
    assert renewed["last_renewal"] and renewed["expire_time"] > due["expire_time"], (due, renewed)
    assert 299 <= leases.lifetime(renewed) <= 300, renewed
    assert values["password"] not in shown(run, rerun)


@pytest.mark.usefixtures("vault_server")
def test_play_killed_between_the_restart_and_the_revocation_is_finished_by_the_next_run(
        local_env, namespace, k8s_api, vault_client, engines):
    app = prepared(local_env, k8s_api, namespace, engines)
    old_lease, old_values = credentials(k8s_api, namespace)
    killed = killed_at(local_env, k8s_api, namespace, app, lambda request: is_restart_of(request, "web"), let_the_write_through=True)
    lease, values = credentials(k8s_api, namespace)
    assert lease != old_lease and lease_alive(vault_client, old_lease), "restarted, not yet revoked"
    wait_available(k8s_api, namespace, "web")

    rerun = run_playbook_with("rotate", app, local_env.env).assert_ok()
    report = report_of(rerun)
    assert report["restarts"] == [] or all(item["outcome"] != "failed" for item in report["restarts"])
    entry = dict((item["secret"], item) for item in report["dynamic"])["db"]
    assert entry["revoked_lease_ids"] == [old_lease] and not lease_alive(vault_client, old_lease)
    assert not can_log_in(local_env.postgres, old_values["username"], old_values["password"])
    assert can_log_in(local_env.postgres, values["username"], values["password"])
    for value in (values["password"], old_values["password"]):
        assert value not in shown(killed, rerun)
