#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vault_k8s_auth_config
short_description: Configure a Vault or OpenBao Kubernetes auth method
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
  - Writes C(auth/<mount_path>/config) of a Kubernetes auth method when it differs from the options.
  - An omitted setting keeps what Vault has. Vault replaces the whole configuration on every write,
    so every setting the task does not give (O(kubernetes_ca_cert), O(pem_keys), O(issuer),
    O(disable_iss_validation), O(disable_local_ca_jwt), and any field a newer server adds) is read
    from Vault and written back unchanged; the diff shows the whole resulting config and the result
    lists them in RV(kept_settings).
  - Vault never returns the token reviewer JWT, only whether one is set, and a write without it
    erases it. The JWT is therefore sent when the config is first written, when Vault has none,
    whenever another setting forces a write, and on every run with O(token_reviewer_jwt_update=always).
    The result says whether it was sent (RV(token_reviewer_jwt_sent)).
  - A write that would erase the reviewer JWT Vault has (a changed setting and no O(token_reviewer_jwt))
    is refused, naming O(token_reviewer_jwt), and writes nothing; with O(disable_local_ca_jwt=true) every
    login would fail afterwards. Give O(token_reviewer_jwt) on every run to keep one, or set
    O(token_reviewer_jwt_clear=true) to remove it.
  - When the given JWT carries an expiry (its C(exp) claim, read without verifying the token) and is not
    written, a warning and RV(token_reviewer_jwt_expiring_unsent) say so; Vault keeps the JWT an earlier
    run wrote, and logins fail once that one expires. See O(token_reviewer_jwt_update).
options:
  mount_path:
    description: Path of the Kubernetes auth method, without C(auth/).
    type: str
    default: kubernetes
  kubernetes_host:
    description: URL Vault uses to reach the Kubernetes API server.
    type: str
    required: true
  kubernetes_ca_cert:
    description:
      - PEM text of the CA that signs the API server's certificate (use C(lookup('file', path)) for a file).
      - OpenBao requires it when O(disable_local_ca_jwt=true); HashiCorp Vault then falls back to the system trust store.
      - Omitted, Vault's current CA is kept; V('') removes it.
    type: str
  token_reviewer_jwt:
    description:
      - JWT Vault uses to call the TokenReview API, for a service account bound to C(system:auth-delegator).
      - Without it Vault uses its own pod's token, or (with O(disable_local_ca_jwt=true)) the JWT being
        reviewed, which then needs the same permission.
    type: str
  token_reviewer_jwt_update:
    description:
      - V(on_create) sends O(token_reviewer_jwt) only when the config is written anyway or Vault has none, so re-runs are unchanged.
        It suits a JWT that stays valid, such as the token of a long-lived service-account-token Secret (no C(exp) claim);
        the first one written keeps working.
      - V(always) writes the config with the JWT on every run (and reports changed), to push a rotated JWT. A short-lived
        reviewer token made on every run (C(kubectl create token), a TokenRequest) needs it; with V(on_create) Vault keeps
        the first one, and every login fails once it expires (the module warns when a given JWT with an expiry is not written).
    type: str
    choices: [on_create, always]
    default: on_create
  token_reviewer_jwt_clear:
    description:
      - Set to V(true) to remove the token reviewer JWT Vault has (Vault then reviews with its own pod's token or, with
        O(disable_local_ca_jwt=true), with the JWT being reviewed). Writes the config when Vault has one.
      - Without it, a write that would remove the JWT (any change while O(token_reviewer_jwt) is omitted) is refused.
      - Excludes O(token_reviewer_jwt).
    type: bool
    default: false
  pem_keys:
    description:
      - PEM public keys that verify service-account JWT signatures without a TokenReview. Compared as a set.
      - Omitted, Vault's current keys are kept; V([]) removes them.
    type: list
    elements: str
  issuer:
    description: Expected JWT issuer, when issuer validation is enabled. Omitted, Vault's current issuer is kept; V('') removes it.
    type: str
  disable_iss_validation:
    description: Whether to skip JWT issuer validation. Omitted, Vault's current setting is kept.
    type: bool
  disable_local_ca_jwt:
    description:
      - Set to V(true) when Vault does not run in the cluster, so it does not read the pod's CA and token files.
      - Omitted, Vault's current setting is kept.
    type: bool
