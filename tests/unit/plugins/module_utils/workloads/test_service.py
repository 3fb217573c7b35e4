"""Workload API calls against a fake cluster: what a wait does when a workload is deleted or the API
server goes away, what a restart does when a patch is refused (403), with checksums, in check mode and
for a paused Deployment; and secret_checksums against the Secrets fake of ``k8s/fakes.py``.

The fake replaces only ``K8sClient._send`` (the HTTP exchange), so the library's exceptions go
through the real translation in ``K8sClient.request``."""

import base64
import copy
import json

import pytest
from kubernetes.client.rest import ApiException
from urllib3.exceptions import ProtocolError

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import K8sClient
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.content_key import KEY_SECRET_NAME
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.checksum import content_mac
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import rollout, service, stamps
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads.annotations import checksum_annotation

from ..k8s.fakes import FakeApiServer

KINDS_BY_COLLECTION = dict((path, kind) for kind, path in service.COLLECTIONS.items())


def forbidden(kind, name):
    message = '%ss.apps "%s" is forbidden: User "bob" cannot patch resource "%ss" in API group "apps" in the namespace "shop"' % (
        kind.lower(), name, kind.lower())
    return ApiException(status=403, reason="Forbidden", body=json.dumps({"kind": "Status", "message": message}))


class FakeCluster(object):
    """Objects by (kind, name); ``failures`` maps (verb, kind, name) to a list of exceptions raised one per call."""

    def __init__(self, *objects):
        self.objects = dict(((o["kind"], o["metadata"]["name"]), copy.deepcopy(o)) for o in objects)
        self.failures = {}
        self.calls = []
        self.patches = []
        self.on_read = None

    def call(self, verb, kind, *args):
        name = args[0] if verb in ("read", "patch") else None
        self.calls.append((verb, kind, name))
        queued = self.failures.get((verb, kind, name)) or []
        if queued:
            raise queued.pop(0)
        if verb == "list":
            return type("Listing", (), {"items": [o for (k, _name), o in self.objects.items() if k == kind]})()
        current = self.objects.get((kind, name))
        if current is None:
            raise ApiException(status=404, reason="Not Found")
        if verb == "read" and self.on_read:
            self.on_read(current)
        if verb == "patch":
            current["metadata"]["generation"] = current["metadata"].get("generation", 1) + 1
        return copy.deepcopy(current)


class FakeClient(K8sClient):
    """A ``K8sClient`` whose HTTP exchange is the fake cluster: it answers JSON or raises what the library raises."""

    def __init__(self, cluster):
        configuration = type("Configuration", (), {"host": "https://k8s.example.test:6443"})()
        super(FakeClient, self).__init__(type("ApiClient", (), {"configuration": configuration})(), request_timeout=5)
        self.cluster = cluster

    def _send(self, method, path, path_params, query, headers, body):
        collection, _separator, name = path.partition("/{name}")
        kind = KINDS_BY_COLLECTION[collection]
        verb = {"GET": "read" if _separator else "list", "PATCH": "patch"}[method]
        args = (path_params["name"],) if _separator else ()
        if method == "PATCH":
            self.cluster.patches.append((path_params["name"], json.loads(body) if isinstance(body, (bytes, str)) else body))
        found = self.cluster.call(verb, kind, *args)
        return json.dumps({"items": found.items} if verb == "list" else found).encode()


class FakeClock(object):
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def deployment(name, generation=2, observed=2, updated=1):
    return {"kind": "Deployment", "metadata": {"name": name, "namespace": "shop", "generation": generation},
            "spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "app"}]}}},
            "status": {"observedGeneration": observed, "updatedReplicas": updated, "availableReplicas": updated, "replicas": updated}}


def statefulset(name, strategy):
    return {"kind": "StatefulSet", "metadata": {"name": name, "namespace": "shop", "generation": 1},
            "spec": {"replicas": 1, "updateStrategy": {"type": strategy}, "template": {"spec": {"containers": [{"name": "app"}]}}},
            "status": {"observedGeneration": 1, "updatedReplicas": 1, "readyReplicas": 1}}


def pending(*names):
    return [{"kind": "Deployment", "name": name, "generation": 2, "patched_at": 0.0, "outcome": "restarted"} for name in names]


def wait(cluster, results, timeout=30, grace=10):
    clock = FakeClock()
    service.wait_for_rollouts(FakeClient(cluster), "shop", results, timeout, clock=clock, sleep=clock.sleep, unreachable_grace=grace)
    return clock


