#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vault_secrets_engine
short_description: Enable, tune or disable a Vault or OpenBao secrets engine mount
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
  - Enables a secrets engine (KV version 1 or 2, or any other type) at a path, tunes it when its
    settings differ, or disables it.
  - Reads first and writes only on a difference; settings that are omitted are left as they are.
  - Upgrading a KV mount from version 1 to 2 is a tune; Vault cannot downgrade.
options:
  mount_point:
    description:
      - Path of the mount, for example V(secret) or V(apps/kv).
      - The alias O(path) is its former name.
    type: str
    required: true
    aliases: [path]
  type:
    description: Engine type, for example V(kv). Required when O(state=present).
    type: str
  kv_version:
    description: For O(type=kv), the KV version. Shorthand for O(options={version=...}).
    type: int
    choices: [1, 2]
  options:
    description: Engine-specific mount options, compared key by key.
    type: dict
extends_documentation_fragment:
  - secretops.provisioning.vault_connection
  - secretops.provisioning.vault_connection.auth
  - secretops.provisioning.vault_mount_tune
  - secretops.provisioning.attributes
  - secretops.provisioning.attributes.action_group_vault
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
"""

EXAMPLES = r"""
- name: A KV v2 mount for applications
  secretops.provisioning.vault_secrets_engine:
    mount_point: apps
    type: kv
    kv_version: 2
    description: Application secrets
    max_lease_ttl: 24h
"""

RETURN = r"""
path:
  description: The mount path, without slashes.
  returned: always
  type: str
  sample: apps
action:
  description: What was done (or would be in check mode).
  returned: always
  type: str
  choices: [none, enabled, tuned, disabled]
  sample: enabled
changed_settings:
  description: The tune settings that differed.
  returned: when the mount was tuned
  type: list
  elements: str
  sample: [options]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import mounts
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import vault_session
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.options import vault_argument_spec, vault_params


def apply(module):
    params = module.params
    settings = mounts.tune_settings(params)
    options = dict((key, str(value)) for key, value in (params["options"] or {}).items())
    if params["kv_version"]:
        options["version"] = str(params["kv_version"])
    settings["options"] = options or None
    with vault_session(vault_params(params)) as client:
        return mounts.ensure_mount(
            client, mounts.ENGINES, params["mount_point"], params["type"], settings,
            state=params["state"], local=params["local"], check_mode=module.check_mode,
        )


def main():
    spec = vault_argument_spec(
        mount_point={"type": "str", "required": True, "aliases": ["path"]},
        type={"type": "str"},
        kv_version={"type": "int", "choices": [1, 2]},
        options={"type": "dict"},
        **mounts.tune_argument_spec()
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True, required_if=[("state", "present", ["type"])])
    run(module, lambda: apply(module))


if __name__ == "__main__":
    main()
