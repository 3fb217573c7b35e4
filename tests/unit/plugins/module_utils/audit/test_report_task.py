"""audit/report_task.py (secret_audit_report's module and action plugin): its arguments, the three
report files under ``dest`` named by the run id, nothing written in check mode, and the gate returned."""

import json
import os

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.secretops.provisioning.plugins.module_utils.audit.report_task import (
    AUDIT_REPORT_ARGUMENT_SPEC, report_paths, write_audit_report)
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

RESULTS = {"prod": {
    "drift": {"secrets": [{"name": "db", "namespace": "shop", "state": "in_sync", "value": "LEAK-drift", "consumers": []}]},
    "access": {"secrets": []},
    "hygiene": {"findings": [{"category": "unused", "kind": "Secret", "name": "old", "namespace": "shop"}]},
}}


def params(dest, **extra):
    given = dict({"dest": str(dest), "run_id": "audit-7", "results": RESULTS}, **extra)
    validated = ArgumentSpecValidator(AUDIT_REPORT_ARGUMENT_SPEC).validate(given)
    assert validated.error_messages == []
    return validated.validated_parameters


def test_the_three_files_are_named_by_the_run_id_and_a_run_id_cannot_leave_dest():
    assert report_paths("/reports", "audit-7") == ("/reports/audit-7.audit.json", "/reports/audit-7.audit.md", "/reports/audit-7.audit.html")
    for run_id in ("../etc/passwd", "a/b", "", ".hidden"):
        with pytest.raises(SecretOpsError, match="cannot name a report file"):
            report_paths("/reports", run_id)


def test_the_report_is_written_under_a_dest_made_on_demand_and_returned(tmp_path):
    dest = tmp_path / "reports" / "december"
    result = write_audit_report(params(dest, fail_on={"hygiene_categories": ["unused"]}), check_mode=False)
    assert result["changed"] is True and sorted(os.listdir(str(dest))) == ["audit-7.audit.html", "audit-7.audit.json", "audit-7.audit.md"]
    assert (result["json_path"], result["markdown_path"], result["html_path"]) == report_paths(str(dest), "audit-7")
    assert json.loads(open(result["json_path"]).read()) == result["report"]
    assert result["gate"] == result["report"]["gate"] and result["gate"]["reasons"] == ["prod: Secret shop/old: unused"]
    assert result["stats"]["gate_failed"] is True and result["stats"]["run_id"] == "audit-7"
    assert result["report"]["dry_run"] is False
    written = "".join(open(path).read() for path in report_paths(str(dest), "audit-7"))
    assert "shop" in written and "LEAK" not in written + json.dumps(result)


def test_check_mode_builds_a_dry_run_report_and_writes_nothing(tmp_path):
    result = write_audit_report(params(tmp_path / "reports"), check_mode=True)
    assert result["changed"] is False and result["report"]["dry_run"] is True and not (tmp_path / "reports").exists()
    assert write_audit_report(params(tmp_path, dry_run=True), check_mode=False)["report"]["dry_run"] is True


def test_a_bad_run_id_writes_nothing(tmp_path):
    with pytest.raises(SecretOpsError):
        write_audit_report(params(tmp_path / "reports", run_id="../out"), check_mode=False)
    assert not (tmp_path / "reports").exists() and not (tmp_path / "out.audit.json").exists()
