#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vault_policy
short_description: Manage Vault or OpenBao ACL policies, compared by meaning
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
  - Creates, updates or deletes ACL policies at C(sys/policies/acl/<name>).
  - The policy is given as HCL text (O(policy)) or as a list of rules (O(rules)) rendered to HCL.
  - The current and wanted policies are compared after parsing, so whitespace, comments, block
    order and capability order do not count as changes; the diff shows the policy text before and after.
  - Give one policy with O(name), or many with O(policies); the list form logs in once, reuses one
    HTTP session, and returns per-policy results in input order.
  - Beside O(policies), the task-level O(state) applies to every item that does not set it; O(policy) and
    O(rules) are per policy and fail the task when set at task level.
options:
  name:
    description: Name of the policy. Mutually exclusive with O(policies).
    type: str
  state:
    description: V(present) creates or updates the policy; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  policy:
    description: The policy as HCL text. Mutually exclusive with O(rules).
    type: str
  rules:
    description:
      - The policy as a list of rules, each a dict with C(path) and C(capabilities), and optionally
        C(allowed_parameters), C(denied_parameters) (maps of parameter to allowed values),
        C(required_parameters) (list), C(min_wrapping_ttl) and C(max_wrapping_ttl) (durations).
      - Mutually exclusive with O(policy).
    type: list
    elements: dict
  policies:
    description:
      - Many policies in one task. Mutually exclusive with O(name).
      - An item's O(policies[].state) that is not set takes the task-level O(state).
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the policy.
        type: str
        required: true
      state:
        description: Same as the top-level O(state); defaults to it.
        type: str
        choices: [present, absent]
      policy:
        description: Same as the top-level O(policy).
        type: str
      rules:
        description: Same as the top-level O(rules).
        type: list
        elements: dict
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
- name: Policy from rules
  secretops.provisioning.vault_policy:
    name: app-read
    rules:
      - path: secret/data/app/*
        capabilities: [read, list]

- name: Policy from HCL
  secretops.provisioning.vault_policy:
    name: ops
    policy: |
      path "sys/mounts" {
        capabilities = ["read"]
      }

- name: Many policies in one task
  secretops.provisioning.vault_policy:
    policies:
      - name: team-a
        rules: [{path: "secret/data/team-a/*", capabilities: [read]}]
      - name: legacy
        state: absent
"""

RETURN = r"""
name:
  description: The policy name (single form).
  returned: when O(name) is given
  type: str
  sample: app-read
policy:
  description: The policy text now in Vault (the existing text when it was already equivalent).
  returned: when O(name) is given and O(state=present)
  type: str
  sample: "path \"secret/data/app/*\" {\n  capabilities = [\"read\", \"list\"]\n}\n"
results:
  description: Per-policy results in input order (list form), each with C(name), C(changed) and C(policy).
  returned: when O(policies) is given
  type: list
  elements: dict
  sample: [{"name": "team-a", "changed": true}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils import list_form
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.batch import apply_single_or_list
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import vault_session
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.options import vault_argument_spec, vault_params
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.policy_service import ensure_policy


# An item's state has no default: None means "not set", so the task-level state applies (list_form.py).
ITEM_OPTIONS = {
    "name": {"type": "str", "required": True},
    "state": {"type": "str", "choices": ["present", "absent"]},
    "policy": {"type": "str"},
    "rules": {"type": "list", "elements": "dict"},
}
# Beside policies:, what applies to every item and what is per policy only (list_form.py).
INHERITED = ("state",)
REFUSED = ("policy", "rules")


def apply(module):
    with vault_session(vault_params(module.params)) as client:

        def apply_one(item):
            return ensure_policy(
                client, item["name"], policy_text=item.get("policy"), rules=item.get("rules"),
                state=item.get("state") or "present", check_mode=module.check_mode,
            )

        return apply_single_or_list(module, "policies", apply_one, lambda item: "policy %s" % item["name"],
                                    inherited=INHERITED, refused=REFUSED)


def main():
    spec = vault_argument_spec(**list_form.argument_spec("policies", ITEM_OPTIONS, {"state": "present"}, item_only=("name",)))
    spec["policies"]["mutually_exclusive"] = [("policy", "rules")]
    module = AnsibleModule(
        argument_spec=spec, supports_check_mode=True,
        mutually_exclusive=[("name", "policies"), ("policy", "rules")], required_one_of=[("name", "policies")],
    )
    run(module, lambda: apply(module))


if __name__ == "__main__":
    main()
