#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vault_k8s_auth_role
short_description: Manage roles of a Vault or OpenBao Kubernetes auth method
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
  - Creates, updates or deletes roles at C(auth/<mount_path>/role/<name>), writing only the
    settings that differ. Durations compare by value (V(1h) equals V(3600)), lists as sets.
  - Omitted settings are not managed. Warns when a role has no audience.
  - Give one role with O(name), or many with O(roles); the list form logs in once and reuses one
    HTTP session, and returns per-role results in input order.
  - Beside O(roles), every task-level option (O(mount_path), O(state) and each role setting such as
    O(token_ttl)) applies to every item that does not set it.
options:
  mount_path:
    description: Path of the Kubernetes auth method, without C(auth/). The default for every item of O(roles).
    type: str
    default: kubernetes
  name:
    description: Name of the role. Mutually exclusive with O(roles).
    type: str
  state:
    description: V(present) creates or updates the role; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  bound_service_account_names:
    description: Service account names allowed to log in; V(*) allows any. Compared as a set. Not managed when omitted.
    type: list
    elements: str
  bound_service_account_namespaces:
    description: Namespaces allowed to log in; V(*) allows any. Compared as a set. Not managed when omitted.
    type: list
    elements: str
  bound_service_account_namespace_selector:
    description:
      - Label selector (JSON or YAML text) of namespaces allowed to log in, instead of or with O(bound_service_account_namespaces).
      - Not managed when omitted.
    type: str
  audience:
    description:
      - Audience the service-account JWT must carry. Without one, any token of a bound account is accepted, and a warning says so.
      - Not managed when omitted.
    type: str
  alias_name_source:
    description: What entity aliases are named after, V(serviceaccount_uid) or V(serviceaccount_name). Not managed when omitted.
    type: str
  token_policies:
    description: Policies attached to tokens from this role. Compared as a set. Not managed when omitted.
    type: list
    elements: str
  token_ttl:
    description: Token TTL, in seconds or as a duration such as V(1h); compared by value. Not managed when omitted.
    type: raw
  token_max_ttl:
    description: Token maximum TTL, in seconds or as a duration; compared by value. Not managed when omitted.
    type: raw
  token_type:
    description: Token type, V(default), V(service) or V(batch). Not managed when omitted.
    type: str
  token_bound_cidrs:
    description: CIDRs the tokens may be used from. Compared as a set. Not managed when omitted.
    type: list
    elements: str
  token_period:
    description: Period of a periodic token, in seconds or as a duration; compared by value. Not managed when omitted.
    type: raw
  token_num_uses:
    description: How many times a token may be used; V(0) is unlimited. Not managed when omitted.
    type: int
  token_no_default_policy:
    description: Whether to leave the C(default) policy off the tokens. Not managed when omitted.
    type: bool
  token_explicit_max_ttl:
    description: Hard maximum TTL of the tokens, in seconds or as a duration; compared by value. Not managed when omitted.
    type: raw
  roles:
    description:
      - Many roles in one task, each with the same options as a single role.
      - An item's option that is not set takes the task-level value.
      - Mutually exclusive with O(name).
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the role.
        type: str
        required: true
      mount_path:
        description: Path of the auth method for this role. Defaults to the top-level O(mount_path).
        type: str
      state:
        description: Same as the top-level O(state); defaults to it.
        type: str
        choices: [present, absent]
      bound_service_account_names:
        description: Same as the top-level O(bound_service_account_names).
        type: list
        elements: str
      bound_service_account_namespaces:
        description: Same as the top-level O(bound_service_account_namespaces).
        type: list
        elements: str
      bound_service_account_namespace_selector:
        description: Same as the top-level O(bound_service_account_namespace_selector).
        type: str
      audience:
        description: Same as the top-level O(audience).
        type: str
      alias_name_source:
        description: Same as the top-level O(alias_name_source).
        type: str
      token_policies:
        description: Same as the top-level O(token_policies).
        type: list
        elements: str
      token_ttl:
        description: Same as the top-level O(token_ttl).
        type: raw
      token_max_ttl:
        description: Same as the top-level O(token_max_ttl).
        type: raw
      token_type:
        description: Same as the top-level O(token_type).
        type: str
      token_bound_cidrs:
        description: Same as the top-level O(token_bound_cidrs).
        type: list
        elements: str
      token_period:
        description: Same as the top-level O(token_period).
        type: raw
      token_num_uses:
        description: Same as the top-level O(token_num_uses).
        type: int
      token_no_default_policy:
        description: Same as the top-level O(token_no_default_policy).
        type: bool
      token_explicit_max_ttl:
        description: Same as the top-level O(token_explicit_max_ttl).
        type: raw
extends_documentation_fragment:
  - secretops.provisioning.vault_connection
  - secretops.provisioning.vault_connection.auth
  - secretops.provisioning.attributes
  - secretops.provisioning.attributes.action_group_vault
  - secretops.provisioning.list_form
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
"""

EXAMPLES = r"""
- name: Let the app service account read its secrets
  secretops.provisioning.vault_k8s_auth_role:
    name: app
    bound_service_account_names: [app]
    bound_service_account_namespaces: [prod]
    audience: vault
    token_policies: [app-read]
    token_ttl: 1h

- name: Many roles in one task
  secretops.provisioning.vault_k8s_auth_role:
    roles:
      - name: app-a
        bound_service_account_names: [app-a]
        bound_service_account_namespaces: [prod]
        audience: vault
        token_policies: [app-a]
      - name: old-app
        state: absent
"""

RETURN = r"""
name:
  description: The role name (single form).
  returned: when O(name) is given
  type: str
  sample: app
changed_settings:
  description: Settings that differed (single form).
  returned: when the role was written
  type: list
  elements: str
  sample: [token_ttl]
results:
  description: Per-role results in input order (list form), each with C(name), C(mount_path), C(changed) and C(changed_settings).
  returned: when O(roles) is given
  type: list
  elements: dict
  sample: [{"name": "app-a", "mount_path": "kubernetes", "changed": true, "changed_settings": ["token_policies"]}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils import list_form
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import k8s_auth
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.batch import apply_single_or_list
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import vault_session
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.options import vault_argument_spec, vault_params

# Beside roles:, every task-level option applies to every item that does not set it (list_form.py).
INHERITED = ("mount_path", "state") + tuple(k8s_auth.ROLE_KINDS)
TASK_DEFAULTS = {"mount_path": "kubernetes", "state": "present"}


def item_argument_spec():
    """An item's options (without defaults: an item that does not set one takes the task's)."""
    return list_form.named_item_options(k8s_auth.role_argument_spec(), "mount_path")


def apply(module):
    params = module.params
    with vault_session(vault_params(params)) as client:

        def apply_one(item):
            settings = dict((name, item.get(name)) for name in k8s_auth.ROLE_KINDS)
            return k8s_auth.ensure_role(
                client, item["mount_path"], item["name"], settings, state=item["state"], check_mode=module.check_mode,
            )

        return apply_single_or_list(module, "roles", apply_one, lambda item: "role %s" % item["name"], inherited=INHERITED)


def main():
    spec = vault_argument_spec(**list_form.argument_spec("roles", item_argument_spec(), TASK_DEFAULTS, item_only=("name",)))
    module = AnsibleModule(
        argument_spec=spec, supports_check_mode=True,
        mutually_exclusive=[("name", "roles")], required_one_of=[("name", "roles")],
    )
    run(module, lambda: apply(module))


if __name__ == "__main__":
    main()
