"""benchmarks/fleet_scale.py without a cluster: the fleet application, its Vault paths, the check of
the Secrets a run left, the per-host task times and the table."""

import pytest

from benchmarks import fleet_scale


def test_the_application_shares_every_other_path_and_gives_each_cluster_its_own_for_the_rest():
    variables = fleet_scale.fleet_application("ns", 4)
    app = variables["secretops_applications"][0]
    assert app["namespace"] == "ns" and variables["app_secrets_vault_access"] is False
    assert [item["vault_path"] for item in app["secrets"]] == [
        "bench-fleet/ns/db-000", "bench-fleet/ns/{{ inventory_hostname }}/db-001",
        "bench-fleet/ns/db-002", "bench-fleet/ns/{{ inventory_hostname }}/db-003"]
    assert all(item["type"] == "basic-auth" for item in app["secrets"])


def test_every_path_a_run_writes_once_for_shared_and_once_per_cluster_otherwise():
    paths = fleet_scale.all_vault_paths("ns", 3, ["cluster-1", "cluster-2"])
    assert paths == ["bench-fleet/ns/db-000", "bench-fleet/ns/cluster-1/db-001", "bench-fleet/ns/cluster-2/db-001", "bench-fleet/ns/db-002"]
    assert fleet_scale.vault_path("ns", 1, "cluster-3") == "bench-fleet/ns/cluster-3/db-001"


def _state(clusters, count, version=2):
    """Secrets and Vault as a correct run leaves them."""
    vault = dict((path, (version, {"username": path, "password": "p-" + path}))
                 for path in fleet_scale.all_vault_paths("ns", count, clusters))
    found = dict((cluster, dict(("db-%03d" % index, (vault[fleet_scale.vault_path("ns", index, cluster)][1], str(version)))
                                for index in range(count))) for cluster in clusters)
    return found, vault


def test_check_accepts_what_a_correct_run_leaves():
    found, vault = _state(fleet_scale.FLEET, 4)
    assert fleet_scale.check_fleet(found, vault, 4, fleet_scale.FLEET, "ns", 2) == []


def test_check_names_a_missing_secret_a_cluster_out_of_sync_and_a_path_written_twice():
    found, vault = _state(fleet_scale.FLEET, 4)
    del found["cluster-2"]["db-003"]
    found["cluster-3"]["db-000"] = ({"username": "u", "password": "old"}, "1")
    vault["bench-fleet/ns/db-002"] = (3, vault["bench-fleet/ns/db-002"][1])
    problems = fleet_scale.check_fleet(found, vault, 4, fleet_scale.FLEET, "ns", 2)
    assert any(p.startswith("cluster-2: 3 Secrets, 4 expected (missing ['db-003']") for p in problems)
    assert "cluster-3/db-000: differs from bench-fleet/ns/db-000" in problems
    assert "bench-fleet/ns/db-002: Vault version 3, 2 expected (written once per run)" in problems
    assert not any("p-" in p or "old" in p for p in problems), "no value in the problems"


def test_host_task_times_are_per_host_with_the_application_name_replaced(tmp_path):
    (tmp_path / "play.xml").write_text(
        '<testsuites><testsuite name="p">'
        '<testcase classname="p" name="[cluster-1] secretops.provisioning.app_secrets : Seed Vault of ns-1" time="2.5"/>'
        '<testcase classname="p" name="[cluster-2] secretops.provisioning.app_secrets : Seed Vault of ns-1" time="3.5"/>'
        '<testcase classname="p" name="[cluster-1] Write the fleet report" time="0.25"/>'
        '<testcase classname="p" name="[cluster-1] Write the fleet report" time="0.5"/>'
        '</testsuite></testsuites>')
    times = fleet_scale.host_task_times(str(tmp_path), "ns-1")
    assert times == {"cluster-1": {"Seed Vault of <app>": 2.5, "Write the fleet report": 0.75}, "cluster-2": {"Seed Vault of <app>": 3.5}}
    assert fleet_scale.slowest_host(times) == {"Seed Vault of <app>": 3.5, "Write the fleet report": 0.75}
    assert fleet_scale.host_task_times(str(tmp_path / "absent")) == {}


def test_growing_tasks_largest_growth_first():
    rows = fleet_scale.growing_tasks({"a": 1.0, "b": 2.0}, {"a": 3.0, "b": 2.5, "c": 0.25}, top=2)
    assert rows == [("a", 1.0, 3.0), ("b", 2.0, 2.5)]


def _records():
    records = []
    for playbook, one, three in (("provision", (2.0, 2.2, 9.0), (3.0, 3.2, 3.1)), ("rotate", (4.0, 4.0, 4.0), (8.0, 8.0, 8.0))):
        records += [{"playbook": playbook, "clusters": 1, "size": 20, "seconds": s, "cpu_seconds": 1.0} for s in one]
        records += [{"playbook": playbook, "clusters": 3, "size": 20, "seconds": s, "cpu_seconds": 2.0} for s in three]
    records += [{"playbook": "provision", "clusters": 3, "size": 4, "seconds": 2.46, "cpu_seconds": 2.0},
                {"playbook": "rotate", "clusters": 3, "size": 4, "seconds": 7.2, "cpu_seconds": 2.0}]
    return records


def test_summary_takes_medians_the_ratio_the_target_and_the_costs():
    summary = fleet_scale.summarize(_records(), 20, 4)
    provision, rotate = summary["provision"], summary["rotate"]
    assert provision["seconds"] == {1: 2.2, 3: 3.1} and provision["ratio"] == pytest.approx(1.409, abs=1e-3) and provision["within_target"]
    assert provision["per_extra_cluster"] == pytest.approx(0.45) and provision["per_secret"] == pytest.approx(0.04)
    assert rotate["ratio"] == 2.0 and not rotate["within_target"] and rotate["per_secret"] == pytest.approx(0.05)
    table = fleet_scale.render(summary, 20, 2, 4, [1.5])
    assert "| provision | 3 | 3.1 s | 2.0 s | 1.41x | met | 0.5 s | 0.040 s |" in table
    assert "| rotate | 3 | 8.0 s | 2.0 s | 2.00x | MISSED | 2.0 s | 0.050 s |" in table
    assert "| rotate | 1 | 4.0 s | 1.0 s |" in table and "load average before the runs: 1.50" in table


def test_summary_without_the_small_size_has_no_per_secret_column():
    summary = fleet_scale.summarize(_records(), 20)
    assert "per_secret" not in summary["rotate"]
    assert "per secret" not in fleet_scale.render(summary, 20, 2)


def test_arguments():
    args = fleet_scale.parse_args([])
    assert (args.secrets, args.small_secrets, args.consumers, args.repeat) == (20, 0, 2, 1)
    assert fleet_scale.parse_args(["--secrets", "40", "--small-secrets", "4"]).small_secrets == 4
    for wrong in (["--secrets", "1"], ["--secrets", "10", "--small-secrets", "10"], ["--consumers", "0"]):
        with pytest.raises(SystemExit):
            fleet_scale.parse_args(wrong)
