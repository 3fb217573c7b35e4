# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ACL policies at ``sys/policies/acl/<name>``: write only when the normalized policy differs."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import hcl_policy as hcl

# Vault refuses to change or delete these.
BUILTIN = ("root", "default")


def wanted_text(policy_text, rules):
    if policy_text is not None and rules is not None:
        raise SecretOpsError("give either policy (HCL text) or rules, not both")
    if rules is not None:
        return hcl.render_rules(rules)
    return policy_text


def ensure_policy(client, name, policy_text=None, rules=None, state="present", check_mode=False):
    """Create, update or delete policy ``name``; return ``{"changed", "name", "diff", "policy"}``."""
    if not name:
        raise SecretOpsError("a policy needs a name")
    if name == "root" or (name == "default" and state == "absent"):
        raise SecretOpsError("policy %s is built in and cannot be %s" % (name, "deleted" if state == "absent" else "changed"))
    path = "sys/policies/acl/%s" % name
    current = ((client.read(path) or {}).get("data") or {}).get("policy")
    result = {"changed": False, "name": name}
    if state == "absent":
        result["diff"] = {"before": current, "after": None}
        if current is not None:
            result["changed"] = True
            if not check_mode:
                client.delete(path, action="delete policy %s" % name)
        return result
    text = wanted_text(policy_text, rules)
    if text is None or not text.strip():
        raise SecretOpsError("policy %s needs policy (HCL text) or rules when state is present" % name)
    result["policy"] = text
    result["diff"] = {"before": current, "after": text}
    if current is not None and hcl.equivalent(current, text):
        result["diff"] = {"before": current, "after": current}
        result["policy"] = current
        return result
    result["changed"] = True
    if not check_mode:
        client.write(path, {"policy": text}, action="write policy %s" % name)
    return result
