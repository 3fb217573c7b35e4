#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: k8s_secret_access_info
short_description: List every subject that can read a Kubernetes Secret, directly or indirectly, confirmed by the API server
version_added: 0.2.0
author: secretops maintainers (@secretops)
description:
  - For each Secret of O(namespaces) (or those in O(secret_names)), lists every subject - user, group or service
    account - that can read it, and each path by which it can.
  - Direct paths are C(get), C(list) and C(watch) on Secrets, through Roles, ClusterRoles (aggregated ones name the
    ClusterRoles they aggregate the rule from), RoleBindings and ClusterRoleBindings, to users, groups and service accounts.
  - Indirect paths reach the content another way - V(create_pods) and V(create_workloads) (create Pods, Deployments,
    StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs or ReplicationControllers in the namespace, which may mount
    any of its Secrets), V(change_workloads) (patch or update their pod templates), V(exec) (into a running Pod that uses
    the Secret), V(create_token) (mint a token for a service account that reads it), V(impersonate) (a subject that reads
    it), V(bind) and V(escalate) (bind a role and create a RoleBinding, or escalate and update a Role, in the namespace).
  - Every path is confirmed with a SubjectAccessReview against the API server before it is reported (a service account
    is reviewed with the groups every service account has, a user without groups, a group alone), so none is invented.
    Reviews with the same subject and attributes are sent once per task, eight at a time.
  - On the Vault side (O(check_vault)), for a Secret that records the Vault path it is synced from
    (C(secretops.io/vault-path)), lists the roles of every Kubernetes auth method whose policies read that path, with the
    service accounts and namespaces they are bound to and the policy blocks that grant it. Policies are evaluated by the
    module with Vault's path precedence (an exact path over a glob, a longer prefix over a shorter one, C(deny) wins).
  - Reads only, returns no value; runs the same in check mode.
options:
  namespaces:
    description: Namespaces whose Secrets are audited.
    type: list
    elements: str
    required: true
  secret_names:
    description: Only these Secrets of each namespace (they need not exist, for a planned Secret).
    type: list
    elements: str
    default: []
  allowed_subjects:
    description:
      - Subjects expected to read the Secrets, as V(User:name), V(Group:name) or V(ServiceAccount:namespace:name),
        where V(*) matches any text (V(ServiceAccount:shop:*)). When given, each result lists the readers outside it
        in RV(secrets[].outside_allowed), and C(outside_allowed) in RV(summary) counts the Secrets that have any.
    type: list
    elements: str
  allow_control_plane:
    description:
      - With O(allowed_subjects), also count as expected the subjects that read every Secret by Kubernetes' design
        (V(Group:system:masters), V(User:system:apiserver), V(User:system:kube-controller-manager) and every
        service account of C(kube-system)), so an allowed list names only the application's readers. V(false)
        reports them outside the list unless it names them.
    type: bool
    default: true
  check_vault:
    description: Also list the Vault Kubernetes auth roles that read each Secret's Vault path (needs the O(vault) connection).
    type: bool
    default: true
extends_documentation_fragment:
  - secretops.provisioning.vault_dict
  - secretops.provisioning.k8s_connection
  - secretops.provisioning.attributes
  - secretops.provisioning.attributes.action_group_k8s
  - secretops.provisioning.attributes.read_only
