#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: k8s_service_account
short_description: Ensure a namespace, a service account and its cluster role bindings exist
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
  - Creates the namespace (optionally), the service account, and one ClusterRoleBinding per
    cluster role in O(cluster_roles), named C(<namespace>-<name>-<role>). Existing objects are
    left as they are; a binding with that name that binds something else is reported as an error.
  - Also returns the API server URL and CA of the connection, which the Vault Kubernetes auth
    configuration needs (public data).
options:
  name:
    description: Name of the service account.
    type: str
    required: true
  namespace:
    description:
      - Namespace of the service account.
      - Defaults to the namespace of the kubeconfig context in use (as C(kubectl) takes it); without one, it is required.
    type: str
  create_namespace:
    description: Create the namespace when it does not exist.
    type: bool
    default: true
  cluster_roles:
    description: Cluster roles to bind the service account to, for example V(system:auth-delegator) for a Vault token reviewer.
    type: list
    elements: str
    default: []
  read_token_secret:
    description:
      - Name of a filled C(service-account-token) Secret in O(namespace) whose JWT to return in
        RV(token) (for the Vault token reviewer). Set C(no_log) on the task.
    type: str
extends_documentation_fragment:
  - secretops.provisioning.k8s_connection
  - secretops.provisioning.attributes
  - secretops.provisioning.attributes.action_group_k8s
attributes:
  check_mode:
    support: full
    details: Reports what would be created.
  diff_mode:
    support: full
    details: One diff per object created (or, in check mode, that would be), from absent to the object sent; these objects hold no secret.
"""

EXAMPLES = r"""
- name: Token reviewer account for Vault
  secretops.provisioning.k8s_service_account:
    name: vault-token-reviewer
    namespace: vault-auth
    cluster_roles: [system:auth-delegator]
"""

RETURN = r"""
created:
  description: Objects created (or, in check mode, that would be), as C(Kind/namespace/name).
  returned: always
  type: list
  elements: str
  sample: [ServiceAccount/shop/web]
api_server:
  description: URL of the API server this module talked to.
  returned: always
  type: str
  sample: https://10.0.0.1:6443
ca_cert:
  description: PEM text of the CA the connection trusts for the API server, when the connection has one.
  returned: always
  type: str
  sample: "-----BEGIN CERTIFICATE-----..."
token:
  description: The JWT of O(read_token_secret). The task should set C(no_log).
  returned: when O(read_token_secret) is set and not in check mode
  type: str
  sample: eyJhbGciOi...
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import k8s_session
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.configuration import namespace_or_default
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.connection import connection_argument_spec, connection_params
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import service_accounts


def ensure(module):
    connection = connection_params(module.params)
    params = dict(module.params, namespace=namespace_or_default(module.params["namespace"], connection))
    with k8s_session(connection) as client:
        created = service_accounts.ensure_identity(client, params["namespace"], params["name"], params["create_namespace"],
                                                   params["cluster_roles"], module.check_mode)
        result = {"changed": bool(created), "created": created, "api_server": client.host, "ca_cert": service_accounts.cluster_ca_pem(client)}
        if module._diff and created:
            result["diff"] = service_accounts.identity_diff(params["namespace"], params["name"], params["cluster_roles"], created)
        if params["read_token_secret"] and not (module.check_mode and created):
            result["token"] = service_accounts.read_token(client, params["namespace"], params["read_token_secret"])
        return result


def main():
    spec = connection_argument_spec()
    spec.update(
        name=dict(type="str", required=True),
        namespace=dict(type="str"),
        create_namespace=dict(type="bool", default=True),
        cluster_roles=dict(type="list", elements="str", default=[]),
        read_token_secret=dict(type="str", no_log=False),
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda: ensure(module))


if __name__ == "__main__":
    main()
