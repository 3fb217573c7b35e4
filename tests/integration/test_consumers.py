"""k8s_secret_consumers against the real apiserver: every kind and every way of using a Secret."""

import time

from kubernetes import client as k8s_client

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import build_client
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import service
from tests.integration.test_roles_support import container, create, deployment


def consumers_of(local_env, namespace, secret):
    """``(consumers, opted_out)`` of ``secret`` as the modules find them, through a client of their own."""
    client = build_client({"kubeconfig": local_env.kubeconfig})
    try:
        return service.find_consumers(client, namespace, [secret])
    finally:
        client.close()


def env_ref(key):
    return [{"name": "X", "valueFrom": {"secretKeyRef": {"name": "shared", "key": key}}}]


def pod_template(spec):
    return {"metadata": {"labels": {"app": "x"}}, "spec": spec}


def test_every_kind_and_use_is_found(local_env, namespace, k8s_api):
    labels = {"app": "x"}
    create(k8s_api, {"kind": "ServiceAccount", "metadata": {"name": "puller", "namespace": namespace}, "imagePullSecrets": [{"name": "shared"}]})
    create(k8s_api, deployment(namespace, "env-user", {"containers": [container(env=env_ref("password"))]}))
    create(k8s_api, deployment(namespace, "sa-user", {"serviceAccountName": "puller", "containers": [container()]}))
    create(k8s_api, deployment(namespace, "ignored", {"containers": [container(envFrom=[{"secretRef": {"name": "shared"}}])]}))
    k8s_client.AppsV1Api(k8s_api).patch_namespaced_deployment("ignored", namespace, {"metadata": {"annotations": {"secretops.io/ignore-secrets": "shared"}}})
    create(k8s_api, {"kind": "StatefulSet", "metadata": {"name": "vol-user", "namespace": namespace},
                     "spec": {"serviceName": "vol-user", "selector": {"matchLabels": labels}, "template": pod_template(
                         {"containers": [container()], "volumes": [{"name": "v", "secret": {"secretName": "shared"}}]})}})
    create(k8s_api, {"kind": "DaemonSet", "metadata": {"name": "projected-user", "namespace": namespace},
                     "spec": {"selector": {"matchLabels": labels}, "template": pod_template(
                         {"containers": [container()], "volumes": [{"name": "p", "projected": {"sources": [
                             {"secret": {"name": "shared", "items": [{"key": "ca.crt", "path": "ca"}]}}]}}]})}})
    create(k8s_api, {"kind": "CronJob", "metadata": {"name": "nightly", "namespace": namespace},
                     "spec": {"schedule": "0 3 * * *", "jobTemplate": {"spec": {"template": pod_template(
                         {"restartPolicy": "Never", "containers": [container(envFrom=[{"secretRef": {"name": "shared"}}])]})}}}})
    create(k8s_api, {"kind": "Job", "metadata": {"name": "migrate", "namespace": namespace},
                     "spec": {"template": {"spec": {"restartPolicy": "Never", "initContainers": [container(name="init", env=env_ref("username"))],
                                                    "containers": [container()]}}}})
    create(k8s_api, {"kind": "Pod", "metadata": {"name": "bare", "namespace": namespace},
                     "spec": {"imagePullSecrets": [{"name": "shared"}], "containers": [container()]}})
    consumers, opted_out = consumers_of(local_env, namespace, "shared")
    found = dict(((c["kind"], c["name"]), c) for c in consumers)
    assert sorted(found) == sorted([("Deployment", "env-user"), ("Deployment", "sa-user"), ("StatefulSet", "vol-user"),
                                    ("DaemonSet", "projected-user"), ("CronJob", "nightly"), ("Job", "migrate"), ("Pod", "bare")])
    assert found[("Deployment", "env-user")]["data_keys"] == ["password"]
    assert found[("Deployment", "sa-user")]["uses"][0]["via"] == "serviceAccountImagePullSecrets"
    assert found[("StatefulSet", "vol-user")]["all_keys"] is True
    assert found[("DaemonSet", "projected-user")]["data_keys"] == ["ca.crt"]
    assert found[("Job", "migrate")]["uses"][0]["container_type"] == "initContainers"
    assert found[("Pod", "bare")]["uses"][0]["via"] == "imagePullSecrets"
    assert [(c["kind"], c["name"]) for c in opted_out] == [("Deployment", "ignored")]


