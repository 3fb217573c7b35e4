"""The first scheduled rotation on the real cluster: it restarts only what may run older content.

Issue 22: the first ``rotate`` run restarted every consumer it had never stamped, reported as
"stale from an earlier run", even when nothing rotated, so a nightly ``only_if_older_than`` schedule
restarted everything on its first night. A consumer whose Pods all started after the Secret's last
write is now stamped on its own metadata (no rollout: same ReplicaSet, same Pods); one whose Pods predate
that write is restarted, and the report tells the two apart from consumers already up to date.
"""

import base64
import time

from kubernetes import client as k8s_client

from ansible_collections.secretops.provisioning.plugins.module_utils.workloads.annotations import checksum_annotation
from tests.integration.ansible_run import run_tasks
from tests.integration.test_roles_support import (
    consumer_deployment, container, create, deployment, report_of, run_collection_playbook, sample_app, summary_of, wait_available,
)

SCHEDULED = {"secretops_only_if_older_than": "1h"}
STAMPS = [checksum_annotation("db"), checksum_annotation("config")]


def early_consumer(namespace):
    """A Deployment using both Secrets of ``sample_app``, made before they exist (the kwok node runs it anyway)."""
    pod = {"containers": [container(env=[{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}],
                                    envFrom=[{"secretRef": {"name": "config"}}])]}
    return deployment(namespace, "early", pod)


def read(k8s_api, namespace, name):
    return k8s_client.AppsV1Api(k8s_api).read_namespaced_deployment(name, namespace)


def own_and_template_stamps(k8s_api, namespace, name):
    found = read(k8s_api, namespace, name)
    own = found.metadata.annotations or {}
    template = found.spec.template.metadata.annotations or {}
    return dict((key, own[key]) for key in STAMPS if key in own), dict((key, template[key]) for key in STAMPS if key in template)


def running(k8s_api, namespace, name):
    """``(ReplicaSet names, Pod uids)`` of the Deployment ``name``: what a rollout would replace."""
    apps, core = k8s_client.AppsV1Api(k8s_api), k8s_client.CoreV1Api(k8s_api)
    sets = sorted(item.metadata.name for item in apps.list_namespaced_replica_set(namespace, label_selector="app=" + name).items)
    pods = sorted(item.metadata.uid for item in core.list_namespaced_pod(namespace, label_selector="app=" + name).items
                  if not item.metadata.deletion_timestamp)
    return sets, pods


def restarts(report):
    return [(item["name"], item["outcome"], item["stale_from_earlier_run"], item["never_stamped"]) for item in report["restarts"]]


def test_first_scheduled_run_stamps_consumers_started_after_the_write_and_restarts_older_ones(local_env, namespace, k8s_api, vault_client):
    create(k8s_api, early_consumer(namespace))
    wait_available(k8s_api, namespace, "early")
    time.sleep(1.1)  # API server times have whole seconds: the Secrets are written in a later second
    app = sample_app(namespace)
    run_collection_playbook("provision", dict(app, app_secrets_vault_access=False), local_env.env).assert_ok()
    time.sleep(1.1)
    create(k8s_api, consumer_deployment(namespace, "web"))
    wait_available(k8s_api, namespace, "web")
    before = running(k8s_api, namespace, "web")

    first = run_collection_playbook("rotate", dict(app, **SCHEDULED), local_env.env).assert_ok()
    report = report_of(first)
    assert report["outcome"] == "nothing_rotated" and all(entry["skipped"] for entry in report["secrets"])
    # No rollout: same ReplicaSet, same Pods, template untouched. (A Deployment's generation counts its
    # annotations too, which the API server copies to its ReplicaSet, so it is not the measure here.)
    assert running(k8s_api, namespace, "web") == before and len(before[0]) == 1, "web's Pods run the current content: no rollout"
    assert read(k8s_api, namespace, "web").metadata.annotations["deployment.kubernetes.io/revision"] == "1"
    own, template = own_and_template_stamps(k8s_api, namespace, "web")
    assert sorted(own) == sorted(STAMPS) and template == {}, "stamped on the Deployment itself, not on its pod template"
    assert all(value.startswith("hmac-sha256:") for value in own.values())
    assert read(k8s_api, namespace, "early").metadata.generation == 2, "early's Pods predate the Secrets: restarted"
    assert restarts(report) == [("early", "complete", False, True)]
    assert report["stamped"] == ["Deployment/web"] and report["up_to_date"] == []
    summary = summary_of(first)
    assert "stale from an earlier run" not in summary
    assert "Deployment/early: complete" in summary and "never stamped and its Pods may predate" in summary
    assert "Stamped without restart (never stamped; its Pods started after the Secret's current content was written): Deployment/web" in summary

    second = report_of(run_collection_playbook("rotate", dict(app, **SCHEDULED), local_env.env).assert_ok())
    assert second["restarts"] == [] and second["stamped"] == [] and sorted(second["up_to_date"]) == ["Deployment/early", "Deployment/web"]
    assert running(k8s_api, namespace, "web") == before

    # The keyed stamp still finds a consumer stale once the content changes: web restarts, on its template.
    core = k8s_client.CoreV1Api(k8s_api)
    core.patch_namespaced_secret("config", namespace, {"data": {"MODE": base64.b64encode(b"changed").decode()}})
    restart = [{"name": "restart", "secretops.provisioning.k8s_rollout_restart": {
        "namespace": namespace, "secrets": ["db", "config"], "checksum": True, "wait": True}}]
    results = run_tasks(restart, env=local_env.env).assert_ok().task("restart")["results"]
    assert sorted((item["name"], item["outcome"], item.get("cause")) for item in results) == [
        ("early", "complete", "stale_stamp"), ("web", "complete", "stale_stamp")]
    own, template = own_and_template_stamps(k8s_api, namespace, "web")
    assert own == {} and sorted(template) == sorted(STAMPS), "the restart stamps the template and drops the Deployment's own stamps"
    assert running(k8s_api, namespace, "web") != before
    assert read(k8s_api, namespace, "web").metadata.annotations["deployment.kubernetes.io/revision"] == "2"
