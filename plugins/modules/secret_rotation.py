#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: secret_rotation
short_description: Rotate a secret in Vault KV and its Kubernetes Secret, or roll a rotation back
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
  - O(state=rotated) writes new values for the fields in O(generate) (generated) and O(new_values)
    (given) to Vault as a new KV v2 version, with check-and-set against the version read, and only
    then updates the Kubernetes Secret built from it (see M(secretops.provisioning.secret_sync)
    for the checks the Secret gets and how values that are not strings are written). Other fields
    carry over. If Vault cannot be written, Kubernetes is not touched.
  - The Secret carries C(secretops.io/vault-path) and C(secretops.io/vault-version) and nothing
    derived from a value.
  - When the Secret's C(secretops.io/vault-version) annotation is older than Vault's current
    version (a run wrote Vault but not Kubernetes), the run finishes that rotation instead of
    generating again (RV(resumed)).
  - With O(only_if_older_than), a secret whose current Vault version is younger is left alone (RV(rotation_skipped)).
  - O(state=rolled_back) writes the data of O(to_version) as a new current version (the KV v2
    equivalent of C(vault kv rollback)) and puts it back into the Kubernetes Secret.
  - Results carry versions and value fingerprints, never values. A fingerprint is C(hmac:) and 12 hex
    digits of an HMAC-SHA256 keyed with a random key drawn for each task run and never shown. The
    C(old) and C(new) fingerprints of one result compare, but no fingerprint can be checked against a
    guessed value, nor compared with another run's.
  - Restarting the consumers is M(secretops.provisioning.k8s_rollout_restart)'s job, so several
    rotations restart each workload once.
options:
  state:
    description: Rotate, or restore an earlier version.
    type: str
    default: rotated
    choices: [rotated, rolled_back]
  new_values:
    description: Given new values for fields (instead of generating them). Never shown.
    type: dict
    default: {}
  only_if_older_than:
    description:
      - Rotate only when the current Vault version is at least this old - seconds, or a duration
        such as V(30d), V(12h), V(1w2d).
    type: str
  to_version:
    description: The Vault version to restore, for O(state=rolled_back).
    type: int
  secrets:
    description:
      - Many secrets rotated in one task (O(state=rotated) only), each item the options above for one secret.
        O(namespace), O(type), O(mount_point), O(generate), O(mapping), O(keep_previous), O(new_values) and
        O(only_if_older_than) given at task level apply to the items that do not set them; O(to_version) is refused.
      - One Vault session and one Kubernetes client for the whole list, and one LIST per namespace reads the Secrets.
        Every item is read and decided first, O(concurrency) at a time, writing nothing; then the writes go one secret
        at a time in input order, Vault first, then its Secret, so a run that dies leaves at most one secret between
        the two writes (the next run resumes it) and the later ones untouched.
      - An item that fails does not stop the others (see the notes); every item's result is in RV(rotations).
      - Mutually exclusive with O(name) and O(vault_path).
    type: list
    elements: dict
    suboptions:
      name:
        description: See O(name).
        type: str
        required: true
      namespace:
        description: See O(namespace).
        type: str
      type:
        description: See O(type).
        type: str
        choices: [opaque, basic-auth, tls, dockerconfigjson]
      vault_path:
        description: See O(vault_path).
        type: str
        required: true
      mount_point:
        description: See O(mount_point).
        type: str
      generate:
        description: See O(generate).
        type: dict
      mapping:
        description: See O(mapping).
        type: dict
      keep_previous:
        description: See O(keep_previous).
        type: bool
      new_values:
        description: See O(new_values).
        type: dict
      only_if_older_than:
        description: See O(only_if_older_than).
        type: str
extends_documentation_fragment:
  - secretops.provisioning.secret_sync
  - secretops.provisioning.vault_dict
  - secretops.provisioning.k8s_connection
  - secretops.provisioning.attributes
  - secretops.provisioning.attributes.action_group_k8s
  - secretops.provisioning.list_form
attributes:
  check_mode:
    support: full
    details: Reports what would rotate; writes nothing.
  diff_mode:
    support: full
    details:
      - One diff per Kubernetes Secret created or changed (rotated, resumed or rolled back) - its type, the C(secretops.io/vault-*)
        annotations and per key whether it is added, removed or changed, with a salted fingerprint, never a value (as
        M(secretops.provisioning.k8s_secret) shows).
      - The new Vault version is not shown as a diff; RV(rotated_fields) and RV(fingerprints) describe it.
seealso:
  - module: secretops.provisioning.secret_sync
  - module: secretops.provisioning.k8s_rollout_restart
"""

EXAMPLES = r"""
- name: Rotate the database password if it is older than 30 days, keeping the old one for a grace window
  secretops.provisioning.secret_rotation:
    name: db-credentials
    namespace: shop
    type: basic-auth
    vault_path: secret/shop/db
    generate:
      password: {length: 32}
    keep_previous: true
    only_if_older_than: 30d
  register: rotation

- name: Put the previous version back
  secretops.provisioning.secret_rotation:
    state: rolled_back
    name: db-credentials
    namespace: shop
    type: basic-auth
    vault_path: secret/shop/db
    to_version: "{{ rotation.old_version }}"

- name: Rotate every secret of an application that is due, in one task
  secretops.provisioning.secret_rotation:
    namespace: shop
    mount_point: secret
    only_if_older_than: 30d
    secrets:
      - name: db-credentials
        type: basic-auth
        vault_path: shop/db
        generate: {password: {length: 32}}
      - name: api
        vault_path: shop/api
        generate: {API_KEY: {}}
  register: rotations
