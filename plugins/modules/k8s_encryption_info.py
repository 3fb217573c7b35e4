#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: k8s_encryption_info
short_description: Report how Kubernetes objects are stored in etcd (plaintext, provider, KMS key id), read from etcd itself
version_added: 0.2.0
author: secretops maintainers (@secretops)
description:
  - Reads etcd directly and counts, per resource, the objects stored in plaintext, under each encryption provider,
    and under each KMS v2 key id (the envelope header holds them in clear). Nothing is decrypted; the result holds
    counts, provider names and key ids only.
  - Objects under the simpler mode's keys (P(secretops.provisioning.vault_encryption_key#module)) count under
    C(providers) as C(aescbc:<key name>) or C(secretbox:<key name>), read from their prefix C(k8s:enc:<type>:v1:<key name>:).
  - With O(check_health=true) it also asks the apiserver for C(/healthz/kms-providers), so a KMS plugin that is down
    shows as RV(kms_healthy=false).
  - O(fail_on) turns the report into a gate for CI or AWX.
options:
  resources:
    description:
      - Resources to count, named as EncryptionConfiguration names them (C(secrets), C(deployments.apps),
        C(widgets.example.com); no wildcards).
      - A core resource is read under C(<etcd_prefix>/<resource>/) (or its special prefix, such as C(services/specs)).
        For a name with a group the module asks the API (through the Kubernetes connection options) whether it is a
        custom resource, read under C(<etcd_prefix>/<group>/<resource>/), or a built-in one, read under
        C(<etcd_prefix>/<resource>/).
    type: list
    elements: str
    default: [secrets]
  fail_on:
    description:
      - Fail when a condition holds. V(plaintext), any object stored in plaintext; V(not_kms), any object not sealed by
        KMS v2; V(mixed_keys), objects of one resource under more than one key (KMS v2 key ids, aescbc or secretbox key
        names), which means a migration is unfinished;
        V(unhealthy), the apiserver reports a KMS provider unhealthy (needs O(check_health)); V(encrypted), any object not
        in plaintext (before an identity-only configuration, which could not read it); V(other_kms_key), any object
        anywhere under O(etcd_prefix) that the KMS provider O(kms_provider_name) sealed with another key than O(kms_key)
        (before pointing that provider's plugin at O(kms_key), which could never open it).
    type: list
    elements: str
    choices: [plaintext, not_kms, mixed_keys, unhealthy, encrypted, other_kms_key]
    default: []
  kms_provider_name:
    description: Name of a KMS v2 provider, for RV(other_kms_keys). Given together with O(kms_key).
    type: str
  kms_key:
    description:
      - The Transit key (C(<mount>/<name>)) that O(kms_provider_name)'s plugin seals with. With it the module reads every
        object under O(etcd_prefix) (not only O(resources)) and reports in RV(other_kms_keys) what that provider sealed
        with any other key.
    type: str
  check_health:
    description: Also read the apiserver's C(/healthz/kms-providers) through the Kubernetes connection options.
    type: bool
    default: false
extends_documentation_fragment:
  - secretops.provisioning.etcd_reader
  - secretops.provisioning.k8s_connection
  - secretops.provisioning.attributes
  - secretops.provisioning.attributes.action_group_k8s
  - secretops.provisioning.attributes.read_only
"""

EXAMPLES = r"""
- name: Gate a pipeline on every Secret being sealed by KMS v2
  secretops.provisioning.k8s_encryption_info:
    etcd_url: https://127.0.0.1:2379
    etcd_ca_cert: /etc/kubernetes/pki/etcd/ca.crt
    etcd_client_cert: /etc/kubernetes/pki/apiserver-etcd-client.crt
    etcd_client_key: /etc/kubernetes/pki/apiserver-etcd-client.key
    fail_on: [plaintext, not_kms]
"""

RETURN = r"""
resources:
  description: Per resource, C(total), C(plaintext), C(providers) (C(<type>:<name>) to count) and C(key_ids) (key id to count).
  returned: always
  type: dict
  sample: {"secrets": {"total": 12, "plaintext": 0, "providers": {"kms-v2:vault-transit": 10, "secretbox:key-20260101T120000Z": 2},
           "key_ids": {"transit/k8s:v1": 10}}}
kms_healthy:
  description: Whether the apiserver reports its KMS providers healthy.
  returned: when O(check_health=true)
  type: bool
  sample: true
other_kms_keys:
  description: Key id to count of the objects that O(kms_provider_name) sealed with another key than O(kms_key), anywhere in etcd.
  returned: when O(kms_key) is given
  type: dict
  sample: {"transit/kubernetes-etcd-old:v2": 10}
failures:
  description: The O(fail_on) conditions met (the task fails when there is one).
  returned: always
  type: list
  elements: str
  sample: []
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption.etcd import ETCD_ARGUMENT_SPEC
from ansible_collections.secretops.provisioning.plugins.module_utils.encryption.report import report
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.connection import connection_argument_spec
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run


def main():
    spec = connection_argument_spec()
    spec.update(ETCD_ARGUMENT_SPEC)
    spec.update(
        resources=dict(type="list", elements="str", default=["secrets"]),
        fail_on=dict(type="list", elements="str", default=[],
                     choices=["plaintext", "not_kms", "mixed_keys", "unhealthy", "encrypted", "other_kms_key"]),
        check_health=dict(type="bool", default=False),
        kms_provider_name=dict(type="str"),
        kms_key=dict(type="str", no_log=False),
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True, required_together=[["kms_provider_name", "kms_key"]])
    run(module, lambda: report(module.params))


if __name__ == "__main__":
    main()
