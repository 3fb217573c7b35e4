# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A connection of the database secrets engine (``<mount>/config/<name>``).

Vault keeps the connection's settings and returns all of them except the password, so the
password cannot be compared: it is sent when the connection is created, and on every run with
``password_update=always`` (to apply a changed password), never otherwise. That matters beyond
idempotence: once Vault rotated the root credential (``rotate_root``), the password the task
knows is stale, and sending it would break the connection, so ``always`` and rotation exclude
each other. A write carries every managed setting (Vault merges an update into what it has, so a
setting the task leaves out is kept, the password included).

The connection URL must hold the ``{{password}}`` template in every password position rather than
a literal password (``connection_url.py`` says where those are): Vault returns the URL on every
read (a literal password would reach diffs and outputs), and a root rotation could not update it.
A URL read from Vault is masked at once (a literal planted there earlier, by hand or by an older
release, never reaches a diff); comparing the masked URL is sound, since a wanted URL never holds a
literal and so differs from a masked one wherever Vault's holds one.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import connection_url, diff
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.database_roles import clean_mount, clean_name, statements

# Managed settings and how to compare them; the last four live in Vault's ``connection_details``.
CONNECTION_KINDS = {
    "plugin_name": "str",
    "allowed_roles": "set",
    "root_rotation_statements": "plain",
    "password_policy": "str",
    "connection_url": "str",
    "username": "str",
    "max_open_connections": "int",
    "max_idle_connections": "int",
    "max_connection_lifetime": "duration",
}
DETAILS = ("connection_url", "username", "max_open_connections", "max_idle_connections", "max_connection_lifetime")
ROTATE_ROOT_CHOICES = ("never", "on_create", "always")


def validate(settings, password, password_update, rotate_root):
    """Refuse, before any request, what Vault would accept but would leak or break later."""
    positions = connection_url.literal_positions(settings.get("connection_url"))
    if positions:
        raise SecretOpsError("connection_url holds a literal password (not the {{password}} template) in %s: write exactly {{password}} "
                             "there (user:{{password}}@host, user/{{password}}@host, password={{password}}, Pwd={{password}}) and give the "
                             "password in the password option, since Vault returns the URL on every read; an @ after the host must be "
                             "percent-encoded (%%40)" % " and ".join(positions))
    if password is not None and not password:
        raise SecretOpsError("password is empty: omit it to keep the one Vault has")
    if password_update == "always" and rotate_root != "never":
        raise SecretOpsError("password_update=always cannot be combined with rotate_root=%s: after a root rotation only Vault knows "
                             "the password, and sending the old one would break the connection" % rotate_root)


def current_settings(raw):
    """The connection as read (``data`` of ``<mount>/config/<name>``), flattened to CONNECTION_KINDS names,
    with any literal password in ``connection_url`` masked."""
    if raw is None:
        return None
    current = dict((name, raw.get(name)) for name in ("plugin_name", "allowed_roles", "password_policy"))
    current["root_rotation_statements"] = raw.get("root_credentials_rotate_statements") or []
    for name, value in (raw.get("connection_details") or {}).items():
        current[name] = value
    if current.get("connection_url"):
        current["connection_url"] = connection_url.masked(current["connection_url"])
    return current


def _wanted(settings):
    wanted = dict(settings)
    if wanted.get("root_rotation_statements") is not None:
        wanted["root_rotation_statements"] = statements(wanted["root_rotation_statements"], "root_rotation_statements")
    return wanted


def payload(settings, password, verify_connection):
    """The body of a write: every managed setting, the password only when it is to be sent."""
    body = {}
    for name, value in settings.items():
        if value is None:
            continue
        body[name] = diff.sent(value, CONNECTION_KINDS[name], name)
    if password is not None:
        body["password"] = password
    body["verify_connection"] = verify_connection
    return body


def ensure_connection(client, mount_point, name, settings, password=None, password_update="on_create", verify_connection=True,
                      rotate_root="never", state="present", check_mode=False):
    """Create, update or delete the connection; rotate its root credential as ``rotate_root`` says.

    Returns ``{"changed", "diff", "name", "mount_point", "changed_settings", "password_sent", "root_rotated"}``.
    """
    mount = clean_mount(mount_point)
    path = "%s/config/%s" % (mount, clean_name(name, "name (the connection name)"))
    current = current_settings((client.read(path) or {}).get("data"))
    result = {"changed": False, "name": name, "mount_point": mount, "changed_settings": [], "password_sent": False, "root_rotated": False}
    if state == "absent":
        result["diff"] = {"before": diff.managed(current, CONNECTION_KINDS) if current else None, "after": None}
        if current is not None:
            result["changed"] = True
            if not check_mode:
                client.delete(path, action="delete database connection %s" % path)
        return result
    validate(settings, password, password_update, rotate_root)
    wanted = _wanted(settings)
    if current is None:
        for required in ("plugin_name", "connection_url"):
            if not wanted.get(required):
                raise SecretOpsError("database connection %s does not exist yet: %s is required to create it" % (name, required))
        if password is None:
            raise SecretOpsError("database connection %s does not exist yet: password (of username) is required to create it" % name)
    changed_names = diff.differences(current, wanted, CONNECTION_KINDS)
    send_password = password is not None and (current is None or password_update == "always")
    write = bool(changed_names) or send_password
    change = diff.before_after(current, wanted, CONNECTION_KINDS, changed_names if current is not None else None)
    change["after"]["password_sent"] = send_password
    rotate = rotate_root == "always" or (rotate_root == "on_create" and current is None)
    result.update(changed=write or rotate, diff=change, changed_settings=changed_names, password_sent=send_password, root_rotated=rotate)
    if check_mode:
        return result
    if write:
        try:
            client.write(path, payload(wanted, password if send_password else None, verify_connection),
                         action="write database connection %s" % path)
        except SecretOpsError as error:
            raise SecretOpsError("%s (with verify_connection=true Vault connects to the database first: check connection_url, "
                                 "username, password and that the database is reachable from Vault)" % error, **error.details)
    if rotate:
        client.write("%s/rotate-root/%s" % (mount, name), {}, action="rotate the root credential of database connection %s" % path)
    return result


def argument_spec():
    """The module options of vault_database_connection (documented there)."""
    return {
        "mount_point": {"type": "str", "default": "database"},
        "name": {"type": "str", "required": True},
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "plugin_name": {"type": "str"},
        "connection_url": {"type": "str", "no_log": True},  # a literal password in it would otherwise reach the output
        "username": {"type": "str"},
        "password": {"type": "str", "no_log": True},
        "password_update": {"type": "str", "default": "on_create", "choices": ["on_create", "always"], "no_log": False},
        "allowed_roles": {"type": "list", "elements": "str"},
        "verify_connection": {"type": "bool", "default": True},
        "root_rotation_statements": {"type": "raw"},
        "password_policy": {"type": "str", "no_log": False},
        "max_open_connections": {"type": "int"},
        "max_idle_connections": {"type": "int"},
        "max_connection_lifetime": {"type": "raw"},
        "rotate_root": {"type": "str", "default": "never", "choices": list(ROTATE_ROOT_CHOICES)},
    }
