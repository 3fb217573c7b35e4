#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: secret_drift_info
short_description: Tell whether each managed Secret, and the Pods that use it, run what Vault holds
version_added: 0.2.0
author: secretops maintainers (@secretops)
description:
  - For every Secret the collection manages in O(namespaces) (those annotated C(secretops.io/vault-path)), or the
    Secrets named in O(secret_names) or O(secrets), compares three things, none of them a value - the current
    version of the Vault KV path (read from its metadata, never its data), the version the Secret records
    (C(secretops.io/vault-version)), and the keyed content stamp each consumer's Pods were started with
    against the keyed stamp of the Secret's current content.
  - Each Secret gets a RV(secrets[].state) - V(in_sync), V(secret_behind_vault) (the Secret records an older
    version, or does not exist), V(pods_behind_secret) (a consumer runs other content, or was never stamped and
    its Pods do not prove otherwise), V(vault_path_missing) (no secret, or its current version is deleted or
    destroyed), V(unmanaged) (no Vault path recorded or given), or V(unknown) when Vault could not be read for it
    (RV(secrets[].reason) says why; the other Secrets are still audited).
  - Secrets holding a database lease or a PKI certificate (dynamic secrets) have no KV version; their lease end or
    certificate serial is reported in RV(secrets[].dynamic) and their consumers are compared the same way.
  - The stamps are keyed with the namespace's content key (C(secretops-content-key)), which is read, never
    created; without it the stamps cannot be tested and those consumers are V(unknown) (a note says so).
  - Reads only; makes one LIST per kind per namespace (Secrets, the workload kinds, service accounts) and one
    metadata read per Vault path (eight at a time). Runs the same in check mode. No value, and nothing derived from a value
    without the content key, is returned.
options:
  namespaces:
    description: Namespaces to audit. Every Secret annotated C(secretops.io/vault-path) in each is audited unless
      O(secret_names) narrows them. O(namespaces) or O(secrets) is required.
    type: list
    elements: str
  secret_names:
    description: Only these Secrets of each namespace of O(namespaces); a Secret without a recorded Vault path is V(unmanaged).
    type: list
    elements: str
    default: []
  secrets:
    description:
      - Secrets to compare with a given Vault path instead of the one they record (the path the inventory says).
        A Secret recording another path gets RV(secrets[].recorded_vault_path).
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the Secret.
        type: str
        required: true
      namespace:
        description: Namespace of the Secret.
        type: str
        required: true
      vault_path:
        description: KV v2 path the Secret is synced from, full or relative to O(secrets[].mount_point).
        type: str
        required: true
      mount_point:
        description: KV mount of O(secrets[].vault_path).
        type: str
extends_documentation_fragment:
  - secretops.provisioning.vault_dict
  - secretops.provisioning.k8s_connection
  - secretops.provisioning.attributes
  - secretops.provisioning.attributes.action_group_k8s
  - secretops.provisioning.attributes.read_only
notes:
  - The Vault token needs C(read) on the C(metadata/) path of each KV secret (and on C(sys/internal/ui/mounts)), no
    access to its data. The Kubernetes identity needs C(list) on Secrets, the workload kinds and service accounts.
seealso:
  - module: secretops.provisioning.k8s_secret_access_info
  - module: secretops.provisioning.k8s_secret_hygiene_info
  - module: secretops.provisioning.secret_rotation
"""

EXAMPLES = r"""
- name: Verify between rotations that what runs is what Vault holds
  secretops.provisioning.secret_drift_info:
    namespaces: [shop, billing]
  register: drift

- name: Fail when a Pod still runs old content
  ansible.builtin.assert:
    that: drift.summary.pods_behind_secret == 0
    fail_msg: "{{ drift.secrets | selectattr('state', 'eq', 'pods_behind_secret') | map(attribute='name') | list }}"

