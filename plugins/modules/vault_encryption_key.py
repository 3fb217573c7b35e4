#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vault_encryption_key
short_description: The aescbc or secretbox key of kube-apiserver's encryption at rest, kept in Vault KV, and the EncryptionConfiguration built from it
version_added: 0.2.0
author: secretops maintainers (@secretops)
description:
  - The simpler mode of encryption at rest, without a KMS plugin. The key set lives in Vault KV at O(path), as a list of
    keys (name, type, 32 random bytes in base64), the one new writes use first. The module generates the first key once.
    No key is ever returned, printed or diffed; only names and types are.
  - O(rotate=true) puts a new key first and keeps the others for reads. While older keys are still listed (a rotation not
    finished), it adds none and finishes that one. Another O(type) than the current key's is a rotation to a key of that type.
  - O(retire_old_keys=true) drops every key but the first, after reading etcd. It is refused while etcd still holds
    anything under a key to drop (envelope prefix C(k8s:enc:<type>:v1:<name>:), in clear), in any resource. The check
    reads every object under O(etcd_prefix) (one read of each value, page by page, keeping only counts). The
    configuration loses the keys before KV does, so a run killed half-way is finished by the next.
  - With O(config_path) it writes the EncryptionConfiguration from the key set (mode 0600, atomically, a timestamped
    backup of the file it replaces). V(encrypt) lists the keys first and C(identity) last, V(decrypt) lists
    C(identity) first (turning encryption off). kube-apiserver needs C(--encryption-provider-config) on that file and
    C(--encryption-provider-config-automatic-reload=true); P(secretops.provisioning.k8s_encryption_migrate#module)
    then waits for the new key and rewrites everything under it.
options:
  path:
    description: KV path of the key set, full (V(secret/kubernetes/encryption-at-rest)) or inside O(mount_point).
    type: str
    required: true
  mount_point:
    description: Path of the KV mount, when O(path) is relative to it.
    type: str
  type:
    description: Type of a new key (C(secretbox) is XSalsa20-Poly1305; C(aescbc) is what older guides use).
    type: str
    choices: [aescbc, secretbox]
    default: aescbc
  rotate:
    description: Put a new key first (unless a rotation is unfinished).
    type: bool
    default: false
  retire_old_keys:
    description: Drop every key but the first, refused while etcd still holds objects under one of them (needs O(etcd_url)).
    type: bool
    default: false
  config_path:
    description: Path of the EncryptionConfiguration to write from the key set; not written when unset.
    type: path
  config_mode:
    description: V(encrypt) (the keys first, identity last) or V(decrypt) (identity first, the keys for reads).
    type: str
    choices: [encrypt, decrypt]
    default: encrypt
  resources:
    description:
      - Resources the configuration covers (C(secrets), C(deployments.apps), C(<plural>.<group>), or the configuration's
        wildcards).
      - The etcd check of O(retire_old_keys=true) does not depend on them; it reads every object under O(etcd_prefix).
    type: list
    elements: str
    default: [secrets]
  backup:
    description: Keep a timestamped copy (mode 0600) of the configuration being replaced.
    type: bool
    default: true
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
    support: none
    details: A diff would show the key; RV(key_set) and RV(config_changed) say what changes.
"""

EXAMPLES = r"""
- name: A secretbox key in Vault KV, and the apiserver's EncryptionConfiguration with it
  secretops.provisioning.vault_encryption_key:
    path: secret/kubernetes/encryption-at-rest
    type: secretbox
    config_path: /etc/kubernetes/encryption/config.yaml

- name: Rotate it (then migrate with k8s_encryption_migrate)
  secretops.provisioning.vault_encryption_key:
    path: secret/kubernetes/encryption-at-rest
    type: secretbox
    rotate: true
    config_path: /etc/kubernetes/encryption/config.yaml

- name: Retire the old key once etcd holds nothing under it (refused otherwise)
  secretops.provisioning.vault_encryption_key:
    path: secret/kubernetes/encryption-at-rest
    type: secretbox
    retire_old_keys: true
    config_path: /etc/kubernetes/encryption/config.yaml
    etcd_url: https://127.0.0.1:2379
    etcd_ca_cert: /etc/kubernetes/pki/etcd/ca.crt
    etcd_client_cert: /etc/kubernetes/pki/apiserver-etcd-client.crt
    etcd_client_key: /etc/kubernetes/pki/apiserver-etcd-client.key
"""

RETURN = r"""
key_set:
  description: Names and types of the keys, the one for writes first (no key material).
  returned: always
  type: list
  elements: dict
  sample: [{"name": "key-20260101T120000Z", "type": "secretbox"}]
current_key:
  description: Name of the key new writes use; the envelope prefix is C(k8s:enc:<type>:v1:<name>:).
  returned: always
  type: str
  sample: key-20260101T120000Z
created:
  description: Whether the first key was generated.
  returned: always
  type: bool
rotated:
  description: Whether a new key was put first.
  returned: always
  type: bool
retired:
  description: Names of the keys dropped.
  returned: always
  type: list
  elements: str
config_changed:
  description: Whether the EncryptionConfiguration was (or would be) rewritten.
  returned: when it changed
  type: bool
backup_file:
  description: Path of the backup of the replaced configuration.
  returned: when a configuration was replaced and O(backup=true)
  type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption.census import take_store_census
from ansible_collections.secretops.provisioning.plugins.module_utils.encryption.etcd import ETCD_ARGUMENT_SPEC, etcd_reader
from ansible_collections.secretops.provisioning.plugins.module_utils.encryption.static_key_service import ensure
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import vault_session
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.options import vault_argument_spec, vault_params


def census(params):
    if not params.get("etcd_url"):
        return None
    return lambda: take_store_census(etcd_reader(params), params["etcd_prefix"])


def apply(module):
    with vault_session(vault_params(module.params)) as client:
        return ensure(client, module.params, census=census(module.params), check_mode=module.check_mode)


def main():
    spec = vault_argument_spec(
        path={"type": "str", "required": True},
        mount_point={"type": "str"},
        type={"type": "str", "choices": ["aescbc", "secretbox"], "default": "aescbc"},
        rotate={"type": "bool", "default": False},
        retire_old_keys={"type": "bool", "default": False},
        config_path={"type": "path"},
        config_mode={"type": "str", "choices": ["encrypt", "decrypt"], "default": "encrypt"},
        resources={"type": "list", "elements": "str", "default": ["secrets"]},
        backup={"type": "bool", "default": True},
        **ETCD_ARGUMENT_SPEC
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda: apply(module))


if __name__ == "__main__":
    main()
