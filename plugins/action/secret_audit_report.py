# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""secret_audit_report on the controller (plugin_utils/report_action.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.audit.report_task import AUDIT_REPORT_ARGUMENT_SPEC, write_audit_report
from ansible_collections.secretops.provisioning.plugins.plugin_utils.report_action import ReportAction


class ActionModule(ReportAction):
    argument_spec = AUDIT_REPORT_ARGUMENT_SPEC

    def write(self, params, check_mode):
        return write_audit_report(params, check_mode)
