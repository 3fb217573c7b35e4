"""rotation/fleet_report.py: one report over a fleet's per-host reports (one cluster each, one shared Vault)."""

import json

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import fleet_report

DB = "secret/data/shop/db"
SENTINEL = "s3ntinel-VALUE-9f2c"


def secret(old, new, name="db", namespace="shop", path=DB, **extra):
    return dict({"secret": name, "namespace": namespace, "vault_path": path, "old_version": old, "new_version": new, "resumed": False,
                 "skipped": False, "rotated_fields": ["password"], "fingerprints": {"password": {"old": "hmac:aaaaaaaaaaaa", "new": "hmac:bbbbbbbbbbbb"}},
                 "reason": "due"}, **extra)


def restored(restored_version, replaced, new, name="db", namespace="shop"):
    return {"secret": name, "namespace": namespace, "vault_path": DB, "restored_version": restored_version, "replaced_version": replaced,
            "new_version": new, "fingerprints": {"password": "hmac:cccccccccccc"}}


def host_report(outcome, secrets, restarts=(), rollback_secrets=(), rollback_errors=(), reason=None, **extra):
    return dict({"run_id": "r1", "started": "2026-11-24T01:00:00Z", "finished": "2026-11-24T01:05:00Z", "outcome": outcome,
                 "secrets": list(secrets), "dynamic": [], "restarts": list(restarts), "up_to_date": [], "restart_errors": [],
                 "rollback": {"performed": bool(rollback_secrets or rollback_errors), "reason": reason, "secrets": list(rollback_secrets),
                              "errors": list(rollback_errors), "restarts": [], "restart_errors": []}}, **extra)


def rollout(name, outcome):
    return {"kind": "Deployment", "name": name, "namespace": "shop", "secrets": ["db"], "restarted": True, "outcome": outcome,
            "reason": "why", "duration": 1.0, "stale_from_earlier_run": False}


@pytest.mark.parametrize("outcomes, expected", [
    ([], "nothing_rotated"),
    (["nothing_rotated", "nothing_rotated"], "nothing_rotated"),
    (["nothing_rotated", "rotated"], "rotated"),
    (["rotated", "rolled_back", "nothing_rotated"], "rolled_back"),
    (["rolled_back", "failed", "rotated"], "failed"),
    (["failed", "rollback_failed", "rolled_back"], "rollback_failed"),
])
def test_the_fleet_outcome_is_the_worst_cluster_outcome(outcomes, expected):
    reports = dict(("cluster-%d" % index, host_report(outcome, [])) for index, outcome in enumerate(outcomes))
    built = fleet_report.build_fleet_report(reports)
    assert built["outcome"] == expected
    assert [cluster["outcome"] for _name, cluster in sorted(built["clusters"].items())] == outcomes


def test_a_shared_path_is_written_once_by_one_cluster_and_resumed_on_the_others():
    reports = {
        "cluster-a": host_report("rotated", [secret(3, 4)], [rollout("web", "complete")]),
        "cluster-b": host_report("rotated", [secret(3, 4, resumed=True, reason="the Secret was behind Vault")], [rollout("web", "complete")]),
        "cluster-c": host_report("rotated", [secret(3, 4, resumed=True), secret(7, 7, name="api", path="secret/data/shop/api", skipped=True)]),
    }
    built = fleet_report.build_fleet_report(reports, {"cluster-a": "/reports/a/r1.json"}, run_id="fleet-r1", finished="now")
    db = built["vault_paths"][DB]
    assert (db["version_before"], db["version_written"], db["written_by"], db["written_times"]) == (3, 4, "cluster-a", 1)
    assert [(item["cluster"], item["resumed"], item["ended_on"]) for item in db["clusters"]] == [
        ("cluster-a", False, 4), ("cluster-b", True, 4), ("cluster-c", True, 4)]
    assert db["ended_on"] == [4] and db["inconsistent"] is False and built["inconsistent"] == []
    api = built["vault_paths"]["secret/data/shop/api"]
    assert (api["version_before"], api["version_written"], api["written_by"], api["written_times"]) == (7, None, None, 0)
    assert built["outcome"] == "rotated"
    assert built["clusters"]["cluster-a"]["secrets"] == {"selected": 1, "rotated": 1, "resumed": 0, "skipped": 0, "failed": 0}
    assert built["clusters"]["cluster-c"]["secrets"] == {"selected": 2, "rotated": 0, "resumed": 1, "skipped": 1, "failed": 0}
    assert built["clusters"]["cluster-a"]["restarts"] == {"complete": 1, "up_to_date": 0, "errors": 0}
    assert built["clusters"]["cluster-a"]["report_path"] == "/reports/a/r1.json" and built["clusters"]["cluster-b"]["report_path"] is None
    assert built["totals"]["secrets"] == {"selected": 4, "rotated": 1, "resumed": 2, "skipped": 1, "failed": 0}
    assert built["totals"]["restarts"] == {"complete": 2, "up_to_date": 0, "errors": 0}
    assert (built["totals"]["vault_paths"], built["totals"]["vault_paths_written"], built["totals"]["inconsistent"]) == (2, 1, 0)
    text = fleet_report.render_fleet_summary(built)
    assert "Fleet secret rotation fleet-r1: ROTATED" in text
    assert "  secret/data/shop/db: v3 -> v4 written by cluster-a\n" in text
    assert "    cluster-b shop/db: resumed v3 -> v4\n" in text
    assert "  secret/data/shop/api: v7, not written\n" in text
    assert "report /reports/a/r1.json" in text
    assert "To fix" not in text