extends_documentation_fragment:
  - secretops.provisioning.vault_connection
  - secretops.provisioning.vault_connection.auth
  - secretops.provisioning.attributes
  - secretops.provisioning.attributes.action_group_vault
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
notes:
  - The diff shows whether a token reviewer JWT is set, never the JWT.
"""

EXAMPLES = r"""
- name: Point Kubernetes auth at the cluster (Vault runs outside it)
  secretops.provisioning.vault_k8s_auth_config:
    mount_path: kubernetes
    kubernetes_host: https://k8s.example.com:6443
    kubernetes_ca_cert: "{{ lookup('file', 'ca.crt') }}"
    token_reviewer_jwt: "{{ reviewer_jwt }}"
    disable_local_ca_jwt: true

- name: Move to a new API server address; the CA, issuer and other settings stay as they are
  secretops.provisioning.vault_k8s_auth_config:
    kubernetes_host: https://k8s-new.example.com:6443
    token_reviewer_jwt: "{{ reviewer_jwt }}"  # Vault cannot return it; without it the write is refused

- name: A short-lived reviewer token made on this run (kubectl create token) is pushed on every run
  secretops.provisioning.vault_k8s_auth_config:
    kubernetes_host: https://k8s.example.com:6443
    token_reviewer_jwt: "{{ short_lived_reviewer_token }}"
    token_reviewer_jwt_update: always

- name: Stop using a reviewer JWT (applications' own tokens then need system:auth-delegator)
  secretops.provisioning.vault_k8s_auth_config:
    kubernetes_host: https://k8s.example.com:6443
    token_reviewer_jwt_clear: true
"""

RETURN = r"""
mount_path:
  description: The auth method's mount path.
  returned: always
  type: str
  sample: kubernetes
token_reviewer_jwt_sent:
  description: Whether the token reviewer JWT was sent in a write (or would be, in check mode).
  returned: always
  type: bool
  sample: true
token_reviewer_jwt_cleared:
  description: Whether a write removed (or in check mode would remove) the token reviewer JWT Vault had, as O(token_reviewer_jwt_clear) asked.
  returned: always
  type: bool
  sample: false
token_reviewer_jwt_expires:
  description: When the given O(token_reviewer_jwt) expires (its C(exp) claim, UTC); null without a JWT or an expiry.
  returned: always
  type: str
  sample: "2026-12-07T11:32:27Z"
token_reviewer_jwt_expiring_unsent:
  description:
    - Whether the given O(token_reviewer_jwt) carries an expiry but was not written (also a warning); Vault keeps an older JWT.
  returned: always
  type: bool
  sample: false
kept_settings:
  description:
    - Settings the task did not give that a write carried over from Vault's current config (empty
      when nothing is written, or when the config is first written).
  returned: always
  type: list
  elements: str
  sample: ["disable_iss_validation", "issuer", "kubernetes_ca_cert", "pem_keys"]
write_reasons:
  description: Why the config was (or would be) written; empty when unchanged.
  returned: always
  type: list
  elements: str
  sample: ["settings differ: kubernetes_host"]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import k8s_auth
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import vault_session
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.options import vault_argument_spec, vault_params


def apply(module):
    params = module.params
    settings = dict((name, params[name]) for name in k8s_auth.CONFIG_KINDS)
    with vault_session(vault_params(params)) as client:
        result = k8s_auth.ensure_config(
            client, params["mount_path"], settings, reviewer_jwt=params["token_reviewer_jwt"],
            jwt_update=params["token_reviewer_jwt_update"], jwt_clear=params["token_reviewer_jwt_clear"], check_mode=module.check_mode,
        )
    for warning in result.pop("warnings"):
        module.warn(warning)
    return result


def main():
    spec = vault_argument_spec(
        mount_path={"type": "str", "default": "kubernetes"},
        kubernetes_host={"type": "str", "required": True},
        kubernetes_ca_cert={"type": "str"},
        token_reviewer_jwt={"type": "str", "no_log": True},
        token_reviewer_jwt_update={"type": "str", "default": "on_create", "choices": ["on_create", "always"]},
        token_reviewer_jwt_clear={"type": "bool", "default": False, "no_log": False},
        pem_keys={"type": "list", "elements": "str", "no_log": False},  # public keys
        issuer={"type": "str"},
        disable_iss_validation={"type": "bool"},
        disable_local_ca_jwt={"type": "bool"},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda: apply(module))


if __name__ == "__main__":
    main()
