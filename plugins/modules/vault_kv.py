#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vault_kv
short_description: Write or delete a secret on a Vault or OpenBao KV v1 or v2 mount
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
  - Writes O(data) at O(path) when it differs from the latest version, or deletes the secret.
  - The KV version is detected from the mount. Returns the version written and key names, never values;
    the diff shows key names with hidden values.
  - O(only_if_missing) writes only when the path holds no live version (the "generate once" case);
    on KV v2 the write uses C(cas=0), so a concurrent writer cannot be overwritten.
  - Give one secret with O(path), or many with O(secrets) (one login, one HTTP session, results in input order).
  - Beside O(secrets), the task-level O(mount_point), O(only_if_missing), O(max_versions), O(custom_metadata),
    O(state) and O(delete_all_versions) apply to every item that does not set them; O(data), O(cas) and
    O(destroy_versions) are per secret and fail the task when set at task level.
options:
  path:
    description:
      - Path of the secret. Either the full path (V(secret/app/db), the mount is detected) or a path
        inside O(mount_point). Do not include C(data/) for KV v2. Mutually exclusive with O(secrets).
    type: str
  mount_point:
    description:
      - Path of the KV mount, when O(path) is relative to it.
      - The alias O(engine_mount_point) is community.hashi_vault's name for it (there, C(mount_point) is the auth mount).
    type: str
    aliases: [engine_mount_point]
  data:
    description: The secret's key/value map. Required to write unless only v2 metadata is managed.
    type: dict
  cas:
    description:
      - KV v2 check-and-set; the write succeeds only if the current version is this number (V(0) means absent).
      - Vault compares it with the current version even when that version is deleted or destroyed;
        the error then says which version to name, or how to start again.
    type: int
  only_if_missing:
    description:
      - Write only when the path has no live version; an existing secret is left as it is.
      - On KV v2 the write is atomic (check-and-set on the current version, V(0) when there is none), so a
        concurrent writer is never overwritten. A current version that is deleted (soft delete) or destroyed
        counts as missing, so a new version is written after it, and the deleted one stays recoverable
        (RV(replaced_version)).
    type: bool
    default: false
  max_versions:
    description: KV v2 metadata, how many versions to keep.
    type: int
  custom_metadata:
    description: KV v2 metadata, a map of string to string.
    type: dict
  state:
    description:
      - V(present) writes the secret; V(absent) deletes the latest version (KV v2 soft delete), destroys
        O(destroy_versions), or with O(delete_all_versions) removes the secret and all its versions.
    type: str
    choices: [present, absent]
    default: present
  destroy_versions:
    description: With O(state=absent) on KV v2, permanently destroy these versions.
    type: list
    elements: int
  delete_all_versions:
    description: With O(state=absent) on KV v2, delete the metadata and every version.
    type: bool
    default: false
  secrets:
    description:
      - Many secrets in one task, each with the same options as a single secret. Mutually exclusive with O(path).
      - An item's option that is not set takes the task-level value.
    type: list
    elements: dict
    suboptions:
      path:
        description: Same as the top-level O(path).
        type: str
        required: true
      mount_point:
        description: Same as the top-level O(mount_point); defaults to it.
        type: str
        aliases: [engine_mount_point]
      data:
        description: Same as the top-level O(data).
        type: dict
      cas:
        description: Same as the top-level O(cas).
        type: int
      only_if_missing:
        description: Same as the top-level O(only_if_missing); defaults to it.
        type: bool
      max_versions:
        description: Same as the top-level O(max_versions); defaults to it.
        type: int
      custom_metadata:
        description: Same as the top-level O(custom_metadata); defaults to it.
        type: dict
      state:
        description: Same as the top-level O(state); defaults to it.
        type: str
        choices: [present, absent]
      destroy_versions:
        description: Same as the top-level O(destroy_versions).
        type: list
        elements: int
      delete_all_versions:
        description: Same as the top-level O(delete_all_versions); defaults to it.
        type: bool
extends_documentation_fragment:
  - secretops.provisioning.vault_connection
  - secretops.provisioning.vault_connection.auth
  - secretops.provisioning.attributes
  - secretops.provisioning.attributes.action_group_vault
  - secretops.provisioning.list_form
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details: Key names only; values are hidden.
"""

EXAMPLES = r"""
- name: Generate a database password once
  secretops.provisioning.vault_kv:
    path: secret/app/db
    data:
      password: "{{ lookup('ansible.builtin.password', '/dev/null', length=32) }}"
    only_if_missing: true

