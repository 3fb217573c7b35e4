"""benchmarks/roles_scale.py without a cluster: the vars it gives the playbooks, the consumers, the
slope and the table."""

import pytest

from benchmarks import roles_scale


def test_application_is_valid_for_both_roles_and_names_each_secret_once():
    variables = roles_scale.application("ns", 12)
    app = variables["secretops_applications"][0]
    assert app["namespace"] == "ns" and variables["app_secrets_vault_access"] is False
    names = [secret["name"] for secret in app["secrets"]]
    assert len(names) == len(set(names)) == 12
    assert set(app["secrets"][0]) == {"name", "type", "vault_path", "values", "generate"}, "only options the roles' item spec has"
    assert all(secret["type"] == "basic-auth" and secret["vault_path"].startswith("bench/ns/") for secret in app["secrets"])


def test_consumers_use_distinct_secrets_that_exist_at_every_size():
    for count in (10, 100):
        used = roles_scale.consumed_secrets(count, 3)
        assert len(set(used)) == 3 and set(used) <= set("db-%03d" % index for index in range(count))
    deployment = roles_scale.consumer("ns", 1, "db-005")
    ref = deployment["spec"]["template"]["spec"]["containers"][0]["env"][0]["valueFrom"]["secretKeyRef"]
    assert ref == {"name": "db-005", "key": "password"}
    assert deployment["spec"]["selector"]["matchLabels"] == deployment["spec"]["template"]["metadata"]["labels"]


def test_slope_is_seconds_per_extra_secret():
    assert roles_scale.slope((10, 5.0), (100, 9.5)) == pytest.approx(0.05)
    with pytest.raises(ValueError):
        roles_scale.slope((10, 1.0), (10, 2.0))


def test_summary_takes_medians_and_checks_the_target():
    records = [{"playbook": "provision", "size": 10, "seconds": s} for s in (4.0, 5.0, 9.0)]
    records += [{"playbook": "provision", "size": 100, "seconds": 10.0}]
    records += [{"playbook": "rotate", "size": 10, "seconds": 6.0}, {"playbook": "rotate", "size": 100, "seconds": 26.0}]
    summary = roles_scale.summarize(records, [10, 100])
    assert summary["provision"]["seconds"] == {10: 5.0, 100: 10.0}
    assert summary["provision"]["slope"] == pytest.approx(5.0 / 90, abs=1e-4) and summary["provision"]["within_target"]
    assert summary["rotate"]["slope"] == pytest.approx(20.0 / 90, abs=1e-4) and not summary["rotate"]["within_target"]
    table = roles_scale.render(summary, [10, 100], 3)
    assert "| provision | 5.0 s | 10.0 s | 0.056 s | <= 0.1 s met |" in table
    assert "| rotate | 6.0 s | 26.0 s | 0.222 s | <= 0.1 s MISSED |" in table


def test_arguments():
    args = roles_scale.parse_args(["--sizes", "100,10", "--consumers", "2"])
    assert args.sizes == [10, 100] and args.consumers == 2
    with pytest.raises(SystemExit):
        roles_scale.parse_args(["--sizes", "10"])


def test_task_times_read_the_junit_report_and_add_up_repeated_tasks(tmp_path):
    (tmp_path / "play-1.xml").write_text(
        '<testsuites><testsuite name="p">'
        '<testcase classname="p" name="[localhost] secretops.provisioning.rotate_secrets : Rotate the selected secrets" time="2.5"/>'
        '<testcase classname="p" name="[localhost] Show: it" time="0.25"/>'
        '<testcase classname="p" name="[localhost] Show: it" time="0.5"/>'
        '</testsuite></testsuites>')
    assert roles_scale.task_times(str(tmp_path)) == {"Rotate the selected secrets": 2.5, "Show: it": 0.75}
    assert roles_scale.task_times(str(tmp_path / "missing")) == {}
    (tmp_path / "play-2.xml").write_text(
        '<testsuites><testsuite name="p"><testcase classname="p" name="[localhost] r : Seed the Secrets of ns-10-a" time="1"/>'
        '</testsuite></testsuites>')
    assert roles_scale.task_times(str(tmp_path), "ns-10-a")["Seed the Secrets of <app>"] == 1.0


def test_task_slopes_name_the_tasks_that_grow_with_the_secrets():
    records = [{"playbook": "rotate", "size": 10, "seconds": 1, "tasks": {"rotate": 1.0, "report": 1.0}},
               {"playbook": "rotate", "size": 100, "seconds": 1, "tasks": {"rotate": 4.6, "report": 1.09}}]
    slopes = roles_scale.task_slopes(records, "rotate", [10, 100])
    assert [task for task, _value in slopes] == ["rotate", "report"]
    assert slopes[0][1] == pytest.approx(0.04) and slopes[1][1] == pytest.approx(0.001)
