"""Workload API calls against the fake API server of ``k8s/fakes.py``: what a wait does when a workload is deleted or the API
server goes away, what a restart does when a patch is refused (403), with checksums, in check mode and
for a paused Deployment; and secret_checksums against its Secrets.

The fake replaces only ``K8sClient._send`` (the HTTP exchange), so the library's exceptions go
through the real translation in ``K8sClient.request``."""

import base64
import copy
import json

import pytest
from urllib3.exceptions import ProtocolError

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import ApiStatusError, _expand
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.content_key import KEY_SECRET_NAME
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.checksum import content_mac
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import rollout, service, stamps
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads.annotations import checksum_annotation

from ..k8s.fakes import FakeApiServer

KINDS_BY_COLLECTION = dict((path, kind) for kind, path in service.COLLECTIONS.items())


def forbidden(kind, name):
    """The API server's 403, with its Status message."""
    message = '%ss.apps "%s" is forbidden: User "bob" cannot patch resource "%ss" in API group "apps" in the namespace "shop"' % (
        kind.lower(), name, kind.lower())
    return ApiStatusError(403, "Forbidden", json.dumps({"kind": "Status", "message": message}).encode())


def workloads_api(*workloads):
    """The fake API server holding ``workloads`` (of namespace shop) at their paths."""
    return FakeApiServer(objects=dict((where(o["kind"], o["metadata"]["name"]), copy.deepcopy(o)) for o in workloads))


def where(kind, name):
    return _expand(service.COLLECTIONS[kind] + "/{name}", {"namespace": "shop", "name": name})


def calls(api):
    """``(verb, kind, name)`` of each request for a workload: ``read``, ``list`` (name None) or ``patch``."""
    seen = []
    for method, path, _namespace, name, _content_type in api.calls:
        collection, separator, _rest = path.partition("/{name}")
        if collection in KINDS_BY_COLLECTION:
            seen.append(({"GET": "read" if separator else "list"}.get(method, method.lower()), KINDS_BY_COLLECTION[collection], name))
    return seen


def patches(api):
    """``(name, body)`` of each patch sent."""
    return [(path.rpartition("/")[2], body) for method, path, body in api.bodies if method == "PATCH"]


def on_read(api, react):
    """``react(workload)`` just before each read of a stored workload is served: its controller, or another writer."""
    def before(method, path, path_params, body):
        current = api.objects.get(_expand(path, path_params))
        if method == "GET" and path.endswith("/{name}") and current is not None:
            react(current)
    api.before = before


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


def wait(api, results, timeout=30, grace=10):
    clock = FakeClock()
    service.wait_for_rollouts(api, "shop", results, timeout, clock=clock, sleep=clock.sleep, unreachable_grace=grace)
    return clock


def test_workload_deleted_while_waiting_is_reported_not_raised():
    api = workloads_api(deployment("web", observed=1), deployment("api"))
    results = pending("web", "api")

    def delete_web(current):
        if current["metadata"]["name"] == "web":
            del api.objects[where("Deployment", "web")]

    on_read(api, delete_web)
    wait(api, results)
    assert [(r["name"], r["outcome"]) for r in results] == [("web", "deleted"), ("api", "complete")]
    assert "deleted while waiting" in results[0]["reason"] and "Deployment shop/web" in results[0]["reason"]


def test_api_server_blip_while_waiting_is_retried():
    api = workloads_api(deployment("web"))
    api.failures[("GET", "shop", "web")] = [ProtocolError("connection refused")] * 3
    results = pending("web")
    wait(api, results)
    assert results[0]["outcome"] == "complete"


def test_api_server_gone_while_waiting_names_the_server_and_the_pending_workloads():
    api = workloads_api(deployment("done"), deployment("web", observed=1), deployment("api", observed=1))
    results = pending("done", "web", "api")
    on_read(api, lambda current: api.failures.update(
        dict((("GET", "shop", name), [ProtocolError("connection refused")] * 1000) for name in ("web", "api"))))
    with pytest.raises(SecretOpsError) as raised:
        wait(api, results, grace=10)
    message = str(raised.value)
    assert "https://k8s.example.test:6443" in message and "unreachable" in message
    assert "Deployment/web, Deployment/api" in message and "done" not in message
    assert "Traceback" not in message
    assert [(r["name"], r["outcome"]) for r in results] == [("done", "complete"), ("web", "unknown"), ("api", "unknown")]


