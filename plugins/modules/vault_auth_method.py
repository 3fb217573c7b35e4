#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vault_auth_method
short_description: Enable, tune or disable a Vault or OpenBao auth method
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
  - Enables an auth method at a path, tunes it (TTLs, description, listing visibility, audit keys)
    when its settings differ, or disables it.
  - Reads first and writes only on a difference; settings that are omitted are left as they are.
  - An auth method of another type already at the path is an error, never silently replaced.
options:
  mount_path:
    description:
      - Path to mount the auth method at, without C(auth/). Defaults to O(type).
      - The alias O(path) is its former name.
    type: str
    aliases: [path]
  type:
    description: Auth method type, for example V(kubernetes), V(approle), V(jwt), V(userpass). Required when O(state=present).
    type: str
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
- name: Enable Kubernetes auth at auth/k8s-prod
  secretops.provisioning.vault_auth_method:
    url: https://vault.example.com:8200
    type: kubernetes
    mount_path: k8s-prod
    description: Production cluster
    default_lease_ttl: 1h
    max_lease_ttl: 8h

- name: Disable it
  secretops.provisioning.vault_auth_method:
    mount_path: k8s-prod
    state: absent
"""

RETURN = r"""
path:
  description: The mount path, without slashes.
  returned: always
  type: str
  sample: k8s-prod
action:
  description: What was done (or would be in check mode).
  returned: always
  type: str
  choices: [none, enabled, tuned, disabled]
  sample: tuned
changed_settings:
  description: The tune settings that differed.
  returned: when the mount was tuned
  type: list
  elements: str
  sample: [default_lease_ttl]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import mounts
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import vault_session
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.options import vault_argument_spec, vault_params


def apply(module):
    params = module.params
    with vault_session(vault_params(params)) as client:
        return mounts.ensure_mount(
            client, mounts.AUTH, params["mount_path"] or params["type"], params["type"], mounts.tune_settings(params),
            state=params["state"], local=params["local"], check_mode=module.check_mode,
        )


def main():
    spec = vault_argument_spec(mount_path={"type": "str", "aliases": ["path"]}, type={"type": "str"}, **mounts.tune_argument_spec())
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True, required_if=[("state", "present", ["type"])])
    run(module, lambda: apply(module))


if __name__ == "__main__":
    main()
