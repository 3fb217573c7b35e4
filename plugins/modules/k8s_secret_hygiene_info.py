#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: k8s_secret_hygiene_info
short_description: Find unused, stale, expiring, legacy and misplaced secrets in Kubernetes namespaces
version_added: 0.2.0
author: secretops maintainers (@secretops)
description:
  - Reports, per namespace of O(namespaces), one finding per object and category -
  - V(unused) - a Secret no workload uses (through any of the ways M(secretops.provisioning.k8s_secret_consumers) knows);
    service-account and bootstrap tokens, Helm releases and the collection's own Secrets are left out.
  - V(not_updated_in_place) - a Secret read through C(env) or C(envFrom), or mounted with C(subPath), by the consumers
    named; its Pods never see a new value until they restart.
  - V(not_rotated) - a Secret whose content was last written more than O(max_age) ago (a database static role's recorded
    rotation time, else the newest C(managedFields) time).
  - V(expiring) - a Secret whose certificate (C(tls.crt) or the C(secretops.io/pki-not-after) annotation), lease
    (C(secretops.io/vault-lease-end)) or bootstrap token expires within O(expiry_window), or has expired.
  - V(legacy_service_account_token) - a long-lived C(kubernetes.io/service-account-token) Secret.
  - V(multiple_writers) - a Secret whose data more than one field manager has written (C(managedFields)).
  - V(secret_like_configmap) - a ConfigMap with keys whose name looks like a secret's (password, token, key, ...) or whose
    value looks random (long, no spaces, high character entropy); the key names and the reasons are reported, never a
    value nor its entropy.
  - Reads only (one LIST per kind per namespace), returns no value; runs the same in check mode.
options:
  namespaces:
    description: Namespaces to audit.
    type: list
    elements: str
    required: true
  max_age:
    description: Report Secrets whose content is older than this (seconds, or V(90d), V(12h), V(1w2d)); unset leaves the check out.
    type: str
  expiry_window:
    description: Report certificates, leases and tokens that expire within this (seconds, or V(30d)); V(0) reports only expired ones.
    type: str
    default: 30d
  categories:
    description: Only these categories (all when empty).
    type: list
    elements: str
    default: []
    choices: [unused, not_updated_in_place, not_rotated, expiring, legacy_service_account_token, multiple_writers, secret_like_configmap]
extends_documentation_fragment:
  - secretops.provisioning.k8s_connection
  - secretops.provisioning.attributes
  - secretops.provisioning.attributes.action_group_k8s
  - secretops.provisioning.attributes.read_only
notes:
  - The identity needs C(list) on Secrets, ConfigMaps, the workload kinds and service accounts.
seealso:
  - module: secretops.provisioning.secret_drift_info
  - module: secretops.provisioning.k8s_secret_access_info
"""

EXAMPLES = r"""
- name: Weekly hygiene of the shop namespace
  secretops.provisioning.k8s_secret_hygiene_info:
    namespaces: [shop]
    max_age: 90d
    expiry_window: 14d
  register: hygiene

- name: Show what expires soon
  ansible.builtin.debug:
    msg: "{{ hygiene.findings | selectattr('category', 'eq', 'expiring') | list }}"
"""

RETURN = r"""
findings:
  description:
    - One finding per object and category - C(category), C(kind) (V(Secret) or V(ConfigMap)), C(name), C(namespace), and
      what the category adds - C(type) (V(unused)); C(consumers) with C(kind), C(name) and C(via) (V(env), V(envFrom),
      V(subPath)) (V(not_updated_in_place)); C(last_rotated), C(source) and C(age_days) (V(not_rotated)); C(expires),
      C(what), C(expired) and C(days_left) (V(expiring)); C(service_account) (V(legacy_service_account_token)); C(writers)
      (V(multiple_writers)); C(keys) with C(key) and C(reasons) (V(name), V(entropy)) (V(secret_like_configmap)).
  returned: always
  type: list
  elements: dict
  sample: [{"category": "not_updated_in_place", "kind": "Secret", "name": "db", "namespace": "shop",
            "consumers": [{"kind": "Deployment", "name": "web", "via": ["env"]}]}]
summary:
  description: How many findings of each category, and C(total).
  returned: always
  type: dict
  sample: {"unused": 2, "not_updated_in_place": 1, "not_rotated": 0, "expiring": 0, "legacy_service_account_token": 0,
           "multiple_writers": 1, "secret_like_configmap": 1, "total": 5}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.audit import hygiene, hygiene_service
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import k8s_session
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.connection import connection_argument_spec, connection_params
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.age import parse_age


def audit(module):
    params = module.params
    max_age = parse_age(params["max_age"], "max_age")
    window = parse_age(params["expiry_window"], "expiry_window")
    with k8s_session(connection_params(params)) as client:
        result = hygiene_service.audit(client, params["namespaces"], max_age, window, params["categories"])
    return dict(result, changed=False)


def main():
    spec = connection_argument_spec()
    spec.update(
        namespaces=dict(type="list", elements="str", required=True),
        max_age=dict(type="str"),
        expiry_window=dict(type="str", default="30d"),
        categories=dict(type="list", elements="str", default=[], choices=list(hygiene.CATEGORIES)),
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda: audit(module))


if __name__ == "__main__":
    main()