def test_api_server_gone_past_the_deadline_raises_without_waiting_the_grace():
    api = workloads_api(deployment("web"))
    api.failures[("GET", "shop", "web")] = [ProtocolError("connection refused")] * 1000
    with pytest.raises(SecretOpsError, match="Deployment/web"):
        wait(api, pending("web"), timeout=3, grace=60)


def test_read_refused_while_waiting_names_the_pending_workloads():
    api = workloads_api(deployment("web"))
    api.failures[("GET", "shop", "web")] = [403]
    results = pending("web")
    with pytest.raises(SecretOpsError, match="while waiting for the rollouts of Deployment/web") as raised:
        wait(api, results)
    assert raised.value.details["status"] == 403 and results[0]["outcome"] == "unknown"


def test_restart_patch_refused_names_the_workload_and_the_permission_and_restarts_the_others():
    api = workloads_api(deployment("web"), deployment("api"))
    api.failures[("PATCH", "shop", "web")] = [forbidden("Deployment", "web")]
    targets = [{"kind": "Deployment", "name": "web", "secrets": ["db"]}, {"kind": "Deployment", "name": "api", "secrets": ["db"]}]
    results = service.restart(api, "shop", targets, "2026-01-01T00:00:00Z")
    assert [(r["name"], r["outcome"], r["restarted"]) for r in results] == [("web", "forbidden", False), ("api", "restarted", True)]
    reason = results[0]["reason"]
    assert "Deployment shop/web" in reason and "'patch' verb on deployments.apps in namespace shop" in reason
    assert 'User "bob" cannot patch' in reason and "HTTP 403" in reason


def test_restart_stops_at_an_unreachable_server_with_the_results_so_far():
    api = workloads_api(deployment("web"), deployment("api"))
    api.failures[("PATCH", "shop", "api")] = [ProtocolError("connection refused")]
    targets = [{"kind": "Deployment", "name": "web", "secrets": []}, {"kind": "Deployment", "name": "api", "secrets": []}]
    with pytest.raises(SecretOpsError, match="unreachable") as raised:
        service.restart(api, "shop", targets, "2026-01-01T00:00:00Z")
    assert [(r["name"], r["outcome"]) for r in raised.value.details["results"]] == [("web", "restarted")]
    assert "generation" not in raised.value.details["results"][0]


def test_workload_deleted_before_its_patch():
    api = workloads_api(deployment("web"))
    api.failures[("PATCH", "shop", "web")] = [404]
    result = service.restart(api, "shop", [{"kind": "Deployment", "name": "web"}], "t")[0]
    assert (result["outcome"], result["restarted"]) == ("deleted", False)


def test_on_delete_workload_is_patched_and_reported_as_on_delete():
    api = workloads_api(statefulset("db", "OnDelete"), statefulset("cache", "RollingUpdate"))
    targets = [{"kind": "StatefulSet", "name": "db"}, {"kind": "StatefulSet", "name": "cache"}]
    results = service.restart(api, "shop", targets, "t")
    assert [(r["name"], r["outcome"], r["restarted"]) for r in results] == [("db", "on_delete", True), ("cache", "restarted", True)]
    assert "pods keep running the old one" in results[0]["reason"]
    assert ("patch", "StatefulSet", "db") in calls(api)


def test_consumers_that_cannot_be_restarted_are_skipped_with_their_reason_and_never_touched():
    api = workloads_api()
    targets = [{"kind": "Rollout", "name": "web", "secrets": ["db"], "reason": "controlled by Rollout web", "api_version": "argoproj.io/v1alpha1"},
               {"kind": "ReplicaSet", "name": "cache", "secrets": ["db"]}]
    results = service.restart(api, "shop", targets, "t")
    assert [(r["kind"], r["outcome"], r.get("api_version")) for r in results] == [
        ("Rollout", "skipped", "argoproj.io/v1alpha1"), ("ReplicaSet", "skipped", None)]
    assert results[0]["reason"] == "controlled by Rollout web" and "delete its pods" in results[1]["reason"]
    assert api.calls == []


def test_find_consumers_lists_each_kind_once_per_namespace():
    replica_set = {"kind": "ReplicaSet", "metadata": {"name": "cache", "namespace": "shop"},
                   "spec": {"template": {"spec": {"containers": [{"name": "app", "envFrom": [{"secretRef": {"name": "db"}}]}]}}}}
    api = workloads_api(replica_set)
    consumers, _opted_out = service.find_consumers(api, "shop", ["db", "tls"])
    assert [(c["kind"], c["name"], c["restartable"]) for c in consumers] == [("ReplicaSet", "cache", False)]
    lists = [kind for verb, kind, _name in calls(api) if verb == "list"]
    assert sorted(lists) == sorted(set(lists)) and "ReplicaSet" in lists and "ReplicationController" in lists


