#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vault_kv_info
short_description: Read a secret's metadata (and, when asked, its values) from a Vault or OpenBao KV mount
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
  - Reads the latest or a given version of a KV v1 or v2 secret, with its metadata and key names.
  - Values are returned only with O(return_values=true).
options:
  path:
    description: Full path of the secret (V(secret/app/db)), or a path inside O(mount_point). Do not include C(data/).
    type: str
    required: true
  mount_point:
    description:
      - Path of the KV mount, when O(path) is relative to it.
      - The alias O(engine_mount_point) is community.hashi_vault's name for it (there, C(mount_point) is the auth mount).
    type: str
    aliases: [engine_mount_point]
  version:
    description: KV v2 version to read; the latest when omitted.
    type: int
  return_values:
    description: Whether to return the secret's values in RV(data).
    type: bool
    default: false
extends_documentation_fragment:
  - secretops.provisioning.vault_connection
  - secretops.provisioning.vault_connection.auth
  - secretops.provisioning.attributes
  - secretops.provisioning.attributes.action_group_vault
  - secretops.provisioning.attributes.read_only
"""

EXAMPLES = r"""
- name: Is the database password there, and which version?
  secretops.provisioning.vault_kv_info:
    path: secret/app/db
  register: db_secret

- name: Read the values (keep them out of logs)
  secretops.provisioning.vault_kv_info:
    path: secret/app/db
    return_values: true
  register: db_secret
  no_log: true
"""

RETURN = r"""
exists:
  description: Whether the version read holds data (false when absent, deleted or destroyed).
  returned: always
  type: bool
  sample: true
mount:
  description: The KV mount.
  returned: always
  type: str
  sample: secret
path:
  description: The path inside the mount.
  returned: always
  type: str
  sample: app/db
kv_version:
  description: KV version of the mount.
  returned: always
  type: int
  sample: 2
version:
  description: The version read (KV v2).
  returned: on KV v2
  type: int
  sample: 3
data_keys:
  description: Key names of the secret.
  returned: always
  type: list
  elements: str
  sample: [password, username]
metadata:
  description: Metadata of the version read (KV v2), with C(created_time), C(deletion_time), C(destroyed), C(version).
  returned: always
  type: dict
  sample: {"version": 3, "destroyed": false, "deletion_time": ""}
secret_metadata:
  description:
    - Metadata of the secret (KV v2), with C(current_version), C(max_versions), C(custom_metadata) and times.
    - Needs C(read) on C(<mount>/metadata/<path>); without it (a data-only policy) it is absent and RV(secret_metadata_note) says why.
  returned: on KV v2, when the token may read the secret's metadata
  type: dict
  sample: {"current_version": 3, "max_versions": 0, "custom_metadata": {"owner": "team-a"}}
secret_metadata_note:
  description: Why RV(secret_metadata) is absent (the token cannot read C(<mount>/metadata/<path>)).
  returned: on KV v2, when the token may not read the secret's metadata
  type: str
  sample: "secret_metadata left out: the token cannot read secret/metadata/app/db (a data-only policy)"
data:
  description: The secret's key/value map.
  returned: when O(return_values=true)
  type: dict
  sample: {"username": "app"}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import vault_session
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.kv import describe_secret
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.options import vault_argument_spec, vault_params


def apply(module):
    params = module.params
    with vault_session(vault_params(params)) as client:
        return describe_secret(client, params["path"], params["mount_point"], version=params["version"], return_values=params["return_values"])


def main():
    spec = vault_argument_spec(
        path={"type": "str", "required": True},
        mount_point={"type": "str", "aliases": ["engine_mount_point"]},
        version={"type": "int"},
        return_values={"type": "bool", "default": False},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda: apply(module))


if __name__ == "__main__":
    main()
