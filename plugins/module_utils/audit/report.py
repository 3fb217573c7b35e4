# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit report of one cluster or a fleet: built from the three audit modules' results, with
counts, the ``fail_on`` gate, and its Markdown and HTML pages. Pure, no I/O.

Only whitelisted fields of the module results are copied, so nothing but names, states, versions,
times and access paths reaches the report (the modules return no value; the whitelist keeps it so
whatever a future result holds).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

try:
    from html import escape as _escape
except ImportError:  # pragma: no cover - Python 2 is not supported by the modules
    from cgi import escape as _escape

from ansible_collections.secretops.provisioning.plugins.module_utils.audit import drift, hygiene
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.age import parse_age, parse_time
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads.stamps import parse_time as parse_api_time

DRIFT_FIELDS = ("name", "namespace", "state", "reason", "vault_path", "vault_version", "recorded_vault_version", "behind_since",
                "exists", "dynamic", "recorded_vault_path")
CONSUMER_FIELDS = ("kind", "name", "state", "restartable")
ACCESS_FIELDS = ("name", "namespace", "pods", "outside_allowed", "vault_path", "vault_error")
PATH_FIELDS = ("how", "via", "binding", "role", "rule", "aggregated_from", "pod", "service_account", "impersonates", "verb", "resource")
VAULT_ROLE_FIELDS = ("auth_mount", "role", "service_account_names", "service_account_namespaces", "binds_secret_namespace", "policies")
FINDING_FIELDS = ("category", "kind", "name", "namespace", "type", "consumers", "last_rotated", "source", "age_days", "expires", "what",
                  "expired", "days_left", "service_account", "writers", "keys")


def _pick(item, fields):
    return dict((field, item[field]) for field in fields if field in (item or {}))


def _drift(result):
    secrets = []
    for item in (result or {}).get("secrets") or []:
        picked = _pick(item, DRIFT_FIELDS)
        picked["consumers"] = [_pick(consumer, CONSUMER_FIELDS) for consumer in item.get("consumers") or []]
        secrets.append(picked)
    return {"secrets": secrets, "summary": drift.summary(secrets), "notes": list((result or {}).get("notes") or [])}


def _access(result):
    secrets = []
    for item in (result or {}).get("secrets") or []:
        picked = _pick(item, ACCESS_FIELDS)
        picked["readers"] = [{"subject": dict(reader.get("subject") or {}), "direct": bool(reader.get("direct")),
                              "paths": [_pick(path, PATH_FIELDS) for path in reader.get("paths") or []]}
                             for reader in item.get("readers") or []]
        if "vault_roles" in item:
            picked["vault_roles"] = [_pick(role, VAULT_ROLE_FIELDS) for role in item["vault_roles"]]
        secrets.append(picked)
    return {"secrets": secrets, "notes": list((result or {}).get("notes") or [])}


def _hygiene(result):
    findings = [_pick(item, FINDING_FIELDS) for item in (result or {}).get("findings") or []]
    return {"findings": findings, "summary": hygiene.summary(findings)}


def _error(result):
    """The message of a failed or skipped module result, else None."""
    if not isinstance(result, dict):
        return None
    if result.get("failed"):
        return str(result.get("msg") or "failed")
    return None


def cluster_report(results):
    """One cluster's part of the report from ``{"drift": ..., "access": ..., "hygiene": ...}`` registered results."""
    part = {"errors": []}
    for name, build in (("drift", _drift), ("access", _access), ("hygiene", _hygiene)):
        result = (results or {}).get(name)
        error = _error(result)
        if error:
            part["errors"].append("%s: %s" % (name, error))
        part[name] = build(None if error or not isinstance(result, dict) or result.get("skipped") else result)
    part["counts"] = cluster_counts(part)
    return part


def cluster_counts(part):
    return {
        "secrets_audited": part["drift"]["summary"]["total"],
        "drift": dict((state, count) for state, count in part["drift"]["summary"].items() if state != "total"),
        "secrets_with_readers_outside_allowed": sum(1 for item in part["access"]["secrets"] if item.get("outside_allowed")),
        "hygiene": dict((category, count) for category, count in part["hygiene"]["summary"].items() if category != "total"),
        "errors": len(part["errors"]),
    }


def totals(clusters):
    summed = {"clusters": len(clusters), "secrets_audited": 0, "secrets_with_readers_outside_allowed": 0, "errors": 0,
              "drift": dict((state, 0) for state in drift.STATES), "hygiene": dict((category, 0) for category in hygiene.CATEGORIES)}
    for part in clusters.values():
        counts = part["counts"]
        for key in ("secrets_audited", "secrets_with_readers_outside_allowed", "errors"):
            summed[key] += counts[key]
        for group in ("drift", "hygiene"):
            for key, value in counts[group].items():
                summed[group][key] = summed[group].get(key, 0) + value
    return summed


