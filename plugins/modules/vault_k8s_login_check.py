#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vault_k8s_login_check
short_description: Prove that a service account can log in to Vault or OpenBao through Kubernetes auth
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
  - Obtains a short-lived token for a service account through the Kubernetes TokenRequest API, logs
    in to Vault with it at a Kubernetes auth role, optionally reads a path with the resulting Vault
    token, and reports success or the precise step and reason it failed.
  - Run it right after configuring Kubernetes auth to prove the setup works end to end.
  - Nothing is changed except a token that is issued and then revoked; the module never reports changed.
  - Neither the service-account token nor the Vault token is returned or logged.
options:
  service_account:
    description: Name of the service account to log in as.
    type: str
    required: true
  service_account_namespace:
    description:
      - Kubernetes namespace of the service account. (O(namespace) is the Vault namespace, as in
        every Vault module.)
    type: str
    required: true
  role:
    description: The Vault Kubernetes auth role to log in with.
    type: str
    required: true
  mount_path:
    description: Path of the Kubernetes auth method, without C(auth/).
    type: str
    default: kubernetes
  audience:
    description: Audience to request the token for; it must match the role's C(audience). The API server's default when omitted.
    type: str
  read_path:
    description: A Vault API path (for example V(secret/data/app/db)) to read with the Vault token, to prove the policies allow it.
    type: str
  token_expiration_seconds:
    description: Lifetime of the requested service-account token.
    type: int
    default: 600
  fail_on_error:
    description: Whether a failed check fails the task. With V(false) the result reports RV(success=false) and RV(reason).
    type: bool
    default: true
  kubernetes:
    description:
      - How to reach the Kubernetes API server that issues the token. Each option also reads the
        C(K8S_AUTH_*) environment variable, as the Kubernetes modules of this collection do.
    type: dict
    suboptions:
      kubeconfig:
        description: Path to a kubeconfig file (E(K8S_AUTH_KUBECONFIG)); the default kubeconfig or the in-cluster configuration otherwise.
        type: path
        aliases: [kubeconfig_path]
      context:
        description: The kubeconfig context to use (E(K8S_AUTH_CONTEXT)).
        type: str
      host:
        description: URL of the API server (E(K8S_AUTH_HOST)).
        type: str
      api_key:
        description: A bearer token for the API server (E(K8S_AUTH_API_KEY)).
        type: str
      ca_cert:
        description: Path to the API server's CA bundle (E(K8S_AUTH_SSL_CA_CERT)).
        type: path
        aliases: [ssl_ca_cert]
      client_cert:
        description: Path to a client certificate (E(K8S_AUTH_CERT_FILE)).
        type: path
        aliases: [cert_file]
      client_key:
        description: Path to the client certificate's key (E(K8S_AUTH_KEY_FILE)).
        type: path
        aliases: [key_file]
      validate_certs:
        description: Whether to verify the API server's certificate (E(K8S_AUTH_VERIFY_SSL)).
        type: bool
        aliases: [verify_ssl]
      proxy:
        description: URL of an HTTP proxy to the API server (E(K8S_AUTH_PROXY)); without it, the environment's E(HTTPS_PROXY).
        type: str
      no_proxy:
        description: Comma-separated hosts, domains or networks reached without the proxy (E(K8S_AUTH_NO_PROXY)).
        type: str
      proxy_headers:
        description: Headers for the proxy, as in the Kubernetes modules (E(K8S_AUTH_PROXY_HEADERS_*)).
        type: dict
        suboptions:
          proxy_basic_auth:
            description: C(user:password) for the proxy (E(K8S_AUTH_PROXY_HEADERS_PROXY_BASIC_AUTH)).
            type: str
          basic_auth:
            description: C(user:password) for a basic C(Authorization) header to the proxy (E(K8S_AUTH_PROXY_HEADERS_BASIC_AUTH)).
            type: str
          user_agent:
            description: The C(User-Agent) sent to the proxy (E(K8S_AUTH_PROXY_HEADERS_USER_AGENT)).
            type: str
      impersonate_user:
        description:
          - Act as this user when asking for the token (E(K8S_AUTH_IMPERSONATE_USER)), as C(kubectl --as).
        type: str
      impersonate_groups:
        description: Act with these groups, with O(kubernetes.impersonate_user) (E(K8S_AUTH_IMPERSONATE_GROUPS), comma-separated).
        type: list
        elements: str
      request_timeout:
        description: Seconds to wait for one API request (E(K8S_AUTH_REQUEST_TIMEOUT)).
        type: int
        default: 30
