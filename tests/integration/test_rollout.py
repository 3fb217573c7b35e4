"""k8s_rollout_restart against the real cluster: once per workload, waiting, checksums, paused, failure."""

import base64
import time

from kubernetes import client as k8s_client

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import build_client
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import rollout, service
from tests.integration.test_roles_support import container, create, deployment, make_rollouts_fail, wait_available


def secret(namespace, name, value):
    return {"kind": "Secret", "metadata": {"name": name, "namespace": namespace}, "data": {"k": base64.b64encode(value).decode()}}


def restart(local_env, namespace, secrets, checksum=True, wait=True, timeout=60):
    client = build_client({"kubeconfig": local_env.kubeconfig})
    try:
        consumers = service.find_consumers(client, namespace, secrets)[0]
        checksums = service.secret_checksums(client, namespace, secrets) if checksum else None
        results = service.restart(client, namespace, rollout.plan_restarts(consumers), "2026-01-01T00:00:00Z", checksums)
        if wait:
            service.wait_for_rollouts(client, namespace, [r for r in results if r["outcome"] == "restarted"], timeout)
        return results
    finally:
        client.close()


def test_restart_once_for_two_secrets_waits_and_checksums_make_reruns_quiet(local_env, namespace, k8s_api):
    create(k8s_api, secret(namespace, "a", b"1"))
    create(k8s_api, secret(namespace, "b", b"2"))
    pod = {"containers": [container(envFrom=[{"secretRef": {"name": "a"}}, {"secretRef": {"name": "b"}}])]}
    create(k8s_api, deployment(namespace, "web", pod, replicas=2))
    wait_available(k8s_api, namespace, "web")
    results = restart(local_env, namespace, ["a", "b"])
    assert [(r["kind"], r["name"], r["outcome"]) for r in results] == [("Deployment", "web", "complete")]
    apps = k8s_client.AppsV1Api(k8s_api)
    assert apps.read_namespaced_deployment("web", namespace).metadata.generation == 2
    assert restart(local_env, namespace, ["a", "b"])[0]["outcome"] == "unchanged"
    k8s_client.CoreV1Api(k8s_api).patch_namespaced_secret("b", namespace, {"data": {"k": base64.b64encode(b"3").decode()}})
    assert restart(local_env, namespace, ["a", "b"])[0]["outcome"] == "complete"
    assert apps.read_namespaced_deployment("web", namespace).metadata.generation == 3


def test_statefulset_and_daemonset_rollouts_complete(local_env, namespace, k8s_api):
    create(k8s_api, secret(namespace, "s", b"1"))
    labels = {"app": "x"}
    template = {"metadata": {"labels": labels}, "spec": {"containers": [container(envFrom=[{"secretRef": {"name": "s"}}])]}}
    create(k8s_api, {"kind": "StatefulSet", "metadata": {"name": "db", "namespace": namespace},
                     "spec": {"serviceName": "db", "replicas": 1, "selector": {"matchLabels": labels}, "template": template}})
    create(k8s_api, {"kind": "DaemonSet", "metadata": {"name": "agent", "namespace": namespace},
                     "spec": {"selector": {"matchLabels": labels}, "template": template}})
    results = restart(local_env, namespace, ["s"], timeout=90)
    assert sorted((r["kind"], r["outcome"]) for r in results) == [("DaemonSet", "complete"), ("StatefulSet", "complete")]


def test_paused_deployment_is_reported_not_restarted(local_env, namespace, k8s_api):
    create(k8s_api, secret(namespace, "s", b"1"))
    create(k8s_api, deployment(namespace, "web", {"containers": [container(envFrom=[{"secretRef": {"name": "s"}}])]}, paused=True))
    results = restart(local_env, namespace, ["s"])
    assert results[0]["outcome"] == "paused" and results[0]["restarted"] is False
    assert k8s_client.AppsV1Api(k8s_api).read_namespaced_deployment("web", namespace).metadata.generation == 1


def test_rollout_that_never_becomes_available_fails_with_the_reason(local_env, namespace, k8s_api):
    create(k8s_api, secret(namespace, "s", b"1"))
    create(k8s_api, deployment(namespace, "web", {"containers": [container(envFrom=[{"secretRef": {"name": "s"}}])]}))
    wait_available(k8s_api, namespace, "web")
    make_rollouts_fail(k8s_api, namespace, "web")
    result = restart(local_env, namespace, ["s"], timeout=60)[0]
    assert result["outcome"] == "failed" and "ProgressDeadlineExceeded" in result["reason"]