def test_workload_deleted_while_waiting_is_reported_not_raised():
    cluster = FakeCluster(deployment("web", observed=1), deployment("api"))
    results = pending("web", "api")

    def delete_web(current):
        if current["metadata"]["name"] == "web":
            del cluster.objects[("Deployment", "web")]

    cluster.on_read = delete_web
    wait(cluster, results)
    assert [(r["name"], r["outcome"]) for r in results] == [("web", "deleted"), ("api", "complete")]
    assert "deleted while waiting" in results[0]["reason"] and "Deployment shop/web" in results[0]["reason"]


def test_api_server_blip_while_waiting_is_retried():
    cluster = FakeCluster(deployment("web"))
    cluster.failures[("read", "Deployment", "web")] = [ProtocolError("connection refused")] * 3
    results = pending("web")
    wait(cluster, results)
    assert results[0]["outcome"] == "complete"


def test_api_server_gone_while_waiting_names_the_server_and_the_pending_workloads():
    cluster = FakeCluster(deployment("done"), deployment("web", observed=1), deployment("api", observed=1))
    results = pending("done", "web", "api")
    cluster.on_read = lambda current: cluster.failures.update(
        dict((("read", "Deployment", name), [ProtocolError("connection refused")] * 1000) for name in ("web", "api")))
    with pytest.raises(SecretOpsError) as raised:
        wait(cluster, results, grace=10)
    message = str(raised.value)
    assert "https://k8s.example.test:6443" in message and "unreachable" in message
    assert "Deployment/web, Deployment/api" in message and "done" not in message
    assert "Traceback" not in message
    assert [(r["name"], r["outcome"]) for r in results] == [("done", "complete"), ("web", "unknown"), ("api", "unknown")]


def test_api_server_gone_past_the_deadline_raises_without_waiting_the_grace():
    cluster = FakeCluster(deployment("web"))
    cluster.failures[("read", "Deployment", "web")] = [ProtocolError("connection refused")] * 1000
    with pytest.raises(SecretOpsError, match="Deployment/web"):
        wait(cluster, pending("web"), timeout=3, grace=60)


def test_read_refused_while_waiting_names_the_pending_workloads():
    cluster = FakeCluster(deployment("web"))
    cluster.failures[("read", "Deployment", "web")] = [ApiException(status=403, reason="Forbidden")]
    results = pending("web")
    with pytest.raises(SecretOpsError, match="while waiting for the rollouts of Deployment/web") as raised:
        wait(cluster, results)
    assert raised.value.details["status"] == 403 and results[0]["outcome"] == "unknown"


def test_restart_patch_refused_names_the_workload_and_the_permission_and_restarts_the_others():
    cluster = FakeCluster(deployment("web"), deployment("api"))
    cluster.failures[("patch", "Deployment", "web")] = [forbidden("Deployment", "web")]
    targets = [{"kind": "Deployment", "name": "web", "secrets": ["db"]}, {"kind": "Deployment", "name": "api", "secrets": ["db"]}]
    results = service.restart(FakeClient(cluster), "shop", targets, "2026-01-01T00:00:00Z")
    assert [(r["name"], r["outcome"], r["restarted"]) for r in results] == [("web", "forbidden", False), ("api", "restarted", True)]
    reason = results[0]["reason"]
    assert "Deployment shop/web" in reason and "'patch' verb on deployments.apps in namespace shop" in reason
    assert 'User "bob" cannot patch' in reason and "HTTP 403" in reason


def test_restart_stops_at_an_unreachable_server_with_the_results_so_far():
    cluster = FakeCluster(deployment("web"), deployment("api"))
    cluster.failures[("patch", "Deployment", "api")] = [ProtocolError("connection refused")]
    targets = [{"kind": "Deployment", "name": "web", "secrets": []}, {"kind": "Deployment", "name": "api", "secrets": []}]
    with pytest.raises(SecretOpsError, match="unreachable") as raised:
        service.restart(FakeClient(cluster), "shop", targets, "2026-01-01T00:00:00Z")
    assert [(r["name"], r["outcome"]) for r in raised.value.details["results"]] == [("web", "restarted")]
    assert "generation" not in raised.value.details["results"][0]


def test_workload_deleted_before_its_patch():
    cluster = FakeCluster(deployment("web"))
    cluster.failures[("patch", "Deployment", "web")] = [ApiException(status=404, reason="Not Found")]
    result = service.restart(FakeClient(cluster), "shop", [{"kind": "Deployment", "name": "web"}], "t")[0]
    assert (result["outcome"], result["restarted"]) == ("deleted", False)


