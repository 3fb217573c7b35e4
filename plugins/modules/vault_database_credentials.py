#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vault_database_credentials
short_description: Deliver database credentials from Vault or OpenBao into a Kubernetes Secret, renewing their lease
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
  - With O(role_type=dynamic), issues credentials from C(<mount_point>/creds/<role>) into the Secret O(name)
    (C(kubernetes.io/basic-auth), or V(opaque) keys through O(mapping)) and records the lease on the Secret's
    annotations - C(secretops.io/vault-lease-id), C(secretops.io/vault-lease-end) (UTC),
    C(secretops.io/vault-lease-renewable) and C(secretops.io/vault-replaced-leases).
  - Each later run looks the lease up and keeps it while it reaches past O(renew_before), renews it
    (C(sys/leases/renew)) when it no longer does, and issues new credentials when it cannot be renewed,
    has ended, or a renewal is capped by the role's max TTL. Keys other writers added to the Secret are kept.
  - Each lease it issues is recorded in a revocation record kept where tenants cannot write (O(ledger_namespace)) before the
    Secret is written; the Secret's annotations only inform. Replaced credentials are not revoked at once, since the
    consumers still use them; the record keeps them pending (RV(replaced_lease_id), RV(pending_revocation)), and a later
    run with O(revoke_replaced=true) or O(state=revoked) revokes them (C(sys/leases/revoke)) - only leases the record
    holds, only under this Secret's own C(<mount_point>/creds/<role>/), and only once no running Pod that uses the Secret
    may still hold them (O(accept_revocation_in_use)).
  - A lease in the Secret that the record does not hold (written by hand, by another tool, or by an older version of this
    collection) is replaced by new credentials and never renewed or revoked here; it ends at its TTL.
  - Leases die with the token that made them. Credentials are issued only with a token the task was given
    (O(vault.auth_method=token)), best an orphan periodic token made for the purpose; a login token would be revoked when
    the task ends, and the credentials with it. A periodic token is renewed on every run (O(renew_token)).
  - With O(role_type=static), reads C(<mount_point>/static-creds/<role>) and syncs it into the Secret, recording when
    Vault last rotated the password (C(secretops.io/vault-last-rotation)); RV(rotated_since_last_sync) says when the
    consumers must restart.
options:
  name:
    description: Name of the Kubernetes Secret.
    type: str
    required: true
  namespace:
    description: Kubernetes namespace of the Secret. (The Vault namespace is O(vault.namespace).)
    type: str
    required: true
  type:
    description: Type of the Secret. V(basic-auth) holds C(username) and C(password); V(opaque) holds the keys of O(mapping).
    type: str
    choices: [basic-auth, opaque]
    default: basic-auth
  mapping:
    description:
      - "Secret key to credential field (C(username) or C(password)), for example V({DB_USER: username, DB_PASSWORD: password})."
      - Defaults to the keys C(username) and C(password).
    type: dict
    default: {}
  mount_point:
    description: Path of the database secrets engine.
    type: str
    default: database
  role:
    description: The Vault role to get credentials from.
    type: str
    required: true
  role_type:
    description: V(dynamic) for a role of M(secretops.provisioning.vault_database_role), V(static) for M(secretops.provisioning.vault_database_static_role).
    type: str
    choices: [dynamic, static]
    default: dynamic
  renew_before:
    description:
      - Renew the lease when it ends within this time - a duration (V(10m), V(3600)) or a percentage of the lease's
        lifetime since its issue or last renewal (V(33%)). Judged by the remaining TTL Vault reports.
    type: raw
    default: 33%
  ttl:
    description: The increment a renewal asks for, in seconds or as a duration. The role's default TTL when omitted; Vault caps it at the max TTL.
    type: raw
  revoke_replaced:
    description:
      - Revoke the leases that earlier runs replaced, once no running Pod may hold them (O(accept_revocation_in_use)). The
        lease this run replaces waits for the next such run.
    type: bool
    default: false
  renew_token:
    description:
      - Renew the task's Vault token (C(auth/token/renew-self)) when it is periodic, so a token made for the leases
        lives on as long as the task runs at least once per period. Never in check mode.
    type: bool
    default: true
