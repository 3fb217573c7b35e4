"""The drift decision of one Secret: each state from versions and consumer stamps, never from a value."""

from ansible_collections.secretops.provisioning.plugins.module_utils.audit import drift
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import stamps
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads.annotations import checksum_annotation


def secret(version=None, path="secret/shop/db", **annotations):
    found = dict(annotations)
    if path:
        found["secretops.io/vault-path"] = path
    if version is not None:
        found["secretops.io/vault-version"] = str(version)
    return {"metadata": {"name": "db", "annotations": found, "managedFields": [{"manager": "m", "time": "2026-12-07T09:00:00Z"}]}}


def consumer(state, name="web"):
    return {"kind": "Deployment", "name": name, "state": state}


def test_unmanaged_without_a_path():
    assert drift.decide(secret(path=None), None, None, True, [])[0] == drift.UNMANAGED
    assert not drift.is_managed(secret(path=None)) and drift.is_managed(secret())


def test_vault_path_missing_when_absent_or_not_live():
    assert drift.decide(secret(3), "secret/shop/db", None, False, [])[0] == drift.VAULT_PATH_MISSING
    state, reason = drift.decide(secret(3), "secret/shop/db", 3, False, [])
    assert state == drift.VAULT_PATH_MISSING and "deleted or destroyed" in reason


def test_secret_behind_vault_when_versions_differ_or_secret_absent():
    state, reason = drift.decide(secret(3), "secret/shop/db", 4, True, [])
    assert state == drift.SECRET_BEHIND_VAULT and "version 3" in reason and "4" in reason
    assert drift.decide(secret(), "secret/shop/db", 4, True, [])[0] == drift.SECRET_BEHIND_VAULT
    assert drift.decide(None, "secret/shop/db", 4, True, [])[0] == drift.SECRET_BEHIND_VAULT


def test_pods_behind_secret_for_stale_or_unstamped_consumers():
    for state in (stamps.STALE, stamps.UNSTAMPED):
        found, reason = drift.decide(secret(4), "secret/shop/db", 4, True, [consumer(stamps.CURRENT, "a"), consumer(state)])
        assert found == drift.PODS_BEHIND_SECRET and "Deployment/web" in reason and "Deployment/a" not in reason
    assert drift.behind_since(secret(4), drift.PODS_BEHIND_SECRET) == "2026-12-07T09:00:00Z"
    assert drift.behind_since(secret(4), drift.IN_SYNC) is None


def test_in_sync_with_current_proven_or_untestable_consumers():
    consumers = [consumer(stamps.CURRENT, "a"), consumer(stamps.PROVEN, "b")]
    assert drift.decide(secret(4), "secret/shop/db", 4, True, consumers)[0] == drift.IN_SYNC
    state, reason = drift.decide(secret(4), "secret/shop/db", 4, True, [consumer(drift.UNKNOWN)])
    assert state == drift.IN_SYNC and "content key" in reason


def test_dynamic_secret_compares_only_its_consumers():
    pki = secret(**{"secretops.io/pki-serial": "3a:4f", "secretops.io/pki-not-after": "2027-01-01T00:00:00Z"})
    assert drift.dynamic_record(pki) == {"kind": "pki", "serial": "3a:4f", "not_after": "2027-01-01T00:00:00Z"}
    lease = secret(**{"secretops.io/vault-lease-id": "database/creds/app/abc", "secretops.io/vault-lease-end": "2027-01-01T00:00:00Z"})
    record = drift.dynamic_record(lease)
    assert record["kind"] == "database_lease" and "database/creds/app/abc" not in str(record)
    assert drift.decide(lease, "database/creds/app", None, True, [])[0] == drift.IN_SYNC
    assert drift.dynamic_record(secret(4)) is None


def test_vault_current_from_metadata():
    assert drift.vault_current(None) == (None, False)
    assert drift.vault_current({"current_version": 2, "versions": {"2": {"deletion_time": ""}}}) == (2, True)
    assert drift.vault_current({"current_version": 2, "versions": {"2": {"destroyed": True}}}) == (2, False)
    assert drift.vault_current({"current_version": 2, "versions": {"2": {"deletion_time": "2026-12-07T09:00:00Z"}}}) == (2, False)


def test_consumer_state_without_a_key_is_unknown_not_stale():
    workload = {"kind": "Deployment", "metadata": {"name": "web"}, "spec": {"template": {
        "metadata": {"annotations": {checksum_annotation("db"): "hmac-sha256:aa"}}, "spec": {}}}}
    assert drift.consumer_state(workload, "db", None, None) == drift.UNKNOWN
    assert drift.consumer_state(workload, "db", "hmac-sha256:aa", None) == stamps.CURRENT
    assert drift.consumer_state(workload, "db", "hmac-sha256:bb", None) == stamps.STALE


def test_summary_counts_every_state():
    counts = drift.summary([{"state": drift.IN_SYNC}, {"state": drift.IN_SYNC}, {"state": "unknown"}])
    assert counts["in_sync"] == 2 and counts["unmanaged"] == 0 and counts["unknown"] == 1 and counts["total"] == 3
