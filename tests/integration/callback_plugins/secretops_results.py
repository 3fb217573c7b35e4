# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only callback: appends every task result, as the user would see it, to a JSON-lines file.

ansible-core ships no JSON callback (that one lives in ansible.posix), and the integration tests
want both the human output (to scan for leaked values) and structured results (to assert on).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: secretops_results
type: notification
short_description: Write task results to the file named by SECRETOPS_RESULTS_FILE (tests only)
description:
  - Appends one JSON object per task result to the file named by E(SECRETOPS_RESULTS_FILE).
"""

import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "notification"
    CALLBACK_NAME = "secretops_results"
    CALLBACK_NEEDS_ENABLED = True

    def _record(self, result, status):
        path = os.environ.get("SECRETOPS_RESULTS_FILE")
        if not path:
            return
        # Same censoring the stdout callbacks apply: no_log results stay hidden here too.
        shown = self._clean_results(dict(result._result), result._task.action) or result._result
        entry = {"task": result._task.get_name(), "host": result._host.get_name(), "status": status, "result": shown}
        with open(path, "a") as handle:
            handle.write(json.dumps(entry, default=str) + "\n")

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")
