# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The files of a report: ``<dest>/<run_id>.json`` and the readable ``<dest>/<run_id>.txt``; the
fleet report's are ``<dest>/<run_id>.fleet.json`` and ``.fleet.txt``.

The one place the rotation reports (per host and fleet) touch the disk, so both name, check and
write their files the same way. A host's report never takes a fleet report's name: its run id may
not end in ``.fleet``, so a cluster named ``fleet`` (``<run id>-fleet``) or any other cannot
overwrite the fleet report of its run, nor the fleet report a host's.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.report import check_run_id, to_json
from ansible_collections.secretops.provisioning.plugins.module_utils.timestamps import utc_now_text

FLEET_SUFFIX = ".fleet"


def utc_now():
    """The time a report is finished, as the reports write it."""
    return utc_now_text()


def report_paths(dest, run_id, fleet=False):
    """``(json_path, summary_path)`` of run ``run_id`` in ``dest`` (of its ``fleet`` report); refuses a run id
    that is not one safe file name, and a host's run id that would name a fleet report."""
    check_run_id(run_id)
    if not fleet and run_id.endswith(FLEET_SUFFIX):
        raise SecretOpsError("run_id %r ends in %s, which names the files of a fleet report (<run id>%s.json): choose another"
                             % (run_id, FLEET_SUFFIX, FLEET_SUFFIX))
    name = run_id + (FLEET_SUFFIX if fleet else "")
    return os.path.join(dest, name + ".json"), os.path.join(dest, name + ".txt")


def write_report_files(dest, run_id, report, summary, check_mode=False, fleet=False):
    """Write ``report`` as JSON and ``summary`` as text (not in check mode) and return the module result."""
    json_path, summary_path = report_paths(dest, run_id, fleet)
    if not check_mode:
        if not os.path.isdir(dest):
            os.makedirs(dest)
        for path, text in ((json_path, to_json(report)), (summary_path, summary)):
            with open(path, "w") as handle:
                handle.write(text)
    return {"changed": True, "report": report, "summary": summary, "json_path": json_path, "summary_path": summary_path}
