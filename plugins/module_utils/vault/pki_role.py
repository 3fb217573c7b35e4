# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Roles of a PKI mount (``<mount>/roles/<name>``): what names, keys and lifetimes certificates get.

A write to a PKI role replaces the whole role: a setting it leaves out returns to Vault's default
(verified against OpenBao 2.x: writing only ``ttl`` empties ``allowed_domains``). So an update sends
the role as read, with the managed settings laid over it: an omitted option means "keep what Vault
has". A new role gets Vault's defaults for what the task leaves out.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.vault import diff
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.paths import clean_name, clean_path

ROLE_KINDS = {
    "allowed_domains": "set",
    "allow_subdomains": "plain",
    "allow_bare_domains": "plain",
    "allow_glob_domains": "plain",
    "allow_wildcard_certificates": "plain",
    "allow_localhost": "plain",
    "allow_any_name": "plain",
    "allow_ip_sans": "plain",
    "enforce_hostnames": "plain",
    "server_flag": "plain",
    "client_flag": "plain",
    "key_type": "str",
    "key_bits": "int",
    "ttl": "duration",
    "max_ttl": "duration",
    "no_store": "plain",
    "require_cn": "plain",
    "organization": "set",
    "ou": "set",
}


def role_path(mount_point, name):
    return "%s/roles/%s" % (clean_path(mount_point, "mount_point"), clean_name(name, "name (the PKI role name)"))


def ensure_role(client, mount_point, name, settings, state="present", check_mode=False):
    """Create, update or delete a PKI role; return ``{"changed", "diff", "name", "mount_point", "changed_settings"}``."""
    path = role_path(mount_point, name)
    current = (client.read(path) or {}).get("data")
    result = {"changed": False, "name": name, "mount_point": clean_path(mount_point, "mount_point"), "changed_settings": []}
    if state == "absent":
        result["diff"] = {"before": diff.managed(dict((key, current.get(key)) for key in ROLE_KINDS), ROLE_KINDS) if current else None,
                          "after": None}
        if current is not None:
            result["changed"] = True
            if not check_mode:
                client.delete(path, action="delete PKI role %s" % path)
        return result
    changed_names = diff.differences(current, settings, ROLE_KINDS)
    result["diff"] = diff.before_after(current, settings, ROLE_KINDS, changed_names if current is not None else None)
    if not changed_names:
        return result
    result.update(changed=True, changed_settings=changed_names)
    if not check_mode:
        payload = dict(current or {})
        payload.update((field, diff.sent(value, ROLE_KINDS.get(field), field)) for field, value in settings.items() if value is not None)
        client.write(path, payload, action="write PKI role %s" % path)
    return result


def role_argument_spec():
    """The managed role settings as module options (``None`` default: not managed)."""
    spec = diff.option_specs(ROLE_KINDS)
    spec["key_type"]["choices"] = ["rsa", "ec", "ed25519", "any"]
    spec["key_type"]["no_log"] = False  # the kind of key certificates get, not a key
    spec["key_bits"]["no_log"] = False
    return spec
