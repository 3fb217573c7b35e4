#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: secret_audit_report
short_description: Write the report of a secret audit over one cluster or a fleet
version_added: 0.2.0
author: secretops maintainers (@secretops)
description:
  - Builds one report from the registered results of M(secretops.provisioning.secret_drift_info),
    M(secretops.provisioning.k8s_secret_access_info) and M(secretops.provisioning.k8s_secret_hygiene_info), per cluster -
    counts per drift state and hygiene category, the readers outside the allowed subjects, and every Secret's state,
    readers and findings.
  - Only whitelisted, value-free fields are copied from the results.
  - Evaluates the O(fail_on) gate and returns its reasons in RV(gate); the task does not fail by itself (the
    C(secretops.provisioning.audit) playbook fails the play after publishing the counts).
  - Writes C(<dest>/<run_id>.audit.json) for machines, and C(<dest>/<run_id>.audit.md) and a standalone
    C(<dest>/<run_id>.audit.html) page (a summary table, the gate, then one section per namespace) for people, on the
    controller. The task runs as an action plugin.
options:
  dest:
    description: Directory to write the report files to (created when missing).
    type: path
    required: true
  run_id:
    description: Name of the run, used for the file names; 1 to 128 letters, digits, V(.), V(_) or V(-), without V(..).
    type: str
    required: true
  results:
    description:
      - Cluster name (V("") for a single cluster) to a dict with the registered results C(drift), C(access) and C(hygiene)
        of the three audit modules. A failed result is reported as an error of that cluster; a missing or skipped one as empty.
    type: dict
    required: true
  fail_on:
    description: What fails the gate.
    type: dict
    default: {}
    suboptions:
      drift_states:
        description: Drift states that fail, for example V(secret_behind_vault) and V(vault_path_missing).
        type: list
        elements: str
        default: []
      pods_behind_secret_older_than:
        description: Fail when a Secret's Pods have been behind it for longer than this (V(1d), V(12h), seconds).
        type: str
      readers_outside_allowed:
        description: Fail when a Secret is readable by a subject outside the access audit's C(allowed_subjects).
        type: bool
        default: false
      hygiene_categories:
        description: Hygiene categories that fail, for example V(expiring).
        type: list
        elements: str
        default: []
      errors:
        description: Fail when an audit module failed on a cluster.
        type: bool
        default: true
  dry_run:
    description: Mark the report as made in check mode.
    type: bool
    default: false
extends_documentation_fragment:
  - secretops.provisioning.attributes
attributes:
  check_mode:
    support: full
    details: Builds and returns the report; writes no file.
  diff_mode:
    support: none
    details: The report is the output.
"""

EXAMPLES = r"""
- name: Write the audit report of this cluster
  secretops.provisioning.secret_audit_report:
    dest: /var/log/secretops
    run_id: "audit-{{ now(utc=true, fmt='%Y%m%dT%H%M%SZ') }}"
    results:
      "": {drift: "{{ drift }}", access: "{{ access }}", hygiene: "{{ hygiene }}"}
    fail_on:
      drift_states: [vault_path_missing]
      pods_behind_secret_older_than: 1d
      readers_outside_allowed: true
  register: audit_report
"""

RETURN = r"""
report:
  description:
    - The report - C(run_id), C(finished), C(dry_run), C(clusters) (per cluster C(drift), C(access), C(hygiene), C(errors) and
      C(counts)), C(totals) and C(gate).
  returned: always
  type: dict
  sample: {"run_id": "audit-1", "totals": {"clusters": 1, "secrets_audited": 3}, "gate": {"failed": false, "reasons": []}}
stats:
  description: The counts to publish with C(set_stats) - C(run_id), C(totals), C(gate_failed), C(gate_reasons) (how many).
  returned: always
  type: dict
  sample: {"run_id": "audit-1", "totals": {"clusters": 1, "secrets_audited": 3}, "gate_failed": false, "gate_reasons": 0}
gate:
  description: C(failed) and the C(reasons) the gate failed for.
  returned: always
  type: dict
  sample: {"failed": true, "reasons": ["Secret shop/db is vault_path_missing"]}
json_path:
  description: Path of the JSON report.
  returned: always
  type: str
  sample: /var/log/secretops/audit-1.audit.json
markdown_path:
  description: Path of the Markdown page.
  returned: always
  type: str
  sample: /var/log/secretops/audit-1.audit.md
html_path:
  description: Path of the HTML page.
  returned: always
  type: str
  sample: /var/log/secretops/audit-1.audit.html
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.audit.report_task import AUDIT_REPORT_ARGUMENT_SPEC, write_audit_report
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run


# The action plugin of the same name runs this task on the controller; the module runs the same code when started on its own.
def main():
    module = AnsibleModule(argument_spec=AUDIT_REPORT_ARGUMENT_SPEC, supports_check_mode=True)
    run(module, lambda: write_audit_report(module.params, module.check_mode))


if __name__ == "__main__":
    main()
