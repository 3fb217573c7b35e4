# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the rotate_secrets role does with the outcomes of its steps: one result per selected
secret, the secrets that changed (rolled back when a rollout fails), the namespaces whose stale
consumers restart, the revocation gate, and why a run rolled back or failed.

A result is a registered task's item result, with the target (or rolled-back entry) it ran for
under its loop variable. Nothing here reads a value: results and reports are value-free.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def _unique(items):
    found = []
    for item in items:
        if item not in found:
            found.append(item)
    return found


def results(rotation, selected):
    """The secret_rotation module's answer -> one result per ``selected`` target, tagged with it
    (``rotate_secrets_target``). A task that failed as a whole (no per-secret answers) fails every
    secret with its message."""
    rotation = rotation or {}
    answers = rotation.get("rotations", [])
    found = []
    for index, target in enumerate(selected):
        if len(answers) > index:
            answer = answers[index]
        else:
            answer = {"failed": True, "secret": target["secret"], "namespace": target["namespace"], "msg": rotation.get("msg", "not rotated")}
        result = {"failed": False, "changed": False}
        result.update(answer)
        result["rotate_secrets_target"] = target
        found.append(result)
    return found


def changed(rotation_results):
    """The targets whose Secret got a new value in this run (rotated, or an interrupted rotation
    finished), with the Vault versions before and after: what a roll-back restores."""
    found = []
    for result in rotation_results or []:
        if (result.get("failed", False) or not result.get("changed", False) or "old_version" not in result
                or result["old_version"] == result.get("new_version")):
            continue
        entry = dict(result["rotate_secrets_target"])
        entry.update(old_version=result["old_version"], new_version=result.get("new_version"), vault_path=result.get("vault_path"))
        found.append(entry)
    return found


def groups(task_results, loop_var, add_to=None, skipped=True):
    """The secrets of the results that did not fail (nor were skipped, with ``skipped=False``), as
    ``[{"namespace", "secrets"}]`` (names unique, in result order), read from each result's ``loop_var``.
    A secret skipped as not due still counts by default: its consumers may run an older content
    (a run killed before the restart), so they are checked too.

    Without ``add_to``, namespaces are sorted; with it, they are added to those groups (theirs
    first, new namespaces after, in result order).
    """
    refs = [result[loop_var] for result in task_results or []
            if not result.get("failed", False) and (skipped or not result.get("skipped", False))]
    if add_to is None:
        namespaces = sorted(_unique([ref["namespace"] for ref in refs]))
        base = []
    else:
        base = add_to
        namespaces = _unique([group["namespace"] for group in base] + [ref["namespace"] for ref in refs])
    found = []
    for namespace in namespaces:
        secrets = [secret for group in base if group["namespace"] == namespace for secret in group["secrets"]]
        secrets += [ref["secret"] for ref in refs if ref["namespace"] == namespace]
        found.append({"namespace": namespace, "secrets": _unique(secrets)})
    return found


def revocable(dynamic_results, source):
    """The revocation gate, once every rollout was healthy: the dynamic targets of ``source`` (pki
    or database) that were renewed or checked without failing. A database static role's password
    is rotated by Vault in place; nothing of it is revoked."""
    found = []
    for result in dynamic_results or []:
        if result.get("failed") is True:
            continue
        target = result["rotate_secrets_target"]
        if target.get("source") == source and not (source == "database" and target.get("static")):
            found.append(target)
    return found


def rollback_cause(failed_rollouts, fleet_failed_rollouts, changed_targets):
    """The failed rollouts a run rolls back for (empty: none): its own, or, in a fleet, another
    cluster's when this cluster received a new value; the message names them all."""
    fleet_failed_rollouts = fleet_failed_rollouts or []
    if failed_rollouts or (fleet_failed_rollouts and changed_targets):
        return list(failed_rollouts or []) + list(fleet_failed_rollouts)
    return []


def rollback_reason(failed_rollouts, fleet_failed_rollouts, failed_task, failed_result):
    """Why the secrets of a run are rolled back: the failed rollouts (here, else in the fleet),
    else the task that failed and its messages."""
    if failed_rollouts:
        return "rollout failed: %s" % ", ".join(failed_rollouts)
    if fleet_failed_rollouts:
        return ("rollout failed in another cluster of the fleet (rotate_secrets_rollback_scope: fleet): %s"
                % ", ".join(fleet_failed_rollouts))
    failed_result = failed_result or {}
    what = "restart failed" if "Restart the stale consumers" in (failed_task or "") else "%s failed" % failed_task
    answers = failed_result.get("results", [failed_result])
    return "%s: %s" % (what, "; ".join(answer.get("msg", "") for answer in answers if answer.get("failed")))


def failure_message(report_result):
    """The message the role fails with when a secret could not be rotated, a restart or rollout
    failed, or a roll-back was needed (the report's errors, value-free)."""
    report = report_result["report"]
    rollback = report.get("rollback", {})
    parts = [
        "".join("%s: %s; " % (entry["secret"], entry["error"]) for entry in report["secrets"] if "error" in entry),
        "".join("%s: %s; " % (entry["secret"], entry["error"]) for entry in report.get("dynamic", []) if "error" in entry),
        "".join("%s/%s: %s; " % (item["kind"], item["name"], item["reason"]) for item in report["restarts"]
                if item["outcome"] in ("failed", "timeout")),
        "".join("restart in %s: %s; " % (error["namespace"], error["error"]) for error in report["restart_errors"]),
        "".join("roll-back of %s to v%s: %s; " % (error["secret"], error["to_version"], error["error"]) for error in rollback["errors"]),
        "".join("restart after the roll-back in %s: %s; " % (error["namespace"], error["error"]) for error in rollback["restart_errors"]),
    ]
    return "Rotation %s:  %s see %s" % (report["outcome"].replace("_", " "), " ".join(parts), report_result["summary_path"])