- name: Write with check-and-set and keep five versions
  secretops.provisioning.vault_kv:
    mount_point: secret
    path: app/api
    data: {key: "{{ api_key }}"}
    cas: 3
    max_versions: 5

- name: Destroy two versions
  secretops.provisioning.vault_kv:
    path: secret/app/api
    state: absent
    destroy_versions: [1, 2]
"""

RETURN = r"""
mount:
  description: The KV mount (single form).
  returned: when O(path) is given
  type: str
  sample: secret
kv_version:
  description: KV version of the mount (single form).
  returned: when O(path) is given
  type: int
  sample: 2
version:
  description: KV v2 version written, or the current one when nothing was written.
  returned: when O(path) is given and O(state=present)
  type: int
  sample: 4
changed_keys:
  description: Keys whose value was (or would be) written.
  returned: when O(path) is given and O(state=present)
  type: list
  elements: str
  sample: [password]
replaced_version:
  description:
    - On KV v2, when the current version was deleted (soft delete) or destroyed, so the secret counted as
      missing - its number and V(deleted) or V(destroyed). A write makes a new version after it.
  returned: when that happened
  type: dict
  sample: {"version": 3, "state": "deleted"}
skipped_existing:
  description: True when O(only_if_missing) left an existing secret alone.
  returned: when that happened
  type: bool
  sample: true
action:
  description: For O(state=absent), what was done, V(none), V(deleted), V(destroyed) or V(deleted_all_versions).
  returned: when O(state=absent)
  type: str
  sample: deleted
results:
  description: Per-secret results in input order (list form).
  returned: when O(secrets) is given
  type: list
  elements: dict
  sample: [{"mount": "secret", "path": "app/db", "version": 1, "changed": true}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils import list_form
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import kv
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.batch import apply_single_or_list
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import vault_session
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.options import vault_argument_spec, vault_params

# An item's options have no default: None means "not set", so the task-level value applies (list_form.py).
ITEM_OPTIONS = {
    "path": {"type": "str", "required": True},
    "mount_point": {"type": "str", "aliases": ["engine_mount_point"]},
    "data": {"type": "dict", "no_log": True},
    "cas": {"type": "int"},
    "only_if_missing": {"type": "bool"},
    "max_versions": {"type": "int"},
    "custom_metadata": {"type": "dict"},
    "state": {"type": "str", "choices": ["present", "absent"]},
    "destroy_versions": {"type": "list", "elements": "int"},
    "delete_all_versions": {"type": "bool"},
}
TASK_DEFAULTS = {"only_if_missing": False, "state": "present", "delete_all_versions": False}
# Beside secrets:, what applies to every item and what is per secret only (list_form.py).
INHERITED = ("mount_point", "only_if_missing", "max_versions", "custom_metadata", "state", "delete_all_versions")
REFUSED = ("data", "cas", "destroy_versions")


def apply(module):
    params = module.params
    with vault_session(vault_params(params)) as client:

        def apply_one(item):
            if item.get("state") == "absent":
                return kv.delete_secret(
                    client, item["path"], item.get("mount_point"), destroy_versions=item.get("destroy_versions"),
                    delete_all_versions=item.get("delete_all_versions"), check_mode=module.check_mode,
                )
            return kv.write_secret(
                client, item["path"], item.get("data"), item.get("mount_point"), cas=item.get("cas"),
                only_if_missing=item.get("only_if_missing"), max_versions=item.get("max_versions"),
                custom_metadata=item.get("custom_metadata"), check_mode=module.check_mode,
            )

        return apply_single_or_list(module, "secrets", apply_one, lambda item: "secret %s" % item["path"],
                                    inherited=INHERITED, refused=REFUSED)


def main():
    spec = vault_argument_spec(**list_form.argument_spec("secrets", ITEM_OPTIONS, TASK_DEFAULTS, item_only=("path",)))
    module = AnsibleModule(
        argument_spec=spec, supports_check_mode=True,
        mutually_exclusive=[("path", "secrets")], required_one_of=[("path", "secrets")],
    )
    run(module, lambda: apply(module))


if __name__ == "__main__":
    main()
