#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: secret_rotation_fleet_report
short_description: Write the audit report of a secret rotation run over a fleet of clusters
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
  - Builds one report over the per-host reports that M(secretops.provisioning.secret_rotation_report) wrote in a fleet run, where
    each inventory host is one Kubernetes cluster and all clusters share one Vault.
  - Per cluster - its outcome, its secrets counted as rotated, resumed, skipped or failed, its restarts by rollout outcome, its
    dynamic secrets, whether it was rolled back, and the path of its own report.
  - Per Vault path - the version before the run, the version written and by which cluster (a path shared by several clusters is
    written once; the other clusters sync their Secret to it and show as resumed), and each cluster's Secret with its old and new
    version, whether it was resumed or rolled back and the version it ended on. A path whose clusters ended on different versions
    is flagged C(inconsistent) and listed in the summary as something to fix.
  - The fleet's outcome is the worst of its clusters' outcomes, in the order V(nothing_rotated), V(rotated), V(rolled_back),
    V(failed), V(rollback_failed). A cluster without a report (its host failed before the report was written) counts as V(failed).
  - Only whitelisted, value-free fields are copied from the per-host reports (names, versions, counts, outcomes, error messages),
    each checked for its type; value fingerprints are not copied.
  - Writes C(<dest>/<run_id>.fleet.json) and a readable C(<dest>/<run_id>.fleet.txt) on the controller, and returns both. No
    per-host report can take these names (M(secretops.provisioning.secret_rotation_report) refuses a O(run_id) ending in
    V(.fleet)), so a cluster of any name never overwrites the fleet report. The task runs as an action plugin, in the
    controller's worker process, without starting a module process on the host.
