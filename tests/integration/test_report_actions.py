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
    assert sorted(os.listdir(dest)) == ["rotation-actions-fleet.json", "rotation-actions-fleet.txt", "rotation-actions.json",
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