def test_a_fleet_roll_back_leaves_every_cluster_on_the_restored_version():
    reason = "rollout failed in cluster-b: Deployment/web"
    reports = {
        "cluster-a": host_report("rolled_back", [secret(3, 4)], [rollout("web", "complete")], [restored(3, 4, 5)], reason=reason),
        "cluster-b": host_report("rolled_back", [secret(3, 4, resumed=True)], [rollout("web", "failed")], [restored(3, 5, 5)], reason=reason),
    }
    built = fleet_report.build_fleet_report(reports)
    db = built["vault_paths"][DB]
    assert [(item["cluster"], item["rolled_back"], item["restored_version"], item["ended_on"]) for item in db["clusters"]] == [
        ("cluster-a", True, 3, 5), ("cluster-b", True, 3, 5)]
    assert db["inconsistent"] is False and built["outcome"] == "rolled_back"
    assert built["clusters"]["cluster-b"]["rollback"] == {"performed": True, "reason": reason, "restored": 1, "failed": 0}
    assert built["clusters"]["cluster-b"]["restarts"]["failed"] == 1
    assert built["totals"]["rollbacks"] == 2
    assert "    cluster-a shop/db: v3 -> v4; rolled back: v3 restored as v5\n" in fleet_report.render_fleet_summary(built)


def test_clusters_that_ended_on_different_versions_of_a_path_are_flagged_as_something_to_fix():
    # rollback_scope cluster: only the cluster whose rollout failed went back (Vault v5), the others stayed on v4
    reports = {
        "cluster-a": host_report("rotated", [secret(3, 4)]),
        "cluster-b": host_report("rolled_back", [secret(3, 4, resumed=True)], [rollout("web", "failed")], [restored(3, 4, 5)]),
        "cluster-c": host_report("rotated", [secret(3, 4, resumed=True)]),
    }
    built = fleet_report.build_fleet_report(reports, rollback_scope="cluster")
    db = built["vault_paths"][DB]
    assert db["ended_on"] == [4, 5] and db["inconsistent"] is True
    assert built["inconsistent"] == [DB] and built["totals"]["inconsistent"] == 1 and built["rollback_scope"] == "cluster"
    text = fleet_report.render_fleet_summary(built)
    assert "rollback scope cluster" in text
    assert ("To fix:\n  secret/data/shop/db: the clusters ended on different versions (cluster-a v4, cluster-b v5, cluster-c v4); "
            "the next rotation run syncs every Secret to Vault's current version\n") in text


def test_a_failed_secret_has_no_known_version_and_does_not_make_the_path_inconsistent():
    reports = {"cluster-a": host_report("failed", [secret(3, 4)]),
               "cluster-b": host_report("failed", [{"secret": "db", "namespace": "shop", "vault_path": DB, "error": "cannot reach the API server"}])}
    db = fleet_report.build_fleet_report(reports)["vault_paths"][DB]
    failed = db["clusters"][1]
    assert failed["error"] == "cannot reach the API server" and failed["ended_on"] is None
    assert db["inconsistent"] is False and db["ended_on"] == [4]


