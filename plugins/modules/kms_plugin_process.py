#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kms_plugin_process
short_description: Run secretops-kms-plugin as a plain background process
version_added: 0.2.0
author: secretops maintainers (@secretops)
description:
  - Starts the KMS v2 plugin (C(secretops-kms-plugin), built from C(tools/cluster/kms)) detached, with a pid file, for
    hosts without systemd and the local environment. Hosts with systemd use the C(encryption_at_rest) role's unit instead.
  - Nothing changes while the process the pid file names runs with the wanted command line; a changed command line
    restarts it. The plugin encrypts and decrypts a probe at startup, so a credential without those rights fails the
    task with the plugin's message, before the apiserver is pointed at it.
options:
  state:
    description: V(started), V(restarted) or V(stopped).
    type: str
    choices: [started, restarted, stopped]
    default: started
  binary:
    description: Path of the plugin binary.
    type: path
    required: true
  socket:
    description: Unix socket the plugin listens on (the apiserver's C(unix://) endpoint).
    type: path
    required: true
  vault_addr:
    description: Address of Vault or OpenBao.
    type: str
    required: true
  vault_ca_cert:
    description: CA bundle that verifies Vault's certificate.
    type: path
  mount:
    description: Mount path of the Transit secrets engine.
    type: str
    default: transit
  key:
    description: Name of the Transit key.
    type: str
    required: true
  token_file:
    description: File holding the plugin's token. Mutually exclusive with O(role_id_file).
    type: path
  approle_mount:
    description: Mount path of the AppRole auth method.
    type: str
    default: approle
  role_id_file:
    description: File holding the AppRole role_id.
    type: path
  secret_id_file:
    description: File holding the AppRole secret_id.
    type: path
  pid_file:
    description: The pid file.
    type: path
    required: true
  log_file:
    description: Where the plugin's output goes (it never logs plaintext, key material or tokens).
    type: path
    required: true
  start_timeout:
    description: Seconds to wait for the socket.
    type: int
    default: 20
extends_documentation_fragment:
  - secretops.provisioning.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Run the plugin
  secretops.provisioning.kms_plugin_process:
    binary: /usr/local/bin/secretops-kms-plugin
    socket: /var/run/secretops-kms/kms.sock
    vault_addr: https://vault.example.com:8200
    key: kubernetes-etcd
    token_file: /etc/secretops-kms/token
    pid_file: /var/run/secretops-kms/plugin.pid
    log_file: /var/log/secretops-kms-plugin.log
"""

RETURN = r"""
pid:
  description: Process id of the running plugin.
  returned: when O(state) is not V(stopped)
  type: int
socket:
  description: The plugin's socket.
  returned: always
  type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption.plugin_process import ensure_process
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run


def main():
    module = AnsibleModule(
        argument_spec=dict(
            state=dict(type="str", choices=["started", "restarted", "stopped"], default="started"),
            binary=dict(type="path", required=True),
            socket=dict(type="path", required=True),
            vault_addr=dict(type="str", required=True),
            vault_ca_cert=dict(type="path"),
            mount=dict(type="str", default="transit"),
            key=dict(type="str", required=True, no_log=False),
            token_file=dict(type="path"),
            approle_mount=dict(type="str", default="approle"),
            role_id_file=dict(type="path"),
            secret_id_file=dict(type="path"),
            pid_file=dict(type="path", required=True),
            log_file=dict(type="path", required=True),
            start_timeout=dict(type="int", default=20),
        ),
        mutually_exclusive=[("token_file", "role_id_file")],
        required_one_of=[("token_file", "role_id_file")],
        required_together=[("role_id_file", "secret_id_file")],
        supports_check_mode=True,
    )
    run(module, lambda: ensure_process(module.params, check_mode=module.check_mode))


if __name__ == "__main__":
    main()
