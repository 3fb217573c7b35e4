#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: secret_rotation_report
short_description: Write the audit report of a secret rotation run
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
  - Builds the audit report of a rotation run from the registered results of
    M(secretops.provisioning.secret_rotation) and M(secretops.provisioning.k8s_rollout_restart) -
    per secret the Vault path, old and new version and value fingerprints; the consumers restarted
    and each rollout's outcome; the roll-back, if any; timings.
  - Only whitelisted, value-free fields are copied from the results, so no value can reach the report.
  - Writes C(<dest>/<run_id>.json) and a readable C(<dest>/<run_id>.txt), and returns both.
options:
  dest:
    description: Directory to write the report files to (created when missing).
    type: path
    required: true
  run_id:
    description: Name of the run, used for the file names.
    type: str
    required: true
  rotations:
    description: Registered result of the M(secretops.provisioning.secret_rotation) loop.
    type: raw
    required: true
  restart:
    description: Registered result of M(secretops.provisioning.k8s_rollout_restart).
    type: dict
  rollback:
    description: Registered result of the roll-back loop.
    type: raw
  rollback_restart:
    description: Registered result of the restart after the roll-back.
    type: dict
  rollback_reason:
    description: Why the rotation was rolled back.
    type: str
  started:
    description: When the run started (ISO 8601).
    type: str
attributes:
  check_mode:
    support: full
    description: Builds and returns the report; writes no file.
  diff_mode:
    support: none
    description: The report is the output.
"""

EXAMPLES = r"""
- name: Write the audit report
  secretops.provisioning.secret_rotation_report:
    dest: /var/log/secretops
    run_id: "rotation-{{ now(utc=true, fmt='%Y%m%dT%H%M%SZ') }}"
    rotations: "{{ rotation_results }}"
    restart: "{{ restart_result }}"
"""

RETURN = r"""
report:
  description: The report (the same document as the JSON file).
  returned: always
  type: dict
  sample: {"outcome": "rotated", "secrets": [], "restarts": [], "rollback": {"performed": false}}
summary:
  description: The readable summary (the same text as the .txt file).
  returned: always
  type: str
  sample: "Secret rotation rotation-20260101T000000Z: ROTATED"
json_path:
  description: Path of the JSON report.
  returned: always
  type: str
  sample: /var/log/secretops/rotation-20260101T000000Z.json
summary_path:
  description: Path of the summary.
  returned: always
  type: str
  sample: /var/log/secretops/rotation-20260101T000000Z.txt
"""

import datetime
import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import report as reports


def write(module):
    params = module.params
    finished = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    report = reports.build_report(params["rotations"], params["restart"], params["rollback"], params["rollback_restart"],
                                  params["started"], finished, params["run_id"], params["rollback_reason"])
    summary = reports.render_summary(report)
    json_path = os.path.join(params["dest"], params["run_id"] + ".json")
    summary_path = os.path.join(params["dest"], params["run_id"] + ".txt")
    if not module.check_mode:
        if not os.path.isdir(params["dest"]):
            os.makedirs(params["dest"])
        for path, text in ((json_path, reports.to_json(report)), (summary_path, summary)):
            with open(path, "w") as handle:
                handle.write(text)
    return {"changed": True, "report": report, "summary": summary, "json_path": json_path, "summary_path": summary_path}


def main():
    module = AnsibleModule(
        argument_spec=dict(
            dest=dict(type="path", required=True),
            run_id=dict(type="str", required=True),
            rotations=dict(type="raw", required=True),
            restart=dict(type="dict"),
            rollback=dict(type="raw"),
            rollback_restart=dict(type="dict"),
            rollback_reason=dict(type="str"),
            started=dict(type="str"),
        ),
        supports_check_mode=True,
    )
    run(module, lambda: write(module))


if __name__ == "__main__":
    main()
