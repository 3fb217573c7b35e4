# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Roles of the database secrets engine: dynamic (``<mount>/roles/<name>``, a new database user per
request) and static (``<mount>/static-roles/<name>``, an existing user whose password Vault rotates).

Vault merges an update into the role it has, so a setting the task leaves out is kept. Statements
are compared as Vault stores them: an ordered list of strings, each one or more SQL statements.
A string given for a statements option is one entry (never split on commas, as Ansible's list type
would split it). Durations compare by value.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import diff, paths

DYNAMIC = "dynamic"
STATIC = "static"

ROLE_KINDS = {
    DYNAMIC: {
        "db_name": "str",
        "creation_statements": "plain",
        "revocation_statements": "plain",
        "rollback_statements": "plain",
        "renew_statements": "plain",
        "default_ttl": "duration",
        "max_ttl": "duration",
    },
    STATIC: {
        "db_name": "str",
        "username": "str",
        "rotation_period": "duration",
        "rotation_statements": "plain",
    },
}
ROLE_PATHS = {DYNAMIC: "roles", STATIC: "static-roles"}
# What a role needs before Vault accepts it.
REQUIRED_TO_CREATE = {DYNAMIC: ("db_name", "creation_statements"), STATIC: ("db_name", "username", "rotation_period")}


def clean_mount(mount_point):
    return paths.clean_path(mount_point, "mount_point")


def clean_name(name, option="name"):
    return paths.clean_name(name, option)


def statements(value, option):
    """``value`` (a string or a list of strings) as Vault stores statements: a list of non-empty strings."""
    if value is None:
        return None
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise SecretOpsError("%s must be a string or a list of strings (SQL statements)" % option)
    return [item.strip() for item in items if item.strip()]


def role_path(mount_point, name, kind):
    return "%s/%s/%s" % (clean_mount(mount_point), ROLE_PATHS[kind], clean_name(name))


def _wanted(settings, kinds):
    wanted = dict(settings)
    for name, kind in kinds.items():
        if kind == "plain" and wanted.get(name) is not None:
            wanted[name] = statements(wanted[name], name)
    return wanted


def _current(raw, kinds):
    if raw is None:
        return None
    current = dict(raw)
    for name, kind in kinds.items():
        if kind == "plain":
            current[name] = [item.strip() for item in current.get(name) or [] if item.strip()]
    return current


def ensure_role(client, mount_point, name, settings, kind=DYNAMIC, state="present", check_mode=False):
    """Create, update or delete a dynamic or static role; return ``{"changed", "diff", "name", ...}``."""
    kinds = ROLE_KINDS[kind]
    path = role_path(mount_point, name, kind)
    what = "%s database role %s" % (kind, path)
    current = _current((client.read(path) or {}).get("data"), kinds)
    result = {"changed": False, "name": name, "mount_point": clean_mount(mount_point), "changed_settings": []}
    if state == "absent":
        result["diff"] = {"before": diff.managed(current, kinds) if current else None, "after": None}
        if current is not None:
            result["changed"] = True
            if not check_mode:
                client.delete(path, action="delete " + what)
        return result
    wanted = _wanted(settings, kinds)
    if current is None:
        missing = [option for option in REQUIRED_TO_CREATE[kind] if not wanted.get(option)]
        if missing:
            raise SecretOpsError("%s does not exist yet: %s required to create it" % (what, " and ".join(missing) + (" is" if len(missing) == 1 else " are")))
    elif kind == STATIC and wanted.get("username") is not None and wanted["username"] != current.get("username"):
        raise SecretOpsError("%s manages the database user %s; Vault cannot move a static role to another user (%s): delete the role "
                             "(state=absent) and create it again" % (what, current.get("username"), wanted["username"]))
    changed_names = diff.differences(current, wanted, kinds)
    result["diff"] = diff.before_after(current, wanted, kinds, changed_names if current is not None else None)
    if not changed_names:
        return result
    result.update(changed=True, changed_settings=changed_names)
    if not check_mode:
        body = {}
        for option, value in wanted.items():
            if value is not None:
                body[option] = diff.sent(value, kinds[option], option)
        client.write(path, body, action="write " + what)
    return result


def argument_spec(kind):
    """The role settings of ``kind`` as module options (``None`` default: not managed)."""
    spec = {
        "mount_point": {"type": "str", "default": "database"},
        "name": {"type": "str", "required": True},
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
    }
    spec.update(diff.option_specs(ROLE_KINDS[kind], plain="raw"))
    return spec
