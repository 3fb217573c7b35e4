#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kubeadm_encryption_manifests
short_description: Point a kubeadm kube-apiserver static Pod at an EncryptionConfiguration, and run the KMS plugin as a static Pod
version_added: 0.2.0
author: secretops maintainers (@secretops)
description:
  - Edits the kube-apiserver static Pod manifest of a kubeadm control-plane host. It sets
    C(--encryption-provider-config=<config_path>) and C(--encryption-provider-config-automatic-reload=true) exactly once
    (a flag already there is replaced in place, duplicates removed). It adds a hostPath volume and mount of the
    configuration's directory and, with O(kms_socket_dir), of the KMS plugin's socket directory. Everything else is
    kept.
  - The result is checked, written atomically (mode 0600), parsed back and checked again, with a timestamped backup in
    O(backup_dir), outside the manifest directory (the kubelet would start a backup as a second apiserver). A re-run
    changes nothing. A manifest that does not parse, is not a Pod, or has no single C(kube-apiserver) container with a
    command list is refused and left unchanged.
  - The kubelet restarts kube-apiserver when the manifest changes.
  - With O(plugin_manifest), it also writes the static Pod of C(secretops-kms-plugin). The host's binary (O(binary),
    a static Go binary) runs in O(plugin_image) on the host network, with the socket's directory mounted read-write and
    the credential files' directories read-only, at the same paths.
options:
  apiserver_manifest:
    description: Path of the kube-apiserver static Pod manifest.
    type: path
    default: /etc/kubernetes/manifests/kube-apiserver.yaml
  config_path:
    description: Path of the EncryptionConfiguration, as the apiserver sees it (its directory is mounted at the same path).
    type: path
    required: true
  kms_socket_dir:
    description: Directory of the KMS plugin's socket, mounted read-write (KMS mode only).
    type: path
  backup:
    description: Keep a timestamped copy of each manifest replaced.
    type: bool
    default: true
  backup_dir:
    description: Directory of the backups; never the manifest directory.
    type: path
    default: /etc/kubernetes/secretops-backups
  plugin_manifest:
    description: Path of the plugin's static Pod manifest, for example V(/etc/kubernetes/manifests/secretops-kms-plugin.yaml); not written when unset.
    type: path
  plugin_image:
    description: Image the plugin's binary runs in (any image works for a static binary).
    type: str
    default: gcr.io/distroless/static-debian12
  binary:
    description: Path of the plugin's binary on the host (O(plugin_manifest)).
    type: path
  socket:
    description: The plugin's socket (O(plugin_manifest)).
    type: path
  vault_addr:
    description: Vault address the plugin uses (O(plugin_manifest)).
    type: str
  vault_ca_cert:
    description: CA bundle the plugin verifies Vault with.
    type: path
  mount:
    description: Mount path of the Transit secrets engine.
    type: str
    default: transit
  key:
    description: Name of the Transit key (O(plugin_manifest)).
    type: str
  token_file:
    description: File of the plugin's token.
    type: path
  approle_mount:
    description: Mount path of the AppRole auth method.
    type: str
    default: approle
  role_id_file:
    description: File of the plugin's AppRole role_id.
    type: path
  secret_id_file:
    description: File of the plugin's AppRole secret_id.
    type: path
extends_documentation_fragment:
  - secretops.provisioning.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details:
      - The diff is value-free and shows only what this module manages, never a manifest's whole text. For the
        kube-apiserver manifest, the two encryption flags (a path and V(true)) and the volumes and mounts it adds (host
        and mount paths). For the plugin's Pod, its image, host network, command (the plugin's flags are paths, an
        address and names, the credentials being files, never values; any other argument is shown by its flag name only),
        the names (not the values) of env variables, and the paths mounted.
"""

EXAMPLES = r"""
- name: kube-apiserver reads the EncryptionConfiguration and reaches the plugin's socket; the plugin as a static Pod
  secretops.provisioning.kubeadm_encryption_manifests:
    config_path: /etc/kubernetes/encryption/config.yaml
    kms_socket_dir: /var/run/secretops-kms
    plugin_manifest: /etc/kubernetes/manifests/secretops-kms-plugin.yaml
    binary: /usr/local/bin/secretops-kms-plugin
    socket: /var/run/secretops-kms/kms.sock
    vault_addr: https://vault.example.com:8200
    key: kubernetes-etcd
    token_file: /var/lib/secretops-kms/token
"""

RETURN = r"""
apiserver_manifest:
  description: Path of the kube-apiserver manifest.
  returned: always
  type: str
backup_file:
  description: Path of the backup of the replaced kube-apiserver manifest.
  returned: when it was replaced and O(backup=true)
  type: str
plugin_manifest_changed:
  description: Whether the plugin's static Pod manifest was (or would be) written.
  returned: when O(plugin_manifest) is set
  type: bool
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption.kubeadm import ensure
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run


def main():
    module = AnsibleModule(
        argument_spec=dict(
            apiserver_manifest=dict(type="path", default="/etc/kubernetes/manifests/kube-apiserver.yaml"),
            config_path=dict(type="path", required=True),
            kms_socket_dir=dict(type="path"),
            backup=dict(type="bool", default=True),
            backup_dir=dict(type="path", default="/etc/kubernetes/secretops-backups"),
            plugin_manifest=dict(type="path"),
            plugin_image=dict(type="str", default="gcr.io/distroless/static-debian12"),
            binary=dict(type="path"),
            socket=dict(type="path"),
            vault_addr=dict(type="str"),
            vault_ca_cert=dict(type="path"),
            mount=dict(type="str", default="transit"),
            key=dict(type="str", no_log=False),
            token_file=dict(type="path"),
            approle_mount=dict(type="str", default="approle"),
            role_id_file=dict(type="path"),
            secret_id_file=dict(type="path"),
        ),
        mutually_exclusive=[("token_file", "role_id_file")],
        required_together=[("role_id_file", "secret_id_file")],
        supports_check_mode=True,
    )
    run(module, lambda: ensure(module.params, check_mode=module.check_mode, diff=module._diff))


if __name__ == "__main__":
    main()