options:
  dest:
    description: Directory to write the report files to (created when missing).
    type: path
    required: true
  run_id:
    description:
      - Name of the run, used for the file names. 1 to 128 letters, digits, V(.), V(_) or V(-), starting with a letter or
        digit, without V(..), so it can never name a path outside O(dest).
      - The files are named C(<run_id>.fleet.json) and C(<run_id>.fleet.txt), so the run's own id may be used.
    type: str
    required: true
  reports:
    description:
      - Per cluster (usually the inventory host), the RV(secretops.provisioning.secret_rotation_report#module:report) of its
        M(secretops.provisioning.secret_rotation_report) task, or that task's whole registered result (whose
        RV(secretops.provisioning.secret_rotation_report#module:json_path) then serves as the cluster's report path).
      - A cluster whose value is missing or empty counts as V(failed), with C(no report (the host failed before its report was written)).
    type: dict
    required: true
  report_paths:
    description: Per cluster, the path of its JSON report, listed in the fleet report (overrides the path of a registered result in O(reports)).
    type: dict
  rollback_scope:
    description:
      - How the run rolled back a failed rollout - V(fleet), every cluster that received the new value, or V(cluster), only the
        cluster whose rollout failed.
      - Only recorded in the report and shown in the summary.
    type: str
    choices: [fleet, cluster]
    default: fleet
  dry_run:
    description:
      - The run was in check mode (pass V("{{ ansible_check_mode }}") to a task that runs with C(check_mode=false)). The report
        says so in RV(report.dry_run), and the summary's first line reads C(DRY RUN), that nothing was changed, and the
        outcome of a real run.
      - A cluster's report marked as a dry run marks the fleet report too.
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
seealso:
  - module: secretops.provisioning.secret_rotation_report
"""

EXAMPLES = r"""
- name: Write the fleet report once, from every cluster's report
  secretops.provisioning.secret_rotation_fleet_report:
    dest: /var/log/secretops
    run_id: "{{ rotate_secrets_run_id }}"
    dry_run: "{{ ansible_check_mode }}"
    # every host's registered report result; a host that failed before its report has none
    reports: >-
      {{ dict(ansible_play_hosts_all | zip(ansible_play_hosts_all | map('extract', hostvars, 'rotate_secrets_report')
              | map('default', {}))) }}
    rollback_scope: fleet
  run_once: true
  delegate_to: localhost
"""

RETURN = r"""
report:
  description: The fleet report (the same document as the JSON file).
  returned: always
  type: dict
  sample: {"run_id": "rotation-20260101T000000Z", "dry_run": false, "finished": "2026-01-01T00:05:00Z", "outcome": "rotated", "rollback_scope": "fleet",
           "clusters": {}, "vault_paths": {}, "inconsistent": [], "totals": {}}
  contains:
    dry_run:
      description: Whether the run was in check mode (nothing was changed; the outcome is what a real run would have reached).
      type: bool
      sample: false
    outcome:
      description: The worst of the clusters' outcomes - V(nothing_rotated), V(rotated), V(rolled_back), V(failed) or V(rollback_failed).
      type: str
      sample: rolled_back
    rollback_scope:
      description: The O(rollback_scope) of the run.
      type: str
      sample: fleet
    clusters:
      description:
        - Per cluster - C(outcome); C(error) when it had no report; C(report_path); C(started) and C(finished) of its run;
          C(secrets), counts C(selected), C(rotated), C(resumed), C(skipped) and C(failed); C(restarts), counts per rollout
          outcome plus C(up_to_date) and C(errors); C(dynamic), counts C(selected), C(replaced), C(revoked) and C(failed); and
          C(rollback) with C(performed), C(reason), C(restored) and C(failed).
      type: dict
      sample: {"cluster-a": {"outcome": "rotated", "report_path": "/var/log/secretops/cluster-a/rotation-1.json",
               "started": "2026-01-01T00:00:00Z", "finished": "2026-01-01T00:04:00Z",
               "secrets": {"selected": 2, "rotated": 1, "resumed": 0, "skipped": 1, "failed": 0},
               "restarts": {"complete": 2, "up_to_date": 1, "errors": 0}, "dynamic": {"selected": 0, "replaced": 0, "revoked": 0, "failed": 0},
               "rollback": {"performed": false, "reason": null, "restored": 0, "failed": 0}}}
    vault_paths:
      description:
        - Per Vault path - C(version_before) (the version the write replaced or, when nothing was written, the version the clusters
          read); C(version_written) and C(written_by), the cluster that wrote it (null when nothing was written); C(written_times),
          how many clusters wrote it (1 for a shared path); C(ended_on), the distinct versions the clusters' Secrets ended on;
          C(inconsistent), true when those differ.
        - C(clusters) lists each cluster's Secret on the path - C(cluster), C(namespace), C(secret), C(old_version), C(new_version),
          C(resumed), C(skipped), C(rolled_back) and C(ended_on) (null when unknown); C(restored_version) when rolled back;
          C(error) when its rotation failed; C(rollback_error) and C(restore_version) when its roll-back failed.
      type: dict
      sample: {"secret/data/shop/db": {"version_before": 3, "version_written": 4, "written_by": "cluster-a", "written_times": 1,
               "ended_on": [4], "inconsistent": false, "clusters": [
                 {"cluster": "cluster-a", "namespace": "shop", "secret": "db", "old_version": 3, "new_version": 4, "resumed": false,
                  "skipped": false, "rolled_back": false, "ended_on": 4},
                 {"cluster": "cluster-b", "namespace": "shop", "secret": "db", "old_version": 3, "new_version": 4, "resumed": true,
                  "skipped": false, "rolled_back": false, "ended_on": 4}]}}
    inconsistent:
      description: The Vault paths whose clusters ended on different versions.
      type: list
      elements: str
      sample: []
    totals:
      description:
        - C(clusters) and C(outcomes) (clusters per outcome); C(secrets), C(restarts) and C(dynamic), the clusters' counts summed;
          C(rollbacks), the clusters rolled back; C(vault_paths), C(vault_paths_written) and C(inconsistent), counts of Vault paths.
      type: dict
      sample: {"clusters": 3, "outcomes": {"rotated": 3}, "secrets": {"selected": 3, "rotated": 1, "resumed": 2, "skipped": 0, "failed": 0},
               "restarts": {"complete": 3, "up_to_date": 0, "errors": 0}, "dynamic": {"selected": 0, "replaced": 0, "revoked": 0, "failed": 0},
               "rollbacks": 0, "vault_paths": 1, "vault_paths_written": 1, "inconsistent": 0}
summary:
  description: The readable summary (the same text as the .txt file).
  returned: always
  type: str
  sample: "Fleet secret rotation fleet-20260101T000000Z: ROTATED"
json_path:
  description: Path of the JSON report.
  returned: always
  type: str
  sample: /var/log/secretops/rotation-20260101T000000Z.fleet.json
summary_path:
  description: Path of the summary.
  returned: always
  type: str
  sample: /var/log/secretops/rotation-20260101T000000Z.fleet.txt
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.report_tasks import FLEET_REPORT_ARGUMENT_SPEC, write_fleet


# The action plugin of the same name runs this task on the controller (report_tasks.py says why);
# the module itself runs the same code when it is started on its own (unit tests, a direct python call).
def main():
    module = AnsibleModule(argument_spec=FLEET_REPORT_ARGUMENT_SPEC, supports_check_mode=True)
    run(module, lambda: write_fleet(module.params, module.check_mode))


if __name__ == "__main__":
    main()
