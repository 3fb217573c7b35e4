# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Transit keys at ``<mount>/keys/<name>``: create, configure, rotate, and raise
``min_decryption_version`` only when a verifier says nothing still needs an older version.

Safe by default: ``exportable``, ``deletion_allowed`` and ``allow_plaintext_backup`` are false
unless asked for, and Vault cannot take ``exportable`` or ``allow_plaintext_backup`` back, so a
request to do so is refused rather than reported as done. Key material (the ``keys`` map holds
public keys and creation times) is never returned: only version numbers.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import diff, paths

# Settings of keys/<name>/config and how to compare them.
CONFIG_KINDS = {
    "deletion_allowed": "plain",
    "exportable": "plain",
    "allow_plaintext_backup": "plain",
    "auto_rotate_period": "duration",
    "min_decryption_version": "int",
    "min_encryption_version": "int",
}
# Settings Vault accepts only one way: once true they stay true.
ONE_WAY = ("exportable", "allow_plaintext_backup")
REPORTED = ("type", "latest_version", "min_available_version") + tuple(CONFIG_KINDS)


def key_path(mount, name):
    return "%s/keys/%s" % (paths.plain_path(mount, "mount"), paths.plain_name(name, "name"))


def summary(data, mount, name):
    """The key's settings and versions, without the ``keys`` map."""
    if data is None:
        return None
    result = dict((field, data.get(field)) for field in REPORTED if field in data)
    result.update(name=name, mount=mount, versions=sorted(int(version) for version in (data.get("keys") or {})))
    return result


def read_key(client, mount, name):
    body = client.read(key_path(mount, name))
    return None if body is None else body.get("data") or {}


def wanted_config(params):
    """The managed config settings (None: not managed); the safe defaults apply on creation only."""
    return dict((field, params.get(field)) for field in CONFIG_KINDS)


def check_one_way(current, wanted):
    for field in ONE_WAY:
        if current.get(field) and wanted.get(field) is False:
            raise SecretOpsError("%s is already true on this Transit key and Vault cannot turn it off: "
                                 "create a new key and migrate to it instead" % field)


def check_decryption_floor(name, mount, current, wanted_floor, older_versions):
    """Refuse a ``min_decryption_version`` raise while etcd still holds objects under an older version.

    ``older_versions(key, version)`` is the verifier: {key_id: count} of stored objects sealed by
    ``<mount>/<name>`` below ``version``; None means no verifier was given.
    """
    if wanted_floor is None or wanted_floor <= int(current.get("min_decryption_version") or 1):
        return
    if wanted_floor > int(current.get("latest_version") or 1):
        raise SecretOpsError("min_decryption_version %d is above the key's latest version %s" % (wanted_floor, current.get("latest_version")))
    if older_versions is None:
        raise SecretOpsError("raising min_decryption_version needs the etcd verifier (etcd_url): without it, objects still "
                             "sealed by an older version could become unreadable")
    older = older_versions("%s/%s" % (mount, name), wanted_floor)
    if older:
        raise SecretOpsError("refusing to raise min_decryption_version to %d: etcd still holds objects under older versions (%s); "
                             "migrate them first (k8s_encryption_migrate)"
                             % (wanted_floor, ", ".join("%s: %d" % item for item in sorted(older.items()))))


def ensure_key(client, params, older_versions=None, check_mode=False):
    """Bring the key to ``params`` (state, type, config settings, rotate); return the module result."""
    mount, name = paths.plain_path(params["mount"], "mount"), paths.plain_name(params["name"], "name")
    path = key_path(mount, name)
    current = read_key(client, mount, name)
    result = {"changed": False, "name": name, "mount": mount}
    if params.get("state") == "absent":
        return _remove(client, path, current, params, result, check_mode)
    wanted = wanted_config(params)
    created = current is None
    if created:
        current = _create(client, path, params, check_mode)
        result["changed"] = True
    elif params.get("type") and params["type"] != current.get("type"):
        raise SecretOpsError("Transit key %s is of type %s, not %s: Vault cannot change a key's type" % (name, current.get("type"), params["type"]))
    check_one_way(current, wanted)
    check_decryption_floor(name, mount, current, wanted.get("min_decryption_version"), older_versions)
    changes = diff.differences(current, wanted, CONFIG_KINDS)
    before = diff.before_after(None if created else current, wanted, CONFIG_KINDS)["before"]
    if changes:
        result["changed"] = True
        if not check_mode:
            update = dict((field, diff.normalized(wanted[field], CONFIG_KINDS[field], field)) for field in changes)
            client.write(path + "/config", update, action="configure Transit key %s" % name)
    if params.get("rotate"):
        result["changed"] = True
        result["rotated"] = True
        if not check_mode:
            client.write(path + "/rotate", {}, action="rotate Transit key %s" % name, retry=False)
    after = current if check_mode else (read_key(client, mount, name) or current)
    if check_mode:
        after = dict(after, **diff.managed(wanted, CONFIG_KINDS))
        if params.get("rotate"):
            after["latest_version"] = int(after.get("latest_version") or 0) + 1
    result["key"] = summary(after, mount, name)
    result["diff"] = {"before": before if not created else None,
                      "after": diff.before_after(after, wanted, CONFIG_KINDS)["after"] if changes or created else before}
    return result


def _create(client, path, params, check_mode):
    body = {"type": params.get("type") or "aes256-gcm96"}
    for field in ("exportable", "allow_plaintext_backup", "auto_rotate_period"):
        if params.get(field) is not None:
            body[field] = diff.normalized(params[field], CONFIG_KINDS[field], field)
    if not check_mode:
        client.write(path, body, action="create Transit key %s" % path.rsplit("/", 1)[-1])
        created = client.read(path)
        return (created or {}).get("data") or {}
    return {"type": body["type"], "latest_version": 1, "min_decryption_version": 1, "min_encryption_version": 0,
            "deletion_allowed": False, "exportable": bool(body.get("exportable")),
            "allow_plaintext_backup": bool(body.get("allow_plaintext_backup")), "auto_rotate_period": body.get("auto_rotate_period", 0),
            "keys": {"1": 0}}


def _remove(client, path, current, params, result, check_mode):
    result["diff"] = {"before": None if current is None else {"exists": True}, "after": None}
    if current is None:
        return result
    if not params.get("deletion_allowed"):
        raise SecretOpsError("deleting Transit key %s destroys every version of it (data it sealed becomes unreadable): "
                             "set deletion_allowed: true with state: absent to confirm" % result["name"])
    result["changed"] = True
    if not check_mode:
        if not current.get("deletion_allowed"):
            client.write(path + "/config", {"deletion_allowed": True}, action="allow deleting Transit key %s" % result["name"])
        client.delete(path, action="delete Transit key %s" % result["name"])
    return result
