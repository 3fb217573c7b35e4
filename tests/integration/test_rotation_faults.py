"""Faults during a rotation, against the real servers: inject each, then re-run once.

Each test starts from a rotation-ready application (two Secrets in Vault and Kubernetes, a
Deployment running them with current stamps), breaks one thing at a precise point of the
rotate playbook, and checks that nothing is lost (the value the pods use is Vault's current or
previous version, the Secret holds a value Vault has), that the report tells what happened, and
that ONE scheduled re-run (``only_if_older_than``) converges: each Secret holds Vault's current
version and every consumer's stamp is current.

The admission hook (rotation_faults_support.AdmissionHook) sees every write of the play before
the apiserver stores it, which is how a test acts exactly between two steps. Tests that stop
Vault or the apiserver run in a private environment of their own.
"""

import threading

import pytest
from kubernetes import client as k8s_client

from tests.integration.conftest import VAULT_FLAVORS
from tests.integration.rotation_faults_support import (
    AdmissionHook, BackgroundPlaybook, assert_converged, assert_no_value_shown, assert_nothing_lost, concurrent_writer, decoded,
    is_data_write_of, is_restart_of, make_namespace, private_environment, restricted_kubeconfig, secret_state, snapshot, stamp_consumers,
    vault_versions,
)
from tests.integration.test_roles_support import (
    consumer_deployment, create, make_rollouts_fail, report_of, run_collection_playbook, sample_app, summary_of, wait_available,
)

SCHEDULED = {"secretops_only_if_older_than": "1h"}
# Vault calls give up after 5 s when Vault does not answer (it is paused), and are not retried.
QUICK_VAULT = {"rotate_secrets_vault": {"timeout": 5, "retries": 0}}


def prepared(local_env, k8s_api, namespace, deployments=("web",)):
    """Secrets provisioned, consumers running them with the stamps a good earlier run leaves."""
    app = sample_app(namespace)
    run_collection_playbook("provision", dict(app, app_secrets_vault_access=False), local_env.env).assert_ok()
    for name in deployments:
        create(k8s_api, consumer_deployment(namespace, name))
    for name in deployments:
        wait_available(k8s_api, namespace, name)
    stamp_consumers(local_env.env, namespace)
    for name in deployments:
        wait_available(k8s_api, namespace, name)
    return app


def entry(report, secret):
    return [item for item in report["secrets"] if item["secret"] == secret][0]


def restarts(report):
    return [(item["name"], item["outcome"], item.get("stale_from_earlier_run")) for item in report["restarts"]]


def versions(vault_client, namespace, secret):
    return vault_versions(vault_client, "it/%s/%s" % (namespace, secret))


def killing_hook(holder, should_kill):
    def decide(request):
        if should_kill(request):
            holder["play"].kill()
            return "the test killed the play before this write"
        return None
    return decide


# ---------------------------------------------------------------- the play killed

def test_play_killed_between_the_vault_write_and_the_secret_write(local_env, namespace, k8s_api, vault_client):
    app = prepared(local_env, k8s_api, namespace)
    before = snapshot(k8s_api, namespace)
    holder = {}
    with AdmissionHook(k8s_api, local_env, namespace, killing_hook(holder, lambda request: is_data_write_of(request, "db"))):
        holder["play"] = BackgroundPlaybook("rotate", app, local_env.env)
        killed = holder["play"].wait()
    assert killed.killed and killed.returncode == -9
    assert versions(vault_client, namespace, "db")[1] == 2 and secret_state(k8s_api, namespace, "db")[1] == "1", "Vault written, Secret not"
    assert_nothing_lost(k8s_api, vault_client, namespace, before)

    rerun = run_collection_playbook("rotate", dict(app, **SCHEDULED), local_env.env).assert_ok()
    assert_no_value_shown(vault_client, namespace, killed, rerun)
    assert_converged(k8s_api, vault_client, namespace)
    report = report_of(rerun)
    assert report["outcome"] == "rotated"
    assert entry(report, "db")["resumed"] and entry(report, "db")["reason"] == "finished an interrupted rotation: the Secret had version 1, Vault 2"
    assert entry(report, "config")["skipped"]
    assert restarts(report) == [("web", "complete", False)]


