# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet report of a rotation run: one view over the per-host reports of ``secret_rotation_report``.

In a fleet each inventory host is one Kubernetes cluster and all clusters share one Vault. A Vault
path used in several clusters is written once per run, by one cluster; the others sync their
Secret to that version (``resumed``). A failed rollout in one cluster rolls back every cluster that
received the new value (``rollback_scope`` ``fleet``), or only that cluster (``cluster``). So the fleet
report answers, per Vault path, which version was written and by whom, and whether every cluster
ended on the same version; per cluster, its outcome and counts; and the fleet's worst outcome.

Like the per-host report it copies only whitelisted, value-free fields, each checked for its type
(names and messages as text, versions as integers), and never a fingerprint: a report holding
anything else cannot leak it here. A cluster without a report (its host failed before the report
was written) counts as failed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from collections.abc import Mapping

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import report_files
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.report import title

# Best to worst: the fleet's outcome is its worst cluster's.
OUTCOMES = ("nothing_rotated", "rotated", "rolled_back", "failed", "rollback_failed")
ROLLBACK_SCOPES = ("fleet", "cluster")
NO_REPORT = "no report (the host failed before its report was written)"
NOT_A_REPORT = "unreadable report (not the report of secret_rotation_report)"
SECRET_COUNTS = ("selected", "rotated", "resumed", "skipped", "failed")
DYNAMIC_COUNTS = ("selected", "replaced", "revoked", "failed")
# Rollout outcomes are short lower-case words (complete, failed, on_delete...): anything else is
# counted as "unknown" rather than copied into a key.
OUTCOME_WORD = re.compile(r"^[a-z][a-z_]{0,31}\Z")


def worst(outcomes):
    """The worst of ``outcomes`` (``nothing_rotated`` for none)."""
    return max(outcomes, key=OUTCOMES.index, default=OUTCOMES[0])


def _int(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value):
    return value if isinstance(value, str) else None


def _list(value):
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _mapping(value):
    return value if isinstance(value, Mapping) else {}


def _error(entry):
    return _text(entry.get("error")) or "failed"


def report_of(value):
    """``(report, problem)`` of one cluster: the ``report`` of secret_rotation_report (or the whole
    registered result holding it), or ``None`` and why it counts as failed."""
    if isinstance(value, Mapping) and "outcome" not in value and isinstance(value.get("report"), Mapping):
        value = value["report"]
    if isinstance(value, Mapping) and "outcome" in value:
        return (value, None) if value["outcome"] in OUTCOMES else (None, NOT_A_REPORT)
    if not value or isinstance(value, Mapping):
        # missing, empty, or the failed result of a report task that never returned a report
        return None, NO_REPORT
    return None, NOT_A_REPORT


def _secret_state(entry):
    if "error" in entry:
        return "failed"
    if entry.get("skipped") is True:
        return "skipped"
    if entry.get("resumed") is True:
        return "resumed"
    return "rotated"


def _secret_counts(secrets):
    counts = dict((name, 0) for name in SECRET_COUNTS)
    counts["selected"] = len(secrets)
    for entry in secrets:
        counts[_secret_state(entry)] += 1
    return counts


def _restart_counts(report):
    counts = {}
    for item in _list(report.get("restarts")):
        outcome = item.get("outcome")
        outcome = outcome if isinstance(outcome, str) and OUTCOME_WORD.match(outcome) else "unknown"
        counts[outcome] = counts.get(outcome, 0) + 1
    up_to_date = report.get("up_to_date")
    counts["up_to_date"] = len(up_to_date) if isinstance(up_to_date, list) else 0
    stamped = report.get("stamped")
    if isinstance(stamped, list) and stamped:  # consumers stamped without a restart (never stamped, Pods newer than the Secret)
        counts["stamped"] = len(stamped)
    counts["errors"] = len(_list(report.get("restart_errors")))
    return counts


def _dynamic_counts(report):
    entries = _list(report.get("dynamic"))
    return {"selected": len(entries), "replaced": sum(1 for entry in entries if entry.get("replaced") is True),
            "revoked": sum(1 for entry in entries if entry.get("revocation") == "revoked"),
            "failed": sum(1 for entry in entries if "error" in entry)}


def _rollback_summary(report):
    rollback = _mapping(report.get("rollback"))
    return {"performed": rollback.get("performed") is True, "reason": _text(rollback.get("reason")),
            "restored": len(_list(rollback.get("secrets"))), "failed": len(_list(rollback.get("errors")))}


def _empty_cluster(problem, report_path):
    return {"outcome": "failed", "error": problem, "report_path": report_path, "started": None, "finished": None,
            "secrets": _secret_counts([]), "restarts": {"up_to_date": 0, "errors": 0}, "dynamic": dict((name, 0) for name in DYNAMIC_COUNTS),
            "rollback": {"performed": False, "reason": None, "restored": 0, "failed": 0}}


