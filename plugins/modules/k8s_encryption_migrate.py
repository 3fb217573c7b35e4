#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: k8s_encryption_migrate
short_description: Rewrite every object etcd does not yet hold under the current encryption provider and key
version_added: 0.2.0
author: secretops maintainers (@secretops)
description:
  - First waits until the apiserver stores new writes under KMS v2 provider O(provider_name) (and key id O(key_id) when
    given). It writes a probe Secret (C(secretops-encryption-probe) in O(probe_namespace), holding a timestamp) and reads
    it back from etcd. That proves the apiserver reloaded its encryption configuration, or noticed a key rotation.
  - Then it reads etcd for the objects of O(resources) stored otherwise (plaintext, another provider, an older key id)
    and rewrites each through the API unchanged, so the apiserver stores it under the current key; then checks etcd again.
  - Resumable. Each run asks etcd what is left, so a run killed half-way is finished by the next; a run with nothing left
    changes nothing.
  - O(resources) are core (C(v1)) resources, namespaced or not.
options:
  provider_name:
    description:
      - Name of the KMS v2 provider in the EncryptionConfiguration; with O(provider_type=aescbc) or
        O(provider_type=secretbox), the name of the key new writes use
        (RV(secretops.provisioning.vault_encryption_key#module:current_key)).
    type: str
    required: true
  provider_type:
    description:
      - V(kms) (KMS v2, the default) or the simpler mode's V(aescbc) or V(secretbox)
        (P(secretops.provisioning.vault_encryption_key#module)); etcd then shows C(k8s:enc:<type>:v1:<provider_name>:).
    type: str
    choices: [kms, aescbc, secretbox]
    default: kms
  target:
    description:
      - V(kms) stores everything under the provider (and key id). V(identity) stores everything in plaintext again, to turn
        encryption off safely once the configuration lists C(identity) first (P(secretops.provisioning.encryption_provider_config#module)
        O(secretops.provisioning.encryption_provider_config#module:mode=decrypt)).
    type: str
    choices: [kms, identity]
    default: kms
  key_id:
    description: Key id the objects must be under (C(<mount>/<key>:v<N>) for C(secretops-kms-plugin)); by default the one the probe shows.
    type: str
  resources:
    description: Resources to migrate.
    type: list
    elements: str
    default: [secrets]
  probe_namespace:
    description: Namespace of the probe Secret.
    type: str
    default: kube-system
  wait_timeout:
    description: Seconds to wait for the apiserver to store the probe under the provider (a rotation shows within its one-minute KMS status poll).
    type: int
    default: 180
  poll_interval:
    description: Seconds between two probes.
    type: int
    default: 2
extends_documentation_fragment:
  - secretops.provisioning.etcd_reader
  - secretops.provisioning.k8s_connection
  - secretops.provisioning.attributes
  - secretops.provisioning.attributes.action_group_k8s
attributes:
  check_mode:
    support: full
    details: Reports what is pending; the probe is not written, so without O(key_id) any KMS v2 key id of the provider counts as current.
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Store every Secret under the KMS v2 provider
  secretops.provisioning.k8s_encryption_migrate:
    provider_name: vault-transit
    etcd_url: https://127.0.0.1:2379
    etcd_ca_cert: /etc/kubernetes/pki/etcd/ca.crt
    etcd_client_cert: /etc/kubernetes/pki/apiserver-etcd-client.crt
    etcd_client_key: /etc/kubernetes/pki/apiserver-etcd-client.key
"""

RETURN = r"""
key_id:
  description: The key id every object is now stored under (null with O(target=identity)).
  returned: always
  type: str
  sample: transit/kubernetes-etcd:v2
resources:
  description: Per resource, C(pending) (found not current), C(rewritten) and C(remaining) (0 on success).
  returned: always
  type: dict
  sample: {"secrets": {"pending": 12, "rewritten": 12, "remaining": 0}}
census:
  description: The etcd census after the migration, as RV(secretops.provisioning.k8s_encryption_info#module:resources) reports it.
  returned: always
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption.etcd import ETCD_ARGUMENT_SPEC, etcd_reader
from ansible_collections.secretops.provisioning.plugins.module_utils.encryption.migrate import migrate
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import k8s_session
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.connection import connection_argument_spec
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run


def apply(module):
    with k8s_session(module.params) as client:
        return migrate(client, etcd_reader(module.params), module.params, check_mode=module.check_mode)


def main():
    spec = connection_argument_spec()
    spec.update(ETCD_ARGUMENT_SPEC)
    spec.update(
        provider_name=dict(type="str", required=True),
        provider_type=dict(type="str", choices=["kms", "aescbc", "secretbox"], default="kms"),
        target=dict(type="str", choices=["kms", "identity"], default="kms"),
        key_id=dict(type="str"),
        resources=dict(type="list", elements="str", default=["secrets"]),
        probe_namespace=dict(type="str", default="kube-system"),
        wait_timeout=dict(type="int", default=180),
        poll_interval=dict(type="int", default=2),
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda: apply(module))


if __name__ == "__main__":
    main()