WIDGET_GROUP = "secretops.test"


def ensure_widget_crd(k8s_api):
    """A namespaced custom resource kind, Widget, standing for any operator's CRD (an Argo Rollout, say).

    Kept across tests and runs (cluster-scoped, harmless); created once, concurrent creators tolerated.
    """
    extensions = k8s_client.ApiextensionsV1Api(k8s_api)
    name = "widgets." + WIDGET_GROUP
    body = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": {"name": name},
            "spec": {"group": WIDGET_GROUP, "scope": "Namespaced",
                     "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
                     "versions": [{"name": "v1", "served": True, "storage": True,
                                   "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}}]}}
    try:
        extensions.create_custom_resource_definition(body)
    except k8s_client.ApiException as exc:
        if exc.status != 409:
            raise
    deadline = time.time() + 30
    while time.time() < deadline:
        conditions = extensions.read_custom_resource_definition(name).status.conditions or []
        if any(c.type == "Established" and c.status == "True" for c in conditions):
            return
        time.sleep(0.5)
    raise AssertionError("CRD %s was not established" % name)


def create_widget(k8s_api, namespace, name):
    """A Widget object; returns the controller ownerReference its pods and ReplicaSets carry."""
    ensure_widget_crd(k8s_api)
    custom = k8s_client.CustomObjectsApi(k8s_api)
    for attempt in range(20):
        try:
            widget = custom.create_namespaced_custom_object(WIDGET_GROUP, "v1", namespace, "widgets", {
                "apiVersion": WIDGET_GROUP + "/v1", "kind": "Widget", "metadata": {"name": name}})
            break
        except k8s_client.ApiException as exc:  # just after the CRD is established, discovery can lag a moment
            if exc.status != 404 or attempt == 19:
                raise
            time.sleep(0.5)
    return {"apiVersion": WIDGET_GROUP + "/v1", "kind": "Widget", "name": name, "uid": widget["metadata"]["uid"],
            "controller": True, "blockOwnerDeletion": False}


def wait_for_pods(k8s_api, namespace, labels, count, timeout=60):
    """The Pods matching ``labels`` once ``count`` of them exist (the controller-manager creates them)."""
    core = k8s_client.CoreV1Api(k8s_api)
    selector = ",".join("%s=%s" % item for item in sorted(labels.items()))
    deadline = time.time() + timeout
    while time.time() < deadline:
        pods = core.list_namespaced_pod(namespace, label_selector=selector).items
        if len(pods) >= count:
            return pods
        time.sleep(0.5)
    raise AssertionError("%d pods labelled %s did not appear in %s" % (count, selector, namespace))


def replica_set(namespace, name, pod_spec, replicas=1, owner=None):
    labels = {"app": name}
    metadata = {"name": name, "namespace": namespace, "labels": labels}
    if owner:
        metadata["ownerReferences"] = [owner]
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": metadata,
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels}, "template": {"metadata": {"labels": labels}, "spec": pod_spec}}}