extends_documentation_fragment:
  - secretops.provisioning.vault_dict
  - secretops.provisioning.revocation
  - secretops.provisioning.k8s_connection
  - secretops.provisioning.attributes
  - secretops.provisioning.attributes.action_group_k8s
attributes:
  check_mode:
    support: full
    details: Decides as a real run would (the lease is looked up) but issues, renews and revokes nothing and writes no Secret.
  diff_mode:
    support: full
    details: Shows the lease annotations before and after; never a credential.
notes:
  - The Vault connection is the O(vault) dict, because the Kubernetes connection options at the top level share names with Vault's.
    So the module is in C(group/secretops.provisioning.k8s), whose C(module_defaults) set its top-level Kubernetes options.
seealso:
  - module: secretops.provisioning.vault_database_role
  - module: secretops.provisioning.k8s_rollout_restart
"""

EXAMPLES = r"""
- name: Credentials for the shop, renewed while possible
  secretops.provisioning.vault_database_credentials:
    name: shop-db
    namespace: shop
    role: shop-app
    renew_before: 33%
    vault:
      token: "{{ shop_db_lease_token }}"   # an orphan periodic token made for these leases
  register: creds

- name: Restart the consumers when the credentials changed
  secretops.provisioning.k8s_rollout_restart:
    namespace: shop
    secrets: [shop-db]
  when: creds.secret_changed

- name: Then revoke the credentials the consumers no longer use
  secretops.provisioning.vault_database_credentials:
    name: shop-db
    namespace: shop
    role: shop-app
    state: revoked
    vault:
      token: "{{ shop_db_lease_token }}"

- name: Environment-style keys from a static role
  secretops.provisioning.vault_database_credentials:
    name: reporting-db
    namespace: shop
    type: opaque
    mapping: {DB_USER: username, DB_PASSWORD: password}
    role: reporting
    role_type: static
"""

RETURN = r"""
name:
  description: Name of the Kubernetes Secret, as M(secretops.provisioning.k8s_secret) returns it.
  returned: always
  type: str
  sample: shop-db
namespace:
  description: Namespace of the Kubernetes Secret.
  returned: always
  type: str
  sample: shop
