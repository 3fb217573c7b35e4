#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vault_kms_credentials
short_description: Least-privilege Vault credentials for the KMS v2 plugin (encrypt and decrypt on one Transit key)
version_added: 0.2.0
author: secretops maintainers (@secretops)
description:
  - Writes a policy that allows only C(update) on C(<mount>/encrypt/<key>) and C(<mount>/decrypt/<key>) (no read,
    rotate, export or delete), then gives the plugin a credential under it, written to files with mode 0600 on the
    host the module runs on.
  - O(auth=token) creates a periodic orphan token (the plugin renews it) into O(token_file). O(auth=approle) writes
    AppRole O(approle_role) (the auth method must be enabled at O(approle_mount)) and writes its role_id and a
    secret_id into O(role_id_file) and O(secret_id_file).
  - A credential in the files that still works is kept, so a re-run changes nothing. No credential is ever returned.
options:
  key:
    description: Name of the Transit key.
    type: str
    required: true
  mount:
    description: Mount path of the Transit secrets engine.
    type: str
    default: transit
  policy_name:
    description: Name of the policy; defaults to C(secretops-kms-<mount>-<key>).
    type: str
  auth:
    description: How the plugin logs in.
    type: str
    choices: [token, approle]
    default: token
  token_file:
    description: File the plugin's token is written to (O(auth=token)).
    type: path
  token_period:
    description: The token's period (O(auth=token)) or TTL (O(auth=approle)); the plugin renews at two thirds of it.
    type: raw
    default: 24h
  approle_mount:
    description: Mount path of the AppRole auth method.
    type: str
    default: approle
  approle_role:
    description: Name of the AppRole.
    type: str
    default: secretops-kms-plugin
  role_id_file:
    description: File the role_id is written to (O(auth=approle)).
    type: path
  secret_id_file:
    description: File the secret_id is written to (O(auth=approle)).
    type: path
extends_documentation_fragment:
  - secretops.provisioning.vault_connection
  - secretops.provisioning.vault_connection.auth
  - secretops.provisioning.attributes
  - secretops.provisioning.attributes.action_group_vault
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: A token for the plugin, allowed only encrypt and decrypt on its key
  secretops.provisioning.vault_kms_credentials:
    key: kubernetes-etcd
    token_file: /etc/secretops-kms/token
"""

RETURN = r"""
policy:
  description: Name of the plugin's policy.
  returned: always
  type: str
  sample: secretops-kms-transit-kubernetes-etcd
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import vault_session
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.kms_credentials import ensure_credentials
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.options import vault_argument_spec, vault_params


def apply(module):
    with vault_session(vault_params(module.params)) as client:
        return ensure_credentials(client, module.params, check_mode=module.check_mode)


def main():
    spec = vault_argument_spec(
        key={"type": "str", "required": True, "no_log": False},
        mount={"type": "str", "default": "transit"},
        policy_name={"type": "str"},
        auth={"type": "str", "choices": ["token", "approle"], "default": "token"},
        token_file={"type": "path"},
        token_period={"type": "raw", "default": "24h"},
        approle_mount={"type": "str", "default": "approle"},
        approle_role={"type": "str", "default": "secretops-kms-plugin"},
        role_id_file={"type": "path"},
        secret_id_file={"type": "path"},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda: apply(module))


if __name__ == "__main__":
    main()