def cluster_summary(report, problem=None, report_path=None):
    """One cluster's outcome and counts (secrets by state, restarts by rollout outcome, dynamic secrets, roll-back)."""
    if report is None:
        return _empty_cluster(problem or NO_REPORT, report_path)
    return {"outcome": report["outcome"], "report_path": report_path, "started": _text(report.get("started")),
            "finished": _text(report.get("finished")), "secrets": _secret_counts(_list(report.get("secrets"))),
            "restarts": _restart_counts(report), "dynamic": _dynamic_counts(report), "rollback": _rollback_summary(report)}


def _by_secret(entries):
    return dict(((_text(entry.get("namespace")), _text(entry.get("secret"))), entry) for entry in entries)


def _path_entry(cluster, entry, restored, rollback_errors):
    """One cluster's Secret on a Vault path: its versions, whether it was resumed or rolled back, and the version it ended on."""
    key = (_text(entry.get("namespace")), _text(entry.get("secret")))
    state = _secret_state(entry)
    item = {"cluster": cluster, "namespace": key[0], "secret": key[1], "old_version": _int(entry.get("old_version")),
            "new_version": _int(entry.get("new_version")), "resumed": state == "resumed", "skipped": state == "skipped",
            "rolled_back": key in restored, "ended_on": None}
    if state == "failed":
        item["error"] = _error(entry)
    elif key in rollback_errors:
        item["rollback_error"] = _error(rollback_errors[key])
        item["restore_version"] = _int(rollback_errors[key].get("to_version"))
    elif key in restored:
        item["restored_version"] = _int(restored[key].get("restored_version"))
        item["ended_on"] = _int(restored[key].get("new_version"))
    else:
        item["ended_on"] = item["new_version"]
    return item


def _path_entries(cluster, report):
    rollback = _mapping(report.get("rollback"))
    restored = _by_secret(_list(rollback.get("secrets")))
    rollback_errors = _by_secret(_list(rollback.get("errors")))
    for entry in _list(report.get("secrets")):
        path = _text(entry.get("vault_path"))
        if path:
            yield path, _path_entry(cluster, entry, restored, rollback_errors)


def _wrote(item):
    return not item["resumed"] and not item["skipped"] and "error" not in item and item["new_version"] is not None \
        and item["new_version"] != item["old_version"]


def vault_path_summary(items):
    """A Vault path across the fleet: the version before the run, the version written and by which
    cluster, each cluster's Secret, and ``inconsistent`` when the clusters ended on different versions."""
    writes = sorted((item for item in items if _wrote(item)), key=lambda item: item["new_version"])
    read = [item["new_version"] for item in items if "error" not in item and item["new_version"] is not None]
    ended_on = sorted(set(item["ended_on"] for item in items if item["ended_on"] is not None))
    before = [item["old_version"] for item in writes if item["old_version"] is not None]
    return {
        # the version the writer replaced or, when nothing was written, the version the clusters read
        "version_before": min(before or read) if (before or read) else None,
        "version_written": writes[-1]["new_version"] if writes else None,
        "written_by": writes[-1]["cluster"] if writes else None,
        "written_times": len(writes),
        "clusters": sorted(items, key=lambda item: (item["cluster"], item["namespace"] or "", item["secret"] or "")),
        "ended_on": ended_on,
        "inconsistent": len(ended_on) > 1,
    }


def _totals(clusters, vault_paths):
    totals = {"clusters": len(clusters), "outcomes": {}, "secrets": dict((name, 0) for name in SECRET_COUNTS), "restarts": {},
              "dynamic": dict((name, 0) for name in DYNAMIC_COUNTS), "rollbacks": 0, "vault_paths": len(vault_paths),
              "vault_paths_written": sum(1 for path in vault_paths.values() if path["written_times"]),
              "inconsistent": sum(1 for path in vault_paths.values() if path["inconsistent"])}
    for cluster in clusters.values():
        totals["outcomes"][cluster["outcome"]] = totals["outcomes"].get(cluster["outcome"], 0) + 1
        for group in ("secrets", "restarts", "dynamic"):
            for name, count in cluster[group].items():
                totals[group][name] = totals[group].get(name, 0) + count
        totals["rollbacks"] += 1 if cluster["rollback"]["performed"] else 0
    return totals


def build_fleet_report(reports, report_paths=None, run_id=None, finished=None, rollback_scope="fleet", dry_run=False):
    """The fleet report from ``{cluster: report of secret_rotation_report}`` (and ``{cluster: its JSON path}``).

    ``dry_run`` (the run was in check mode) marks it as one, and so does any cluster's report marked as one."""
    report_paths = _mapping(report_paths)
    clusters, per_path = {}, {}
    for name in sorted(_mapping(reports), key=str):
        cluster = str(name)
        report, problem = report_of(reports[name])
        dry_run = dry_run or (report or {}).get("dry_run") is True
        # the whole registered result of secret_rotation_report also says where its report is
        path = _text(report_paths.get(name)) or _text(_mapping(reports[name]).get("json_path"))
        clusters[cluster] = cluster_summary(report, problem, path)
        for path, item in _path_entries(cluster, report or {}):
            per_path.setdefault(path, []).append(item)
    vault_paths = dict((path, vault_path_summary(items)) for path, items in per_path.items())
    return {
        "run_id": run_id,
        "dry_run": bool(dry_run),
        "finished": finished,
        "outcome": worst(cluster["outcome"] for cluster in clusters.values()),
        "rollback_scope": rollback_scope,
        "clusters": clusters,
        "vault_paths": vault_paths,
        "inconsistent": sorted(path for path, summary in vault_paths.items() if summary["inconsistent"]),
        "totals": _totals(clusters, vault_paths),
    }


