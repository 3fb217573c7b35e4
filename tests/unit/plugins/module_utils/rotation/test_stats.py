"""rotation/stats.py: the outcome the rotate_secrets role publishes for AWX workflows."""

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import stats

REPORT = {"json_path": "/r/run.json", "summary_path": "/r/run.txt", "report": {
    "outcome": "rolled_back", "dry_run": False,
    "secrets": [{"secret": "a", "skipped": False, "resumed": False}, {"secret": "b", "skipped": True, "resumed": False},
                {"secret": "c", "skipped": False, "resumed": True}, {"secret": "d", "error": "sealed"}],
    "restarts": [{"outcome": "complete"}, {"outcome": "failed"}, {"outcome": "complete"}, {}], "up_to_date": ["x"], "restart_errors": [],
    "dynamic": [{"replaced": True, "revocation": "revoked"}, {"replaced": False, "revocation": "pending"}, {"error": "x"}],
    "rollback": {"performed": True, "secrets": ["a", "b"], "errors": []}}}


def test_a_host_counts_its_report():
    assert stats.host_stats(REPORT, False, "rotation-1") == {
        "dry_run": False, "outcome": "rolled_back", "run_id": "rotation-1", "report": "/r/run.json", "summary": "/r/run.txt",
        "secrets": {"selected": 4, "rotated": 1, "resumed": 1, "skipped": 1, "failed": 1},
        "restarts": {"complete": 2, "failed": 1, "unknown": 1, "up_to_date": 1, "errors": 0},
        "dynamic": {"selected": 3, "replaced": 1, "revoked": 1, "failed": 1},
        "rollback": {"performed": True, "restored": 2, "failed": 0}}


def test_a_host_without_a_report_counts_as_failed():
    found = stats.host_stats(None, True, None)
    assert found["outcome"] == "failed" and found["dry_run"] is True and found["run_id"] == "" and found["report"] == ""
    assert found["secrets"] == {"selected": 0, "rotated": 0, "resumed": 0, "skipped": 0, "failed": 0}


def test_the_fleet_publishes_the_worst_outcome_and_the_totals():
    hostvars = {"h1": {"rotate_secrets_stats": stats.host_stats(REPORT, False, "r")},
                "h2": {"rotate_secrets_stats": {"outcome": "nothing_rotated", "dry_run": "yes"}}, "h3": {}}
    assert stats.fleet_stats(hostvars, ["h1"], False) == {
        "dry_run": False, "outcome": "rolled_back", "totals": {"selected": 4, "rotated": 1, "resumed": 1, "skipped": 1, "failed": 1}}
    assert stats.fleet_stats(hostvars, ["h2"], False)["dry_run"] is True
    assert stats.fleet_stats(hostvars, ["h1", "h3"], False)["outcome"] == "failed"
    assert stats.fleet_stats({"h": {"rotate_secrets_stats": {"outcome": "odd"}}}, ["h"], True) == {
        "dry_run": True, "outcome": "failed", "totals": {"selected": 0, "rotated": 0, "resumed": 0, "skipped": 0, "failed": 0}}
