# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which Vault Kubernetes auth roles may read the Vault path behind a Secret. Pure, no I/O.

A role's tokens carry its ``token_policies`` (and ``default`` unless ``token_no_default_policy``);
a policy reads an API path when its best-matching ``path`` block (Vault's precedence: an exact
path over a glob, a longer fixed prefix over a shorter one, fewer ``+`` segments over more) grants
``read`` and no matching policy denies it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def path_matches(pattern, path):
    """Whether a policy path ``pattern`` (``*`` at the end, ``+`` for one segment) covers ``path``."""
    prefix = pattern.endswith("*")
    body = pattern[:-1] if prefix else pattern
    wanted = body.split("/")
    given = path.split("/")
    if not prefix and len(wanted) != len(given):
        return False
    if prefix and len(given) < len(wanted):
        return False
    for index, segment in enumerate(wanted):
        last = index == len(wanted) - 1
        if segment == "+":
            continue
        if prefix and last:
            return given[index].startswith(segment)
        if given[index] != segment:
            return False
    return True


def _priority(pattern):
    """A sort key: higher is preferred (exact over glob, a longer fixed prefix, fewer ``+``)."""
    fixed = pattern.split("+", 1)[0].rstrip("*")
    return (not pattern.endswith("*") and "+" not in pattern, len(fixed), -pattern.count("+"), len(pattern))


def capabilities(blocks, path):
    """The capabilities the best-matching block of one policy (``hcl_policy.path_blocks``) gives ``path``, or []."""
    matching = [(pattern, rules) for pattern, rules in blocks if path_matches(pattern, path)]
    if not matching:
        return [], None
    pattern, rules = max(matching, key=lambda item: _priority(item[0]))
    return list(rules.get("capabilities") or []), pattern


def reads(policies, path):
    """``(allowed, [{policy, path, capabilities}])``: whether ``policies`` (name -> blocks) read ``path``."""
    granted, denied, evidence = False, False, []
    for name, blocks in sorted(policies.items()):
        found, pattern = capabilities(blocks, path)
        if not found:
            continue
        if "deny" in found:
            denied = True
        if "read" in found:
            granted = True
        evidence.append({"policy": name, "path": pattern, "capabilities": sorted(found)})
    return granted and not denied, evidence


def role_policies(role):
    """The policy names a login through ``role`` carries."""
    names = list(role.get("token_policies") or role.get("policies") or [])
    if not role.get("token_no_default_policy") and "default" not in names:
        names.append("default")
    return names


def _as_list(value):
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return list(value or [])


def role_entry(mount, name, role, evidence, namespace):
    """The reported entry of an auth role that reads the path, and whether it binds ``namespace``."""
    accounts = _as_list(role.get("bound_service_account_names"))
    namespaces = _as_list(role.get("bound_service_account_namespaces"))
    return {
        "auth_mount": mount, "role": name, "service_account_names": accounts, "service_account_namespaces": namespaces,
        "binds_secret_namespace": "*" in namespaces or namespace in namespaces, "policies": evidence,
    }


def data_path(where):
    """The API path reads of a KV secret go to (``mount/data/path`` for KV v2)."""
    return where.api("data")