# restart with checksums, check mode and paused Deployments; secret_checksums against a fake of K8sClient.request
def stamped(workload, checksums):
    workload["spec"]["template"].setdefault("metadata", {})["annotations"] = rollout.desired_annotations(sorted(checksums), checksums, "t0")
    return workload


def test_a_template_that_carries_the_current_checksums_is_left_alone():
    api = workloads_api(stamped(deployment("web"), {"db": "hmac-sha256:aa"}), stamped(deployment("api"), {"db": "hmac-sha256:old"}))
    targets = [{"kind": "Deployment", "name": "web", "secrets": ["db"]}, {"kind": "Deployment", "name": "api", "secrets": ["db"]}]
    results = service.restart(api, "shop", targets, "t1", checksums={"db": "hmac-sha256:aa"})
    assert [(r["name"], r["outcome"], r["restarted"]) for r in results] == [("web", "unchanged", False), ("api", "restarted", True)]
    assert [(verb, name) for verb, _kind, name in calls(api) if verb == "patch"] == [("patch", "api")]


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
    api = workloads_api(web, api)
    targets = [{"kind": "Deployment", "name": "web", "secrets": ["db"]}, {"kind": "Deployment", "name": "api", "secrets": ["db"]}]
    results = service.restart(api, "shop", targets, "t1", checksums=checksum, evidence=evidence)
    assert [(r["name"], r["outcome"], r["restarted"], r.get("cause")) for r in results] == [
        ("web", "stamped", False, None), ("api", "restarted", True, "never_stamped")]
    assert "started after the Secret's current content was written" in results[0]["reason"]
    assert patches(api)[0] == ("web", {"metadata": {"annotations": {checksum_annotation("db"): "hmac-sha256:aa"}}}), "the pod template is not touched"
    assert patches(api)[1][0] == "api" and "template" in json.dumps(patches(api)[1][1])

    assert api.objects[where("Deployment", "web")]["metadata"]["annotations"] == {checksum_annotation("db"): "hmac-sha256:aa"}
    again = service.restart(api, "shop", targets[:1], "t2", checksums=checksum, evidence=evidence)
    assert again[0]["outcome"] == "unchanged" and len(patches(api)) == 2
    checked = service.restart(api, "shop", targets[1:], "t2", checksums={}, check_mode=True, evidence=evidence)
    assert checked[0]["outcome"] == "would_restart"


def test_check_mode_reads_and_patches_nothing():
    api = workloads_api(deployment("web"), statefulset("db", "OnDelete"))
    targets = [{"kind": "Deployment", "name": "web"}, {"kind": "StatefulSet", "name": "db"}]
    results = service.restart(api, "shop", targets, "t", check_mode=True)
    assert [(r["name"], r["outcome"], r["restarted"]) for r in results] == [("web", "would_restart", True), ("db", "would_restart", True)]
    assert results[0]["reason"] == "check mode" and results[1]["reason"].startswith("check mode; ")
    assert [verb for verb, _kind, _name in calls(api)] == ["read", "read"]


def test_a_paused_deployment_is_reported_not_patched():
    paused = deployment("web")
    paused["spec"]["paused"] = True
    api = workloads_api(paused)
    (result,) = service.restart(api, "shop", [{"kind": "Deployment", "name": "web"}], "t")
    assert (result["outcome"], result["restarted"]) == ("paused", False) and "resume it" in result["reason"]
    assert ("patch", "Deployment", "web") not in calls(api)


def test_restart_consumers_names_what_was_restarted_before_a_failure():
    api = workloads_api(deployment("web"), deployment("api"))
    api.failures[("PATCH", "shop", "api")] = [500]
    workloads = [{"kind": "Deployment", "name": "web"}, {"kind": "Deployment", "name": "api"}]
    with pytest.raises(SecretOpsError, match="HTTP 500") as raised:
        service.restart_consumers(api, "shop", workloads, [])
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
def rolls_at_once(api):
    """Replay the calls: the most workloads patched and not yet read back (complete, in ``completing_cluster``) at any moment."""
    rolling, most = set(), 0
    for verb, _kind, name in calls(api):
        if verb == "patch":
            rolling.add(name)
            most = max(most, len(rolling))
        elif verb == "read" and name in rolling:
            rolling.discard(name)
    return most


