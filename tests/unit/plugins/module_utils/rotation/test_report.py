"""rotation/report.py: run ids that are safe file names, and a report for every outcome of a run."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import report


def rotation(secret, old, new, namespace="shop", **extra):
    """A result of secret_rotation as the module returns it: ``name``, and ``secret`` a dict that names the Secret."""
    return dict({"name": secret, "secret": {"name": secret, "namespace": namespace}, "namespace": namespace,
                 "vault_path": "secret/shop/" + secret, "old_version": old, "new_version": new, "changed": old != new,
                 "ansible_loop_var": "rotate_secrets_target",
                 "rotate_secrets_target": {"index": 0, "namespace": namespace, "secret": secret}}, **extra)


def workload(name, secrets, outcome, restarted=True, namespace="shop"):
    return {"kind": "Deployment", "name": name, "namespace": namespace, "secrets": secrets, "restarted": restarted, "outcome": outcome,
            "reason": "why", "duration": 1.0}


def restart_loop(*namespaces):
    """A registered loop of k8s_rollout_restart: one item per namespace, each a result or a failure."""
    results = []
    for namespace, outcome in namespaces:
        item = {"ansible_loop_var": "rotate_secrets_group", "rotate_secrets_group": {"namespace": namespace, "secrets": ["db"]}}
        if isinstance(outcome, str):
            item.update(failed=True, msg=outcome)
        else:
            item.update(results=outcome, failed_rollouts=[])
        results.append(item)
    return {"results": results}


@pytest.mark.parametrize("run_id", ["rotation-20260101T000000123456Z", "nightly.shop_db-1", "a"])
def test_safe_run_ids_pass(run_id):
    assert report.check_run_id(run_id) == run_id


@pytest.mark.parametrize("run_id", ["../escape", "a/b", "/etc/passwd", "a\\b", "x..y", ".hidden", "", "a\nb", "run id", "a" * 129,
                                    "-rf", None, 7])
def test_run_ids_that_are_not_one_safe_file_name_are_refused(run_id):
    with pytest.raises(SecretOpsError, match="cannot name a report file"):
        report.check_run_id(run_id)


def test_a_consumer_restarted_although_nothing_it_uses_changed_is_marked_stale_from_an_earlier_run():
    rotations = {"results": [rotation("db", 3, 3, skipped=True, reason="young"), rotation("api-key", 1, 2)]}
    restart = restart_loop(("shop", [workload("web", ["db"], "complete"), workload("api", ["db", "api-key"], "complete"),
                                     workload("batch", ["db"], "unchanged", restarted=False)]))
    built = report.build_report(rotations, restart, run_id="r")
    assert built["outcome"] == "rotated"
    assert [(item["name"], item["stale_from_earlier_run"]) for item in built["restarts"]] == [("web", True), ("api", False)]
    assert built["up_to_date"] == ["Deployment/batch"], "consumers whose stamps were current are listed apart, not as restarts"
    text = report.render_summary(built)
    assert "Deployment/web: complete (why) in 1.0s - restarted because its stamp was stale from an earlier run" in text
    assert "Deployment/api: complete (why) in 1.0s\n" in text
    assert "Up to date (stamps current, not restarted): Deployment/batch" in text


def test_nothing_rotated_still_reports_the_stale_consumers_it_restarted():
    built = report.build_report({"results": [rotation("db", 3, 3, skipped=True, reason="young")]},
                                restart_loop(("shop", [workload("web", ["db"], "complete")])))
    assert built["outcome"] == "nothing_rotated"
    assert built["restarts"][0]["stale_from_earlier_run"] is True


def test_the_report_tells_stale_never_stamped_stamped_and_unchanged_consumers_apart():
    """Issue 22: a first scheduled run called every consumer it had never stamped "stale from an earlier run"."""
    never = dict(workload("old-pods", ["db"], "complete"), cause="never_stamped")
    stale = dict(workload("web", ["db"], "complete"), cause="stale_stamp")
    fresh = workload("new-pods", ["db"], "stamped", restarted=False)
    built = report.build_report({"results": [rotation("db", 3, 3, skipped=True, reason="young")]},
                                restart_loop(("shop", [never, stale, fresh, workload("batch", ["db"], "unchanged", restarted=False)])))
    assert built["outcome"] == "nothing_rotated"
    assert [(item["name"], item["stale_from_earlier_run"], item["never_stamped"], item["cause"]) for item in built["restarts"]] == [
        ("old-pods", False, True, "never_stamped"), ("web", True, False, "stale_stamp")]
    assert built["stamped"] == ["Deployment/new-pods"] and built["up_to_date"] == ["Deployment/batch"]
    text = report.render_summary(built)
    assert "Deployment/old-pods: complete (why) in 1.0s - restarted because it was never stamped and its Pods may predate" in text
    assert "Deployment/web: complete (why) in 1.0s - restarted because its stamp was stale from an earlier run" in text
    assert "Stamped without restart (never stamped; its Pods started after the Secret's current content was written): Deployment/new-pods" in text
    assert "Up to date (stamps current, not restarted): Deployment/batch" in text


def test_a_resumed_rotation_counts_as_changed_in_this_run():
    resumed = rotation("db", 3, 4, resumed=True, reason="finished an interrupted rotation")
    built = report.build_report({"results": [resumed]}, restart_loop(("shop", [workload("web", ["db"], "complete")])))
    assert built["outcome"] == "rotated" and built["restarts"][0]["stale_from_earlier_run"] is False
    assert "resumed: Secret synced to v4 (finished an interrupted rotation)" in report.render_summary(built)


def test_a_failed_rotation_names_its_secret_from_the_loop_item():
    failed = {"failed": True, "msg": "cannot reach Vault at http://127.0.0.1:1 (ConnectTimeout)", "ansible_loop_var": "rotate_secrets_target",
              "rotate_secrets_target": {"index": 1, "namespace": "shop", "secret": "config"}}
    built = report.build_report({"results": [rotation("db", 1, 2), failed]})
    assert built["outcome"] == "failed"
    assert built["secrets"][1] == {"secret": "config", "namespace": "shop", "error": "cannot reach Vault at http://127.0.0.1:1 (ConnectTimeout)"}


def test_a_restart_error_with_nothing_to_roll_back_is_a_failure():
    built = report.build_report({"results": [rotation("db", 3, 3, skipped=True, reason="young")]},
                                restart_loop(("shop", "cannot patch Deployment shop/web: forbidden (HTTP 403)")))
    assert built["outcome"] == "failed"
    assert built["restart_errors"] == [{"namespace": "shop", "error": "cannot patch Deployment shop/web: forbidden (HTTP 403)"}]
    assert "namespace shop: FAILED: cannot patch Deployment shop/web: forbidden (HTTP 403)" in report.render_summary(built)


def test_a_restart_error_rolled_back_reports_the_restore():
    rollback = {"results": [{"name": "db", "secret": {"name": "db", "namespace": "shop"}, "namespace": "shop", "restored_version": 1,
                             "replaced_version": 2, "new_version": 3,
                             "ansible_loop_var": "rotate_secrets_rotated", "rotate_secrets_rotated": {"secret": "db", "old_version": 1}}]}
    built = report.build_report({"results": [rotation("db", 1, 2)]}, restart_loop(("shop", "the API server is unreachable")), rollback,
                                {"results": [{"results": [workload("web", ["db"], "unchanged", restarted=False)], "changed": False}]},
                                reason="restart failed: the API server is unreachable")
    assert built["outcome"] == "rolled_back"
    assert built["rollback"]["performed"] and built["rollback"]["errors"] == [] and built["rollback"]["restarts"] == []
    text = report.render_summary(built)
    assert "Rollback: restart failed: the API server is unreachable" in text and "db: restored v1 as v3" in text


def test_a_failed_roll_back_is_reported_with_the_version_to_restore():
    rollback = {"results": [
        {"failed": True, "msg": "cannot reach Vault at http://127.0.0.1:1 (ReadTimeout)", "ansible_loop_var": "rotate_secrets_rotated",
         "rotate_secrets_rotated": {"index": 0, "namespace": "shop", "secret": "db", "old_version": 1, "new_version": 2}},
        {"secret": "config", "namespace": "shop", "restored_version": 4, "replaced_version": 5, "new_version": 6}]}
    rollback_restart = restart_loop(("shop", "cannot read Secret shop/config: the API server is unreachable"))
    built = report.build_report({"results": [rotation("db", 1, 2), rotation("config", 4, 5)]},
                                restart_loop(("shop", [workload("web", ["db", "config"], "failed")])), rollback, rollback_restart,
                                reason="rollout failed: Deployment/web")
    assert built["outcome"] == "rollback_failed"
    assert built["rollback"]["errors"] == [{"secret": "db", "namespace": "shop", "to_version": 1,
                                            "error": "cannot reach Vault at http://127.0.0.1:1 (ReadTimeout)"}]
    assert built["rollback"]["restart_errors"] == [{"namespace": "shop", "error": "cannot read Secret shop/config: the API server is unreachable"}]
    text = report.render_summary(built)
    assert ("db: ROLL-BACK FAILED: cannot reach Vault at http://127.0.0.1:1 (ReadTimeout); "
            "to restore by hand: secret_rotation state=rolled_back to_version=1") in text
    assert "config: restored v4 as v6" in text


def test_a_roll_back_that_failed_for_every_secret_is_still_reported_as_performed():
    rollback = {"results": [{"failed": True, "msg": "boom", "ansible_loop_var": "rotate_secrets_rotated",
                             "rotate_secrets_rotated": {"secret": "db", "namespace": "shop", "old_version": 1}}]}
    built = report.build_report({"results": [rotation("db", 1, 2)]}, restart_loop(("shop", "forbidden")), rollback)
    assert built["outcome"] == "rollback_failed" and built["rollback"]["performed"] is True
    assert "ROLL-BACK FAILED: boom" in report.render_summary(built)


def test_report_and_summary_hold_no_values():
    rotations = {"results": [
        {"secret": "db", "vault_path": "secret/app/db", "old_version": 1, "new_version": 2, "rotated_fields": ["password"],
         "fingerprints": {"password": {"old": "hmac:aaa", "new": "hmac:bbb"}}, "skipped": False, "duration": 0.2,
         "invocation": {"module_args": {"new_values": {"password": "hunter2"}}}},
        {"secret": "tls", "vault_path": "secret/app/tls", "old_version": 3, "new_version": 3, "skipped": True, "reason": "young"},
    ]}
    restart = {"results": [{"kind": "Deployment", "name": "web", "secrets": ["db"], "restarted": True, "outcome": "failed",
                            "reason": "ProgressDeadlineExceeded", "duration": 9.0}]}
    rollback = {"results": [{"secret": "db", "restored_version": 1, "new_version": 3, "replaced_version": 2}, {"skipped": True}]}
    built = report.build_report(rotations, restart, rollback, None, "t0", "t1", "run-1", "Deployment/web: ProgressDeadlineExceeded")
    assert built["outcome"] == "rolled_back"
    assert built["rollback"]["secrets"] == [{"secret": "db", "restored_version": 1, "new_version": 3, "replaced_version": 2}]
    text = report.render_summary(built)
    assert "hunter2" not in report.to_json(built) + text
    assert "db (secret/app/db): v1 -> v2 [password hmac:aaa -> hmac:bbb]" in text
    assert "Deployment/web: failed (ProgressDeadlineExceeded)" in text and "restored v1 as v3" in text
    assert "skipped (young)" in text


def test_report_outcomes():
    assert report.build_report([])["outcome"] == "nothing_rotated"
    assert report.build_report([{"secret": "a", "old_version": 1, "new_version": 2}])["outcome"] == "rotated"
    failed = report.build_report([{"failed": True, "msg": "cannot reach Vault", "_ansible_item_label": "a"}])
    assert failed["outcome"] == "failed" and failed["secrets"] == [{"secret": "a", "error": "cannot reach Vault"}]


def test_a_dry_run_is_marked_in_the_report_and_its_summary():
    """Issue 23: rotate --check wrote a report saying ROTATED, as if something had changed."""
    dry = report.build_report([rotation("db", 1, 2)], run_id="r1", dry_run=True)
    assert dry["dry_run"] is True and dry["outcome"] == "rotated"
    assert report.render_summary(dry).startswith("Secret rotation r1: DRY RUN (check mode), nothing was changed; a real run: ROTATED\n")
    assert report.to_json(dry).count('"dry_run": true') == 1
    real = report.build_report([rotation("db", 1, 2)], run_id="r1")
    assert real["dry_run"] is False and report.render_summary(real).startswith("Secret rotation r1: ROTATED\n")


def test_a_single_form_result_left_alone_is_reported_as_skipped():
    single = {"name": "db", "secret": "db", "namespace": "shop", "old_version": 3, "new_version": 3, "rotation_skipped": True,
              "resumed": False, "reason": "not due", "changed": False}
    built = report.build_report(single)
    assert built["secrets"][0]["skipped"] is True and built["outcome"] == "nothing_rotated"


def test_consumers_left_to_update_in_place_are_listed_apart_with_their_reason():
    rotations = {"results": [rotation("db", 1, 2)]}
    restart = restart_loop(("shop", [workload("web", ["db"], "complete"), workload("files", ["db"], "in_place", restarted=False)]))
    built = report.build_report(rotations, restart, run_id="r")
    assert built["outcome"] == "rotated"
    assert [item["name"] for item in built["restarts"]] == ["web"]
    assert built["in_place"] == [{"kind": "Deployment", "name": "files", "namespace": "shop", "secrets": ["db"], "reason": "why"}]
    assert "Left to update in place (mounted volumes the kubelet rewrites; restart: not_in_place): Deployment/files" in report.render_summary(built)