"""

RETURN = r"""
name:
  description: Name of the Kubernetes Secret, as M(secretops.provisioning.k8s_secret) returns it.
  returned: always
  type: str
  sample: db-credentials
namespace:
  description: Namespace of the Kubernetes Secret.
  returned: always
  type: str
  sample: shop
secret:
  description:
    - The Kubernetes Secret, as a dict that names it (the first keys of M(secretops.provisioning.k8s_secret)'s C(secret)).
    - Before 0.2.0 the name as a string; read RV(name) for the name.
  returned: always
  type: dict
  contains:
    name:
      description: Name of the Secret, the same as RV(name).
      returned: always
      type: str
      sample: db-credentials
    namespace:
      description: Namespace of the Secret, the same as RV(namespace).
      returned: always
      type: str
      sample: shop
  sample: {"name": "db-credentials", "namespace": "shop"}
vault_path:
  description: Full KV path.
  returned: always
  type: str
  sample: secret/shop/db
old_version:
  description: Vault version before the rotation (or the version the Secret held, when RV(resumed)).
  returned: state=rotated
  type: int
  sample: 3
new_version:
  description: Vault version after the rotation or roll-back.
  returned: always
  type: int
  sample: 4
rotated_fields:
  description: Fields that got new values.
  returned: state=rotated
  type: list
  elements: str
  sample: [password]
fingerprints:
  description: Per rotated field, C(old) and C(new) value fingerprints (rotated); per field, the restored fingerprint (rolled_back).
  returned: always
  type: dict
  sample: {"password": {"old": "hmac:1f2e3d4c5b6a", "new": "hmac:a6b5c4d3e2f1"}}
rotation_skipped:
  description:
    - Whether the secret was left alone - not due by O(only_if_older_than), or nothing to rotate (no generate rule, no new
      value). RV(reason) says which. The task then reports C(ok), in the single and the list form.
  returned: state=rotated
  type: bool
  sample: false
skipped:
  description:
    - The same as RV(rotation_skipped), in the entries of RV(rotations) only.
    - The single form no longer returns it, since Ansible shows a task whose result holds C(skipped=true) as skipped.
  returned: in the entries of RV(rotations)
  type: bool
  sample: false
resumed:
  description: Whether the run finished an interrupted rotation instead of starting one.
  returned: state=rotated
  type: bool
  sample: false
reason:
  description: Why the secret rotated, or did not.
  returned: state=rotated
  type: str
  sample: rotation requested
attempts:
  description: Kubernetes write attempts (more than 1 when a concurrent writer caused a 409 conflict).
  returned: when the Secret was written
  type: int
  sample: 1
restored_version:
  description: The version whose data was restored.
  returned: state=rolled_back
  type: int
  sample: 3
replaced_version:
  description: The Vault version that was current before the roll-back.
  returned: state=rolled_back
  type: int
  sample: 4
duration:
  description: Seconds the run took.
  returned: always
  type: float
  sample: 0.4
rotations:
  description:
    - With O(secrets), one result per item in input order, with the keys above for O(state=rotated) (RV(skipped) too), and
      C(changed); C(name), C(secret), C(namespace), C(failed) and C(msg) (and C(vault_path) when known) for an item that failed.
    - Not named C(results), because Ansible shows a task whose C(results) are all skipped as skipped.
  returned: with O(secrets)
  type: list
  elements: dict
  sample: [{"name": "db-credentials", "secret": {"name": "db-credentials", "namespace": "shop"}, "namespace": "shop",
            "vault_path": "secret/shop/db",
            "old_version": 3, "new_version": 4, "rotated_fields": ["password"],
            "fingerprints": {"password": {"old": "hmac:1f2e3d4c5b6a", "new": "hmac:a6b5c4d3e2f1"}},
            "rotation_skipped": false, "skipped": false, "resumed": false, "reason": "rotation requested", "attempts": 1, "duration": 0.1, "changed": true}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import k8s_session
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import bulk, options, service


def rotate(module):
    params = module.params
    if params["secrets"] is not None:
        if params["state"] == "rolled_back":
            raise SecretOpsError("state=rolled_back takes one secret (name, vault_path, to_version), not secrets: roll back each secret "
                                 "in its own task")
        return bulk.rotate_all(params, module.check_mode, options.diff_fingerprinter(module._diff))
    spec = options.secret_spec(params)
    with options.vault_session(params) as vault, k8s_session(options.k8s_params(params)) as k8s:
        if params["state"] == "rolled_back":
            return service.roll_back(vault, k8s, spec, params["namespace"], params["to_version"], params["mount_point"], module.check_mode,
                                     fingerprinter=options.diff_fingerprinter(module._diff))
        return service.rotate(vault, k8s, spec, params["namespace"], params["mount_point"], params["new_values"],
                              params["only_if_older_than"], module.check_mode, fingerprinter=options.diff_fingerprinter(module._diff))


def main():
    spec = options.argument_spec(
        item_extra=dict(new_values=dict(type="dict", no_log=True), only_if_older_than=dict(type="str")),
        state=dict(type="str", default="rotated", choices=["rotated", "rolled_back"]),
        new_values=dict(type="dict", default={}, no_log=True),
        only_if_older_than=dict(type="str"),
        to_version=dict(type="int"),
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True, required_if=[("state", "rolled_back", ["to_version"])],
                           **options.LIST_FORM)
    run(module, lambda: rotate(module))


if __name__ == "__main__":
    main()
