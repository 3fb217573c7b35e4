# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The outcome the rotate_secrets role publishes for AWX workflows (set_stats; docs/awx.md):
counts, outcomes, run ids and report paths, taken from the value-free reports only."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.fleet import host_var

# Best first: the fleet's outcome is its worst host's (a host without one counts as failed).
OUTCOMES = ("nothing_rotated", "rotated", "rolled_back", "failed", "rollback_failed")
SECRET_COUNTS = ("selected", "rotated", "resumed", "skipped", "failed")


def _count(entries, keep):
    return len([entry for entry in entries if keep(entry)])


def _bool(value):
    """Ansible's ``bool`` filter."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        value = value.lower()
    return value in ("yes", "on", "1", "true", 1)


def host_stats(report_result, check_mode, run_id):
    """One host's stats, from its registered secret_rotation_report task (``{}`` when it has none)."""
    report_result = report_result or {}
    report = report_result.get("report", {})
    secrets, dynamic, rollback = report.get("secrets", []), report.get("dynamic", []), report.get("rollback", {})
    restarts = {}
    for item in report.get("restarts", []):
        outcome = item.get("outcome", "unknown")
        restarts[outcome] = restarts.get(outcome, 0) + 1
    # Restarted workloads per rollout outcome (complete, failed, timeout, ...), those already up to
    # date, and the namespaces where restarting failed as a whole.
    restarts.update(up_to_date=len(report.get("up_to_date", [])), errors=len(report.get("restart_errors", [])))
    return {
        "dry_run": report.get("dry_run", check_mode),
        "outcome": report.get("outcome", "failed"),
        "run_id": run_id or "",
        "report": report_result.get("json_path", ""),
        "summary": report_result.get("summary_path", ""),
        "secrets": {
            "selected": len(secrets),
            "rotated": _count(secrets, lambda e: "error" not in e and e.get("skipped") is not True and e.get("resumed") is not True),
            "resumed": _count(secrets, lambda e: "error" not in e and e.get("resumed") is True),
            "skipped": _count(secrets, lambda e: "error" not in e and e.get("skipped") is True),
            "failed": _count(secrets, lambda e: "error" in e),
        },
        "restarts": restarts,
        # Certificates and database credentials: selected, re-issued, whose replaced ones were
        # revoked (after healthy rollouts), and failed.
        "dynamic": {
            "selected": len(dynamic),
            "replaced": _count(dynamic, lambda e: bool(e.get("replaced"))),
            "revoked": _count(dynamic, lambda e: e.get("revocation") == "revoked"),
            "failed": _count(dynamic, lambda e: "error" in e),
        },
        "rollback": {
            "performed": rollback.get("performed", False),
            "restored": len(rollback.get("secrets", [])),
            "failed": len(rollback.get("errors", [])),
        },
    }


def fleet_stats(hostvars, hosts, check_mode):
    """What every host publishes alike: ``dry_run`` (any host's), the worst ``outcome`` and the
    secret ``totals`` summed over the hosts' ``rotate_secrets_stats``."""
    dry_run, rank, totals = check_mode, 0, dict((name, 0) for name in SECRET_COUNTS)
    for host in hosts:
        stats = host_var(hostvars, host, "rotate_secrets_stats") or {}
        dry_run = dry_run or _bool(stats.get("dry_run", False))
        outcome = stats.get("outcome", "failed")
        rank = max(rank, OUTCOMES.index(outcome) if outcome in OUTCOMES else OUTCOMES.index("failed"))
        for name in SECRET_COUNTS:
            totals[name] += int(stats.get("secrets", {}).get(name, 0))
    return {"dry_run": dry_run, "outcome": OUTCOMES[rank], "totals": totals}