- name: Compare with the paths of the inventory
  secretops.provisioning.secret_drift_info:
    secrets:
      - {name: db-credentials, namespace: shop, vault_path: secret/shop/db}
"""

RETURN = r"""
secrets:
  description: One result per audited Secret, by namespace then name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Name of the Secret.
      type: str
      sample: db-credentials
    namespace:
      description: Namespace of the Secret.
      type: str
      sample: shop
    exists:
      description: Whether the Secret exists.
      type: bool
      sample: true
    state:
      description: V(in_sync), V(secret_behind_vault), V(pods_behind_secret), V(vault_path_missing), V(unmanaged) or V(unknown).
      type: str
      sample: pods_behind_secret
    reason:
      description: Why, in words; names versions and workloads, never a value.
      type: str
      sample: "Deployment/web started with other content than the Secret's current content"
    vault_path:
      description: The Vault path compared with (given, else recorded on the Secret); null when unmanaged.
      type: str
      sample: secret/shop/db
    recorded_vault_path:
      description: The path the Secret records, when O(secrets[].vault_path) names another.
      type: str
      returned: when they differ
      sample: secret/shop/old-db
    vault_version:
      description: Current version of the KV path; null when there is none or for a dynamic secret.
      type: int
      sample: 4
    vault_version_time:
      description: When that version was written (Vault's time).
      type: str
      sample: "2026-12-07T09:30:00.123456Z"
    recorded_vault_version:
      description: The version the Secret records (C(secretops.io/vault-version)); null when it records none.
      type: int
      sample: 3
    behind_since:
      description: For V(pods_behind_secret), the Secret's last write (its newest C(managedFields) time), from when the Pods are behind.
      type: str
      sample: "2026-12-07T09:30:00Z"
    dynamic:
      description:
        - For a Secret holding dynamic credentials, C(kind) (V(pki), V(database_lease) or V(database_static)) and
          C(serial) and C(not_after), C(lease_end) and C(renewable), or C(last_rotation). The lease id is left out.
      type: dict
      returned: for dynamic secrets
      sample: {"kind": "pki", "serial": "3a:4f:...", "not_after": "2026-12-08T09:30:00Z"}
    consumers:
      description:
        - The workloads that use the Secret (as M(secretops.provisioning.k8s_secret_consumers) finds them), each with
          C(kind), C(name), C(restartable) and C(state) - V(current) (its stamp is the current content's),
          V(proven) (never stamped, but every Pod using the Secret started after its last write), V(stale) (stamped with
          other content), V(unstamped) (never stamped and not proven) or V(unknown) (no content key to test the stamp, or a
          kind the collection does not read).
      type: list
      elements: dict
      sample: [{"kind": "Deployment", "name": "web", "state": "stale", "restartable": true}]
summary:
  description: How many Secrets are in each state, and C(total).
  returned: always
  type: dict
  sample: {"in_sync": 12, "secret_behind_vault": 0, "pods_behind_secret": 1, "vault_path_missing": 0, "unmanaged": 0, "total": 13}
notes:
  description: What limited the audit (a namespace without a readable content key).
  returned: always
  type: list
  elements: str
  sample: []
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.audit import drift_service, options
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import k8s_session
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.connection import connection_params
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.options import vault_session

SECRET_ITEM = dict(name=dict(type="str", required=True), namespace=dict(type="str", required=True),
                   vault_path=dict(type="str", required=True), mount_point=dict(type="str"))


def audit(module):
    params = module.params
    with vault_session(params) as vault, k8s_session(connection_params(params)) as client:
        result = drift_service.audit(client, vault, params["namespaces"], params["secret_names"], params["secrets"])
    return dict(result, changed=False)


def main():
    spec = options.argument_spec(vault=True, secrets=dict(type="list", elements="dict", no_log=False, options=SECRET_ITEM))
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True, required_one_of=[("namespaces", "secrets")])
    run(module, lambda: audit(module))


if __name__ == "__main__":
    main()