def _counts_text(counts, names=None):
    """``names``' counts, zeros included; without ``names``, the counts that are not zero."""
    shown = names or [name for name in sorted(counts) if counts[name]]
    return ", ".join("%s %s" % (counts.get(name, 0), name.replace("_", " ")) for name in shown)


def _cluster_line(name, cluster):
    line = "  %s: %s" % (name, title(cluster["outcome"], False))
    if cluster.get("error"):
        return line + " - " + cluster["error"]
    parts = ["secrets: " + _counts_text(cluster["secrets"], SECRET_COUNTS[1:])]
    restarts = _counts_text(cluster["restarts"])
    parts.append("restarts: " + (restarts or "none"))
    if cluster["dynamic"]["selected"]:
        parts.append("dynamic: " + _counts_text(cluster["dynamic"], DYNAMIC_COUNTS[1:]))
    if cluster["rollback"]["performed"]:
        parts.append("rolled back (%s)" % (cluster["rollback"]["reason"] or "performed"))
    if cluster.get("report_path"):
        parts.append("report " + cluster["report_path"])
    return line + " - " + "; ".join(parts)


def _version(value):
    return "v%s" % value if value is not None else "unknown version"


def _path_item_line(item):
    line = "    %s %s/%s: " % (item["cluster"], item["namespace"], item["secret"])
    if "error" in item:
        return line + "FAILED: %s" % item["error"]
    if item["skipped"]:
        line += "skipped, on %s" % _version(item["new_version"])
    else:
        line += "%s%s -> %s" % ("resumed " if item["resumed"] else "", _version(item["old_version"]), _version(item["new_version"]))
    if "rollback_error" in item:
        return line + "; ROLL-BACK FAILED: %s; restore %s by hand" % (item["rollback_error"], _version(item["restore_version"]))
    if item["rolled_back"]:
        line += "; rolled back: %s restored as %s" % (_version(item["restored_version"]), _version(item["ended_on"]))
    return line


def _path_line(path, summary):
    if summary["version_written"] is None:
        return "  %s: %s, not written" % (path, _version(summary["version_before"]))
    line = "  %s: %s -> %s written by %s" % (path, _version(summary["version_before"]), _version(summary["version_written"]), summary["written_by"])
    if summary["written_times"] > 1:
        line += " (written %d times: a shared path is written once per run)" % summary["written_times"]
    return line


def _to_fix(report):
    lines = []
    for path in report["inconsistent"]:
        on = ", ".join("%s %s" % (item["cluster"], _version(item["ended_on"])) for item in report["vault_paths"][path]["clusters"]
                       if item["ended_on"] is not None)
        lines.append("  %s: the clusters ended on different versions (%s); the next rotation run syncs every Secret to Vault's current "
                     "version" % (path, on))
    return lines


def render_fleet_summary(report):
    """A readable, value-free summary of the fleet ``report``."""
    totals = report["totals"]
    lines = ["Fleet secret rotation %s: %s" % (report.get("run_id") or "", title(report["outcome"], report.get("dry_run"))),
             "%d cluster(s), rollback scope %s, finished %s" % (totals["clusters"], report.get("rollback_scope"), report.get("finished")),
             "", "Clusters:"]
    lines.extend(_cluster_line(name, cluster) for name, cluster in sorted(report["clusters"].items()))
    if not report["clusters"]:
        lines.append("  (none)")
    lines.append("Vault paths:")
    for path, summary in sorted(report["vault_paths"].items()):
        lines.append(_path_line(path, summary))
        lines.extend(_path_item_line(item) for item in summary["clusters"])
    if not report["vault_paths"]:
        lines.append("  (none)")
    to_fix = _to_fix(report)
    if to_fix:
        lines.append("To fix:")
        lines.extend(to_fix)
    lines.append("Totals: clusters %s; secrets: %s; %d Vault path(s), %d written, %d inconsistent; %d roll-back(s)"
                 % (_counts_text(totals["outcomes"]) or "none", _counts_text(totals["secrets"], SECRET_COUNTS[1:]), totals["vault_paths"],
                    totals["vault_paths_written"], totals["inconsistent"], totals["rollbacks"]))
    return "\n".join(lines) + "\n"


def write_fleet_report(dest, run_id, reports, report_paths=None, rollback_scope="fleet", check_mode=False, dry_run=False):
    """Build, render and write (not in check mode) the fleet report, ``<run_id>.fleet.json`` and
    ``.txt`` (see ``report_files``); the module's result."""
    report_files.report_paths(dest, run_id, fleet=True)  # a bad run id is refused before anything is built
    report = build_fleet_report(reports, report_paths, run_id, report_files.utc_now(), rollback_scope, dry_run)
    return report_files.write_report_files(dest, run_id, report, render_fleet_summary(report), check_mode, fleet=True)
