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
  - Finds every workload in the Secret's namespace that uses the Secret, with no annotation needed on
    the workload - Deployments, StatefulSets, DaemonSets, CronJobs, Jobs, ReplicaSets,
    ReplicationControllers and Pods, and the controllers of other kinds that run them.
  - A workload uses a Secret through a container's C(env[].valueFrom.secretKeyRef) or
    C(envFrom[].secretRef) (in regular, init and ephemeral containers), a C(secret) volume, a
    C(projected) volume source, the secret reference of a volume plugin (C(csi.nodePublishSecretRef),
    the C(secretRef) of C(cephfs), C(rbd), C(iscsi), C(flexVolume), C(scaleIO) and C(storageos),
    C(azureFile.secretName)), the pod's C(imagePullSecrets), or the C(imagePullSecrets) of the pod's
    service account.
  - Each object that uses the Secret is reported through the top of its chain of controller owner
    references - a Pod through its ReplicaSet and that ReplicaSet's Deployment, a Job through its
    CronJob - so each workload is reported once. The chain stops at a Deployment, StatefulSet,
    DaemonSet or CronJob (whose own pod template decides), at an object without a controller (a
    standalone ReplicaSet, ReplicationController, Job or Pod is its own top), and at an owner of a kind
    of another API group, such as an Argo Rollout or an operator's custom resource, which is reported
    by the kind, name and C(api_version) of the ownerReference.
  - Consumers the collection cannot restart (Jobs, Pods, ReplicaSets, ReplicationControllers, other
    kinds) have RV(consumers[].restartable=false) and a RV(consumers[].reason) that says what to do
    instead; M(secretops.provisioning.k8s_rollout_restart) reports them as V(skipped).
  - A workload annotated C(secretops.io/ignore-secrets) with V(true) (every Secret) or a
    comma-separated list of Secret names is listed under RV(opted_out) instead of RV(consumers).
  - Makes one LIST call per kind (Deployments, StatefulSets, DaemonSets, CronJobs, Jobs, ReplicaSets,
    ReplicationControllers, Pods), and one for service accounts; the identity needs C(list) on each.
options:
  name:
    description: Name of the Secret. It does not have to exist.
    type: str
    required: true
  namespace:
    description:
      - Namespace of the Secret and of the workloads searched.
      - Defaults to the namespace of the kubeconfig context in use (as C(kubectl) takes it); without one, it is required.
    type: str
extends_documentation_fragment:
  - secretops.provisioning.k8s_connection
  - secretops.provisioning.attributes
  - secretops.provisioning.attributes.action_group_k8s
  - secretops.provisioning.attributes.read_only
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
    msg: "{{ item.kind }}/{{ item.name }} uses {{ item.data_keys | default('all keys', true) }}"
  loop: "{{ db_consumers.consumers }}"
"""

RETURN = r"""
consumers:
  description:
    - The workloads that use the Secret, Deployments first, then StatefulSets, DaemonSets, CronJobs, Jobs,
      ReplicaSets, ReplicationControllers, Pods, then other kinds by name.
  returned: always
  type: list
  elements: dict
  contains:
    kind:
      description: Workload kind, or the kind of the controller of another API group that runs it.
      type: str
      sample: Deployment
    api_version:
      description: API version of a kind outside the collection's, from the ownerReference that names it.
      type: str
      returned: when the consumer is of another API group
      sample: argoproj.io/v1alpha1
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
          V(projected), V(volumePlugin), V(imagePullSecrets), V(serviceAccountImagePullSecrets); C(container),
          C(container_type), C(env), C(volume), C(plugin), C(field), C(service_account) say where.
      type: list
      elements: dict
      sample: [{"via": "env", "container": "app", "container_type": "containers", "env": "DB_PASSWORD", "data_keys": ["password"]}]
    data_keys:
      description: The Secret keys the workload reads, or null when it reads all of them (envFrom, a whole-Secret volume).
      type: list
      elements: str
      sample: ["password", "username"]
    all_keys:
      description: Whether the workload reads every key of the Secret.
      type: bool
      sample: false
    restartable:
      description: Whether M(secretops.provisioning.k8s_rollout_restart) can restart the workload.
      type: bool
      sample: true
    reason:
      description: Why the workload cannot be restarted, and what to do instead; null when it can.
      type: str
      sample: "a ReplicaSet does not replace its pods when its template changes: delete its pods (it re-creates them with the change), or ..."
    found_through:
      description:
        - C(Kind/name) of the objects the consumer controls that use the Secret, when the consumer was found
          through them rather than through its own pod template (a custom resource's ReplicaSet, a
          ReplicaSet's Pods).
      type: list
      elements: str
      returned: when the consumer was found through the objects it controls
      sample: [ReplicaSet/web-7c9d8]
opted_out:
  description: Workloads that use the Secret but opted out with the C(secretops.io/ignore-secrets) annotation, same shape as RV(consumers).
  returned: always
  type: list
  elements: dict
  sample: []
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import k8s_session
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.configuration import namespace_or_default
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.connection import connection_argument_spec, connection_params
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import service


def argument_spec():
    spec = connection_argument_spec()
    spec.update(name=dict(type="str", required=True), namespace=dict(type="str"))
    return spec


def find(module):
    connection = connection_params(module.params)
    namespace = namespace_or_default(module.params["namespace"], connection)
    with k8s_session(connection) as client:
        consumers, opted_out = service.find_consumers(client, namespace, [module.params["name"]])
    return {"changed": False, "consumers": consumers, "opted_out": opted_out}


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    run(module, lambda: find(module))


if __name__ == "__main__":
    main()
