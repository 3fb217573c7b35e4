# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""secret_audit_report's arguments and what it does with them, shared by the module and the action
plugin of the same name: build the report (``report.py``) and write ``<dest>/<run_id>.audit.json``,
``.audit.md`` and ``.audit.html`` on the controller (not in check mode)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.secretops.provisioning.plugins.module_utils.audit import report as reports
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.report import check_run_id, to_json
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.report_files import utc_now

FAIL_ON_OPTIONS = dict(
    drift_states=dict(type="list", elements="str", default=[]),
    pods_behind_secret_older_than=dict(type="str", no_log=False),  # a duration
    readers_outside_allowed=dict(type="bool", default=False),
    hygiene_categories=dict(type="list", elements="str", default=[]),
    errors=dict(type="bool", default=True),
)

AUDIT_REPORT_ARGUMENT_SPEC = dict(
    dest=dict(type="path", required=True),
    run_id=dict(type="str", required=True),
    results=dict(type="dict", required=True),
    fail_on=dict(type="dict", default={}, options=FAIL_ON_OPTIONS),
    dry_run=dict(type="bool", default=False),
)


def report_paths(dest, run_id):
    check_run_id(run_id)
    base = os.path.join(dest, run_id + ".audit")
    return base + ".json", base + ".md", base + ".html"


def write_audit_report(params, check_mode):
    """Build the report of ``params['results']`` (cluster -> ``{drift, access, hygiene}``) and write its three files."""
    paths = report_paths(params["dest"], params["run_id"])
    report = reports.build_report(params["results"], params["run_id"], utc_now(), params["fail_on"], dry_run=params["dry_run"] or check_mode)
    texts = (to_json(report), reports.render_markdown(report), reports.render_html(report))
    if not check_mode:
        if not os.path.isdir(params["dest"]):
            os.makedirs(params["dest"])
        for path, text in zip(paths, texts):
            with open(path, "w") as handle:
                handle.write(text)
    return {"changed": not check_mode, "report": report, "stats": reports.stats(report), "gate": report["gate"],
            "json_path": paths[0], "markdown_path": paths[1], "html_path": paths[2]}
