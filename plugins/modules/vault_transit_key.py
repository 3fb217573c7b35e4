#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vault_transit_key
short_description: Create, configure and rotate a Vault or OpenBao Transit key, guarding its decryption floor
version_added: 0.2.0
author: secretops maintainers (@secretops)
description:
  - Creates a Transit key at C(<mount>/keys/<name>), configures it (C(keys/<name>/config)), rotates it, or deletes it.
  - Safe by default. O(exportable), O(deletion_allowed) and O(allow_plaintext_backup) are false unless set, and
    Vault cannot turn O(exportable) or O(allow_plaintext_backup) off again, so a request to do that is refused.
  - Raising O(min_decryption_version) makes older versions unusable for decryption. The module refuses it while
    etcd still holds an object sealed by an older version of this key (the KMS v2 key id C(<mount>/<name>:v<N>)
    that C(secretops-kms-plugin) reports), read directly from etcd (O(etcd_url)); without O(etcd_url) the raise is refused.
  - Key material is never returned; RV(key) holds the settings and the version numbers.
options:
  name:
    description: Name of the Transit key.
    type: str
    required: true
  mount:
    description: Mount path of the Transit secrets engine.
    type: str
    default: transit
  state:
    description:
      - V(present) creates or configures the key; V(absent) deletes it, which needs O(deletion_allowed=true) as confirmation
        (every version is destroyed; whatever it sealed becomes unreadable).
    type: str
    choices: [present, absent]
    default: present
  type:
    description: Key type on creation (Vault cannot change it later; a different type is refused).
    type: str
    default: aes256-gcm96
  exportable:
    description: Whether the key may be exported. Vault cannot take this back.
    type: bool
    default: false
  deletion_allowed:
    description: Whether the key may be deleted.
    type: bool
    default: false
  allow_plaintext_backup:
    description: Whether a plaintext backup of the key may be taken. Vault cannot take this back.
    type: bool
    default: false
  auto_rotate_period:
    description: Period of Vault's automatic rotation (V(0) turns it off; at least one hour otherwise). Not managed when omitted.
    type: raw
  min_decryption_version:
    description:
      - Oldest version that may still decrypt. Raising it is refused while etcd holds objects under an older version.
      - The check reads every object under O(etcd_prefix), whatever resources the EncryptionConfiguration lists (one read
        of each value, page by page, keeping only counts), so no object of any resource is left unreadable.
      - Not managed when omitted.
    type: int
  min_encryption_version:
    description: Oldest version that may encrypt (V(0) is the latest). Not managed when omitted.
    type: int
  rotate:
    description: Rotate the key (a new latest version); the task then always reports a change.
    type: bool
    default: false
extends_documentation_fragment:
  - secretops.provisioning.vault_connection
  - secretops.provisioning.vault_connection.auth
  - secretops.provisioning.etcd_reader
  - secretops.provisioning.attributes
  - secretops.provisioning.attributes.action_group_vault
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
"""

EXAMPLES = r"""
- name: The key the KMS plugin seals the cluster's data keys with
  secretops.provisioning.vault_transit_key:
    name: kubernetes-etcd

- name: Rotate it
  secretops.provisioning.vault_transit_key:
    name: kubernetes-etcd
    rotate: true

- name: Retire the old versions once etcd holds nothing under them (refused otherwise)
  secretops.provisioning.vault_transit_key:
    name: kubernetes-etcd
    min_decryption_version: 2
    etcd_url: https://127.0.0.1:2379
    etcd_ca_cert: /etc/kubernetes/pki/etcd/ca.crt
    etcd_client_cert: /etc/kubernetes/pki/apiserver-etcd-client.crt
    etcd_client_key: /etc/kubernetes/pki/apiserver-etcd-client.key
"""

RETURN = r"""
key:
  description: The key's settings and version numbers (no key material); absent after deletion.
  returned: when O(state=present)
  type: dict
  sample: {"name": "kubernetes-etcd", "mount": "transit", "type": "aes256-gcm96", "latest_version": 2,
           "min_decryption_version": 1, "exportable": false, "deletion_allowed": false, "versions": [1, 2]}
rotated:
  description: Whether the key was rotated.
  returned: when O(rotate=true)
  type: bool
  sample: true
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption.census import older_versions, take_store_census
from ansible_collections.secretops.provisioning.plugins.module_utils.encryption.etcd import ETCD_ARGUMENT_SPEC, etcd_reader
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import vault_session
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.options import vault_argument_spec, vault_params
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.transit_key import ensure_key


def verifier(params):
    """{key_id: count} of etcd objects sealed by a key below a version, or None without etcd_url."""
    if not params.get("etcd_url"):
        return None
    return lambda key, version: older_versions(take_store_census(etcd_reader(params), params["etcd_prefix"]), key, version)


def apply(module):
    with vault_session(vault_params(module.params)) as client:
        return ensure_key(client, module.params, older_versions=verifier(module.params), check_mode=module.check_mode)


def main():
    spec = vault_argument_spec(
        name={"type": "str", "required": True},
        mount={"type": "str", "default": "transit"},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
        type={"type": "str", "default": "aes256-gcm96"},
        exportable={"type": "bool", "default": False},
        deletion_allowed={"type": "bool", "default": False},
        allow_plaintext_backup={"type": "bool", "default": False},
        auto_rotate_period={"type": "raw"},
        min_decryption_version={"type": "int"},
        min_encryption_version={"type": "int"},
        rotate={"type": "bool", "default": False},
        **ETCD_ARGUMENT_SPEC
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda: apply(module))


if __name__ == "__main__":
    main()