def test_a_failed_roll_back_names_the_version_to_restore():
    error = {"secret": "db", "namespace": "shop", "to_version": 3, "error": "Vault is sealed"}
    built = fleet_report.build_fleet_report({"cluster-a": host_report("rollback_failed", [secret(3, 4)], rollback_errors=[error])})
    item = built["vault_paths"][DB]["clusters"][0]
    assert (item["rollback_error"], item["restore_version"], item["ended_on"]) == ("Vault is sealed", 3, None)
    assert built["clusters"]["cluster-a"]["rollback"]["failed"] == 1 and built["outcome"] == "rollback_failed"
    assert "ROLL-BACK FAILED: Vault is sealed; restore v3 by hand" in fleet_report.render_fleet_summary(built)


@pytest.mark.parametrize("missing", [None, {}, "", [], {"changed": False, "skipped": True, "skip_reason": "Conditional result was False"},
                                     {"failed": True, "msg": "the report task failed"}])
def test_a_cluster_without_a_report_counts_as_failed(missing):
    built = fleet_report.build_fleet_report({"cluster-a": host_report("rotated", [secret(3, 4)]), "cluster-b": missing})
    assert built["outcome"] == "failed"
    cluster = built["clusters"]["cluster-b"]
    assert cluster["outcome"] == "failed" and cluster["error"] == "no report (the host failed before its report was written)"
    assert cluster["secrets"]["selected"] == 0 and cluster["rollback"]["performed"] is False
    assert built["totals"]["outcomes"] == {"rotated": 1, "failed": 1}
    assert "  cluster-b: FAILED - no report (the host failed before its report was written)\n" in fleet_report.render_fleet_summary(built)


@pytest.mark.parametrize("unreadable", ["rotated", {"outcome": "all good"}, ["rotated"]])
def test_something_that_is_not_a_report_counts_as_failed(unreadable):
    cluster = fleet_report.build_fleet_report({"cluster-a": unreadable})["clusters"]["cluster-a"]
    assert cluster["outcome"] == "failed" and cluster["error"] == fleet_report.NOT_A_REPORT


def test_the_whole_registered_result_of_the_report_task_is_read_with_its_report_path():
    registered = {"changed": True, "report": host_report("rotated", [secret(3, 4)]), "summary": "...", "json_path": "/reports/a/r1.json",
                  "summary_path": "/reports/a/r1.txt"}
    built = fleet_report.build_fleet_report({"cluster-a": registered})
    assert built["clusters"]["cluster-a"]["outcome"] == "rotated"
    assert built["clusters"]["cluster-a"]["report_path"] == "/reports/a/r1.json"
    assert fleet_report.build_fleet_report({"cluster-a": registered}, {"cluster-a": "/elsewhere.json"})["clusters"]["cluster-a"][
        "report_path"] == "/elsewhere.json"


def poisoned_report():
    """A report whose every field the fleet report does not whitelist - and every mistyped one - holds the sentinel."""
    leaky_secret = secret(3, 4, value=SENTINEL, data={"password": SENTINEL}, fingerprints={"password": {"old": SENTINEL, "new": SENTINEL}},
                          reason=SENTINEL, rotated_fields=[SENTINEL], attempts=SENTINEL)
    mistyped = secret([SENTINEL], {"v": SENTINEL}, name="api", path="secret/data/shop/api", resumed=SENTINEL, skipped=SENTINEL)
    report = host_report("rolled_back", [leaky_secret, mistyped], [dict(rollout("web", SENTINEL), env=SENTINEL, reason=SENTINEL)],
                         [dict(restored(3, 4, 5), fingerprints={"password": SENTINEL}, data=SENTINEL)],
                         [{"secret": "api", "namespace": "shop", "to_version": SENTINEL, "error": "Vault is sealed", "value": SENTINEL}],
                         reason="rollout failed", token=SENTINEL, value=SENTINEL)
    report["restarts"].append({"kind": "Deployment", "name": "api", "outcome": "complete", "pod_template": {"env": [{"value": SENTINEL}]}})
    report["dynamic"] = [{"secret": "tls", "namespace": "shop", "source": "pki", "serial": SENTINEL, "private_key": SENTINEL, "replaced": True}]
    report["rollback"]["restarts"] = [{"kind": "Deployment", "name": "web", "outcome": "complete", "reason": SENTINEL}]
    report["up_to_date"] = [SENTINEL]
    report["started"] = {"value": SENTINEL}
    return report