def _moment(text):
    return parse_api_time(text) if text else None


def gate(clusters, fail_on, now):
    """``{"failed", "reasons"}``: what in the report trips ``fail_on``.

    ``fail_on`` keys: ``drift_states`` (states that fail), ``pods_behind_secret_older_than`` (a
    duration: a Secret whose Pods are behind for longer), ``readers_outside_allowed`` (any reader
    outside the allowed subjects), ``hygiene_categories`` (categories that fail), ``errors`` (a
    module that failed; on unless false).
    """
    fail_on = fail_on or {}
    reasons = []
    states = set(fail_on.get("drift_states") or [])
    older = parse_age(fail_on.get("pods_behind_secret_older_than"), "fail_on.pods_behind_secret_older_than")
    categories = set(fail_on.get("hygiene_categories") or [])
    for cluster, part in sorted(clusters.items()):
        where = "%s: " % cluster if cluster else ""
        if fail_on.get("errors", True):
            reasons.extend(where + error for error in part["errors"])
        for item in part["drift"]["secrets"]:
            name = "%s/%s" % (item.get("namespace"), item.get("name"))
            if item.get("state") in states:
                reasons.append("%sSecret %s is %s" % (where, name, item["state"]))
            elif older is not None and item.get("state") == drift.PODS_BEHIND_SECRET:
                since = _moment(item.get("behind_since"))
                if since is None or (now - since).total_seconds() > older:
                    reasons.append("%sthe Pods of Secret %s are behind it since %s, longer than %s"
                                   % (where, name, item.get("behind_since") or "an unknown time", fail_on["pods_behind_secret_older_than"]))
        if fail_on.get("readers_outside_allowed"):
            for item in part["access"]["secrets"]:
                if item.get("outside_allowed"):
                    reasons.append("%sSecret %s/%s is readable by %s, outside the allowed subjects"
                                   % (where, item.get("namespace"), item.get("name"), ", ".join(item["outside_allowed"])))
        for finding in part["hygiene"]["findings"]:
            if finding.get("category") in categories:
                reasons.append("%s%s %s/%s: %s" % (where, finding.get("kind"), finding.get("namespace"), finding.get("name"), finding["category"]))
    return {"failed": bool(reasons), "reasons": reasons}


def build_report(results_by_cluster, run_id, finished, fail_on=None, now=None, dry_run=False):
    """The report of a run over ``results_by_cluster`` (cluster name -> the three registered results)."""
    clusters = dict((name or "", cluster_report(results)) for name, results in (results_by_cluster or {}).items())
    moment = now or parse_time(finished)
    return {"run_id": run_id, "finished": finished, "dry_run": bool(dry_run), "clusters": clusters, "totals": totals(clusters),
            "gate": gate(clusters, fail_on, moment)}


def stats(report):
    """The counts a run publishes with ``set_stats`` (no names of Secrets, no paths)."""
    return {"run_id": report["run_id"], "totals": report["totals"], "gate_failed": report["gate"]["failed"],
            "gate_reasons": len(report["gate"]["reasons"])}


def _namespaces(part):
    found = set(item.get("namespace") for item in part["drift"]["secrets"] + part["access"]["secrets"] + part["hygiene"]["findings"])
    return sorted(name for name in found if name)


def _subject_text(subject):
    return "%s %s" % (subject.get("kind"), ":".join(part for part in (subject.get("namespace"), subject.get("name")) if part))


def _readers_text(item):
    return "\n".join("%s (%s)" % (_subject_text(reader["subject"]), ", ".join(sorted(set(path.get("via") or "" for path in reader["paths"]))))
                     for reader in item["readers"])


def _finding_text(finding):
    detail = []
    for key in ("type", "last_rotated", "expires", "service_account"):
        if finding.get(key):
            detail.append("%s %s" % (key.replace("_", " "), finding[key]))
    if finding.get("writers"):
        detail.append("writers " + ", ".join(finding["writers"]))
    if finding.get("consumers"):
        detail.append("; ".join("%s/%s via %s" % (c["kind"], c["name"], ", ".join(c["via"])) for c in finding["consumers"]))
    if finding.get("keys"):
        detail.append("keys " + ", ".join("%s (%s)" % (k["key"], ", ".join(k["reasons"])) for k in finding["keys"]))
    return "; ".join(detail)


