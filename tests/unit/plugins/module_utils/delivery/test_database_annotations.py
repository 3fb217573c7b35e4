"""The annotations a Secret of database credentials carries, and reading them back."""

from ansible_collections.secretops.provisioning.plugins.module_utils.delivery import database_annotations as records


def test_lease_annotations_round_trip():
    annotations = records.lease_annotations("database/creds/app", "database/creds/app/abc", "2026-11-24T01:00:00Z", True,
                                            ["database/creds/app/old1", "database/creds/app/old2"])
    assert annotations == {
        "secretops.io/vault-path": "database/creds/app",
        "secretops.io/vault-lease-id": "database/creds/app/abc",
        "secretops.io/vault-lease-end": "2026-11-24T01:00:00Z",
        "secretops.io/vault-lease-renewable": "true",
        "secretops.io/vault-replaced-leases": "database/creds/app/old1,database/creds/app/old2",
    }
    record = records.read_record({"metadata": {"annotations": annotations}})
    assert record["lease_id"] == "database/creds/app/abc" and record["renewable"] is True
    assert record["replaced"] == ["database/creds/app/old1", "database/creds/app/old2"]
    assert record["vault_path"] == "database/creds/app" and record["last_rotation"] is None


def test_nothing_pending_is_an_empty_annotation_and_no_secret_is_no_record():
    annotations = records.lease_annotations("database/creds/app", "l1", None, False, [])
    assert annotations["secretops.io/vault-replaced-leases"] == "" and annotations["secretops.io/vault-lease-renewable"] == "false"
    assert records.read_record({"metadata": {"annotations": annotations}})["replaced"] == []
    assert records.read_record(None) is None
    assert records.read_record({})["lease_id"] is None


def test_static_annotations():
    assert records.static_annotations("database/static-creds/r", "2026-11-24T00:00:00.5Z") == {
        "secretops.io/vault-path": "database/static-creds/r", "secretops.io/vault-last-rotation": "2026-11-24T00:00:00.5Z"}
