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
    and has them stored again, by a StorageVersionMigration (O(method)), then by rewriting through the API, unchanged,
    whatever etcd still shows otherwise; then checks etcd again.
  - Resumable. Each run asks etcd what is left, so a run killed half-way is finished by the next; a run with nothing left
    changes nothing. A StorageVersionMigration has a name fixed by the resource and the key (C(secretops-<resource>-<hash>),
    label C(secretops.io/encryption-migration=true)); a run killed while one exists waits for it, replaces it when it
    failed, and deletes it; finished ones a killed run left behind are deleted by the next run that uses the method.
  - O(resources) are named as EncryptionConfiguration names them. A custom resource (its CustomResourceDefinition
    C(<plural>.<group>) exists) is read in etcd under C(<etcd_prefix>/<group>/<plural>/), a built-in one under
    C(<etcd_prefix>/<plural>/) (or its special prefix, such as C(services/specs) or C(minions)); the API path uses the
    group's preferred version. Wildcards, groups the API does not serve and aggregated APIs are refused.
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
    description:
      - Resources to migrate, for example C(secrets), C(configmaps), C(deployments.apps), C(widgets.example.com).
      - A name with a group needs read access to CustomResourceDefinitions, APIServices and API discovery.
    type: list
    elements: str
    default: [secrets]
  method:
    description:
      - How objects are stored again. V(rewrite) reads each object etcd holds otherwise and writes it back unchanged.
        V(storage_version_migration) creates a C(storagemigration.k8s.io/v1) StorageVersionMigration per resource
        (GA and served by default in Kubernetes 1.37) and waits until kube-controller-manager's
        storage-version-migrator-controller reports it C(Succeeded) or C(Failed), at most O(migration_timeout) seconds
        (30 when no controller takes it up); what etcd still shows otherwise is then rewritten as with V(rewrite).
      - V(auto) uses V(storage_version_migration) where the API serves it and the identity may list
        StorageVersionMigrations, else V(rewrite).
    type: str
    choices: [auto, rewrite, storage_version_migration]
    default: auto
  migration_timeout:
    description: Seconds to wait for one StorageVersionMigration to end before rewriting what is left directly.
    type: int
    default: 300
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
    details: Reports what is pending; the probe is not written, so without O(key_id) any KMS v2 key id of the provider counts as
      current; no StorageVersionMigration is created.
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

- name: Store Secrets, ConfigMaps, Deployments and a custom resource under the current key, by the API's own migration
  secretops.provisioning.k8s_encryption_migrate:
    provider_name: vault-transit
    resources: [secrets, configmaps, deployments.apps, widgets.example.com]
    method: storage_version_migration
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
  description:
    - Per resource, C(pending) (found not current), C(method) (V(rewrite) or V(storage_version_migration)),
      C(rewritten) (objects this module wrote back) and C(remaining) (0 on success).
    - With a StorageVersionMigration, C(storage_version_migration) (its C(name), C(outcome) V(Succeeded), V(Failed),
      V(NotStarted) (no controller took it up within 30 seconds) or V(TimedOut), and C(message)) and
      C(left_by_migration) (objects etcd still showed otherwise after it).
  returned: always
  type: dict
  sample: {"secrets": {"pending": 500, "method": "storage_version_migration", "rewritten": 1, "remaining": 0, "left_by_migration": 0,
           "storage_version_migration": {"name": "secretops-secrets-3f2a9c1b0d", "outcome": "Succeeded",
                                         "message": "Migration completed"}}}
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
        method=dict(type="str", choices=["auto", "rewrite", "storage_version_migration"], default="auto"),
        migration_timeout=dict(type="int", default=300),
        probe_namespace=dict(type="str", default="kube-system"),
        wait_timeout=dict(type="int", default=180),
        poll_interval=dict(type="int", default=2),
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda: apply(module))


if __name__ == "__main__":
    main()