def test_on_delete_workload_is_patched_and_reported_as_on_delete():
    cluster = FakeCluster(statefulset("db", "OnDelete"), statefulset("cache", "RollingUpdate"))
    targets = [{"kind": "StatefulSet", "name": "db"}, {"kind": "StatefulSet", "name": "cache"}]
    results = service.restart(FakeClient(cluster), "shop", targets, "t")
    assert [(r["name"], r["outcome"], r["restarted"]) for r in results] == [("db", "on_delete", True), ("cache", "restarted", True)]
    assert "pods keep running the old one" in results[0]["reason"]
    assert ("patch", "StatefulSet", "db") in cluster.calls


def test_consumers_that_cannot_be_restarted_are_skipped_with_their_reason_and_never_touched():
    cluster = FakeCluster()
    targets = [{"kind": "Rollout", "name": "web", "secrets": ["db"], "reason": "controlled by Rollout web", "api_version": "argoproj.io/v1alpha1"},
               {"kind": "ReplicaSet", "name": "cache", "secrets": ["db"]}]
    results = service.restart(FakeClient(cluster), "shop", targets, "t")
    assert [(r["kind"], r["outcome"], r.get("api_version")) for r in results] == [
        ("Rollout", "skipped", "argoproj.io/v1alpha1"), ("ReplicaSet", "skipped", None)]
    assert results[0]["reason"] == "controlled by Rollout web" and "delete its pods" in results[1]["reason"]
    assert cluster.calls == []


def test_find_consumers_lists_each_kind_once_per_namespace():
    replica_set = {"kind": "ReplicaSet", "metadata": {"name": "cache", "namespace": "shop"},
                   "spec": {"template": {"spec": {"containers": [{"name": "app", "envFrom": [{"secretRef": {"name": "db"}}]}]}}}}
    cluster = FakeCluster(replica_set)
    consumers, _opted_out = service.find_consumers(FakeClient(cluster), "shop", ["db", "tls"])
    assert [(c["kind"], c["name"], c["restartable"]) for c in consumers] == [("ReplicaSet", "cache", False)]
    lists = [kind for verb, kind, _name in cluster.calls if verb == "list"]
    assert sorted(lists) == sorted(set(lists)) and "ReplicaSet" in lists and "ReplicationController" in lists


# restart with checksums, check mode and paused Deployments; secret_checksums against a fake of K8sClient.request
def stamped(workload, checksums):
    workload["spec"]["template"].setdefault("metadata", {})["annotations"] = rollout.desired_annotations(sorted(checksums), checksums, "t0")
    return workload


def test_a_template_that_carries_the_current_checksums_is_left_alone():
    cluster = FakeCluster(stamped(deployment("web"), {"db": "hmac-sha256:aa"}), stamped(deployment("api"), {"db": "hmac-sha256:old"}))
    targets = [{"kind": "Deployment", "name": "web", "secrets": ["db"]}, {"kind": "Deployment", "name": "api", "secrets": ["db"]}]
    results = service.restart(FakeClient(cluster), "shop", targets, "t1", checksums={"db": "hmac-sha256:aa"})
    assert [(r["name"], r["outcome"], r["restarted"]) for r in results] == [("web", "unchanged", False), ("api", "restarted", True)]
    assert [(verb, name) for verb, _kind, name in cluster.calls if verb == "patch"] == [("patch", "api")]


