"""The report tasks run as action plugins on the controller (plugin_utils/report_action.py): a real
ansible-playbook run writes the files, honours check mode, validates its arguments like the
module, and fails with the shared code's message."""

import json
import os

from tests.integration.ansible_run import run_tasks

ROTATED = {"results": [{"changed": True, "secret": "db", "namespace": "shop", "vault_path": "secret/shop/db", "old_version": 1,
                        "new_version": 2, "resumed": False, "skipped": False}]}


def report_task(dest, run_id="rotation-actions"):
    return {"name": "report", "secretops.provisioning.secret_rotation_report": {"dest": dest, "run_id": run_id, "rotations": ROTATED}}


def fleet_task(dest):
    return {"name": "fleet", "secretops.provisioning.secret_rotation_fleet_report": {
        "dest": dest, "run_id": "rotation-actions-fleet", "reports": {"cluster-1": "{{ host_report }}", "cluster-2": {}}}}


def test_both_reports_are_written_on_the_controller(tmp_path):
    dest = str(tmp_path / "reports")
    run = run_tasks([dict(report_task(dest), register="host_report"), fleet_task(dest)]).assert_ok()
    host = run.task("report")
    assert host["report"]["outcome"] == "rotated" and host["json_path"] == os.path.join(dest, "rotation-actions.json")
    with open(host["json_path"]) as handle:
        assert json.load(handle) == host["report"]
    fleet = run.task("fleet")
    assert fleet["report"]["outcome"] == "failed", "cluster-2 has no report"
    assert fleet["report"]["clusters"]["cluster-1"]["report_path"] == host["json_path"]
    assert sorted(os.listdir(dest)) == ["rotation-actions-fleet.fleet.json", "rotation-actions-fleet.fleet.txt", "rotation-actions.json",
                                        "rotation-actions.txt"]


def test_check_mode_writes_nothing(tmp_path):
    dest = str(tmp_path / "reports")
    run = run_tasks([dict(report_task(dest), register="host_report"), fleet_task(dest)], check=True).assert_ok()
    assert run.task("report")["report"]["outcome"] == "rotated" and run.task("fleet")["report"]["outcome"] == "failed"
    assert not os.path.exists(dest)


def test_a_refused_run_id_and_a_wrong_argument_fail_the_task(tmp_path):
    run = run_tasks([dict(report_task(str(tmp_path), run_id="../escape"), ignore_errors=True),
                     {"name": "wrong", "secretops.provisioning.secret_rotation_fleet_report": {
                         "dest": str(tmp_path), "run_id": "r", "reports": {}, "rollback_scope": "galaxy"}, "ignore_errors": True}])
    status = dict((entry["task"], entry["status"]) for entry in run.results)
    assert status == {"report": "failed", "wrong": "failed"}
    assert "cannot name a report file" in run.task("report")["msg"] and "rollback_scope" in run.task("wrong")["msg"]
    assert os.listdir(str(tmp_path)) == []


def test_a_cluster_named_fleet_and_the_fleet_report_of_its_run_keep_their_own_files(tmp_path):
    """Issue 23: the role names a host's report <run id>-<cluster>; its fleet report was <run id>-fleet, the name of a cluster's."""
    dest = str(tmp_path / "reports")
    fleet = {"name": "fleet", "secretops.provisioning.secret_rotation_fleet_report": {
        "dest": dest, "run_id": "rotation-r1", "reports": {"fleet": "{{ host_report }}"}}}
    run = run_tasks([dict(report_task(dest, run_id="rotation-r1-fleet"), register="host_report"), fleet]).assert_ok()
    assert sorted(os.listdir(dest)) == ["rotation-r1-fleet.json", "rotation-r1-fleet.txt", "rotation-r1.fleet.json", "rotation-r1.fleet.txt"]
    with open(os.path.join(dest, "rotation-r1-fleet.json")) as handle:
        assert json.load(handle) == run.task("report")["report"]
    with open(os.path.join(dest, "rotation-r1.fleet.json")) as handle:
        assert json.load(handle) == run.task("fleet")["report"]


def test_a_dry_run_is_marked_in_both_reports(tmp_path):
    """Issue 23: rotate --check wrote reports saying ROTATED; the role passes dry_run (ansible_check_mode) to both."""
    dest = str(tmp_path / "reports")
    host = dict(report_task(dest), register="host_report", check_mode=False)
    host["secretops.provisioning.secret_rotation_report"]["dry_run"] = "{{ ansible_check_mode }}"
    fleet = dict(fleet_task(dest), check_mode=False)
    fleet["secretops.provisioning.secret_rotation_fleet_report"]["dry_run"] = "{{ ansible_check_mode }}"
    run = run_tasks([host, fleet], check=True).assert_ok()
    for task, name in (("report", "rotation-actions"), ("fleet", "rotation-actions-fleet.fleet")):
        assert run.task(task)["report"]["dry_run"] is True
        with open(os.path.join(dest, name + ".json")) as handle:
            assert json.load(handle)["dry_run"] is True
        with open(os.path.join(dest, name + ".txt")) as handle:
            assert "DRY RUN (check mode), nothing was changed" in handle.readline()
    real = run_tasks([dict(report_task(str(tmp_path / "real")), register="host_report")]).assert_ok()
    assert real.task("report")["report"]["dry_run"] is False
