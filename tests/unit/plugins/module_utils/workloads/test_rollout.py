"""Rollout verdicts as kubectl rollout status gives them (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go)."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import rollout, stamps


DEADLINE_EXCEEDED = {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
                     "message": 'ReplicaSet "web-1" has timed out progressing.'}


def deployment(replicas=2, generation=3, observed=3, updated=2, available=2, total=2, paused=False, conditions=None):
    return {"kind": "Deployment", "metadata": {"name": "web", "generation": generation},
            "spec": {"replicas": replicas, "paused": paused},
            "status": {"observedGeneration": observed, "updatedReplicas": updated, "availableReplicas": available,
                       "replicas": total, "conditions": conditions or []}}


def test_stale_progress_deadline_of_the_previous_generation_is_not_a_failure():
    # The restart bumped the generation; the controller has not looked yet, so the condition is old news.
    state, reason = rollout.rollout_state(deployment(generation=4, observed=3, updated=1, conditions=[DEADLINE_EXCEEDED]))
    assert state == rollout.PROGRESSING and "observe the new generation" in reason


def test_progress_deadline_of_the_observed_generation_fails():
    state, reason = rollout.rollout_state(deployment(generation=4, observed=4, updated=1, conditions=[DEADLINE_EXCEEDED]))
    assert state == rollout.FAILED and "ProgressDeadlineExceeded" in reason


def statefulset(replicas=3, updated=3, ready=3, update_revision="r2", current_revision="r2", strategy=None, generation=2, observed=2):
    spec = {"replicas": replicas}
    if strategy is not None:
        spec["updateStrategy"] = strategy
    return {"kind": "StatefulSet", "metadata": {"name": "db", "generation": generation}, "spec": spec,
            "status": {"observedGeneration": observed, "updatedReplicas": updated, "readyReplicas": ready,
                       "updateRevision": update_revision, "currentRevision": current_revision}}


def test_partitioned_statefulset_is_complete_when_the_pods_above_the_partition_are_updated():
    partitioned = {"type": "RollingUpdate", "rollingUpdate": {"partition": 2}}
    # 3 replicas, partition 2: only ordinal 2 gets the new template; the revisions never converge.
    state, reason = rollout.rollout_state(statefulset(updated=1, current_revision="r1", strategy=partitioned))
    assert state == rollout.COMPLETE and "partitioned roll out complete" in reason
    state, reason = rollout.rollout_state(statefulset(updated=0, current_revision="r1", strategy=partitioned))
    assert state == rollout.PROGRESSING and "0 of 1" in reason
    # Readiness is checked first, as kubectl does.
    assert rollout.rollout_state(statefulset(updated=1, ready=2, current_revision="r1", strategy=partitioned))[0] == rollout.PROGRESSING


def test_partition_zero_as_the_api_server_defaults_it():
    defaulted = {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
    assert rollout.rollout_state(statefulset(updated=2, current_revision="r1", strategy=defaulted))[0] == rollout.PROGRESSING
    assert rollout.rollout_state(statefulset(updated=3, current_revision="r1", strategy=defaulted))[0] == rollout.COMPLETE


def test_statefulset_without_rolling_update_compares_revisions():
    assert rollout.rollout_state(statefulset(current_revision="r1"))[0] == rollout.PROGRESSING
    assert rollout.rollout_state(statefulset())[0] == rollout.COMPLETE


def test_statefulset_generation_not_yet_observed_is_progressing():
    assert rollout.rollout_state(statefulset(observed=0, generation=0))[0] == rollout.PROGRESSING
    assert rollout.rollout_state(statefulset(observed=1))[0] == rollout.PROGRESSING


def test_on_delete_statefulset_is_reported_as_such_never_failed_nor_complete_before_its_pods_are_replaced():
    on_delete = {"type": "OnDelete"}
    state, reason = rollout.rollout_state(statefulset(updated=0, current_revision="r1", strategy=on_delete))
    assert state == rollout.ON_DELETE == "on_delete"
    assert "OnDelete" in reason and "deleted" in reason and "0 of 3" in reason
    # Once someone deleted every pod, they run the new template.
    assert rollout.rollout_state(statefulset(updated=3, current_revision="r1", strategy=on_delete))[0] == rollout.COMPLETE
    assert rollout.rollout_state(statefulset(updated=3, ready=2, strategy=on_delete))[0] == rollout.ON_DELETE
    assert rollout.rollout_state(statefulset(updated=0, strategy=on_delete, observed=1))[0] == rollout.PROGRESSING


def daemonset(updated, available, observed=4, strategy=None):
    spec = {"updateStrategy": {"type": strategy}} if strategy else {}
    return {"kind": "DaemonSet", "metadata": {"name": "agent", "generation": 4}, "spec": spec,
            "status": {"observedGeneration": observed, "desiredNumberScheduled": 3, "updatedNumberScheduled": updated,
                       "numberAvailable": available}}


def test_on_delete_daemonset_is_reported_as_such():
    state, reason = rollout.rollout_state(daemonset(0, 3, strategy="OnDelete"))
    assert state == rollout.ON_DELETE and "DaemonSet" in reason and "deleted" in reason
    assert rollout.rollout_state(daemonset(3, 3, strategy="OnDelete"))[0] == rollout.COMPLETE
    assert rollout.rollout_state(daemonset(0, 3, observed=3, strategy="OnDelete"))[0] == rollout.PROGRESSING
    assert rollout.rollout_state(daemonset(2, 3, strategy="RollingUpdate"))[0] == rollout.PROGRESSING


def test_update_strategy_defaults_to_rolling_update():
    assert rollout.update_strategy({"spec": {}}) == "RollingUpdate"
    assert rollout.update_strategy({"spec": {"updateStrategy": {"type": "OnDelete"}}}) == "OnDelete"


def test_not_restartable_reasons():
    assert rollout.not_restartable_reason("Deployment") is None
    assert rollout.not_restartable_reason("CronJob") is None
    assert "delete its pods" in rollout.not_restartable_reason("ReplicaSet")
    assert "delete its pods" in rollout.not_restartable_reason("ReplicationController")
    assert "cannot restart a Rollout" in rollout.not_restartable_reason("Rollout")


def test_plan_keeps_why_a_consumer_cannot_be_restarted():
    consumers = [
        {"kind": "Rollout", "name": "web", "secret": "db", "restartable": False, "reason": "controlled by Rollout", "api_version": "argoproj.io/v1alpha1"},
        {"kind": "Rollout", "name": "web", "secret": "tls", "restartable": False, "reason": "controlled by Rollout", "api_version": "argoproj.io/v1alpha1"},
        {"kind": "Deployment", "name": "web", "secret": "db", "restartable": True, "reason": None},
        {"kind": "Deployment", "name": "web", "secret": None},
    ]
    assert rollout.plan_restarts(consumers) == [
        {"kind": "Rollout", "name": "web", "secrets": ["db", "tls"], "reason": "controlled by Rollout", "api_version": "argoproj.io/v1alpha1"},
        {"kind": "Deployment", "name": "web", "secrets": ["db"]},
    ]


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


def test_restart_patch_drops_the_workloads_own_stamps_when_asked():
    assert rollout.restart_patch("Deployment", {"a": "1"}, {"checksum.secretops.io/db": None}) == {
        "spec": {"template": {"metadata": {"annotations": {"a": "1"}}}}, "metadata": {"annotations": {"checksum.secretops.io/db": None}}}


def test_desired_annotations_and_checksums_current():
    annotations = rollout.desired_annotations(["db", "tls"], {"db": "sha256:1", "tls": "sha256:2"}, "2026-01-01T00:00:00Z")
    assert annotations == {"secretops.io/restartedAt": "2026-01-01T00:00:00Z",
                           "checksum.secretops.io/db": "sha256:1", "checksum.secretops.io/tls": "sha256:2"}
    workload = {"kind": "Deployment", "spec": {"template": {"metadata": {"annotations": annotations}}}}
    assert stamps.decide(workload, ["db", "tls"], {"db": "sha256:1", "tls": "sha256:2"})[0] == stamps.UNCHANGED
    assert stamps.decide(workload, ["db", "tls"], {"db": "sha256:1", "tls": "sha256:3"})[0] == stamps.RESTART
    assert stamps.decide(workload, ["db"], None)[0] == stamps.RESTART
    assert stamps.decide(workload, [], {"db": "sha256:1"})[0] == stamps.RESTART


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


def statefulset_of_two(update="r2", current="r2", ready=2, strategy=None):
    spec = {"replicas": 2}
    if strategy:
        spec["updateStrategy"] = {"type": strategy}
    return {"kind": "StatefulSet", "metadata": {"generation": 2}, "spec": spec,
            "status": {"observedGeneration": 2, "updateRevision": update, "currentRevision": current,
                       "updatedReplicas": 2, "readyReplicas": ready, "availableReplicas": ready}}


def test_statefulset_states():
    assert rollout.rollout_state(statefulset_of_two())[0] == rollout.COMPLETE
    assert rollout.rollout_state(statefulset_of_two(current="r1"))[0] == rollout.PROGRESSING
    assert rollout.rollout_state(statefulset_of_two(ready=1))[0] == rollout.PROGRESSING
    assert rollout.rollout_state(statefulset_of_two(current="r1", strategy="OnDelete"))[0] == rollout.COMPLETE


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


def test_a_workload_stamped_without_a_restart_is_a_change_but_not_a_restart():
    stamped = {"kind": "Deployment", "name": "web", "restarted": False, "outcome": "stamped"}
    unchanged = {"kind": "Deployment", "name": "api", "restarted": False, "outcome": "unchanged"}
    assert rollout.summary([stamped, unchanged]) == {"changed": True, "results": [stamped, unchanged], "restarted": [], "failed_rollouts": [],
                                                     "in_place": []}
    assert rollout.summary([unchanged])["changed"] is False


@pytest.mark.parametrize("size, expected", [
    (2, [["a", "b"], ["c", "d"], ["e"]]),
    (5, [["a", "b", "c", "d", "e"]]),
    (0, [["a", "b", "c", "d", "e"]]),
    (None, [["a", "b", "c", "d", "e"]]),
])
def test_restarts_are_cut_into_batches_in_order(size, expected):
    assert rollout.batches(["a", "b", "c", "d", "e"], size) == expected


def test_no_target_is_one_empty_batch():
    assert rollout.batches([], 3) == [[]]
    assert rollout.batches([], 0) == [[]]
