# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit report of a rotation run: a JSON document and a readable summary.

Built only from whitelisted, value-free fields of the module results (versions, fingerprints,
names, outcomes, timings, error messages), so a value can never reach the report even if a
result held one. Every outcome of the rotate_secrets role has a report, failures included:

- ``rotated``: secrets rotated (or an interrupted rotation finished), every restart complete.
- ``nothing_rotated``: no secret was due; stale consumers, if any, were restarted; consumers never
  stamped whose Pods already run the current content were stamped without a restart.
- ``failed``: a secret could not be rotated, or a restart or rollout failed with nothing of this
  run to roll back.
- ``rolled_back``: a restart or rollout failed and every secret rotated in this run was restored.
- ``rollback_failed``: the roll-back itself failed for a secret or its consumers; the report says
  which version to restore.

A run in check mode (``dry_run``) changed nothing: its report says so (``dry_run: true`` and the
summary's first line), and its outcome is what a real run would have reached.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import dynamic_report
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.task_results import loop_item, results, secret_name

ROTATION_FIELDS = ("secret", "namespace", "vault_path", "old_version", "new_version", "rotated_fields", "fingerprints",
                   "skipped", "resumed", "reason", "attempts", "duration")
RESTART_FIELDS = ("kind", "name", "namespace", "secrets", "restarted", "outcome", "reason", "duration", "cause")
ROLLBACK_FIELDS = ("secret", "namespace", "vault_path", "restored_version", "replaced_version", "new_version", "fingerprints", "duration")
FAILED_ROLLOUTS = ("failed", "timeout")
UP_TO_DATE = "unchanged"
# A consumer never stamped whose Pods all started after its Secrets' last writes: stamped, not restarted.
STAMPED = ("stamped", "would_stamp")
# Consumers left to see the change in place (restart: not_in_place): listed apart, with their reason.
IN_PLACE = ("in_place",)
NOT_RESTARTS = (UP_TO_DATE,) + STAMPED + IN_PLACE
RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\Z")


def check_run_id(run_id):
    """``run_id`` becomes a file name: one safe path component, never a way out of the report directory."""
    if not isinstance(run_id, str) or not RUN_ID.match(run_id) or ".." in run_id:
        raise SecretOpsError("run_id %r cannot name a report file: use 1 to 128 letters, digits, '.', '_' or '-', starting with a letter "
                             "or digit, without '..'" % (run_id,))
    return run_id


def _pick(result, fields):
    return dict((field, result[field]) for field in fields if field in result)


def _named(entry, result):
    """A report entry's ``secret`` is the Secret's name (a module's ``secret`` is a dict that names it)."""
    if "secret" in entry:
        entry["secret"] = secret_name(result)
    return entry


def _failed(result):
    return bool(result.get("failed"))


def _rotation_entry(result):
    if _failed(result):
        item = loop_item(result)
        entry = {"secret": secret_name(result) or item.get("secret") or result.get("_ansible_item_label"),
                 "error": result.get("msg")}
        namespace = result.get("namespace") or item.get("namespace")
        if namespace:
            entry["namespace"] = namespace
        entry.update(_pick(result, ("vault_path",)))
        return entry
    entry = _named(_pick(result, ROTATION_FIELDS), result)
    if "rotation_skipped" in result and "skipped" not in result:  # secret_rotation's single form
        entry["skipped"] = result["rotation_skipped"]
    return entry


def _errors(value):
    """``[{namespace, error}]`` of the failed items of a k8s_rollout_restart loop (or of the task itself)."""
    errors = []
    for result in results(value):
        if _failed(result):
            errors.append({"namespace": loop_item(result).get("namespace"), "error": result.get("msg")})
    return errors


def _restarts(restart_result):
    """Workload results of k8s_rollout_restart: one result, or a loop of them (one per namespace)."""
    workloads = []
    for item in (restart_result or {}).get("results") or []:
        if "kind" in item:
            workloads.append(_pick(item, RESTART_FIELDS))
        elif isinstance(item, dict):
            workloads.extend(_restarts(item))
    return workloads


def changed_in_run(rotations):
    """``{(namespace, secret)}`` whose Kubernetes Secret this run gave a new value (rotated or resumed)."""
    return set((entry.get("namespace"), entry.get("secret")) for entry in rotations
               if "error" not in entry and (entry.get("resumed") or entry.get("new_version") != entry.get("old_version")))


def _with_cause(workload, changed):
    """A restarted workload is a consumer of a Secret this run changed, or one whose stamp was stale
    before the run (an earlier run was interrupted, or the Secret changed outside the role), or one
    never stamped whose Pods may predate the Secret's current content (``never_stamped``)."""
    if workload.get("restarted"):
        earlier = not any((workload.get("namespace"), secret) in changed for secret in workload.get("secrets") or [])
        never_stamped = earlier and workload.get("cause") == "never_stamped"
        workload["stale_from_earlier_run"] = earlier and not never_stamped
        workload["never_stamped"] = never_stamped
    return workload


def _names(workloads, outcomes):
    return ["%s/%s" % (workload.get("kind"), workload.get("name")) for workload in workloads if workload.get("outcome") in outcomes]


def _rollback_entries(rollback):
    done, errors = [], []
    for result in results(rollback):
        if result.get("skipped"):
            continue
        if _failed(result):
            item = loop_item(result)
            errors.append({"secret": item.get("secret"), "namespace": item.get("namespace"), "to_version": item.get("old_version"),
                           "error": result.get("msg")})
        else:
            done.append(_named(_pick(result, ROLLBACK_FIELDS), result))
    return done, errors


def outcome_of(rotations, restarts, rollback, restart_errors=(), rollback_errors=(), rollback_restart_errors=()):
    if rollback_errors or rollback_restart_errors:
        return "rollback_failed"
    if rollback:
        return "rolled_back"
    if any("error" in entry for entry in rotations) or restart_errors:
        return "failed"
    if any(item.get("outcome") in FAILED_ROLLOUTS for item in restarts):
        return "failed"
    if not changed_in_run(rotations):
        return "nothing_rotated"
    return "rotated"


def _with_dynamic(outcome, dynamic):
    """The outcome once the dynamic secrets count: a replaced certificate or lease is a rotation, a failed one a failure."""
    if outcome == "nothing_rotated" and dynamic_report.any_failed(dynamic):
        return "failed"
    if outcome == "nothing_rotated" and dynamic_report.any_replaced(dynamic):
        return "rotated"
    return outcome


def build_report(rotations, restart=None, rollback=None, rollback_restart=None, started=None, finished=None, run_id=None, reason=None,
                 dynamic=None, dynamic_revocations=None, dry_run=False):
    """The report dict from the registered results of the rotation, restart, roll-back and dynamic secrets tasks
    (``dry_run``: the tasks ran in check mode)."""
    dynamic_entries = dynamic_report.dynamic_entries(dynamic, dynamic_revocations)
    rotated = [_rotation_entry(result) for result in results(rotations)]
    changed = changed_in_run(rotated)
    workloads = [_with_cause(workload, changed) for workload in _restarts(restart)]
    restart_errors = _errors(restart)
    rolled_back, rollback_errors = _rollback_entries(rollback)
    rollback_restarts = _restarts(rollback_restart)
    rollback_restart_errors = _errors(rollback_restart)
    return {
        "run_id": run_id,
        "dry_run": bool(dry_run),
        "started": started,
        "finished": finished,
        "outcome": _with_dynamic(outcome_of(rotated, workloads, rolled_back, restart_errors, rollback_errors, rollback_restart_errors),
                                 dynamic_entries),
        "secrets": rotated,
        "dynamic": dynamic_entries,
        "restarts": [workload for workload in workloads if workload.get("outcome") not in NOT_RESTARTS],
        "up_to_date": _names(workloads, (UP_TO_DATE,)),
        "stamped": _names(workloads, STAMPED),
        "in_place": [dict((key, workload.get(key)) for key in ("kind", "name", "namespace", "secrets", "reason"))
                     for workload in workloads if workload.get("outcome") in IN_PLACE],
        "restart_errors": restart_errors,
        "rollback": {
            "performed": bool(rolled_back or rollback_errors),
            "reason": reason,
            "secrets": rolled_back,
            "errors": rollback_errors,
            "restarts": [workload for workload in rollback_restarts if workload.get("outcome") not in NOT_RESTARTS],
            "restart_errors": rollback_restart_errors,
        },
    }


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


def _restart_line(item):
    line = "  %s/%s: %s (%s)%s" % (item.get("kind"), item.get("name"), item.get("outcome"), item.get("reason"),
                                   " in %ss" % item["duration"] if item.get("duration") is not None else "")
    if item.get("stale_from_earlier_run"):
        line += " - restarted because its stamp was stale from an earlier run"
    if item.get("never_stamped"):
        line += (" - restarted because it was never stamped and its Pods may predate the Secret's current content "
                 "(a Pod created before or in the second of the Secret's last write)")
    return line


def _error_lines(errors):
    return ["  namespace %s: FAILED: %s" % (error.get("namespace"), error.get("error")) for error in errors]


def _rollback_lines(rollback):
    lines = ["Rollback: %s" % (rollback.get("reason") or "performed")]
    for entry in rollback["secrets"]:
        lines.append("  %s: restored v%s as v%s" % (entry.get("secret"), entry.get("restored_version"), entry.get("new_version")))
    for error in rollback.get("errors") or []:
        lines.append("  %s: ROLL-BACK FAILED: %s; to restore by hand: secret_rotation state=rolled_back to_version=%s"
                     % (error.get("secret"), error.get("error"), error.get("to_version")))
    for item in rollback["restarts"]:
        lines.append("  restart %s/%s: %s (%s)" % (item.get("kind"), item.get("name"), item.get("outcome"), item.get("reason")))
    lines.extend(_error_lines(rollback.get("restart_errors") or []))
    return lines


def title(outcome, dry_run):
    """The outcome as a summary's first line shows it; a dry run says it changed nothing."""
    text = outcome.upper().replace("_", " ")
    return "DRY RUN (check mode), nothing was changed; a real run: %s" % text if dry_run else text


def render_summary(report):
    """A readable, value-free summary of ``report``."""
    lines = ["Secret rotation %s: %s" % (report.get("run_id") or "", title(report["outcome"], report.get("dry_run"))),
             "started %s, finished %s" % (report.get("started"), report.get("finished")), "", "Secrets:"]
    for entry in report["secrets"] or []:
        lines.append("  %s (%s): %s" % (entry.get("secret"), entry.get("vault_path"), _version_text(entry)))
    if not report["secrets"] and not report.get("dynamic"):
        lines.append("  (none selected)")
    lines.extend(dynamic_report.summary_lines(report.get("dynamic")))
    lines.append("Restarts:")
    lines.extend(_restart_line(item) for item in report["restarts"] or [])
    lines.extend(_error_lines(report.get("restart_errors") or []))
    if not report["restarts"] and not report.get("restart_errors"):
        lines.append("  (none)")
    if report.get("stamped"):
        lines.append("Stamped without restart (never stamped; its Pods started after the Secret's current content was written): %s"
                     % ", ".join(report["stamped"]))
    if report.get("in_place"):
        lines.append("Left to update in place (mounted volumes the kubelet rewrites; restart: not_in_place): %s"
                     % ", ".join("%s/%s" % (item["kind"], item["name"]) for item in report["in_place"]))
    if report.get("up_to_date"):
        lines.append("Up to date (stamps current, not restarted): %s" % ", ".join(report["up_to_date"]))
    if report["rollback"]["performed"]:
        lines.extend(_rollback_lines(report["rollback"]))
    return "\n".join(lines) + "\n"


def to_json(report):
    return json.dumps(report, indent=2, sort_keys=True) + "\n"
