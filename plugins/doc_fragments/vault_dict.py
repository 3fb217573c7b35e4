# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The vault dict of modules that talk to Kubernetes (top-level connection options) and to Vault
    # (this dict), as module_utils/rotation/options.py defines it; its suboptions repeat the
    # vault_connection fragment (a unit test keeps them in step).
    DOCUMENTATION = r"""
options:
  vault:
    description:
      - How to reach and authenticate to Vault or OpenBao; the same options as the vault_* modules.
        Omitted suboptions fall back to E(VAULT_ADDR), E(VAULT_TOKEN) and the other E(VAULT_*) variables.
    type: dict
    default: {}
    suboptions:
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
            - Whether to verify the server's TLS certificate (against O(vault.ca_cert), else the system CAs).
            - Defaults to the inverse of E(VAULT_SKIP_VERIFY) when that is set (as the Vault CLI reads it), else V(true).
          type: bool
        client_cert:
          description:
            - Path to a PEM client certificate to present to the server (TLS client authentication), with O(vault.client_key)
              unless the file holds the key too.
            - Defaults to E(VAULT_CLIENT_CERT).
          type: path
        client_key:
          description:
            - Path to the private key of O(vault.client_cert).
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
        auth_method:
          description:
            - How to authenticate.
            - V(token) uses O(vault.token), else the CLI's C(~/.vault-token) file.
            - V(kubernetes) logs in with a service-account JWT (O(vault.jwt), O(vault.jwt_file), or by default the
              pod's own token) as O(vault.auth_role).
            - V(approle) logs in with O(vault.role_id) and O(vault.secret_id).
            - V(jwt) logs in with O(vault.jwt) or O(vault.jwt_file) and an optional O(vault.auth_role).
            - Defaults to E(VAULT_AUTH_METHOD), else V(token).
          type: str
          choices: [approle, jwt, kubernetes, token]
          default: token
        token:
          description:
            - Vault token for O(vault.auth_method=token).
            - Defaults to E(VAULT_TOKEN), then the file C(~/.vault-token).
          type: str
        auth_mount_path:
          description:
            - Path where the login auth method is mounted, without C(auth/).
            - Defaults to E(VAULT_AUTH_MOUNT_PATH), else the method's name (V(kubernetes), V(approle), V(jwt)).
            - The alias O(vault.auth_mount_point) is its former name.
          type: str
          aliases: [auth_mount_point]
        auth_role:
          description:
            - Role to log in as; required for O(vault.auth_method=kubernetes), optional for O(vault.auth_method=jwt).
            - Defaults to E(VAULT_AUTH_ROLE).
          type: str
        jwt:
          description: JWT to log in with for O(vault.auth_method=kubernetes) or O(vault.auth_method=jwt).
          type: str
        jwt_file:
          description:
            - File holding the JWT when O(vault.jwt) is not given.
            - For O(vault.auth_method=kubernetes) it defaults to C(/var/run/secrets/kubernetes.io/serviceaccount/token),
              so a job running in a pod (AWX on Kubernetes) logs in with no secret configured at all.
            - Defaults to E(VAULT_JWT_FILE).
          type: path
        role_id:
          description:
            - AppRole role ID for O(vault.auth_method=approle).
            - Defaults to E(VAULT_ROLE_ID).
          type: str
        secret_id:
          description:
            - AppRole secret ID for O(vault.auth_method=approle).
            - Defaults to E(VAULT_SECRET_ID).
          type: str
        revoke_token:
          description:
            - Whether to revoke the token a login made (O(vault.auth_method=kubernetes), V(approle) or V(jwt)) when the
              task or lookup call ends, so it does not stay valid until its TTL runs out.
            - Set to V(false) to leave it to its TTL (for example when the role issues batch tokens, which cannot be revoked).
            - A token given with O(vault.auth_method=token) is never revoked.
          type: bool
          default: true
"""
