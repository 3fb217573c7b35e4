"""The audit report: whitelisted fields, counts, the fail_on gate, and its pages."""

import datetime
import json

from ansible_collections.secretops.provisioning.plugins.module_utils.audit import report

NOW = datetime.datetime(2026, 12, 7, 12, 0, 0, tzinfo=datetime.timezone.utc)

DRIFT = {"secrets": [
    {"name": "db", "namespace": "shop", "state": "pods_behind_secret", "behind_since": "2026-12-05T12:00:00Z", "value": "LEAK-1",
     "consumers": [{"kind": "Deployment", "name": "web", "state": "stale", "checksum": "LEAK-2"}]},
    {"name": "api", "namespace": "shop", "state": "in_sync", "consumers": []},
]}
ACCESS = {"secrets": [{"name": "db", "namespace": "shop", "outside_allowed": ["User:<jane>"], "readers": [
    {"subject": {"kind": "User", "name": "<jane>"}, "direct": True, "paths": [{"how": "direct", "via": "get", "token": "LEAK-3"}]}]}]}
HYGIENE = {"findings": [{"category": "expiring", "kind": "Secret", "name": "tls", "namespace": "shop", "expires": "2026-12-08T00:00:00Z"}]}


def build(fail_on=None, **extra):
    results = {"": dict({"drift": DRIFT, "access": ACCESS, "hygiene": HYGIENE}, **extra)}
    return report.build_report(results, "audit-1", "2026-12-07T12:00:00Z", fail_on, now=NOW)


def test_only_whitelisted_fields_reach_the_report_and_its_pages():
    built = build()
    text = json.dumps(built) + report.render_markdown(built) + report.render_html(built)
    assert "LEAK" not in text
    assert built["totals"]["drift"]["pods_behind_secret"] == 1 and built["totals"]["secrets_audited"] == 2
    assert built["totals"]["secrets_with_readers_outside_allowed"] == 1 and built["totals"]["hygiene"]["expiring"] == 1


def test_gate():
    assert build()["gate"] == {"failed": False, "reasons": []}
    older = build({"pods_behind_secret_older_than": "1d"})["gate"]
    assert older["failed"] and "behind it since 2026-12-05T12:00:00Z" in older["reasons"][0]
    assert not build({"pods_behind_secret_older_than": "3d"})["gate"]["failed"]
    assert build({"drift_states": ["in_sync"]})["gate"]["reasons"] == ["Secret shop/api is in_sync"]
    assert "outside the allowed subjects" in build({"readers_outside_allowed": True})["gate"]["reasons"][0]
    assert build({"hygiene_categories": ["expiring"]})["gate"]["reasons"] == ["Secret shop/tls: expiring"]


def test_a_failed_module_is_an_error_of_its_cluster():
    built = build(drift={"failed": True, "msg": "cannot list Secrets"})
    assert built["clusters"][""]["errors"] == ["drift: cannot list Secrets"] and built["gate"]["failed"]
    assert not build({"errors": False}, drift={"failed": True, "msg": "x"})["gate"]["failed"]


def test_pages_escape_and_have_one_section_per_namespace():
    built = build()
    page = report.render_html(built)
    assert page.startswith("<!DOCTYPE html>") and "&lt;jane&gt;" in page and "<jane>" not in page and "<script" not in page
    markdown = report.render_markdown(built)
    assert "## Summary" in markdown and "## Namespace shop" in markdown and "### Who can read" in markdown
    assert report.stats(built) == {"run_id": "audit-1", "totals": built["totals"], "gate_failed": False, "gate_reasons": 0}


def test_a_fleet_report_sums_its_clusters_and_names_them_in_the_gate():
    results = {"east": {"drift": DRIFT, "access": ACCESS, "hygiene": HYGIENE},
               "west": {"drift": {"failed": True, "msg": "Vault sealed"}, "access": {"skipped": True}, "hygiene": HYGIENE}}
    built = report.build_report(results, "audit-2", "2026-12-07T12:00:00Z", {"hygiene_categories": ["expiring"]}, now=NOW)
    assert built["totals"]["clusters"] == 2 and built["totals"]["hygiene"]["expiring"] == 2 and built["totals"]["errors"] == 1
    assert built["clusters"]["west"]["drift"]["secrets"] == [] and built["clusters"]["west"]["access"]["secrets"] == []
    assert built["gate"]["reasons"] == ["east: Secret shop/tls: expiring", "west: drift: Vault sealed", "west: Secret shop/tls: expiring"]
    markdown = report.render_markdown(built)
    assert "## Namespace east / shop" in markdown and "## Namespace west / shop" in markdown and "## Error in west" in markdown