def test_an_adopted_secret_killed_between_the_vault_write_and_the_secret_write_is_finished_not_rotated_again(
        local_env, namespace, k8s_api, vault_client):
    """An adopted Secret (it existed before the collection managed it: no vault-version annotation)
    was not seen as interrupted: a scheduled re-run left it behind Vault for good (nothing due, nothing
    to resume), an unscheduled one rotated it a second time (a third version, and the one the pods use
    no longer the version before the current one, the roll-back target)."""
    app = prepared(local_env, k8s_api, namespace)
    k8s_client.CoreV1Api(k8s_api).patch_namespaced_secret(
        "db", namespace, [{"op": "remove", "path": "/metadata/annotations/secretops.io~1vault-version"}])
    assert secret_state(k8s_api, namespace, "db")[1] is None
    before = snapshot(k8s_api, namespace)
    holder = {}
    with AdmissionHook(k8s_api, local_env, namespace, killing_hook(holder, lambda request: is_data_write_of(request, "db"))):
        holder["play"] = BackgroundPlaybook("rotate", app, local_env.env)
        killed = holder["play"].wait()
    assert killed.killed and killed.returncode == -9
    assert versions(vault_client, namespace, "db")[1] == 2 and secret_state(k8s_api, namespace, "db")[0] == before["db"]

    rerun = run_collection_playbook("rotate", dict(app, **SCHEDULED), local_env.env).assert_ok()
    assert versions(vault_client, namespace, "db")[1] == 2, "the re-run finished the rotation instead of writing another version"
    assert_no_value_shown(vault_client, namespace, killed, rerun)
    assert_converged(k8s_api, vault_client, namespace)
    assert_nothing_lost(k8s_api, vault_client, namespace, before)
    report = report_of(rerun)
    assert entry(report, "db")["resumed"] and entry(report, "db")["reason"] == "finished an interrupted rotation: the Secret had version 1, Vault 2"
    assert restarts(report) == [("web", "complete", False)]


def test_play_killed_between_the_secret_write_and_the_restart(local_env, namespace, k8s_api, vault_client):
    """The issue's reproduction: the re-run said NOTHING ROTATED and the pods kept the old values for ever."""
    app = prepared(local_env, k8s_api, namespace)
    before = snapshot(k8s_api, namespace)
    holder = {}
    with AdmissionHook(k8s_api, local_env, namespace, killing_hook(holder, lambda request: is_restart_of(request, "web"))):
        holder["play"] = BackgroundPlaybook("rotate", app, local_env.env)
        killed = holder["play"].wait()
    assert killed.killed
    for name in ("db", "config"):
        assert versions(vault_client, namespace, name)[1] == 2 and secret_state(k8s_api, namespace, name)[1] == "2"
    assert_nothing_lost(k8s_api, vault_client, namespace, before)

    rerun = run_collection_playbook("rotate", dict(app, **SCHEDULED), local_env.env).assert_ok()
    assert_no_value_shown(vault_client, namespace, killed, rerun)
    assert_converged(k8s_api, vault_client, namespace)
    report = report_of(rerun)
    assert report["outcome"] == "nothing_rotated"
    assert restarts(report) == [("web", "complete", True)]
    assert "Deployment/web: complete" in summary_of(rerun) and "stale from an earlier run" in summary_of(rerun)


# ---------------------------------------------------------------- the apiserver refuses

def test_conflicts_on_the_secret_leave_it_behind_vault_and_the_rerun_finishes(local_env, namespace, k8s_api, vault_client):
    app = prepared(local_env, k8s_api, namespace)
    before = snapshot(k8s_api, namespace)
    writer = concurrent_writer(k8s_api, namespace, "db")
    with AdmissionHook(k8s_api, local_env, namespace, writer):
        run = run_collection_playbook("rotate", app, local_env.env)
    assert run.returncode != 0 and writer.count[0] == 5, "each of the 5 attempts met a real 409"
    report = report_of(run)
    assert report["outcome"] == "failed"
    assert "changed concurrently 5 times in a row" in entry(report, "db")["error"]
    assert entry(report, "config")["new_version"] == 2
    assert restarts(report) == [("web", "complete", False)], "the consumers of the Secret that did change restarted"
    assert versions(vault_client, namespace, "db")[1] == 2 and secret_state(k8s_api, namespace, "db")[1] == "1"
    assert_nothing_lost(k8s_api, vault_client, namespace, before)

    rerun = run_collection_playbook("rotate", dict(app, **SCHEDULED), local_env.env).assert_ok()
    assert_no_value_shown(vault_client, namespace, run, rerun)
    assert_converged(k8s_api, vault_client, namespace)
    report = report_of(rerun)
    assert entry(report, "db")["resumed"] and restarts(report) == [("web", "complete", False)]