def observe_generation(current):
    current["status"]["observedGeneration"] = current["metadata"]["generation"]


def completing_cluster(*names):
    """Deployments whose controller observes a patch at the next read: each rollout completes when read after its patch."""
    api = workloads_api(*[deployment(name) for name in names])
    on_read(api, observe_generation)
    return api


def test_restarts_are_paced_in_batches_each_waited_for_before_the_next_patch():
    names = ["a", "b", "c", "d", "e"]
    api = completing_cluster(*names)
    workloads = [{"kind": "Deployment", "name": name} for name in names]
    results = service.restart_consumers(api, "shop", workloads, [], wait=True, max_concurrent=2)
    assert [(r["name"], r["outcome"]) for r in results] == [(name, "complete") for name in names]
    patched = [name for verb, _kind, name in calls(api) if verb == "patch"]
    assert patched == names
    assert rolls_at_once(api) == 2


def test_without_a_limit_or_without_wait_every_workload_is_patched_at_once():
    for wait_for, limit in ((True, 0), (False, 2)):
        api = completing_cluster("a", "b", "c")
        workloads = [{"kind": "Deployment", "name": name} for name in ("a", "b", "c")]
        service.restart_consumers(api, "shop", workloads, [], wait=wait_for, max_concurrent=limit)
        assert rolls_at_once(api) == 3


def test_a_failure_in_a_later_batch_keeps_the_results_of_the_earlier_ones():
    api = completing_cluster("a", "b", "c")
    api.failures[("PATCH", "shop", "c")] = [ProtocolError("connection refused")]
    workloads = [{"kind": "Deployment", "name": name} for name in ("a", "b", "c")]
    with pytest.raises(SecretOpsError, match="unreachable") as raised:
        service.restart_consumers(api, "shop", workloads, [], wait=True, max_concurrent=2)
    assert [(r["name"], r["outcome"]) for r in raised.value.details["results"]] == [("a", "complete"), ("b", "complete")]
    assert raised.value.details["restarted"] == ["Deployment/a", "Deployment/b"]


def test_a_failed_rollout_holds_back_the_later_batches():
    names = ["a", "b", "c", "d", "e"]
    api = completing_cluster(*names)

    def observe(current):
        observe_generation(current)
        if current["metadata"]["name"] == "b":
            current["status"]["conditions"] = [{"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
                                                "message": "ReplicaSet b-2 has timed out progressing."}]
    on_read(api, observe)
    workloads = [{"kind": "Deployment", "name": name} for name in names]
    results = service.restart_consumers(api, "shop", workloads, [], wait=True, max_concurrent=2)
    assert [(r["name"], r["outcome"], r["restarted"]) for r in results] == [
        ("a", "complete", True), ("b", "failed", True), ("c", "held_back", False), ("d", "held_back", False), ("e", "held_back", False)]
    assert [name for verb, _kind, name in calls(api) if verb == "patch"] == ["a", "b"]
    assert results[2]["reason"] == ("not restarted: the rollout of Deployment/b failed in an earlier batch, "
                                    "so no more workloads were put on the new content")


def consumer(name, container, volumes=None):
    workload = deployment(name)
    workload["spec"]["template"]["spec"] = {"containers": [dict(container, name="app")], "volumes": volumes or []}
    return workload


def test_not_in_place_restarts_only_the_consumers_that_cannot_see_the_change():
    volume = [{"name": "creds", "secret": {"secretName": "db"}}]
    api = workloads_api(
        consumer("files", {"volumeMounts": [{"name": "creds", "mountPath": "/creds"}]}, volume),
        consumer("subpath", {"volumeMounts": [{"name": "creds", "mountPath": "/creds/password", "subPath": "password"}]}, volume),
        consumer("env", {"envFrom": [{"secretRef": {"name": "db"}}]}))
    results = service.restart_consumers(api, "shop", [], ["db"], restart_mode="not_in_place")
    assert [(r["name"], r["outcome"], r["restarted"]) for r in results] == [
        ("env", "restarted", True), ("files", "in_place", False), ("subpath", "restarted", True)]
    assert "kubelet updates the files" in results[1]["reason"]
    assert sorted(name for verb, _kind, name in calls(api) if verb == "patch") == ["env", "subpath"]
    everything = service.restart_consumers(api, "shop", [], ["db"])
    assert [r["outcome"] for r in everything] == ["restarted"] * 3
