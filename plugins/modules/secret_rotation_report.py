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
  - The outcome is V(rotated), V(nothing_rotated), V(failed) (a secret could not be rotated, or a restart
    or rollout failed with nothing of the run to roll back), V(rolled_back) or V(rollback_failed) (the
    roll-back failed for a secret or its consumers; the report names the version to restore).
  - A restarted consumer none of whose Secrets changed in the run is marked C(stale_from_earlier_run) when
    its stamp was stale before the run (an earlier run was interrupted, or the Secret changed outside the role),
    and C(never_stamped) when it had no stamp and its Pods may predate the Secret's current content.
  - A consumer never stamped whose Pods all started after its Secrets' last writes is stamped without a
    restart and listed in RV(report.stamped), apart from the restarts and from the consumers already up to date.
  - Writes C(<dest>/<run_id>.json) and a readable C(<dest>/<run_id>.txt) on the controller, and returns both. The task runs
    as an action plugin, in the controller's worker process, without starting a module process on the host.
options:
  dest:
    description: Directory to write the report files to (created when missing).
    type: path
    required: true
  run_id:
    description:
      - Name of the run, used for the file names. 1 to 128 letters, digits, V(.), V(_) or V(-), starting with a letter or
        digit, without V(..), so it can never name a path outside O(dest).
      - It may not end in V(.fleet), which names the files of a fleet report (M(secretops.provisioning.secret_rotation_fleet_report)).
    type: str
    required: true
  rotations:
    description: Registered result of the M(secretops.provisioning.secret_rotation) loop.
    type: raw
    required: true
  restart:
    description:
      - Registered result of M(secretops.provisioning.k8s_rollout_restart), or of a loop of it (one item per namespace).
        Failed items are reported as restart errors.
    type: dict
  rollback:
    description: Registered result of the roll-back loop. Failed items are reported as roll-back errors.
    type: raw
  rollback_restart:
    description: Registered result of the restart after the roll-back. Failed items are reported as roll-back errors.
    type: dict
  rollback_reason:
    description: Why the rotation was rolled back.
    type: str
  started:
    description: When the run started (ISO 8601).
    type: str
  dynamic:
    description:
      - Registered results of the M(secretops.provisioning.vault_pki_certificate) and M(secretops.provisioning.vault_database_credentials)
        tasks that renewed or re-issued the dynamic secrets (a loop result or a list of them). The report lists their serials, ends of
        validity, lease ids and lease ends.
    type: raw
  dynamic_revocations:
    description:
      - Registered results of the same modules run with O(secretops.provisioning.vault_pki_certificate#module:revoke_replaced=true) after
        the rollouts were healthy. A dynamic secret that replaced something and has no revocation here is reported as not revoked.
    type: raw
  dry_run:
    description:
      - The run was in check mode, so nothing was changed (pass V("{{ ansible_check_mode }}") to a task that runs with
        C(check_mode=false), as the rotate_secrets role does). The report says so in RV(report.dry_run), and the summary's first
        line reads C(DRY RUN), that nothing was changed, and the outcome a real run would have reached.
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
- name: Write the audit report
  secretops.provisioning.secret_rotation_report:
    dest: /var/log/secretops
    run_id: "rotation-{{ now(utc=true, fmt='%Y%m%dT%H%M%SZ') }}"
    rotations: "{{ rotation_results }}"
    restart: "{{ restart_result }}"
    dry_run: "{{ ansible_check_mode }}"
  check_mode: false
"""

RETURN = r"""
report:
  description: The report (the same document as the JSON file).
  returned: always
  type: dict
  sample: {"outcome": "rotated", "secrets": [], "restarts": [], "up_to_date": [], "stamped": [], "restart_errors": [],
           "rollback": {"performed": false}}
  contains:
    dry_run:
      description: Whether the run was in check mode (nothing was changed; RV(report.outcome) is what a real run would have reached).
      type: bool
      sample: false
    outcome:
      description: V(rotated), V(nothing_rotated), V(failed), V(rolled_back) or V(rollback_failed).
      type: str
      sample: rotated
    restarts:
      description:
        - The consumers restarted, or not restartable, with their rollout outcome. Consumers whose stamps were
          already current are in RV(report.up_to_date) instead.
        - Consumers stamped without a restart are in RV(report.stamped) instead.
        - For a consumer restarted although none of its Secrets changed in this run, C(stale_from_earlier_run) is true when
          its stamp was another content's, C(never_stamped) when it had none and its Pods may predate the Secret's
          current content. C(cause) is the restart module's (V(stale_stamp) or V(never_stamped)).
      type: list
      elements: dict
      sample: [{"kind": "Deployment", "name": "web", "outcome": "complete", "stale_from_earlier_run": true, "never_stamped": false,
                "cause": "stale_stamp"}]
    stamped:
      description:
        - C(Kind/name) of the consumers never stamped whose Pods all started after the Secret's current content was
          written - stamped without a restart.
      type: list
      elements: str
      sample: [Deployment/web]
    up_to_date:
      description: C(Kind/name) of the consumers whose stamps were current (not restarted).
      type: list
      elements: str
      sample: [Deployment/api]
    restart_errors:
      description: Per namespace, the error that stopped the restart of its consumers.
      type: list
      elements: dict
      sample: [{"namespace": "shop", "error": "permission denied"}]
    dynamic:
      description:
        - Per dynamic secret - its source (V(pki) or V(database)); the certificate's serial and end of validity, or the lease id
          and lease end; whether it was re-issued (C(replaced)) and what it replaced (C(replaced_serial), C(replaced_lease_id));
          and C(revocation), whether the replaced certificate or credentials were revoked after healthy rollouts.
        - Never a key or a password.
      type: list
      elements: dict
      sample: [{"secret": "shop-tls", "source": "pki", "serial": "21:09:53", "not_after": "2026-11-26T10:00:00Z", "replaced": true,
                "replaced_serial": "14:18:0a", "revocation": "revoked"}]
    rollback:
      description: Whether a roll-back ran, why, the secrets restored, its errors (with the version to restore) and its restarts.
      type: dict
      sample: {"performed": true, "reason": "rollout failed: Deployment/web", "secrets": [], "errors": [], "restarts": []}
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

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.report_tasks import REPORT_ARGUMENT_SPEC, write_report


# The action plugin of the same name runs this task on the controller (report_tasks.py says why);
# the module itself runs the same code when it is started on its own (unit tests, a direct python call).
def main():
    module = AnsibleModule(argument_spec=REPORT_ARGUMENT_SPEC, supports_check_mode=True)
    run(module, lambda: write_report(module.params, module.check_mode))


if __name__ == "__main__":
    main()
