"""rotate_secrets publishes its outcome with set_stats for AWX workflows, on every outcome: run
through ansible-runner (as AWX runs a job) on a fleet of local hosts, each holding the report of
one outcome, built by the collection's own report builder. Needs no server."""

import json
import os

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.report import build_report
from tests.integration.awx_runner import run_job

FINGERPRINTS = {"password": {"old": "fp-old-5e1f", "new": "fp-new-9a2c"}}
ROTATED = {"secret": "db", "namespace": "shop", "vault_path": "secret/shop/db", "old_version": 1, "new_version": 2, "changed": True,
           "skipped": False, "resumed": False, "fingerprints": FINGERPRINTS}
SKIPPED = {"secret": "config", "namespace": "shop", "vault_path": "secret/shop/config", "old_version": 4, "new_version": 4,
           "changed": False, "skipped": True, "resumed": False, "reason": "not due"}
RESUMED = dict(SKIPPED, secret="tls", skipped=False, resumed=True, old_version=2, new_version=3, reason="Secret behind Vault")
FAILED = {"failed": True, "msg": "permission denied on secret/data/shop/api", "ansible_loop_var": "rotate_secrets_target",
          "rotate_secrets_target": {"secret": "api", "namespace": "shop"}}


def _restart(*workloads):
    return {"results": [{"results": [dict({"namespace": "shop", "secrets": ["db"]}, **workload) for workload in workloads]}]}


COMPLETE = {"kind": "Deployment", "name": "web", "restarted": True, "outcome": "complete"}
UP_TO_DATE = {"kind": "Deployment", "name": "worker", "restarted": False, "outcome": "unchanged"}
TIMEOUT = {"kind": "Deployment", "name": "web", "restarted": True, "outcome": "timeout"}
RESTORED = [{"secret": "db", "namespace": "shop", "restored_version": 1, "new_version": 3}]
ROLLBACK_FAILED = [{"failed": True, "msg": "Vault unreachable", "ansible_loop_var": "rotate_secrets_rotated",
                    "rotate_secrets_rotated": {"secret": "db", "namespace": "shop", "old_version": 1}}]

# host -> (registered results the report is built from, the outcome it must have)
FLEET = {
    "rotated-host": (dict(rotations=[ROTATED, SKIPPED, RESUMED], restart=_restart(COMPLETE, UP_TO_DATE)), "rotated"),
    "idle-host": (dict(rotations=[SKIPPED], restart=_restart(UP_TO_DATE)), "nothing_rotated"),
    "failed-host": (dict(rotations=[ROTATED, FAILED], restart=_restart(COMPLETE)), "failed"),
    "rolled-back-host": (dict(rotations=[ROTATED], restart=_restart(TIMEOUT), rollback=RESTORED, reason="rollout failed"), "rolled_back"),
    "rollback-failed-host": (dict(rotations=[ROTATED], restart=_restart(TIMEOUT), rollback=ROLLBACK_FAILED), "rollback_failed"),
}
PLAYBOOK = """---
- name: Publish the stats of a rotation run
  hosts: all
  gather_facts: false
  tasks:
    - name: The role's publishing tasks
      ansible.builtin.include_role:
        name: secretops.provisioning.rotate_secrets
        tasks_from: publish_stats
"""


def _host_vars(name):
    results, outcome = FLEET[name]
    report = build_report(results["rotations"], restart=results.get("restart"), rollback=results.get("rollback"),
                          run_id="rotation-" + name, reason=results.get("reason"))
    assert report["outcome"] == outcome
    return {"rotate_secrets_report_id": "rotation-" + name,
            "rotate_secrets_report": {"report": report, "json_path": "/reports/%s.json" % name, "summary_path": "/reports/%s.txt" % name}}


def _run(tmp_path, names, extravars=None):
    playbook = tmp_path / "publish.yml"
    playbook.write_text(PLAYBOOK)
    job = run_job(str(tmp_path / "runner"), str(playbook), extravars=extravars, hosts=dict((name, _host_vars(name)) for name in names),
                  ident="stats", verbosity=0, timeout=300)
    assert job.status == "successful", job.describe()
    return job


def test_each_host_publishes_its_outcome_counts_and_report(tmp_path):
    job = _run(tmp_path, sorted(FLEET))
    stats = job.artifact_data()["secretops_rotation"]
    assert set(stats["hosts"]) == set(FLEET)
    for name, (_results, outcome) in FLEET.items():
        host = stats["hosts"][name]
        assert host["outcome"] == outcome and host["run_id"] == "rotation-" + name
        assert (host["report"], host["summary"]) == ("/reports/%s.json" % name, "/reports/%s.txt" % name)
    assert stats["hosts"]["rotated-host"]["secrets"] == {"selected": 3, "rotated": 1, "resumed": 1, "skipped": 1, "failed": 0}
    assert stats["hosts"]["rotated-host"]["restarts"] == {"complete": 1, "up_to_date": 1, "errors": 0}
    assert stats["hosts"]["rotated-host"]["rollback"] == {"performed": False, "restored": 0, "failed": 0}
    assert stats["hosts"]["failed-host"]["secrets"]["failed"] == 1
    assert stats["hosts"]["rolled-back-host"]["restarts"]["timeout"] == 1
    assert stats["hosts"]["rolled-back-host"]["rollback"] == {"performed": True, "restored": 1, "failed": 0}
    assert stats["hosts"]["rollback-failed-host"]["rollback"] == {"performed": True, "restored": 0, "failed": 1}
    # The fleet: the worst outcome, and the secrets summed over the hosts.
    assert stats["outcome"] == "rollback_failed"
    assert stats["totals"] == {"selected": 8, "rotated": 4, "resumed": 1, "skipped": 2, "failed": 1}
    # Nothing derived from a value: the reports' fingerprints stay in the reports.
    assert "fp-" not in json.dumps(job.artifact_data())


@pytest.mark.parametrize("name", sorted(FLEET))
def test_a_single_host_job_publishes_its_own_outcome(tmp_path, name):
    stats = _run(tmp_path, [name]).artifact_data()["secretops_rotation"]
    assert stats["outcome"] == FLEET[name][1] and list(stats["hosts"]) == [name]


def test_publishing_can_be_turned_off(tmp_path):
    job = _run(tmp_path, ["rotated-host"], extravars={"rotate_secrets_publish_stats": False})
    assert "secretops_rotation" not in job.artifact_data()
    assert os.path.isdir(job.artifacts)


def test_a_dry_run_is_marked_in_the_published_stats(tmp_path):
    """Issue 23: rotate --check published outcome rotated like a real run; it is marked dry_run (a real run's is not)."""
    playbook = tmp_path / "publish.yml"
    playbook.write_text(PLAYBOOK)
    hosts = {"rotated-host": _host_vars("rotated-host")}
    hosts["rotated-host"]["rotate_secrets_report"]["report"]["dry_run"] = True
    job = run_job(str(tmp_path / "runner"), str(playbook), hosts=hosts, ident="stats", verbosity=0, timeout=300)
    assert job.status == "successful", job.describe()
    stats = job.artifact_data()["secretops_rotation"]
    assert stats["dry_run"] is True and stats["hosts"]["rotated-host"]["dry_run"] is True and stats["outcome"] == "rotated"
    (tmp_path / "real").mkdir()
    real = _run(tmp_path / "real", ["rotated-host"]).artifact_data()["secretops_rotation"]
    assert real["dry_run"] is False and real["hosts"]["rotated-host"]["dry_run"] is False