def test_a_never_stamped_consumer_whose_pods_started_after_the_write_is_stamped_not_restarted():
    """Issue 22: the first run restarted every consumer it had never stamped, though nothing rotated."""
    checksum = {"db": "hmac-sha256:aa"}
    uses = {"containers": [{"name": "app", "envFrom": [{"secretRef": {"name": "db"}}]}]}
    web, api = deployment("web"), deployment("api")
    for workload in (web, api):
        workload["spec"]["template"]["spec"] = uses
        workload["metadata"]["uid"] = workload["metadata"]["name"]

    def pod(owner, created):
        owners = [{"kind": "Deployment", "apiVersion": "apps/v1", "name": owner, "uid": owner, "controller": True}]
        return {"kind": "Pod", "metadata": {"name": owner + "-pod", "creationTimestamp": created, "ownerReferences": owners},
                "spec": uses, "status": {"phase": "Running"}}

    evidence = stamps.PodEvidence([web, api, pod("web", "2026-12-07T09:00:05Z"), pod("api", "2026-12-07T08:00:00Z")], {},
                                  {"db": "2026-12-07T09:00:00Z"})
    cluster = FakeCluster(web, api)
    targets = [{"kind": "Deployment", "name": "web", "secrets": ["db"]}, {"kind": "Deployment", "name": "api", "secrets": ["db"]}]
    results = service.restart(FakeClient(cluster), "shop", targets, "t1", checksums=checksum, evidence=evidence)
    assert [(r["name"], r["outcome"], r["restarted"], r.get("cause")) for r in results] == [
        ("web", "stamped", False, None), ("api", "restarted", True, "never_stamped")]
    assert "started after the Secret's current content was written" in results[0]["reason"]
    assert cluster.patches[0] == ("web", {"metadata": {"annotations": {checksum_annotation("db"): "hmac-sha256:aa"}}}), "the pod template is not touched"
    assert cluster.patches[1][0] == "api" and "template" in json.dumps(cluster.patches[1][1])

    cluster.objects[("Deployment", "web")]["metadata"]["annotations"] = {checksum_annotation("db"): "hmac-sha256:aa"}
    again = service.restart(FakeClient(cluster), "shop", targets[:1], "t2", checksums=checksum, evidence=evidence)
    assert again[0]["outcome"] == "unchanged" and len(cluster.patches) == 2
    checked = service.restart(FakeClient(cluster), "shop", targets[1:], "t2", checksums={}, check_mode=True, evidence=evidence)
    assert checked[0]["outcome"] == "would_restart"


def test_check_mode_reads_and_patches_nothing():
    cluster = FakeCluster(deployment("web"), statefulset("db", "OnDelete"))
    targets = [{"kind": "Deployment", "name": "web"}, {"kind": "StatefulSet", "name": "db"}]
    results = service.restart(FakeClient(cluster), "shop", targets, "t", check_mode=True)
    assert [(r["name"], r["outcome"], r["restarted"]) for r in results] == [("web", "would_restart", True), ("db", "would_restart", True)]
    assert results[0]["reason"] == "check mode" and results[1]["reason"].startswith("check mode; ")
    assert [verb for verb, _kind, _name in cluster.calls] == ["read", "read"]


def test_a_paused_deployment_is_reported_not_patched():
    paused = deployment("web")
    paused["spec"]["paused"] = True
    cluster = FakeCluster(paused)
    (result,) = service.restart(FakeClient(cluster), "shop", [{"kind": "Deployment", "name": "web"}], "t")
    assert (result["outcome"], result["restarted"]) == ("paused", False) and "resume it" in result["reason"]
    assert ("patch", "Deployment", "web") not in cluster.calls


def test_restart_consumers_names_what_was_restarted_before_a_failure():
    cluster = FakeCluster(deployment("web"), deployment("api"))
    cluster.failures[("patch", "Deployment", "api")] = [ApiException(status=500, reason="Internal Server Error")]
    workloads = [{"kind": "Deployment", "name": "web"}, {"kind": "Deployment", "name": "api"}]
    with pytest.raises(SecretOpsError, match="HTTP 500") as raised:
        service.restart_consumers(FakeClient(cluster), "shop", workloads, [])
    assert raised.value.details["status"] == 500 and raised.value.details["restarted"] == ["Deployment/web"]
    assert [(r["name"], r["outcome"]) for r in raised.value.details["results"]] == [("web", "restarted")]


def test_secret_checksums_are_keyed_per_namespace_and_need_the_secret():
    api = FakeApiServer({"metadata": {"name": "db", "namespace": "shop"}, "data": {"password": "aHVudGVyMg=="}})
    assert service.secret_checksums(api, "shop", ["db"], check_mode=True) == {}, "check mode makes no key, so nothing is stamped"
    assert api.writes() == []
    checksums = service.secret_checksums(api, "shop", ["db"])
    key = base64.b64decode(api.secrets[("shop", KEY_SECRET_NAME)]["data"]["key"])
    assert checksums == {"db": content_mac(key, "db", {"password": "aHVudGVyMg=="})}
    assert "aHVudGVyMg" not in repr(checksums)
    with pytest.raises(SecretOpsError, match="Secret shop/nope does not exist: cannot stamp its checksum; create it first or set checksum=false"):
        service.secret_checksums(api, "shop", ["nope"])


# restart pacing (max_concurrent) and restart: not_in_place
def rolls_at_once(cluster):
    """Replay the calls: the most workloads patched and not yet read back (complete, in ``completing_cluster``) at any moment."""
    rolling, most = set(), 0
    for verb, _kind, name in cluster.calls:
        if verb == "patch":
            rolling.add(name)
            most = max(most, len(rolling))
        elif verb == "read" and name in rolling:
            rolling.discard(name)
    return most


