# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two report tasks, secret_rotation_report and secret_rotation_fleet_report: their arguments
and what they do with them, shared by the modules and the action plugins of the same names.

The action plugins run the tasks on the controller, in the worker process, without starting a
module process: they only turn registered results into files, and a process per host costs a
fleet run about a third of a second of CPU per cluster (docs/scale.md).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import report as reports
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.fleet_report import ROLLBACK_SCOPES, write_fleet_report
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.report_files import utc_now, write_report_files

REPORT_ARGUMENT_SPEC = dict(
    dest=dict(type="path", required=True),
    run_id=dict(type="str", required=True),
    rotations=dict(type="raw", required=True),
    restart=dict(type="dict"),
    rollback=dict(type="raw"),
    rollback_restart=dict(type="dict"),
    rollback_reason=dict(type="str"),
    started=dict(type="str"),
    dynamic=dict(type="raw"),
    dynamic_revocations=dict(type="raw"),
    dry_run=dict(type="bool", default=False),
)

FLEET_REPORT_ARGUMENT_SPEC = dict(
    dest=dict(type="path", required=True),
    run_id=dict(type="str", required=True),
    reports=dict(type="dict", required=True),
    report_paths=dict(type="dict"),
    rollback_scope=dict(type="str", choices=list(ROLLBACK_SCOPES), default="fleet"),
    dry_run=dict(type="bool", default=False),
)


def write_report(params, check_mode):
    """secret_rotation_report: build one host's report from ``params`` and write it (not in check mode)."""
    reports.check_run_id(params["run_id"])
    report = reports.build_report(params["rotations"], params["restart"], params["rollback"], params["rollback_restart"],
                                  params["started"], utc_now(), params["run_id"], params["rollback_reason"],
                                  params["dynamic"], params["dynamic_revocations"], params.get("dry_run"))
    return write_report_files(params["dest"], params["run_id"], report, reports.render_summary(report), check_mode)


def write_fleet(params, check_mode):
    """secret_rotation_fleet_report: build the fleet's report from ``params`` and write it (not in check mode)."""
    return write_fleet_report(params["dest"], params["run_id"], params["reports"], params["report_paths"], params["rollback_scope"],
                              check_mode, params.get("dry_run"))