def test_forbidden_restart_rolls_back_this_runs_secrets_and_fails_with_the_report(local_env, namespace, k8s_api, vault_client, tmp_path):
    app = prepared(local_env, k8s_api, namespace)
    before = snapshot(k8s_api, namespace)
    kubeconfig = restricted_kubeconfig(k8s_api, local_env, namespace, str(tmp_path / "rotator.kubeconfig"))
    run = run_collection_playbook("rotate", app, dict(local_env.env, KUBECONFIG=kubeconfig, K8S_AUTH_KUBECONFIG=kubeconfig))
    assert run.returncode != 0
    report = report_of(run)
    assert report["outcome"] == "rolled_back"
    assert report["rollback"]["reason"].startswith("restart failed: ") and "403" in report["rollback"]["reason"]
    assert [error["namespace"] for error in report["restart_errors"]] == [namespace]
    assert sorted(item["secret"] for item in report["rollback"]["secrets"]) == ["config", "db"]
    assert report["rollback"]["errors"] == [] and report["rollback"]["restart_errors"] == []
    assert "Rotation rolled back" in run.output and "see %s/" % run.report_dir in run.output
    for name in ("db", "config"):
        found, current = versions(vault_client, namespace, name)
        assert current == 3 and secret_state(k8s_api, namespace, name)[0] == before[name], "the values of before, as a new version"
    assert_nothing_lost(k8s_api, vault_client, namespace, before)
    assert_converged(k8s_api, vault_client, namespace)

    rerun = run_collection_playbook("rotate", dict(app, **SCHEDULED), local_env.env).assert_ok()
    assert_no_value_shown(vault_client, namespace, run, rerun)
    assert report_of(rerun)["outcome"] == "nothing_rotated" and report_of(rerun)["restarts"] == []
    assert_converged(k8s_api, vault_client, namespace)


def test_workload_deleted_while_waiting_is_not_a_failure(local_env, namespace, k8s_api, vault_client):
    app = prepared(local_env, k8s_api, namespace, deployments=("web", "slow"))
    apps = k8s_client.AppsV1Api(k8s_api)
    # New pods of "slow" count as available only after a minute: its rollout is still going when it is deleted.
    apps.patch_namespaced_deployment("slow", namespace, {"spec": {"minReadySeconds": 60}})

    def delete_soon(request):
        if is_restart_of(request, "slow"):
            threading.Timer(2, apps.delete_namespaced_deployment, ("slow", namespace)).start()
        return None

    with AdmissionHook(k8s_api, local_env, namespace, delete_soon):
        run = run_collection_playbook("rotate", app, local_env.env).assert_ok()
    report = report_of(run)
    assert report["outcome"] == "rotated" and not report["rollback"]["performed"]
    assert sorted(restarts(report)) == [("slow", "deleted", False), ("web", "complete", False)]
    assert versions(vault_client, namespace, "db")[1] == 2

    rerun = run_collection_playbook("rotate", dict(app, **SCHEDULED), local_env.env).assert_ok()
    assert_no_value_shown(vault_client, namespace, run, rerun)
    assert report_of(rerun)["outcome"] == "nothing_rotated" and report_of(rerun)["restarts"] == []
    assert_converged(k8s_api, vault_client, namespace)


# ---------------------------------------------------------------- servers down (a private environment)

@pytest.fixture(scope="module", params=VAULT_FLAVORS)
def private(request):
    with private_environment(request.param) as env:
        yield env


@pytest.fixture
def private_namespace(private):
    return make_namespace(private.k8s_api)


def test_vault_down_mid_run_fails_the_secrets_left_and_keeps_the_rotated_one(private, private_namespace):
    local_env, k8s_api, vault_client, namespace = private.local_env, private.k8s_api, private.vault_client, private_namespace
    app = prepared(local_env, k8s_api, namespace)
    before = snapshot(k8s_api, namespace)

    def pause_vault(request):
        if is_data_write_of(request, "db"):  # db is in Vault and about to be in its Secret; config is next
            private.component("pause", private.vault_process)
        return None

    try:
        with AdmissionHook(k8s_api, local_env, namespace, pause_vault):
            run = run_collection_playbook("rotate", dict(app, **QUICK_VAULT), local_env.env)
    finally:
        private.component("resume", private.vault_process)
    assert run.returncode != 0
    report = report_of(run)
    assert report["outcome"] == "failed"
    assert entry(report, "db")["new_version"] == 2 and "cannot reach Vault" in entry(report, "config")["error"]
    assert restarts(report) == [("web", "complete", False)]
    assert_nothing_lost(k8s_api, vault_client, namespace, before)

    rerun = run_collection_playbook("rotate", dict(app, **SCHEDULED), local_env.env).assert_ok()
    assert_no_value_shown(vault_client, namespace, run, rerun)
    assert report_of(rerun)["outcome"] == "nothing_rotated"
    assert_converged(k8s_api, vault_client, namespace)


