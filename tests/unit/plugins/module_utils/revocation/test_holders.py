"""revocation/holders.py: which Pods may still hold a replaced credential, whatever their controller does."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.revocation import holders
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads.annotations import checksum_annotation

REPLACED_AT = "2026-12-07T10:00:00Z"


def _pod(name, created, spec=None, phase="Running", annotations=None, owner=None):
    metadata = {"name": name, "namespace": "shop", "creationTimestamp": created, "annotations": annotations or {}}
    if owner:
        metadata["ownerReferences"] = [dict(owner, controller=True)]
    return {"metadata": metadata, "spec": spec or {"volumes": [{"name": "c", "secret": {"secretName": "db"}}]}, "status": {"phase": phase}}


@pytest.mark.parametrize("spec", [
    {"volumes": [{"name": "c", "secret": {"secretName": "db"}}]},
    {"volumes": [{"name": "c", "projected": {"sources": [{"secret": {"name": "db"}}]}}]},
    {"containers": [{"name": "a", "env": [{"name": "P", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}]}]},
    {"containers": [{"name": "a", "envFrom": [{"secretRef": {"name": "db"}}]}]},
    {"initContainers": [{"name": "a", "envFrom": [{"secretRef": {"name": "db"}}]}]},
])
def test_a_pod_started_before_the_write_holds_it_whatever_way_it_reads_the_secret(spec):
    assert holders.holders([_pod("old", "2026-12-07T09:00:00Z", spec)], "db", REPLACED_AT) == ["Pod/old"]


def test_pods_started_after_the_write_finished_pods_and_pods_of_other_secrets_hold_nothing():
    pods = [_pod("new", "2026-12-07T10:00:01Z"), _pod("done", "2026-12-07T09:00:00Z", phase="Succeeded"),
            _pod("failed", "2026-12-07T09:00:00Z", phase="Failed"),
            _pod("other", "2026-12-07T09:00:00Z", {"volumes": [{"name": "c", "secret": {"secretName": "other"}}]})]
    assert holders.holders(pods, "db", REPLACED_AT) == []


def test_a_pod_of_the_same_second_holds_it_unless_it_carries_the_current_stamp():
    same_second = _pod("same", REPLACED_AT, owner={"kind": "ReplicaSet", "name": "web-1"})
    assert holders.holders([same_second], "db", REPLACED_AT) == ["Pod/same (ReplicaSet/web-1)"]
    stamped = _pod("same", REPLACED_AT, annotations={checksum_annotation("db"): "stamp-now"})
    assert holders.holders([stamped], "db", REPLACED_AT, current_stamp="stamp-now") == []
    assert holders.holders([stamped], "db", REPLACED_AT, current_stamp="stamp-later") == ["Pod/same"]


def test_a_credential_that_never_reached_the_secret_has_no_holder_and_an_unreadable_time_makes_every_user_one():
    old = _pod("old", "2026-12-07T09:00:00Z")
    assert holders.holders([old], "db", None) == []
    assert holders.holders([_pod("new", "2026-12-08T00:00:00Z")], "db", "garbled") == ["Pod/new"]