def test_no_field_outside_the_whitelist_reaches_the_report_or_the_summary(tmp_path):
    result = fleet_report.write_fleet_report(str(tmp_path), "fleet-r1", {"cluster-a": poisoned_report(), "cluster-b": {"outcome": SENTINEL}},
                                             {"cluster-a": {"value": SENTINEL}})
    assert result["report"]["clusters"]["cluster-a"]["outcome"] == "rolled_back", "the poisoned report is still read"
    assert result["report"]["vault_paths"][DB]["clusters"][0]["ended_on"] == 5
    for text in (json.dumps(result), (tmp_path / "fleet-r1.fleet.json").read_text(), (tmp_path / "fleet-r1.fleet.txt").read_text()):
        assert SENTINEL not in text
        assert "hmac:" not in text, "fingerprints are not copied"


def test_check_mode_builds_the_report_and_writes_nothing(tmp_path):
    result = fleet_report.write_fleet_report(str(tmp_path / "reports"), "fleet-r1", {"cluster-a": host_report("rotated", [secret(3, 4)])},
                                             check_mode=True)
    assert result["report"]["outcome"] == "rotated" and result["json_path"] == str(tmp_path / "reports" / "fleet-r1.fleet.json")
    assert result["summary"].startswith("Fleet secret rotation fleet-r1: ROTATED\n")
    assert not (tmp_path / "reports").exists()


def test_a_dry_run_marks_the_fleet_report_and_its_summary(tmp_path):
    """Issue 23: a check-mode run's fleet report said ROTATED like a real one."""
    reports = {"cluster-a": host_report("rotated", [secret(3, 4)])}
    result = fleet_report.write_fleet_report(str(tmp_path), "r1", reports, dry_run=True)
    assert result["report"]["dry_run"] is True and result["report"]["outcome"] == "rotated"
    assert result["summary"].startswith("Fleet secret rotation r1: DRY RUN (check mode), nothing was changed; a real run: ROTATED\n")
    assert json.loads((tmp_path / "r1.fleet.json").read_text())["dry_run"] is True
    # a cluster's report marked as a dry run marks the fleet's; a real run's is not marked
    assert fleet_report.build_fleet_report({"cluster-a": host_report("rotated", [secret(3, 4)], dry_run=True)})["dry_run"] is True
    assert fleet_report.build_fleet_report(reports)["dry_run"] is False


def test_a_cluster_named_fleet_never_overwrites_the_fleet_report(tmp_path):
    """Issue 23: host reports were <run id>-<cluster> and the fleet report <run id>-fleet: a cluster named fleet overwrote it."""
    from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.report_files import write_report_files

    host = write_report_files(str(tmp_path), "r1-fleet", host_report("rotated", [secret(3, 4)], run_id="r1-fleet"), "host\n")
    fleet = fleet_report.write_fleet_report(str(tmp_path), "r1", {"fleet": host["report"], "other": host_report("nothing_rotated", [])})
    assert sorted(path.name for path in tmp_path.iterdir()) == ["r1-fleet.json", "r1-fleet.txt", "r1.fleet.json", "r1.fleet.txt"]
    assert json.loads((tmp_path / "r1-fleet.json").read_text())["run_id"] == "r1-fleet"
    assert json.loads((tmp_path / "r1.fleet.json").read_text()) == fleet["report"]


def test_consumers_stamped_without_a_restart_are_counted_apart():
    reports = {"cluster-a": host_report("nothing_rotated", [], [rollout("old", "complete")], stamped=["Deployment/web", "Deployment/api"]),
               "cluster-b": host_report("nothing_rotated", [])}
    built = fleet_report.build_fleet_report(reports)
    assert built["clusters"]["cluster-a"]["restarts"] == {"complete": 1, "up_to_date": 0, "stamped": 2, "errors": 0}
    assert built["clusters"]["cluster-b"]["restarts"] == {"up_to_date": 0, "errors": 0}
    assert built["totals"]["restarts"]["stamped"] == 2
