"""k8s_secret_consumers against the real apiserver: every kind and every way of using a Secret."""

from kubernetes import client as k8s_client

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import build_client
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import service
from tests.integration.test_roles_support import container, create, deployment


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
    client = build_client({"kubeconfig": local_env.kubeconfig})
    try:
        consumers, opted_out = service.find_consumers(client, namespace, ["shared"])
    finally:
        client.close()
    found = dict(((c["kind"], c["name"]), c) for c in consumers)
    assert sorted(found) == sorted([("Deployment", "env-user"), ("Deployment", "sa-user"), ("StatefulSet", "vol-user"),
                                    ("DaemonSet", "projected-user"), ("CronJob", "nightly"), ("Job", "migrate"), ("Pod", "bare")])
    assert found[("Deployment", "env-user")]["keys"] == ["password"]
    assert found[("Deployment", "sa-user")]["uses"][0]["via"] == "serviceAccountImagePullSecrets"
    assert found[("StatefulSet", "vol-user")]["all_keys"] is True
    assert found[("DaemonSet", "projected-user")]["keys"] == ["ca.crt"]
    assert found[("Job", "migrate")]["uses"][0]["container_type"] == "initContainers"
    assert found[("Pod", "bare")]["uses"][0]["via"] == "imagePullSecrets"
    assert [(c["kind"], c["name"]) for c in opted_out] == [("Deployment", "ignored")]
