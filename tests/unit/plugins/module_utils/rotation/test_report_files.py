"""rotation/report_files.py: where a report's files go, and that check mode writes none."""

import json

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import report_files


def test_writes_the_json_and_the_summary_named_by_the_run_id_creating_the_directory(tmp_path):
    dest = str(tmp_path / "reports" / "nightly")
    result = report_files.write_report_files(dest, "run-1", {"outcome": "rotated"}, "Secret rotation run-1: ROTATED\n")
    assert result["json_path"] == dest + "/run-1.json" and result["summary_path"] == dest + "/run-1.txt"
    with open(result["json_path"]) as handle:
        assert json.load(handle) == {"outcome": "rotated"}
    with open(result["summary_path"]) as handle:
        assert handle.read() == "Secret rotation run-1: ROTATED\n"
    assert result["changed"] is True and result["report"] == {"outcome": "rotated"}


def test_check_mode_returns_the_paths_and_writes_nothing(tmp_path):
    result = report_files.write_report_files(str(tmp_path / "absent"), "run-1", {"outcome": "rotated"}, "text", check_mode=True)
    assert result["json_path"].endswith("/absent/run-1.json")
    assert not (tmp_path / "absent").exists()


def test_a_run_id_that_leaves_the_directory_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(SecretOpsError, match="cannot name a report file"):
        report_files.write_report_files(str(tmp_path / "dest"), "../escape", {}, "text")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("run_id", ["r1.fleet", "rotation-20260101T000000000000Z-eu.fleet"])
def test_a_host_reports_run_id_never_takes_a_fleet_reports_name(tmp_path, run_id):
    with pytest.raises(SecretOpsError, match=r"ends in \.fleet, which names the files of a fleet report"):
        report_files.write_report_files(str(tmp_path), run_id, {}, "text")
    assert list(tmp_path.iterdir()) == []
    written = report_files.write_report_files(str(tmp_path), run_id[:-len(".fleet")], {}, "text", fleet=True)
    assert written["json_path"] == str(tmp_path / run_id) + ".json"
