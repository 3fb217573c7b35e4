# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The files of a report: ``<dest>/<run_id>.json`` and the readable ``<dest>/<run_id>.txt``.

The one place the rotation reports (per host and fleet) touch the disk, so both name, check and
write their files the same way.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import os

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.report import check_run_id, to_json


def utc_now():
    """The time a report is finished, as the reports write it."""
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def report_paths(dest, run_id):
    """``(json_path, summary_path)`` of run ``run_id`` in ``dest``; refuses a run id that is not one safe file name."""
    check_run_id(run_id)
    return os.path.join(dest, run_id + ".json"), os.path.join(dest, run_id + ".txt")


def write_report_files(dest, run_id, report, summary, check_mode=False):
    """Write ``report`` as JSON and ``summary`` as text (not in check mode) and return the module result."""
    json_path, summary_path = report_paths(dest, run_id)
    if not check_mode:
        if not os.path.isdir(dest):
            os.makedirs(dest)
        for path, text in ((json_path, to_json(report)), (summary_path, summary)):
            with open(path, "w") as handle:
                handle.write(text)
    return {"changed": True, "report": report, "summary": summary, "json_path": json_path, "summary_path": summary_path}
