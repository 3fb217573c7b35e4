"""The rotation_* filters of the rotate_secrets role: one plugin file each over rotation/*.py."""

import importlib

import pytest
from ansible.errors import AnsibleFilterError

NAMES = ("rotation_pairs", "rotation_targets", "rotation_requests", "rotation_results", "rotation_changed", "rotation_groups",
         "rotation_revocable", "rotation_rollback_cause", "rotation_rollback_reason", "rotation_failure_message", "rotation_fleet_failures",
         "rotation_restore_targets", "rotation_fleet_reports", "rotation_host_stats", "rotation_fleet_stats")


def rotation_filter(name):
    module = importlib.import_module("ansible_collections.secretops.provisioning.plugins.filter.%s" % name)
    return module.FilterModule().filters()[name]


@pytest.mark.parametrize("name", NAMES)
def test_each_file_holds_its_filter(name):
    assert callable(rotation_filter(name))


def test_the_filters_call_the_tested_functions():
    pairs = rotation_filter("rotation_pairs")([{"name": "web", "namespace": "shop", "secrets": [{"name": "db", "vault_path": "p"}]}], [])
    selected = rotation_filter("rotation_targets")(pairs)
    assert selected == [{"index": 0, "namespace": "shop", "secret": "db"}]
    assert rotation_filter("rotation_requests")(pairs, selected)[0]["new_values"] == {}
    results = rotation_filter("rotation_results")({"rotations": [{"changed": True, "old_version": 1, "new_version": 2, "vault_path": "p"}]}, selected)
    assert rotation_filter("rotation_groups")(results, "rotate_secrets_target") == [{"namespace": "shop", "secrets": ["db"]}]
    changed = rotation_filter("rotation_changed")(results)
    assert rotation_filter("rotation_restore_targets")({}, ["h"], "h", changed, "cluster")[0]["to_version"] == 1
    assert rotation_filter("rotation_rollback_cause")([], ["eu: Deployment/web"], changed) == ["eu: Deployment/web"]


def test_errors_become_filter_errors_without_values():
    with pytest.raises(AnsibleFilterError, match="^rotation_targets: kind must be one of"):
        rotation_filter("rotation_targets")([], "other")
    pairs = [[{"name": "a", "namespace": n}, {"name": "db", "vault_path": "p"}] for n in ("x", "y")]
    with pytest.raises(AnsibleFilterError, match="^rotation_requests: .*ambiguous") as raised:
        rotation_filter("rotation_requests")(pairs, rotation_filter("rotation_targets")(pairs), {"db": {"password": "hunter2"}})
    assert "hunter2" not in str(raised.value)