def completing_cluster(*names):
    """Deployments whose controller observes a patch at the next read: each rollout completes when read after its patch."""
    cluster = FakeCluster(*[deployment(name) for name in names])

    def observe(current):
        current["status"]["observedGeneration"] = current["metadata"]["generation"]

    cluster.on_read = observe
    return cluster


def test_restarts_are_paced_in_batches_each_waited_for_before_the_next_patch():
    names = ["a", "b", "c", "d", "e"]
    cluster = completing_cluster(*names)
    workloads = [{"kind": "Deployment", "name": name} for name in names]
    results = service.restart_consumers(FakeClient(cluster), "shop", workloads, [], wait=True, max_concurrent=2)
    assert [(r["name"], r["outcome"]) for r in results] == [(name, "complete") for name in names]
    patches = [name for verb, _kind, name in cluster.calls if verb == "patch"]
    assert patches == names
    assert rolls_at_once(cluster) == 2


def test_without_a_limit_or_without_wait_every_workload_is_patched_at_once():
    for wait_for, limit in ((True, 0), (False, 2)):
        cluster = completing_cluster("a", "b", "c")
        workloads = [{"kind": "Deployment", "name": name} for name in ("a", "b", "c")]
        service.restart_consumers(FakeClient(cluster), "shop", workloads, [], wait=wait_for, max_concurrent=limit)
        assert rolls_at_once(cluster) == 3


def test_a_failure_in_a_later_batch_keeps_the_results_of_the_earlier_ones():
    cluster = completing_cluster("a", "b", "c")
    cluster.failures[("patch", "Deployment", "c")] = [ProtocolError("connection refused")]
    workloads = [{"kind": "Deployment", "name": name} for name in ("a", "b", "c")]
    with pytest.raises(SecretOpsError, match="unreachable") as raised:
        service.restart_consumers(FakeClient(cluster), "shop", workloads, [], wait=True, max_concurrent=2)
    assert [(r["name"], r["outcome"]) for r in raised.value.details["results"]] == [("a", "complete"), ("b", "complete")]
    assert raised.value.details["restarted"] == ["Deployment/a", "Deployment/b"]


def test_a_failed_rollout_holds_back_the_later_batches():
    names = ["a", "b", "c", "d", "e"]
    cluster = completing_cluster(*names)
    complete = cluster.on_read

    def observe(current):
        complete(current)
        if current["metadata"]["name"] == "b":
            current["status"]["conditions"] = [{"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
                                                "message": "ReplicaSet b-2 has timed out progressing."}]
    cluster.on_read = observe
    workloads = [{"kind": "Deployment", "name": name} for name in names]
    results = service.restart_consumers(FakeClient(cluster), "shop", workloads, [], wait=True, max_concurrent=2)
    assert [(r["name"], r["outcome"], r["restarted"]) for r in results] == [
        ("a", "complete", True), ("b", "failed", True), ("c", "held_back", False), ("d", "held_back", False), ("e", "held_back", False)]
    assert [name for verb, _kind, name in cluster.calls if verb == "patch"] == ["a", "b"]
    assert results[2]["reason"] == ("not restarted: the rollout of Deployment/b failed in an earlier batch, "
                                    "so no more workloads were put on the new content")


def consumer(name, container, volumes=None):
    workload = deployment(name)
    workload["spec"]["template"]["spec"] = {"containers": [dict(container, name="app")], "volumes": volumes or []}
    return workload


def test_not_in_place_restarts_only_the_consumers_that_cannot_see_the_change():
    volume = [{"name": "creds", "secret": {"secretName": "db"}}]
    cluster = FakeCluster(
        consumer("files", {"volumeMounts": [{"name": "creds", "mountPath": "/creds"}]}, volume),
        consumer("subpath", {"volumeMounts": [{"name": "creds", "mountPath": "/creds/password", "subPath": "password"}]}, volume),
        consumer("env", {"envFrom": [{"secretRef": {"name": "db"}}]}))
    results = service.restart_consumers(FakeClient(cluster), "shop", [], ["db"], restart_mode="not_in_place")
    assert [(r["name"], r["outcome"], r["restarted"]) for r in results] == [
        ("env", "restarted", True), ("files", "in_place", False), ("subpath", "restarted", True)]
    assert "kubelet updates the files" in results[1]["reason"]
    assert sorted(name for verb, _kind, name in cluster.calls if verb == "patch") == ["env", "subpath"]
    everything = service.restart_consumers(FakeClient(cluster), "shop", [], ["db"])
    assert [r["outcome"] for r in everything] == ["restarted"] * 3