extends_documentation_fragment:
  - secretops.provisioning.vault_connection
  - secretops.provisioning.vault_connection.auth
  - secretops.provisioning.attributes
  - secretops.provisioning.attributes.action_group_vault
attributes:
  check_mode:
    support: full
    details: The check runs in check mode too; it changes nothing.
  diff_mode:
    support: none
notes:
  - Takes the Vault connection options of the other Vault modules. It also accepts their auth options
    (O(auth_method), O(token), O(auth_role), ...), so that it runs under the C(group/secretops.provisioning.vault)
    C(module_defaults) that set them, but ignores them, since it logs in as the service account.
  - The identity running the module needs RBAC C(create) on C(serviceaccounts/token) in O(service_account_namespace).
"""

EXAMPLES = r"""
- name: Prove the app service account can log in and read its secret
  secretops.provisioning.vault_k8s_login_check:
    url: https://vault.example.com:8200
    service_account: app
    service_account_namespace: prod
    role: app
    audience: vault
    read_path: secret/data/app/db

- name: Expect a denial for an unbound service account
  secretops.provisioning.vault_k8s_login_check:
    service_account: intruder
    service_account_namespace: prod
    role: app
    fail_on_error: false
  register: denied
  failed_when: denied.success
"""

RETURN = r"""
success:
  description: Whether every step succeeded.
  returned: always
  type: bool
  sample: true
step:
  description: The step reached, V(token_request), V(login), V(read) or V(done) on success.
  returned: always
  type: str
  sample: done
reason:
  description: Why the check failed at RV(step); null on success.
  returned: always
  type: str
  sample: "login at auth/kubernetes/login failed for role app: service account name not authorized"
token_policies:
  description: Policies of the Vault token the login produced.
  returned: after a successful login
  type: list
  elements: str
  sample: [app-read, default]
lease_duration:
  description: TTL in seconds of the Vault token the login produced.
  returned: after a successful login
  type: int
  sample: 3600
read_ok:
  description: Whether O(read_path) was readable.
  returned: when O(read_path) is given and the login succeeded
  type: bool
  sample: true
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import k8s_session
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.connection import connection_argument_spec as k8s_argument_spec
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.connection import connection_params as k8s_params
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import build_client
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.login_check import check_login
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.options import CONNECTION_OPTIONS, vault_argument_spec, vault_params


def apply(module):
    params = module.params
    with k8s_session(k8s_params(params["kubernetes"] or {})) as k8s:
        vault = build_client(vault_params(params, CONNECTION_OPTIONS))
        result = check_login(
            vault, k8s, params["service_account_namespace"], params["service_account"], params["role"], mount_path=params["mount_path"],
            audience=params["audience"], read_path=params["read_path"], expiration_seconds=params["token_expiration_seconds"],
        )
    result["changed"] = False
    if not result["success"] and params["fail_on_error"]:
        details = dict(result)
        details.pop("changed")
        raise SecretOpsError("login check failed at step %s: %s" % (result["step"], result["reason"]), **details)
    return result


def main():
    # The group's auth options too (module_defaults set them for every Vault module); only the
    # connection options are used: the check logs in as the service account.
    spec = vault_argument_spec()
    spec.update(
        service_account={"type": "str", "required": True},
        service_account_namespace={"type": "str", "required": True},
        role={"type": "str", "required": True},
        mount_path={"type": "str", "default": "kubernetes"},
        audience={"type": "str"},
        read_path={"type": "str"},
        token_expiration_seconds={"type": "int", "default": 600, "no_log": False},
        fail_on_error={"type": "bool", "default": True},
        kubernetes={"type": "dict", "options": k8s_argument_spec(), "apply_defaults": True},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda: apply(module))


if __name__ == "__main__":
    main()
