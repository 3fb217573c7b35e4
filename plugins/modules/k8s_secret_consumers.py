#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: k8s_secret_consumers
short_description: List the workloads that use a Kubernetes Secret
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
  - Finds every Deployment, StatefulSet, DaemonSet, CronJob, Job and bare Pod in the Secret's namespace
    that uses the Secret, with no annotation needed on the workload.
  - A workload uses a Secret through a container's C(env[].valueFrom.secretKeyRef) or
    C(envFrom[].secretRef) (in regular, init and ephemeral containers), a C(secret) volume, a
    C(projected) volume source, the pod's C(imagePullSecrets), or the C(imagePullSecrets) of the
    pod's service account.
  - Pods run by a controller and Jobs run by a CronJob are reported through their controller.
  - A workload annotated C(secretops.io/ignore-secrets) with V(true) (every Secret) or a
    comma-separated list of Secret names is listed under RV(opted_out) instead of RV(consumers).
  - Makes one LIST call per workload kind, and one for service accounts.
options:
  name:
    description: Name of the Secret. It does not have to exist.
    type: str
    required: true
  namespace:
    description: Namespace of the Secret and of the workloads searched.
    type: str
    required: true
extends_documentation_fragment:
  - secretops.provisioning.k8s_connection
attributes:
  check_mode:
    support: full
    description: The module only reads.
  diff_mode:
    support: none
    description: The module changes nothing.
seealso:
  - module: secretops.provisioning.k8s_rollout_restart
"""

EXAMPLES = r"""
- name: Find what uses the database credentials
  secretops.provisioning.k8s_secret_consumers:
    name: db-credentials
    namespace: shop
  register: db_consumers

- name: Show the workloads and the keys they read
  ansible.builtin.debug:
    msg: "{{ item.kind }}/{{ item.name }} uses {{ item.keys | default('all keys', true) }}"
  loop: "{{ db_consumers.consumers }}"
"""

RETURN = r"""
consumers:
  description: The workloads that use the Secret, Deployments first, then StatefulSets, DaemonSets, CronJobs, Jobs, Pods.
  returned: always
  type: list
  elements: dict
  contains:
    kind:
      description: Workload kind.
      type: str
      sample: Deployment
    name:
      description: Workload name.
      type: str
      sample: web
    namespace:
      description: Workload namespace.
      type: str
      sample: shop
    secret:
      description: The Secret name.
      type: str
      sample: db-credentials
    uses:
      description:
        - Each way the workload uses the Secret. C(via) is one of V(env), V(envFrom), V(volume),
          V(projected), V(imagePullSecrets), V(serviceAccountImagePullSecrets); C(container),
          C(container_type), C(env), C(volume), C(service_account) say where.
      type: list
      elements: dict
      sample: [{"via": "env", "container": "app", "container_type": "containers", "env": "DB_PASSWORD", "keys": ["password"]}]
    keys:
      description: The Secret keys the workload reads, or null when it reads all of them (envFrom, a whole-Secret volume).
      type: list
      elements: str
      sample: ["password", "username"]
    all_keys:
      description: Whether the workload reads every key of the Secret.
      type: bool
      sample: false
opted_out:
  description: Workloads that use the Secret but opted out with the C(secretops.io/ignore-secrets) annotation, same shape as RV(consumers).
  returned: always
  type: list
  elements: dict
  sample: []
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import build_client
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.connection import connection_argument_spec, connection_params
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import service


def argument_spec():
    spec = connection_argument_spec()
    spec.update(name=dict(type="str", required=True), namespace=dict(type="str", required=True))
    return spec


def find(module):
    client = build_client(connection_params(module.params))
    try:
        consumers, opted_out = service.find_consumers(client, module.params["namespace"], [module.params["name"]])
    finally:
        client.close()
    return {"changed": False, "consumers": consumers, "opted_out": opted_out}


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    run(module, lambda: find(module))


if __name__ == "__main__":
    main()
