# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Keep in step with plugins/module_utils/vault/options.py (a unit test checks it).
    # DOCUMENTATION: connection options; AUTH: login options; PLUGINS: the env/ini/vars sources lookups read.
    DOCUMENTATION = r"""
options:
  url:
    description:
      - URL of the Vault or OpenBao server, for example V(https://vault.example.com:8200).
      - Defaults to the E(VAULT_ADDR) environment variable.
    type: str
  namespace:
    description:
      - Vault Enterprise or OpenBao namespace to send requests to. Optional and never forced;
        without it requests go to the root namespace.
      - Defaults to E(VAULT_NAMESPACE).
    type: str
  ca_cert:
    description:
      - Path to a CA bundle that signs the server's certificate.
      - Defaults to E(VAULT_CACERT).
    type: path
  validate_certs:
    description:
      - Whether to verify the server's TLS certificate (against O(ca_cert), else the system CAs).
      - Defaults to the inverse of E(VAULT_SKIP_VERIFY) when that is set (as the Vault CLI reads it), else V(true).
    type: bool
  client_cert:
    description:
      - Path to a PEM client certificate to present to the server (TLS client authentication), with O(client_key)
        unless the file holds the key too.
      - Defaults to E(VAULT_CLIENT_CERT).
    type: path
  client_key:
    description:
      - Path to the private key of O(client_cert).
      - Defaults to E(VAULT_CLIENT_KEY).
    type: path
  timeout:
    description: Seconds to wait for one request.
    type: int
    default: 30
  retries:
    description:
      - How many times to retry a request that failed transiently, with exponential backoff. V(0) disables retries.
      - Reads (GET, LIST) are retried on HTTP 412, 500, 502, 503, 504 and read timeouts; every request is
        retried when the connection could not be opened. Writes that reached Vault are never repeated,
        since Vault may have applied them (a second KV version, a false check-and-set failure).
    type: int
    default: 3
requirements:
  - hvac >= 2.0.0 (Python library)
"""

    # The login options; every plugin that authenticates with the shared auth methods extends this too.
    AUTH = r"""
options:
  auth_method:
    description:
      - How to authenticate.
      - V(token) uses O(token), else the CLI's C(~/.vault-token) file.
      - V(kubernetes) logs in with a service-account JWT (O(jwt), O(jwt_file), or by default the
        pod's own token) as O(auth_role).
      - V(approle) logs in with O(role_id) and O(secret_id).
      - V(jwt) logs in with O(jwt) or O(jwt_file) and an optional O(auth_role).
      - Defaults to E(VAULT_AUTH_METHOD), else V(token).
    type: str
    choices: [approle, jwt, kubernetes, token]
    default: token
  token:
    description:
      - Vault token for O(auth_method=token).
      - Defaults to E(VAULT_TOKEN), then the file C(~/.vault-token).
    type: str
  auth_mount_path:
    description:
      - Path where the login auth method is mounted, without C(auth/).
      - Defaults to E(VAULT_AUTH_MOUNT_PATH), else the method's name (V(kubernetes), V(approle), V(jwt)).
      - The alias O(auth_mount_point) is its former name.
    type: str
    aliases: [auth_mount_point]
  auth_role:
    description:
      - Role to log in as; required for O(auth_method=kubernetes), optional for O(auth_method=jwt).
      - Defaults to E(VAULT_AUTH_ROLE).
    type: str
  jwt:
    description: JWT to log in with for O(auth_method=kubernetes) or O(auth_method=jwt).
    type: str
  jwt_file:
    description:
      - File holding the JWT when O(jwt) is not given.
      - For O(auth_method=kubernetes) it defaults to C(/var/run/secrets/kubernetes.io/serviceaccount/token),
        so a job running in a pod (AWX on Kubernetes) logs in with no secret configured at all.
      - Defaults to E(VAULT_JWT_FILE).
    type: path
  role_id:
    description:
      - AppRole role ID for O(auth_method=approle).
      - Defaults to E(VAULT_ROLE_ID).
    type: str
  secret_id:
    description:
      - AppRole secret ID for O(auth_method=approle).
      - Defaults to E(VAULT_SECRET_ID).
    type: str
  revoke_token:
    description:
      - Whether to revoke the token a login made (O(auth_method=kubernetes), V(approle) or V(jwt)) when the
        task or lookup call ends, so it does not stay valid until its TTL runs out.
      - Set to V(false) to leave it to its TTL (for example when the role issues batch tokens, which cannot be revoked).
      - A token given with O(auth_method=token) is never revoked.
    type: bool
    default: true
"""

    # Lookups only: where Ansible's option system finds each option besides direct arguments.
    PLUGINS = r"""
options:
  url:
    env:
      - name: VAULT_ADDR
    ini:
      - section: secretops_vault
        key: url
    vars:
      - name: secretops_vault_url
  namespace:
    env:
      - name: VAULT_NAMESPACE
    ini:
      - section: secretops_vault
        key: namespace
    vars:
      - name: secretops_vault_namespace
  ca_cert:
    env:
      - name: VAULT_CACERT
    ini:
      - section: secretops_vault
        key: ca_cert
    vars:
      - name: secretops_vault_ca_cert
  validate_certs:
    ini:
      - section: secretops_vault
        key: validate_certs
    vars:
      - name: secretops_vault_validate_certs
  client_cert:
    env:
      - name: VAULT_CLIENT_CERT
    ini:
      - section: secretops_vault
        key: client_cert
    vars:
      - name: secretops_vault_client_cert
  client_key:
    env:
      - name: VAULT_CLIENT_KEY
    ini:
      - section: secretops_vault
        key: client_key
    vars:
      - name: secretops_vault_client_key
  timeout:
    ini:
      - section: secretops_vault
        key: timeout
    vars:
      - name: secretops_vault_timeout
  retries:
    ini:
      - section: secretops_vault
        key: retries
    vars:
      - name: secretops_vault_retries
  auth_method:
    env:
      - name: VAULT_AUTH_METHOD
    ini:
      - section: secretops_vault
        key: auth_method
    vars:
      - name: secretops_vault_auth_method
  token:
    env:
      - name: VAULT_TOKEN
    vars:
      - name: secretops_vault_token
  auth_mount_path:
    env:
      - name: VAULT_AUTH_MOUNT_PATH
    ini:
      - section: secretops_vault
        key: auth_mount_path
      - section: secretops_vault
        key: auth_mount_point
    vars:
      - name: secretops_vault_auth_mount_path
      - name: secretops_vault_auth_mount_point
  auth_role:
    env:
      - name: VAULT_AUTH_ROLE
    ini:
      - section: secretops_vault
        key: auth_role
    vars:
      - name: secretops_vault_auth_role
  jwt:
    vars:
      - name: secretops_vault_jwt
  jwt_file:
    env:
      - name: VAULT_JWT_FILE
    ini:
      - section: secretops_vault
        key: jwt_file
    vars:
      - name: secretops_vault_jwt_file
  role_id:
    env:
      - name: VAULT_ROLE_ID
    ini:
      - section: secretops_vault
        key: role_id
    vars:
      - name: secretops_vault_role_id
  secret_id:
    env:
      - name: VAULT_SECRET_ID
    vars:
      - name: secretops_vault_secret_id
  revoke_token:
    ini:
      - section: secretops_vault
        key: revoke_token
    vars:
      - name: secretops_vault_revoke_token
"""
