"""The first-run decision: a consumer never stamped whose Pods all started after the Secret's last
write is stamped on its own metadata, not restarted; anything less than that proof restarts it."""

from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import stamps
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads.annotations import checksum_annotation

CURRENT = {"db": "hmac-sha256:aa"}
WRITTEN = {"db": "2026-12-07T09:00:00Z"}


def secret(*times):
    return {"metadata": {"name": "db", "managedFields": [{"manager": "m%d" % n, "time": time} for n, time in enumerate(times)]}}


def deployment(name="web", template_stamp=None, own_stamp=None, uid="d-1"):
    workload = {"kind": "Deployment", "metadata": {"name": name, "uid": uid},
                "spec": {"template": {"spec": {"containers": [{"name": "app", "envFrom": [{"secretRef": {"name": "db"}}]}]}}}}
    if template_stamp:
        workload["spec"]["template"]["metadata"] = {"annotations": {checksum_annotation("db"): template_stamp}}
    if own_stamp:
        workload["metadata"]["annotations"] = {checksum_annotation("db"): own_stamp}
    return workload


def replicaset(name="web-1", owner="web", uid="r-1"):
    return {"kind": "ReplicaSet", "metadata": {"name": name, "uid": uid, "ownerReferences": [
        {"kind": "Deployment", "apiVersion": "apps/v1", "name": owner, "uid": "d-1", "controller": True}]}}


def pod(name, created, owner="web-1", phase="Running", uses=True):
    containers = [{"name": "app", "envFrom": [{"secretRef": {"name": "db"}}] if uses else []}]
    owners = [{"kind": "ReplicaSet", "apiVersion": "apps/v1", "name": owner, "uid": "r-1", "controller": True}]
    return {"kind": "Pod", "metadata": {"name": name, "creationTimestamp": created, "ownerReferences": owners},
            "spec": {"containers": containers}, "status": {"phase": phase}}


def evidence(*pods, **kwargs):
    return stamps.PodEvidence([deployment(), replicaset()] + list(pods), {}, kwargs.get("written_at", WRITTEN))


def test_last_write_time_is_the_newest_managed_fields_time():
    assert stamps.last_write_time(secret("2026-12-07T08:00:00Z", "2026-12-07T09:30:00Z", "2026-12-07T09:00:00Z")) == "2026-12-07T09:30:00Z"
    assert stamps.last_write_time({"metadata": {}}) is None and stamps.last_write_time(None) is None


def test_never_stamped_with_every_pod_started_after_the_write_is_recorded_not_restarted():
    action, states = stamps.decide(deployment(), ["db"], CURRENT, evidence(pod("a", "2026-12-07T09:00:01Z"), pod("b", "2026-12-07T10:00:00Z")))
    assert (action, states) == (stamps.RECORD, {"db": stamps.PROVEN})
    assert stamps.record_patch(states, CURRENT) == {"metadata": {"annotations": {checksum_annotation("db"): "hmac-sha256:aa"}}}


def test_one_pod_from_before_the_write_or_in_its_second_restarts_it_as_never_stamped():
    for created in ("2026-12-07T08:59:59Z", "2026-12-07T09:00:00Z", None):
        action, states = stamps.decide(deployment(), ["db"], CURRENT, evidence(pod("a", "2026-12-07T10:00:00Z"), pod("b", created)))
        assert action == stamps.RESTART and stamps.restart_cause(states) == "never_stamped", created


def test_no_proof_without_the_secrets_write_time_or_without_evidence():
    assert stamps.decide(deployment(), ["db"], CURRENT, evidence(pod("a", "2026-12-07T10:00:00Z"), written_at={}))[0] == stamps.RESTART
    assert stamps.decide(deployment(), ["db"], CURRENT, None)[0] == stamps.RESTART
    assert stamps.decide(deployment(), ["db"], None, evidence())[0] == stamps.RESTART, "checksum=false always restarts"


def test_finished_pods_pods_of_other_workloads_and_pods_not_using_the_secret_do_not_count():
    old = "2026-12-07T08:00:00Z"
    others = evidence(pod("done", old, phase="Succeeded"), pod("other", old, owner="api-1"), pod("plain", old, uses=False))
    assert stamps.decide(deployment(), ["db"], CURRENT, others)[0] == stamps.RECORD, "no Pod of web holds older content"


def test_the_template_stamp_decides_when_there_is_one():
    fresh = evidence(pod("a", "2026-12-07T10:00:00Z"))
    assert stamps.decide(deployment(template_stamp="hmac-sha256:aa"), ["db"], CURRENT, fresh)[0] == stamps.UNCHANGED
    action, states = stamps.decide(deployment(template_stamp="hmac-sha256:old", own_stamp="hmac-sha256:aa"), ["db"], CURRENT, fresh)
    assert action == stamps.RESTART and stamps.restart_cause(states) == "stale_stamp", "a rolled-back content must not match an old own stamp"


def test_the_workloads_own_stamp_is_current_or_proven_again_or_stale():
    assert stamps.decide(deployment(own_stamp="hmac-sha256:aa"), ["db"], CURRENT, evidence(pod("a", "2026-12-07T08:00:00Z")))[0] == stamps.UNCHANGED
    assert stamps.decide(deployment(own_stamp="hmac-sha256:old"), ["db"], CURRENT, evidence(pod("a", "2026-12-07T10:00:00Z")))[0] == stamps.RECORD
    action, states = stamps.decide(deployment(own_stamp="hmac-sha256:old"), ["db"], CURRENT, evidence(pod("a", "2026-12-07T08:00:00Z")))
    assert action == stamps.RESTART and stamps.restart_cause(states) == "stale_stamp"


def test_check_mode_without_a_key_still_sees_the_proof():
    assert stamps.decide(deployment(), ["db"], {}, evidence(pod("a", "2026-12-07T10:00:00Z")))[0] == stamps.RECORD


def test_a_restart_drops_the_workloads_own_stamps():
    assert stamps.forget_own_stamps(deployment(own_stamp="hmac-sha256:aa"), ["db", "tls"]) == {checksum_annotation("db"): None}
    assert stamps.forget_own_stamps(deployment(), ["db"]) == {}
