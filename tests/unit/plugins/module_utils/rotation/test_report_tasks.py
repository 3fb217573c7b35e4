"""report_tasks.write_fleet (secret_rotation_fleet_report's module and action plugin) hands its options to the fleet report and honours check mode."""

import json

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.report_tasks import write_fleet


class FakeModule(object):

    def __init__(self, check_mode=False, **params):
        self.check_mode = check_mode
        self.params = dict({"report_paths": None, "rollback_scope": "fleet"}, **params)


def write_fleet_of(module):
    return write_fleet(module.params, module.check_mode)


def rotated(resumed):
    return {"outcome": "rotated", "secrets": [{"secret": "db", "namespace": "shop", "vault_path": "secret/data/shop/db", "old_version": 1,
                                              "new_version": 2, "resumed": resumed, "skipped": False}],
            "restarts": [], "rollback": {"performed": False}}


def test_writes_the_fleet_report_named_by_the_run_id(tmp_path):
    module = FakeModule(dest=str(tmp_path), run_id="fleet-r1", reports={"a": rotated(False), "b": rotated(True), "c": {}},
                        report_paths={"a": "/reports/a.json"}, rollback_scope="cluster")
    result = write_fleet(module.params, module.check_mode)
    assert result["changed"] is True and result["json_path"] == str(tmp_path / "fleet-r1.fleet.json")
    written = json.loads((tmp_path / "fleet-r1.fleet.json").read_text())
    assert written == result["report"]
    assert (written["outcome"], written["rollback_scope"], written["run_id"]) == ("failed", "cluster", "fleet-r1")
    assert written["vault_paths"]["secret/data/shop/db"]["written_by"] == "a"
    assert written["clusters"]["a"]["report_path"] == "/reports/a.json"
    assert (tmp_path / "fleet-r1.fleet.txt").read_text() == result["summary"]


def test_check_mode_writes_nothing(tmp_path):
    result = write_fleet_of(FakeModule(check_mode=True, dest=str(tmp_path / "reports"), run_id="fleet-r1", reports={"a": rotated(False)}))
    assert result["report"]["outcome"] == "rotated"
    assert not (tmp_path / "reports").exists()


def test_a_run_id_that_is_not_one_file_name_is_refused(tmp_path):
    with pytest.raises(SecretOpsError, match="cannot name a report file"):
        write_fleet_of(FakeModule(dest=str(tmp_path), run_id="../fleet", reports={"a": rotated(False)}))
    assert list(tmp_path.iterdir()) == []
