"""Faults during the rotation of dynamic secrets (database credentials), against the real kube-apiserver, OpenBao /
HashiCorp Vault and PostgreSQL: the play is SIGKILLed at a precise point (the admission hook sees each write before
the apiserver stores it), then ONE re-run. After each: the credentials the pods hold still log in, the re-run
converges, nothing issued is leaked silently (a lease issued and never delivered is revoked), and no value is shown."""

import base64
import json
import os
import signal

import pytest
from kubernetes import client as k8s_client

from ansible_collections.secretops.provisioning.plugins.module_utils.revocation.ledger import Ledger, record_name

from tests.integration.database_it_helpers import can_log_in
from tests.integration.dynamic_roles_support import drop_engines, dynamic_app, make_engines, read_secret, run_playbook_with
from tests.integration.rotation_faults_support import AdmissionHook, BackgroundPlaybook, is_data_write_of, is_restart_of
from tests.integration.test_roles_support import container, create, deployment, report_of, wait_available


@pytest.fixture(scope="module")
def engines(local_env, vault_client):
    if not local_env.postgres:
        pytest.fail("the local environment has no PostgreSQL: restart it with this tree's tools/cluster/localenv.py", pytrace=False)
    made = make_engines(local_env, vault_client)
    yield made
    drop_engines(vault_client, made)


def prepared(local_env, k8s_api, namespace, engines):
    app = dynamic_app(namespace, engines)
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


def killed_at(local_env, k8s_api, namespace, app, should_kill):
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
            return "the test killed the play before this write"
        return None
    with AdmissionHook(k8s_api, local_env, namespace, decide):
        holder["play"] = BackgroundPlaybook("rotate", dict(app, secretops_rotate=["db"]), local_env.env)
        killed = holder["play"].wait()
    assert killed.killed and killed.returncode == -9
    return killed


def lease_alive(vault_client, lease_id):
    try:
        vault_client.sys.read_lease(lease_id)
        return True
    except Exception:  # pylint: disable=broad-except  # hvac raises InvalidRequest for a lease Vault no longer has
        return False


def recorded_issued(k8s_api, namespace):
    """The leases the revocation record of Secret ``db`` holds as issued and not yet delivered."""
    name = Ledger(None).namespace, record_name(namespace, "db")
    stored = k8s_client.CoreV1Api(k8s_api).read_namespaced_secret(name[1], name[0])
    return [entry["id"] for entry in json.loads(base64.b64decode(stored.data["record"]))["issued"]]


@pytest.mark.usefixtures("vault_server")
def test_play_killed_between_issuing_and_writing_the_secret_leaks_no_lease(local_env, namespace, k8s_api, vault_client, engines):
    app = prepared(local_env, k8s_api, namespace, engines)
    old_lease, old_values = credentials(k8s_api, namespace)
    killed = killed_at(local_env, k8s_api, namespace, app, lambda request: is_data_write_of(request, "db"))
    orphans = recorded_issued(k8s_api, namespace)
    assert len(orphans) == 1, "one lease was issued and recorded before the kill"
    orphan = orphans[0]
    assert lease_alive(vault_client, orphan)
    assert credentials(k8s_api, namespace)[0] == old_lease, "the Secret was not written"
    assert can_log_in(local_env.postgres, old_values["username"], old_values["password"])

    rerun = run_playbook_with("rotate", app, local_env.env).assert_ok()
    assert not lease_alive(vault_client, orphan), "the lease issued by the killed run was left alive"
    assert credentials(k8s_api, namespace)[0] == old_lease and can_log_in(local_env.postgres, old_values["username"], old_values["password"])
    assert "stopped before writing it to the Secret" in rerun.output
    for value in (old_values["password"],):
        assert value not in killed.output + rerun.output


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
        assert value not in killed.output + rerun.output