secret:
  description:
    - The Kubernetes Secret, as a dict that names it (the first keys of M(secretops.provisioning.k8s_secret)'s C(secret)).
    - Before 0.2.0 the name as a string; read RV(name) for the name.
  returned: always
  type: dict
  contains:
    name:
      description: Name of the Secret, the same as RV(name).
      returned: always
      type: str
      sample: shop-db
    namespace:
      description: Namespace of the Secret, the same as RV(namespace).
      returned: always
      type: str
      sample: shop
  sample: {"name": "shop-db", "namespace": "shop"}
vault_path:
  description: Where the credentials come from.
  returned: always
  type: str
  sample: database/creds/shop-app
data_keys:
  description: The Secret keys this task manages.
  returned: always
  type: list
  elements: str
  sample: [password, username]
secret_changed:
  description: Whether the Secret's data or annotations changed (or would).
  returned: always
  type: bool
  sample: true
action:
  description: What was done with the lease - V(keep), V(renew) or V(issue) (in check mode, what would be done).
  returned: for dynamic roles
  type: str
  sample: renew
reason:
  description: Why.
  returned: for dynamic roles
  type: str
  sample: "the lease ends in 1100s, within renew_before (1188s): renewed for 3600s"
lease_id:
  description: The lease the Secret's credentials hold (V(null) in check mode when new credentials would be issued).
  returned: for dynamic roles
  type: str
  sample: database/creds/shop-app/2f6a...
lease_end:
  description: When the lease ends (UTC).
  returned: for dynamic roles
  type: str
  sample: "2026-11-24T01:15:00Z"
lease_renewable:
  description: Whether the lease is renewable.
  returned: for dynamic roles
  type: bool
  sample: true
lease_ttl:
  description: Seconds left on the lease.
  returned: for dynamic roles
  type: int
  sample: 3600
replaced_lease_id:
  description: The lease this run replaced, now waiting for revocation.
  returned: for dynamic roles
  type: str
  sample: database/creds/shop-app/9c1d...
pending_revocation:
  description: Leases replaced and not yet revoked.
  returned: for dynamic roles
  type: list
  elements: str
  sample: []
revoked_lease_ids:
  description: Leases this run revoked (O(revoke_replaced), O(state=revoked)).
  returned: for dynamic roles
  type: list
  elements: str
  sample: []
revocation_held:
  description: Replaced leases kept because running Pods may still hold them (see O(accept_revocation_in_use)).
  returned: for dynamic roles
  type: list
  elements: dict
  contains:
    id:
      description: The lease id.
      type: str
    replaced_at:
      description: When the Secret got the credentials that replaced it (API server time).
      type: str
    holders:
      description: The Pods that started before then and use the Secret, with their controllers.
      type: list
      elements: str
  sample: [{"id": "database/creds/shop-app/9c1d", "replaced_at": "2026-12-07T10:00:00Z", "holders": ["Pod/shop-1 (ReplicaSet/shop-5d)"]}]
revocation_failed:
  description:
    - Replaced leases whose revocation Vault refused or could not complete (Vault or the database down); they stay pending
      in the revocation record and a later run tries again.
  returned: for dynamic roles
  type: list
  elements: dict
  contains:
    id:
      description: The lease id.
      type: str
    error:
      description: Why the revocation failed.
      type: str
  sample: []
token_renewed:
  description: Whether the task's periodic token was renewed.
  returned: for dynamic roles
  type: bool
  sample: true
last_vault_rotation:
  description: When Vault last rotated the static role's password.
  returned: for static roles
  type: str
  sample: "2026-11-23T22:00:00.123456Z"
rotated_since_last_sync:
  description: Whether Vault rotated the password since the Secret was last synced (restart the consumers).
  returned: for static roles
  type: bool
  sample: false
next_rotation_in:
  description: Seconds until Vault rotates the static role's password.
  returned: for static roles
  type: int
  sample: 86000
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import k8s_session
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.connection import connection_argument_spec, connection_params
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.revocation import options as revocation_options
from ansible_collections.secretops.provisioning.plugins.module_utils.delivery import database as database_delivery
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import leases
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import vault_session
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.options import vault_argument_spec, vault_params


def deliver(module):
    params = module.params
    spec = dict((name, params[name]) for name in ("name", "namespace", "type", "mapping", "mount_point", "role", "role_type", "ttl",
                                                  "revoke_replaced", "renew_token") + revocation_options.NAMES)
    spec["mapping"] = dict((str(key), str(value)) for key, value in (spec["mapping"] or {}).items())
    spec["renew_before"] = leases.parse_renew_before(params["renew_before"])
    with vault_session(vault_params(params["vault"] or {})) as vault, k8s_session(connection_params(params)) as k8s:
        if spec["role_type"] == "static":
            result = database_delivery.deliver_static(vault, k8s, spec, module.check_mode)
        else:
            result = database_delivery.deliver_dynamic(vault, k8s, spec, module.check_mode)
    for warning in result.pop("warnings"):
        module.warn("secret %s: %s" % (params["name"], warning))
    return result


def main():
    spec = connection_argument_spec()
    spec.update(
        name=dict(type="str", required=True),
        namespace=dict(type="str", required=True),
        type=dict(type="str", default="basic-auth", choices=list(database_delivery.SECRET_TYPES)),
        mapping=dict(type="dict", default={}),
        mount_point=dict(type="str", default="database"),
        role=dict(type="str", required=True),
        role_type=dict(type="str", default="dynamic", choices=["dynamic", "static"]),
        renew_before=dict(type="raw", default="33%"),
        ttl=dict(type="raw"),
        revoke_replaced=dict(type="bool", default=False),
        renew_token=dict(type="bool", default=True, no_log=False),
        vault=dict(type="dict", default={}, apply_defaults=True, options=vault_argument_spec()),
    )
    spec.update(revocation_options.argument_spec())
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda: deliver(module))


if __name__ == "__main__":
    main()
