"""Restart planning, patches and rollout completion rules."""

from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import rollout
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads.annotations import checksum_annotation


def test_plan_restarts_once_per_workload_across_secrets():
    consumers = [
        {"kind": "Deployment", "name": "web", "secret": "db"},
        {"kind": "Deployment", "name": "web", "secret": "tls"},
        {"kind": "StatefulSet", "name": "web", "secret": "db"},
        {"kind": "Deployment", "name": "web", "secret": "db"},
    ]
    assert rollout.plan_restarts(consumers) == [
        {"kind": "Deployment", "name": "web", "secrets": ["db", "tls"]},
        {"kind": "StatefulSet", "name": "web", "secrets": ["db"]},
    ]


def test_explicit_workloads_have_no_secret():
    assert rollout.plan_restarts([{"kind": "DaemonSet", "name": "agent", "secret": None}]) == [{"kind": "DaemonSet", "name": "agent", "secrets": []}]


def test_restart_patch_places_annotations_on_the_pod_template():
    assert rollout.restart_patch("Deployment", {"a": "1"}) == {"spec": {"template": {"metadata": {"annotations": {"a": "1"}}}}}
    assert rollout.restart_patch("CronJob", {"a": "1"}) == {"spec": {"jobTemplate": {"spec": {"template": {"metadata": {"annotations": {"a": "1"}}}}}}}


def test_desired_annotations_and_checksums_current():
    annotations = rollout.desired_annotations(["db", "tls"], {"db": "sha256:1", "tls": "sha256:2"}, "2026-01-01T00:00:00Z")
    assert annotations == {"secretops.io/restartedAt": "2026-01-01T00:00:00Z",
                           "checksum.secretops.io/db": "sha256:1", "checksum.secretops.io/tls": "sha256:2"}
    workload = {"kind": "Deployment", "spec": {"template": {"metadata": {"annotations": annotations}}}}
    assert rollout.checksums_current(workload, ["db", "tls"], {"db": "sha256:1", "tls": "sha256:2"})
    assert not rollout.checksums_current(workload, ["db", "tls"], {"db": "sha256:1", "tls": "sha256:3"})
    assert not rollout.checksums_current(workload, ["db"], None)
    assert not rollout.checksums_current(workload, [], {"db": "sha256:1"})


def test_long_secret_names_get_a_valid_annotation_key():
    key = checksum_annotation("s" * 200)
    assert key.startswith("checksum.secretops.io/") and len(key.split("/", 1)[1]) <= 63
    assert checksum_annotation("s" * 200) != checksum_annotation("s" * 199)


def deployment(replicas=2, generation=3, observed=3, updated=2, available=2, total=2, paused=False, conditions=None):
    return {"kind": "Deployment", "metadata": {"generation": generation},
            "spec": {"replicas": replicas, "paused": paused},
            "status": {"observedGeneration": observed, "updatedReplicas": updated, "availableReplicas": available,
                       "replicas": total, "conditions": conditions or []}}


def test_deployment_states():
    assert rollout.rollout_state(deployment())[0] == rollout.COMPLETE
    assert rollout.rollout_state(deployment(observed=2))[0] == rollout.PROGRESSING
    assert rollout.rollout_state(deployment(updated=1))[0] == rollout.PROGRESSING
    assert rollout.rollout_state(deployment(total=3))[0] == rollout.PROGRESSING
    assert rollout.rollout_state(deployment(available=1))[0] == rollout.PROGRESSING
    assert rollout.rollout_state(deployment(paused=True))[0] == rollout.PAUSED
    failed = deployment(updated=1, conditions=[{"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
                                                "message": 'ReplicaSet "web-1" has timed out progressing.'}])
    state, reason = rollout.rollout_state(failed)
    assert state == rollout.FAILED and "ProgressDeadlineExceeded" in reason and "timed out" in reason


def test_deployment_scaled_to_zero_is_complete():
    assert rollout.rollout_state(deployment(replicas=0, updated=0, available=0, total=0))[0] == rollout.COMPLETE


def statefulset(update="r2", current="r2", ready=2, strategy=None):
    spec = {"replicas": 2}
    if strategy:
        spec["updateStrategy"] = {"type": strategy}
    return {"kind": "StatefulSet", "metadata": {"generation": 2}, "spec": spec,
            "status": {"observedGeneration": 2, "updateRevision": update, "currentRevision": current,
                       "updatedReplicas": 2, "readyReplicas": ready, "availableReplicas": ready}}


def test_statefulset_states():
    assert rollout.rollout_state(statefulset())[0] == rollout.COMPLETE
    assert rollout.rollout_state(statefulset(current="r1"))[0] == rollout.PROGRESSING
    assert rollout.rollout_state(statefulset(ready=1))[0] == rollout.PROGRESSING
    assert rollout.rollout_state(statefulset(current="r1", strategy="OnDelete"))[0] == rollout.COMPLETE


def test_daemonset_states():
    def daemonset(updated, available, observed=4):
        return {"kind": "DaemonSet", "metadata": {"generation": 4},
                "status": {"observedGeneration": observed, "desiredNumberScheduled": 3, "updatedNumberScheduled": updated, "numberAvailable": available}}
    assert rollout.rollout_state(daemonset(3, 3))[0] == rollout.COMPLETE
    assert rollout.rollout_state(daemonset(2, 3))[0] == rollout.PROGRESSING
    assert rollout.rollout_state(daemonset(3, 2))[0] == rollout.PROGRESSING
    assert rollout.rollout_state(daemonset(3, 3, observed=3))[0] == rollout.PROGRESSING


def test_kinds_without_rollout_are_complete():
    assert rollout.rollout_state({"kind": "CronJob"})[0] == rollout.COMPLETE
