# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit report of a rotation run: a JSON document and a readable summary.

Built only from whitelisted, value-free fields of the module results (versions, fingerprints,
names, outcomes, timings), so a value can never reach the report even if a result held one.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

ROTATION_FIELDS = ("secret", "namespace", "vault_path", "old_version", "new_version", "rotated_fields", "fingerprints",
                   "skipped", "resumed", "reason", "attempts", "duration")
RESTART_FIELDS = ("kind", "name", "namespace", "secrets", "restarted", "outcome", "reason", "duration")
ROLLBACK_FIELDS = ("secret", "vault_path", "restored_version", "replaced_version", "new_version", "fingerprints", "duration")
FAILED_ROLLOUTS = ("failed", "timeout")


def _pick(result, fields):
    return dict((field, result[field]) for field in fields if field in result)


def _results(value):
    """Loop results (``register`` of a loop), a list, or a single result -> a list of result dicts."""
    if not value:
        return []
    if isinstance(value, dict):
        return value.get("results", [value]) if "results" in value else [value]
    return list(value)


def _rotation_entry(result):
    if result.get("failed"):
        entry = {"secret": result.get("secret") or result.get("_ansible_item_label"), "error": result.get("msg")}
        entry.update(_pick(result, ("vault_path",)))
        return entry
    return _pick(result, ROTATION_FIELDS)


def _restarts(restart_result):
    """Workload results of k8s_rollout_restart: one result, or a loop of them (one per namespace)."""
    workloads = []
    for item in (restart_result or {}).get("results") or []:
        if "kind" in item:
            workloads.append(_pick(item, RESTART_FIELDS))
        else:
            workloads.extend(_restarts(item))
    return workloads


def outcome_of(rotations, restarts, rollback):
    if rollback:
        return "rolled_back"
    if any("error" in entry for entry in rotations):
        return "failed"
    if any(item.get("outcome") in FAILED_ROLLOUTS for item in restarts):
        return "failed"
    if not any(entry.get("new_version") != entry.get("old_version") or entry.get("resumed") for entry in rotations):
        return "nothing_rotated"
    return "rotated"


def build_report(rotations, restart=None, rollback=None, rollback_restart=None, started=None, finished=None, run_id=None, reason=None):
    """The report dict from the registered results of the rotation, restart and roll-back tasks."""
    rotated = [_rotation_entry(result) for result in _results(rotations)]
    restarts = _restarts(restart)
    rolled_back = [_pick(result, ROLLBACK_FIELDS) for result in _results(rollback) if not result.get("skipped")]
    report = {
        "run_id": run_id,
        "started": started,
        "finished": finished,
        "outcome": outcome_of(rotated, restarts, rolled_back),
        "secrets": rotated,
        "restarts": restarts,
        "rollback": {
            "performed": bool(rolled_back),
            "reason": reason,
            "secrets": rolled_back,
            "restarts": _restarts(rollback_restart),
        },
    }
    return report


def _version_text(entry):
    if "error" in entry:
        return "FAILED: %s" % entry["error"]
    if entry.get("skipped"):
        return "skipped (%s)" % entry.get("reason")
    if entry.get("resumed"):
        return "resumed: Secret synced to v%s (%s)" % (entry.get("new_version"), entry.get("reason"))
    prints = ", ".join("%s %s -> %s" % (field, value.get("old"), value.get("new"))
                       for field, value in sorted((entry.get("fingerprints") or {}).items()))
    return "v%s -> v%s%s" % (entry.get("old_version"), entry.get("new_version"), " [%s]" % prints if prints else "")


def render_summary(report):
    """A readable, value-free summary of ``report``."""
    lines = ["Secret rotation %s: %s" % (report.get("run_id") or "", report["outcome"].upper().replace("_", " ")),
             "started %s, finished %s" % (report.get("started"), report.get("finished")), "", "Secrets:"]
    for entry in report["secrets"] or []:
        lines.append("  %s (%s): %s" % (entry.get("secret"), entry.get("vault_path"), _version_text(entry)))
    if not report["secrets"]:
        lines.append("  (none selected)")
    lines.append("Restarts:")
    for item in report["restarts"] or []:
        lines.append("  %s/%s: %s (%s)%s" % (item.get("kind"), item.get("name"), item.get("outcome"), item.get("reason"),
                                             " in %ss" % item["duration"] if item.get("duration") is not None else ""))
    if not report["restarts"]:
        lines.append("  (none)")
    rollback = report["rollback"]
    if rollback["performed"]:
        lines.append("Rollback: %s" % (rollback.get("reason") or "performed"))
        for entry in rollback["secrets"]:
            lines.append("  %s: restored v%s as v%s" % (entry.get("secret"), entry.get("restored_version"), entry.get("new_version")))
        for item in rollback["restarts"]:
            lines.append("  restart %s/%s: %s (%s)" % (item.get("kind"), item.get("name"), item.get("outcome"), item.get("reason")))
    return "\n".join(lines) + "\n"


def to_json(report):
    return json.dumps(report, indent=2, sort_keys=True) + "\n"
