#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: encryption_provider_config
short_description: Write kube-apiserver's EncryptionConfiguration for KMS v2 encryption at rest
version_added: 0.2.0
author: secretops maintainers (@secretops)
description:
  - Writes the file kube-apiserver reads with C(--encryption-provider-config), atomically (a rename) and only when it
    differs, with mode 0600 and a timestamped backup of the file it replaces.
  - V(kms) puts the KMS v2 provider first (new writes are sealed) and C(identity) last (plaintext stays readable until
    the migration rewrote it). V(decrypt) turns encryption off safely, with C(identity) first, the KMS provider after it, so
    sealed objects stay readable until a migration rewrote them in plaintext. V(identity) stores and reads plaintext only.
  - With C(--encryption-provider-config-automatic-reload=true) the apiserver picks the change up without a restart.
options:
  path:
    description: Path of the EncryptionConfiguration file.
    type: path
    required: true
  mode:
    description: Which configuration to write (see the description).
    type: str
    choices: [kms, decrypt, identity]
    default: kms
  resources:
    description: Resources the configuration covers.
    type: list
    elements: str
    default: [secrets]
  kms_name:
    description: Name of the KMS v2 provider; it is stored in clear in every envelope, so keep it once chosen.
    type: str
  kms_endpoint:
    description: The plugin's socket, V(unix:///path/to/kms.sock).
    type: str
  kms_timeout:
    description: Timeout of one call to the plugin.
    type: str
    default: 3s
  backup:
    description: Keep a timestamped copy of the file being replaced.
    type: bool
    default: true
extends_documentation_fragment:
  - secretops.provisioning.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
"""

EXAMPLES = r"""
- name: Seal Secrets with the KMS v2 plugin
  secretops.provisioning.encryption_provider_config:
    path: /etc/kubernetes/encryption/config.yaml
    kms_name: vault-transit
    kms_endpoint: unix:///var/run/secretops-kms/kms.sock
"""

RETURN = r"""
config:
  description: The EncryptionConfiguration written (it holds no secret with KMS v2).
  returned: always
  type: dict
backup_file:
  description: Path of the backup of the replaced file.
  returned: when a file was replaced and O(backup=true)
  type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption.config import ensure
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", required=True),
            mode=dict(type="str", choices=["kms", "decrypt", "identity"], default="kms"),
            resources=dict(type="list", elements="str", default=["secrets"]),
            kms_name=dict(type="str"),
            kms_endpoint=dict(type="str"),
            kms_timeout=dict(type="str", default="3s"),
            backup=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    run(module, lambda: ensure(module.params, check_mode=module.check_mode))


if __name__ == "__main__":
    main()