def sections(report):
    """The report as ``[(heading level, title, table rows or paragraphs)]``, the one layout both pages render."""
    totals_row = report["totals"]
    out = [(1, "Secret audit %s" % report["run_id"], [["finished %s%s" % (report["finished"], " (check mode)" if report["dry_run"] else "")]]),
           (2, "Summary", [["cluster", "secrets", "in sync", "Secret behind Vault", "Pods behind Secret", "Vault path missing", "unmanaged",
                            "readers outside allowed", "hygiene findings", "errors"]])]
    for cluster, part in sorted(report["clusters"].items()):
        counts = part["counts"]
        out[-1][2].append([cluster or "(this cluster)", counts["secrets_audited"]] + [counts["drift"].get(state, 0) for state in drift.STATES]
                          + [counts["secrets_with_readers_outside_allowed"], sum(counts["hygiene"].values()), counts["errors"]])
    out.append((2, "Gate", [[("FAILED: " if report["gate"]["failed"] else "passed") + "; ".join(report["gate"]["reasons"])]]))
    for cluster, part in sorted(report["clusters"].items()):
        for error in part["errors"]:
            out.append((2, "Error%s" % (" in " + cluster if cluster else ""), [[error]]))
        for namespace in _namespaces(part):
            title = "%s%s" % (cluster + " / " if cluster else "", namespace)
            drift_rows = [["Secret", "state", "Vault path", "Vault version", "recorded", "consumers", "reason"]] + [
                [item.get("name"), item.get("state"), item.get("vault_path") or "", item.get("vault_version") or "",
                 item.get("recorded_vault_version") or "", ", ".join("%s/%s %s" % (c["kind"], c["name"], c["state"]) for c in item["consumers"]),
                 item.get("reason") or ""] for item in part["drift"]["secrets"] if item.get("namespace") == namespace]
            access_rows = [["Secret", "readers (paths)", "outside allowed", "Vault roles"]] + [
                [item.get("name"), _readers_text(item), ", ".join(item.get("outside_allowed") or []),
                 ", ".join("%s/%s" % (role["auth_mount"], role["role"]) for role in item.get("vault_roles") or [])]
                for item in part["access"]["secrets"] if item.get("namespace") == namespace]
            hygiene_rows = [["object", "finding", "detail"]] + [
                ["%s %s" % (finding.get("kind"), finding.get("name")), finding.get("category"), _finding_text(finding)]
                for finding in part["hygiene"]["findings"] if finding.get("namespace") == namespace]
            out.append((2, "Namespace %s" % title, []))
            for heading, rows in (("Drift", drift_rows), ("Who can read", access_rows), ("Hygiene", hygiene_rows)):
                if len(rows) > 1:
                    out.append((3, heading, rows))
    out[1][2].append(["total", totals_row["secrets_audited"]] + [totals_row["drift"].get(state, 0) for state in drift.STATES]
                     + [totals_row["secrets_with_readers_outside_allowed"], sum(totals_row["hygiene"].values()), totals_row["errors"]])
    return out


def _md_cell(value):
    return _escape(str(value), quote=False).replace("|", "\\|").replace("\n", "<br>")


def render_markdown(report):
    lines = []
    for level, title, rows in sections(report):
        lines.extend(["#" * level + " " + title, ""])
        if len(rows) == 1 and len(rows[0]) == 1:
            lines.extend([_md_cell(rows[0][0]), ""])
        elif rows:
            lines.append("| " + " | ".join(_md_cell(cell) for cell in rows[0]) + " |")
            lines.append("|" + "---|" * len(rows[0]))
            lines.extend("| " + " | ".join(_md_cell(cell) for cell in row) + " |" for row in rows[1:])
            lines.append("")
    return "\n".join(lines)


STYLE = ("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}"
         "th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top;font-size:.9em}th{background:#f3f3f3}"
         ".failed{color:#b00;font-weight:bold}.passed{color:#070;font-weight:bold}")


def render_html(report):
    """A standalone HTML page (inline style, no script, every text escaped)."""
    parts = ["<!DOCTYPE html>", "<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s</title><style>%s</style></head><body>"
             % (_escape("Secret audit %s" % report["run_id"]), STYLE)]
    for level, title, rows in sections(report):
        parts.append("<h%d>%s</h%d>" % (level, _escape(title), level))
        if len(rows) == 1 and len(rows[0]) == 1:
            css = ""
            if title == "Gate":
                css = " class=\"%s\"" % ("failed" if report["gate"]["failed"] else "passed")
            parts.append("<p%s>%s</p>" % (css, _escape(str(rows[0][0]))))
        elif rows:
            parts.append("<table><thead><tr>%s</tr></thead><tbody>" % "".join("<th>%s</th>" % _escape(str(cell)) for cell in rows[0]))
            parts.extend("<tr>%s</tr>" % "".join("<td>%s</td>" % _escape(str(cell)).replace("\n", "<br>") for cell in row) for row in rows[1:])
            parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