def test_pods_of_replica_sets_replication_controllers_and_custom_resources_are_reported(local_env, namespace, k8s_api):
    apps = k8s_client.AppsV1Api(k8s_api)
    core = k8s_client.CoreV1Api(k8s_api)
    # A standalone ReplicaSet and a ReplicationController: their pods are made by the real controller-manager.
    apps.create_namespaced_replica_set(namespace, replica_set(namespace, "cache", {"containers": [container(env=env_ref("password"))]}, replicas=2))
    core.create_namespaced_replication_controller(namespace, {
        "apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "legacy", "namespace": namespace},
        "spec": {"replicas": 1, "selector": {"app": "legacy"}, "template": {"metadata": {"labels": {"app": "legacy"}}, "spec": {
            "containers": [container()], "volumes": [{"name": "s", "secret": {"secretName": "shared"}}]}}}})
    # An operator's custom resource that runs a ReplicaSet (as an Argo Rollout does) ...
    widget = create_widget(k8s_api, namespace, "rollout-like")
    apps.create_namespaced_replica_set(namespace, replica_set(namespace, "rollout-like-7c9", {"containers": [container(
        envFrom=[{"secretRef": {"name": "shared"}}])]}, owner=widget))
    # ... and one that runs a bare Pod.
    worker = create_widget(k8s_api, namespace, "worker")
    core.create_namespaced_pod(namespace, {"apiVersion": "v1", "kind": "Pod", "metadata": {
        "name": "worker-0", "namespace": namespace, "ownerReferences": [worker]}, "spec": {"containers": [container(env=env_ref("username"))]}})
    # Volume-plugin references, as the API server returns them.
    create(k8s_api, deployment(namespace, "csi-user", {"containers": [container()], "volumes": [
        {"name": "store", "csi": {"driver": "secrets-store.csi.k8s.io", "nodePublishSecretRef": {"name": "shared"}}},
        {"name": "share", "azureFile": {"secretName": "shared", "shareName": "data"}}]}))
    wait_for_pods(k8s_api, namespace, {"app": "cache"}, 2)
    wait_for_pods(k8s_api, namespace, {"app": "legacy"}, 1)
    wait_for_pods(k8s_api, namespace, {"app": "rollout-like-7c9"}, 1)

    consumers, opted_out = consumers_of(local_env, namespace, "shared")
    found = dict(((c["kind"], c["name"]), c) for c in consumers)
    assert sorted(found) == sorted([("Deployment", "csi-user"), ("ReplicaSet", "cache"), ("ReplicationController", "legacy"),
                                    ("Widget", "rollout-like"), ("Widget", "worker")]), consumers
    assert opted_out == []
    assert found[("Deployment", "csi-user")]["restartable"] is True
    assert [(u["via"], u["field"]) for u in found[("Deployment", "csi-user")]["uses"]] == [
        ("volumePlugin", "csi.nodePublishSecretRef"), ("volumePlugin", "azureFile.secretName")]
    assert found[("ReplicaSet", "cache")]["data_keys"] == ["password"]
    assert found[("ReplicationController", "legacy")]["all_keys"] is True
    for key in [("ReplicaSet", "cache"), ("ReplicationController", "legacy"), ("Widget", "rollout-like"), ("Widget", "worker")]:
        assert found[key]["restartable"] is False and found[key]["reason"], found[key]
    rollout_like = found[("Widget", "rollout-like")]
    assert rollout_like["api_version"] == "secretops.test/v1" and rollout_like["found_through"] == ["ReplicaSet/rollout-like-7c9"]
    assert found[("Widget", "worker")]["found_through"] == ["Pod/worker-0"] and found[("Widget", "worker")]["data_keys"] == ["username"]
    # The owner exists, so the garbage collector keeps the pod: the setup is stable, not a race.
    assert core.read_namespaced_pod("worker-0", namespace).metadata.owner_references[0].kind == "Widget"


def test_modules_report_consumers_they_cannot_restart(local_env, namespace, k8s_api):
    from tests.integration.ansible_run import run_tasks

    k8s_client.AppsV1Api(k8s_api).create_namespaced_replica_set(
        namespace, replica_set(namespace, "cache", {"containers": [container(env=env_ref("password"))]}))
    worker = create_widget(k8s_api, namespace, "worker")
    k8s_client.CoreV1Api(k8s_api).create_namespaced_pod(namespace, {"apiVersion": "v1", "kind": "Pod", "metadata": {
        "name": "worker-0", "namespace": namespace, "ownerReferences": [worker]}, "spec": {"containers": [container(env=env_ref("password"))]}})
    wait_for_pods(k8s_api, namespace, {"app": "cache"}, 1)
    tasks = [
        {"name": "consumers", "secretops.provisioning.k8s_secret_consumers": {"name": "shared", "namespace": namespace}, "register": "found"},
        {"name": "restart", "secretops.provisioning.k8s_rollout_restart": {"namespace": namespace, "secrets": ["shared"], "wait": True}},
    ]
    run = run_tasks(tasks, env=local_env.env)
    run.assert_ok()
    found = run.task("consumers")["consumers"]
    assert [(c["kind"], c["name"], c["restartable"]) for c in found] == [("ReplicaSet", "cache", False), ("Widget", "worker", False)]
    restarted = run.task("restart")
    assert not restarted["changed"] and restarted["failed_rollouts"] == [] and restarted["restarted"] == []
    assert [(r["kind"], r["name"], r["outcome"]) for r in restarted["results"]] == [("ReplicaSet", "cache", "skipped"), ("Widget", "worker", "skipped")]
    assert "delete its pods" in restarted["results"][0]["reason"]
    assert restarted["results"][1]["api_version"] == "secretops.test/v1" and "Widget worker" in restarted["results"][1]["reason"]