notes:
  - The Kubernetes identity needs C(create) on C(subjectaccessreviews), C(list) on Roles, RoleBindings, ClusterRoles and
    ClusterRoleBindings, and C(list) on Secrets, the workload kinds and service accounts. The Vault token needs C(read) on
    C(sys/auth), C(list) and C(read) on the roles of each Kubernetes auth mount, and C(read) on C(sys/policies/acl/*).
  - A user's groups are not known to the cluster; a user who logs in with a group that reads the Secret shows up through
    that group.
seealso:
  - module: secretops.provisioning.secret_drift_info
  - module: secretops.provisioning.k8s_secret_hygiene_info
"""

EXAMPLES = r"""
- name: Who can read the shop's Secrets
  secretops.provisioning.k8s_secret_access_info:
    namespaces: [shop]
    allowed_subjects: ["ServiceAccount:shop:web", "Group:system:masters"]
  register: access

- name: Fail when someone unexpected can read one
  ansible.builtin.assert:
    that: access.summary.outside_allowed == 0
    fail_msg: "{{ access.secrets | selectattr('outside_allowed') | items2dict(key_name='name', value_name='outside_allowed') }}"
"""

RETURN = r"""
secrets:
  description: One result per Secret, by namespace then name.
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
    pods:
      description: The running Pods that use the Secret (the targets of V(exec) paths).
      type: list
      elements: str
      sample: [web-7c9d8-x2x4k]
    readers:
      description:
        - One entry per subject (C(kind), C(name), C(namespace) for a service account), whether it has a C(direct) path,
          and its C(paths) - C(how) (V(direct) or V(indirect)), C(via) (the verb or V(create_pods), V(create_workloads),
          V(change_workloads), V(exec), V(create_token), V(impersonate), V(bind), V(escalate)), the C(binding), C(role) and
          C(rule) that grant it, C(aggregated_from) for an aggregated ClusterRole, and C(pod), C(service_account) or
          C(impersonates) where they apply.
      type: list
      elements: dict
      sample:
        - subject: {kind: ServiceAccount, name: web, namespace: shop}
          direct: true
          paths:
            - how: direct
              via: get
              binding: {kind: RoleBinding, name: web-secrets, namespace: shop}
              role: {kind: Role, name: read-db}
              rule: {verbs: [get], apiGroups: [""], resources: [secrets], resourceNames: [db-credentials]}
    outside_allowed:
      description: The readers not in O(allowed_subjects), as C(Kind:name) or C(ServiceAccount:namespace:name).
      type: list
      elements: str
      returned: when O(allowed_subjects) is given
      sample: ["User:jane"]
    vault_path:
      description: The Vault path the Secret records.
      type: str
      returned: with O(check_vault), for a Secret that records one
      sample: secret/shop/db
    vault_roles:
      description:
        - The Kubernetes auth roles whose policies read RV(secrets[].vault_path) - C(auth_mount), C(role),
          C(service_account_names), C(service_account_namespaces), C(binds_secret_namespace) and the C(policies) blocks
          (C(policy), C(path), C(capabilities)) that match.
      type: list
      elements: dict
      returned: with O(check_vault), for a Secret that records a Vault path
      sample: [{"auth_mount": "kubernetes", "role": "shop-web", "service_account_names": ["web"], "service_account_namespaces": ["shop"],
                "binds_secret_namespace": true, "policies": [{"policy": "shop-web", "path": "secret/data/shop/*", "capabilities": ["read"]}]}]
    vault_error:
      description: Why the Vault side of this Secret could not be read.
      type: str
      returned: when it could not
      sample: "no secrets engine is mounted at or above secret/shop/db: check mount_point and path"
summary:
  description: C(secrets) audited, distinct C(readers), SubjectAccessReviews sent (C(reviews)), and C(outside_allowed).
  returned: always
  type: dict
  sample: {"secrets": 12, "readers": 9, "reviews": 140, "outside_allowed": 0}
notes:
  description: What limited the audit (a Vault policy that could not be evaluated).
  returned: always
  type: list
  elements: str
  sample: []
"""

import contextlib

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.audit import access_service, options
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import k8s_session
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.connection import connection_params
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.options import vault_session


def audit(module):
    params = module.params
    vault_context = vault_session(params) if params["check_vault"] else contextlib.nullcontext()
    with vault_context as vault, k8s_session(connection_params(params), pool_size=access_service.CONCURRENCY) as client:
        result = access_service.audit(
            client, vault, params["namespaces"], params["secret_names"], params["allowed_subjects"], params["allow_control_plane"]
        )
    return dict(result, changed=False)


def main():
    spec = options.argument_spec(vault=True, allowed_subjects=dict(type="list", elements="str"),
                                 allow_control_plane=dict(type="bool", default=True),
                                 check_vault=dict(type="bool", default=True))
    spec["namespaces"]["required"] = True
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda: audit(module))


if __name__ == "__main__":
    main()