def test_modules_through_ansible(local_env, namespace, k8s_api):
    from tests.integration.ansible_run import run_tasks

    create(k8s_api, secret(namespace, "s", b"1"))
    create(k8s_api, deployment(namespace, "web", {"containers": [container(env=[
        {"name": "K", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}])]}))
    wait_available(k8s_api, namespace, "web")
    # The Secret changes after its Pods started, so they hold the old value and the first run must
    # restart them (Pods that all started after the last write would only be stamped: test_first_run_stamps).
    k8s_client.CoreV1Api(k8s_api).patch_namespaced_secret("s", namespace, {"data": {"k": base64.b64encode(b"2").decode()}})
    tasks = [
        {"name": "consumers", "secretops.provisioning.k8s_secret_consumers": {"name": "s", "namespace": namespace}, "register": "found"},
        {"name": "check consumers", "ansible.builtin.assert": {"that": ["found.consumers | map(attribute='name') | list == ['web']",
                                                                        "found.consumers[0]['data_keys'] == ['k']", "not found.changed"]}},
        {"name": "restart", "secretops.provisioning.k8s_rollout_restart": {"namespace": namespace, "secrets": ["s"], "checksum": True, "wait": True},
         "register": "first"},
        {"name": "restart again", "secretops.provisioning.k8s_rollout_restart": {"namespace": namespace, "secrets": ["s"], "checksum": True, "wait": True},
         "register": "second"},
        {"name": "check restarts", "ansible.builtin.assert": {"that": [
            "first.changed", "first.results[0].outcome == 'complete'", "first.restarted == ['Deployment/web']",
            "not second.changed", "second.results[0].outcome == 'unchanged'"]}},
    ]
    run_tasks(tasks, env=local_env.env).assert_ok()


def wait_statefulset_ready(k8s_api, namespace, name, replicas, timeout=90):
    apps = k8s_client.AppsV1Api(k8s_api)
    deadline = time.time() + timeout
    while time.time() < deadline:
        status = apps.read_namespaced_stateful_set(name, namespace).status
        if (status.ready_replicas or 0) == replicas and status.current_revision == status.update_revision:
            return
        time.sleep(0.5)
    raise AssertionError("StatefulSet %s/%s did not become ready" % (namespace, name))


def statefulset(namespace, name, template, replicas, update_strategy):
    return {"kind": "StatefulSet", "metadata": {"name": name, "namespace": namespace},
            "spec": {"serviceName": name, "replicas": replicas, "podManagementPolicy": "Parallel", "updateStrategy": update_strategy,
                     "selector": {"matchLabels": template["metadata"]["labels"]}, "template": template}}


def template_using(secret_name, app):
    return {"metadata": {"labels": {"app": app}}, "spec": {"containers": [container(envFrom=[{"secretRef": {"name": secret_name}}])]}}


def test_partitioned_statefulset_completes_when_the_pods_above_the_partition_are_updated(local_env, namespace, k8s_api):
    from tests.integration.ansible_run import run_tasks

    create(k8s_api, secret(namespace, "s", b"1"))
    create(k8s_api, statefulset(namespace, "db", template_using("s", "db"), 3, {"type": "RollingUpdate", "rollingUpdate": {"partition": 2}}))
    wait_statefulset_ready(k8s_api, namespace, "db", 3)
    tasks = [{"name": "restart", "secretops.provisioning.k8s_rollout_restart": {
        "namespace": namespace, "secrets": ["s"], "wait": True, "wait_timeout": 60}}]
    run = run_tasks(tasks, env=local_env.env)
    run.assert_ok()
    result = run.task("restart")["results"][0]
    assert (result["kind"], result["outcome"]) == ("StatefulSet", "complete"), result
    assert "partitioned roll out complete" in result["reason"]
    status = k8s_client.AppsV1Api(k8s_api).read_namespaced_stateful_set("db", namespace).status
    # Only ordinal 2 took the new template: the revisions never converge, which is what a partition is for.
    assert status.updated_replicas == 1 and status.current_revision != status.update_revision


def test_on_delete_daemonset_and_statefulset_are_reported_not_failed(local_env, namespace, k8s_api):
    from tests.integration.ansible_run import run_tasks

    create(k8s_api, secret(namespace, "s", b"1"))
    create(k8s_api, statefulset(namespace, "db", template_using("s", "db"), 1, {"type": "OnDelete"}))
    create(k8s_api, {"kind": "DaemonSet", "metadata": {"name": "agent", "namespace": namespace},
                     "spec": {"updateStrategy": {"type": "OnDelete"}, "selector": {"matchLabels": {"app": "agent"}},
                              "template": template_using("s", "agent")}})
    wait_statefulset_ready(k8s_api, namespace, "db", 1)
    apps = k8s_client.AppsV1Api(k8s_api)
    deadline = time.time() + 60
    while time.time() < deadline:
        status = apps.read_namespaced_daemon_set("agent", namespace).status
        if status.desired_number_scheduled and status.number_available == status.desired_number_scheduled:
            break
        time.sleep(0.5)
    else:
        raise AssertionError("DaemonSet %s/agent did not become available" % namespace)
    before = dict((pod.metadata.name, pod.metadata.uid) for pod in k8s_client.CoreV1Api(k8s_api).list_namespaced_pod(namespace).items)
    tasks = [{"name": "restart", "secretops.provisioning.k8s_rollout_restart": {
        "namespace": namespace, "secrets": ["s"], "wait": True, "wait_timeout": 60}}]
    run = run_tasks(tasks, env=local_env.env)
    run.assert_ok()
    restart_result = run.task("restart")
    assert restart_result["changed"] and restart_result["failed_rollouts"] == []
    outcomes = sorted((r["kind"], r["outcome"]) for r in restart_result["results"])
    assert outcomes == [("DaemonSet", "on_delete"), ("StatefulSet", "on_delete")], restart_result["results"]
    assert all("deleted" in r["reason"] for r in restart_result["results"])
    # The templates carry the restart; the pods were not replaced.
    assert apps.read_namespaced_daemon_set("agent", namespace).spec.template.metadata.annotations["secretops.io/restartedAt"]
    after = dict((pod.metadata.name, pod.metadata.uid) for pod in k8s_client.CoreV1Api(k8s_api).list_namespaced_pod(namespace).items)
    assert after == before