def test_vault_down_during_the_roll_back_is_reported_never_hidden(private, private_namespace):
    local_env, k8s_api, vault_client, namespace = private.local_env, private.k8s_api, private.vault_client, private_namespace
    app = prepared(local_env, k8s_api, namespace)
    before = snapshot(k8s_api, namespace)
    make_rollouts_fail(k8s_api, namespace, "web")

    def pause_vault(request):
        if is_restart_of(request, "web"):
            private.component("pause", private.vault_process)
        return None

    try:
        with AdmissionHook(k8s_api, local_env, namespace, pause_vault):
            run = run_collection_playbook("rotate", dict(app, secretops_wait_timeout=60, **QUICK_VAULT), local_env.env)
    finally:
        private.component("resume", private.vault_process)
    assert run.returncode != 0
    report = report_of(run)
    assert report["outcome"] == "rollback_failed"
    assert report["rollback"]["reason"] == "rollout failed: Deployment/web"
    assert sorted((error["secret"], error["to_version"]) for error in report["rollback"]["errors"]) == [("config", 1), ("db", 1)]
    assert all("cannot reach Vault" in error["error"] for error in report["rollback"]["errors"])
    assert "ROLL-BACK FAILED" in summary_of(run) and "Rotation rollback failed" in run.output
    for name in ("db", "config"):  # the old pods still run the values of before: Vault keeps them as the previous version
        found, current = versions(vault_client, namespace, name)
        assert current == 2 and found[1] == decoded(before[name])
    assert_nothing_lost(k8s_api, vault_client, namespace, before)

    rerun = run_collection_playbook("rotate", dict(app, **SCHEDULED), local_env.env).assert_ok()
    assert_no_value_shown(vault_client, namespace, run, rerun)
    assert report_of(rerun)["outcome"] == "nothing_rotated"
    assert_converged(k8s_api, vault_client, namespace)


def test_apiserver_down_mid_run_rolls_vault_back_and_the_rerun_syncs_the_secrets(private, private_namespace):
    local_env, k8s_api, vault_client, namespace = private.local_env, private.k8s_api, private.vault_client, private_namespace
    app = prepared(local_env, k8s_api, namespace)
    before = snapshot(k8s_api, namespace)
    fired = []

    def kill_apiserver(request):
        if is_restart_of(request, "web") and not fired:
            fired.append(True)
            private.component("kill", "kube-apiserver")  # the restart's patch never lands
        return None

    hook = AdmissionHook(k8s_api, local_env, namespace, kill_apiserver)
    with hook:
        try:
            run = run_collection_playbook("rotate", app, local_env.env)
        finally:
            private.component("start", "kube-apiserver")
    assert fired and run.returncode != 0
    report = report_of(run)
    assert report["outcome"] == "rollback_failed"
    assert report["rollback"]["reason"].startswith("restart failed: ")
    assert sorted((error["secret"], error["to_version"]) for error in report["rollback"]["errors"]) == [("config", 1), ("db", 1)]
    for name in ("db", "config"):  # Vault was restored (as version 3); the Secrets could not be, and lag
        found, current = versions(vault_client, namespace, name)
        assert current == 3 and found[3] == found[1] and secret_state(k8s_api, namespace, name)[1] == "2"
    assert_nothing_lost(k8s_api, vault_client, namespace, before)

    rerun = run_collection_playbook("rotate", dict(app, **SCHEDULED), local_env.env).assert_ok()
    assert_no_value_shown(vault_client, namespace, run, rerun)
    report = report_of(rerun)
    assert report["outcome"] == "rotated" and report["restarts"] == [] and report["up_to_date"] == ["Deployment/web"]
    assert entry(report, "db")["resumed"] and entry(report, "db")["reason"] == "finished an interrupted rotation: the Secret had version 2, Vault 3"
    assert_converged(k8s_api, vault_client, namespace)
    for name in ("db", "config"):
        assert secret_state(k8s_api, namespace, name)[0] == before[name], "the values the pods ran all along"
