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
    description:
      - Resources the configuration covers, named as EncryptionConfiguration names them (C(secrets), C(configmaps),
        C(deployments.apps), C(<plural>.<group>) of a custom resource, or the wildcards C(*.apps), C(*.) and C(*.*)).
      - What kube-apiserver would refuse (capital letters, C(*), duplicates, overlaps such as C(secrets) with C(*.),
        C(events.k8s.io), C(extensions)) is refused before the file is written.
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
  wait_for_reload:
    description:
      - Wait until kube-apiserver reports this configuration loaded (its metric
        C(apiserver_encryption_config_controller_last_config_info) carries the sha256 of the file content), through the
        Kubernetes connection options. With several apiservers behind one address, run it on each control-plane host
        against its own apiserver.
    type: bool
    default: false
  reload_timeout:
    description: Seconds to wait for the reload.
    type: int
    default: 120
extends_documentation_fragment:
  - secretops.provisioning.k8s_connection
  - secretops.provisioning.attributes
  - secretops.provisioning.attributes.action_group_k8s
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
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import k8s_session
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.connection import connection_argument_spec
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run


def main():
    spec = connection_argument_spec()
    spec.update(
        path=dict(type="path", required=True),
        mode=dict(type="str", choices=["kms", "decrypt", "identity"], default="kms"),
        resources=dict(type="list", elements="str", default=["secrets"]),
        kms_name=dict(type="str"),
        kms_endpoint=dict(type="str"),
        kms_timeout=dict(type="str", default="3s"),
        backup=dict(type="bool", default=True),
        wait_for_reload=dict(type="bool", default=False),
        reload_timeout=dict(type="int", default=120),
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda: ensure(module.params, check_mode=module.check_mode, session=k8s_session))


if __name__ == "__main__":
    main()