def test_workload_deleted_while_waiting_is_reported_as_deleted(local_env, namespace, k8s_api):
    import threading

    create(k8s_api, secret(namespace, "s", b"1"))
    create(k8s_api, deployment(namespace, "web", {"containers": [container(envFrom=[{"secretRef": {"name": "s"}}])]}))
    wait_available(k8s_api, namespace, "web")
    # The new pods can never be scheduled, so the rollout is still going when the Deployment is deleted.
    k8s_client.AppsV1Api(k8s_api).patch_namespaced_deployment(
        "web", namespace, {"spec": {"template": {"spec": {"nodeSelector": {"secretops.test/no-such-node": "true"}}}}})
    deleter = threading.Timer(3, lambda: k8s_client.AppsV1Api(k8s_api).delete_namespaced_deployment("web", namespace))
    deleter.start()
    try:
        result = restart(local_env, namespace, ["s"], checksum=False, timeout=60)[0]
    finally:
        deleter.join()
    assert (result["outcome"], result["restarted"]) == ("deleted", True), result
    assert "deleted while waiting" in result["reason"]


def test_restart_refused_by_rbac_names_the_workload_and_the_permission(local_env, namespace, k8s_api):
    from tests.integration.ansible_run import run_tasks

    core = k8s_client.CoreV1Api(k8s_api)
    create(k8s_api, secret(namespace, "s", b"1"))
    for name in ("api", "web"):
        create(k8s_api, deployment(namespace, name, {"containers": [container(envFrom=[{"secretRef": {"name": "s"}}])]}))
    # An identity that may find consumers and patch only Deployment "api".
    create(k8s_api, {"kind": "ServiceAccount", "metadata": {"name": "restarter", "namespace": namespace}})
    rbac = k8s_client.RbacAuthorizationV1Api(k8s_api)
    rbac.create_namespaced_role(namespace, {"metadata": {"name": "restarter"}, "rules": [
        {"apiGroups": ["", "apps", "batch"], "verbs": ["get", "list"], "resources": [
            "pods", "serviceaccounts", "replicationcontrollers", "deployments", "statefulsets", "daemonsets", "replicasets", "jobs", "cronjobs"]},
        {"apiGroups": ["apps"], "verbs": ["patch"], "resources": ["deployments"], "resourceNames": ["api"]}]})
    rbac.create_namespaced_role_binding(namespace, {"metadata": {"name": "restarter"}, "roleRef": {
        "apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "restarter"},
        "subjects": [{"kind": "ServiceAccount", "name": "restarter", "namespace": namespace}]})
    token = core.create_namespaced_service_account_token("restarter", namespace, {"spec": {"expirationSeconds": 600}}).status.token
    tasks = [{"name": "restart", "secretops.provisioning.k8s_rollout_restart": {
        "namespace": namespace, "secrets": ["s"], "host": local_env.api_server, "api_key": token, "ca_cert": local_env.ca_cert}}]
    run = run_tasks(tasks, env={"VAULT_ADDR": local_env.vault_addr})
    result = run.task("restart")
    assert [entry["status"] for entry in run.results if entry["task"] == "restart"] == ["failed"]
    assert "Deployment %s/web" % namespace in result["msg"] and "'patch' verb on deployments.apps" in result["msg"]
    assert 'cannot patch resource "deployments"' in result["msg"] and "Traceback" not in run.output and token not in run.output
    assert [(r["name"], r["outcome"]) for r in result["results"]] == [("api", "restarted"), ("web", "forbidden")]
    assert result["restarted"] == ["Deployment/api"]
    apps = k8s_client.AppsV1Api(k8s_api)
    assert apps.read_namespaced_deployment("api", namespace).metadata.generation == 2
    assert apps.read_namespaced_deployment("web", namespace).metadata.generation == 1
