# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""KV secrets on v1 or v2 mounts: detect the version, read, write only on a difference, delete.

The mount (and its KV version) comes from ``sys/internal/ui/mounts/<path>``, which any token with
a capability on the path may read, so ``path`` may be a full path (``secret/app/db``) or relative
to ``mount_point``. Results and diffs carry key names and versions, never values.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import paths

HIDDEN = "VALUE_HIDDEN"
# Vault's (and OpenBao's) error text when a KV v2 write's cas is not the current version.
CAS_MISMATCH = "check-and-set parameter did not match"


# Vault's (and OpenBao's) answer to the mount lookup of a valid token (the root token too) when no
# mount is at the path, or the token's policies grant nothing under it; a bad token gets a plain
# "permission denied".
PREFLIGHT_DENIED = "preflight capability check returned 403"
NO_MOUNT = "no secrets engine is mounted at or above %s: check mount_point and path"


class KvPath(object):
    """Where a secret lives: ``mount`` (no slashes at the ends), ``path`` inside it, KV ``version``."""

    def __init__(self, mount, path, version):
        self.mount = mount
        self.path = path
        self.version = version

    def api(self, section=None):
        if self.version == 2:
            return "%s/%s/%s" % (self.mount, section or "data", self.path)
        return "%s/%s" % (self.mount, self.path)

    @property
    def full(self):
        return "%s/%s" % (self.mount, self.path)


def resolve(client, path, mount_point=None):
    """A ``KvPath`` for ``path`` (full, or relative to ``mount_point``); a ``..``, ``.`` or empty
    segment in either is refused before any request."""
    path = paths.clean_path(path, "path")
    probe = "%s/%s" % (paths.clean_path(mount_point, "mount_point"), path) if mount_point else path
    try:
        info = (client.read("sys/internal/ui/mounts/%s" % probe) or {}).get("data")
    except SecretOpsError as exc:
        if exc.details.get("status") == 403 and PREFLIGHT_DENIED in str(exc):
            raise _no_mount_error(client, probe) from None
        raise
    if not info or not info.get("path"):
        raise SecretOpsError(NO_MOUNT % probe, vault_path=probe)
    if info.get("type") not in ("kv", "generic"):
        raise SecretOpsError("%s is on a %s mount, not a KV mount" % (probe, info.get("type")), vault_path=probe)
    mount = info["path"].strip("/")
    relative = probe[len(mount):].strip("/") if probe.startswith(mount) else path
    if not relative:
        raise SecretOpsError("path %s names the mount itself, not a secret in it" % probe)
    version = 2 if str((info.get("options") or {}).get("version")) == "2" else 1
    return KvPath(mount, relative, version)


def _no_mount_error(client, probe):
    """The mount lookup's 403 for a valid token: certainly no mount for a root token, else no mount
    or a mount the token's policies grant nothing in (Vault answers both alike)."""
    try:
        policies = ((client.read("auth/token/lookup-self") or {}).get("data") or {}).get("policies") or []
    except SecretOpsError:
        policies = []  # a token without the default policy cannot look itself up
    text = NO_MOUNT % probe
    if "root" not in policies:
        text = ("no KV mount found at or above %s, or the token's policies grant nothing under it: "
                "check mount_point and path, then the policies" % probe)
    return SecretOpsError(text, status=403, vault_path=probe)


def read_secret(client, where, version=None):
    """``{"data", "metadata"}`` of ``where`` (latest or ``version``), or ``None`` when absent.

    For v2, a deleted or destroyed version counts as absent but keeps its ``metadata``.
    """
    if where.version == 1:
        body = client.read(where.api())
        return None if body is None else {"data": body.get("data") or {}, "metadata": {}}
    api = where.api("data") + ("?version=%d" % int(version) if version else "")
    body = client.read(api)
    if body is None:
        return None
    inner = body.get("data") or {}
    return {"data": inner.get("data"), "metadata": inner.get("metadata") or {}}


def read_metadata(client, where):
    if where.version != 2:
        return None
    return (client.read(where.api("metadata")) or {}).get("data")


def not_live(version_metadata):
    """``"deleted"`` or ``"destroyed"`` when a KV v2 version's metadata says its data is gone, else ``None``."""
    if (version_metadata or {}).get("destroyed"):
        return "destroyed"
    if (version_metadata or {}).get("deletion_time"):
        return "deleted"
    return None


def lost_cas_race(error):
    """Whether ``error`` is a check-and-set write refused because another writer made a new version
    first (not because the current version is deleted: the client adds a hint for that case)."""
    return bool(error.details.get("lost_cas_race"))


def create_cas(current):
    """The cas of a write that must only create a live secret: ``0`` when the path has no version,
    else its current version when that version is deleted or destroyed. Vault compares cas with
    the current version even when it is not live, so ``cas=0`` would fail there for ever."""
    if not current:
        return 0
    return int(current["metadata"].get("version") or 0)


def cas_mismatch_hint(client, api_path):
    """What to do when a check-and-set write to ``api_path`` (``<mount>/data/<path>``) failed because
    the secret's current version is deleted or destroyed; ``""`` when that is not the cause."""
    try:
        data_path = resolve(client, api_path)
        if data_path.version != 2 or not data_path.path.startswith("data/"):
            return ""
        where = KvPath(data_path.mount, data_path.path[len("data/"):], 2)
        metadata = read_metadata(client, where) or {}
    except SecretOpsError:
        return ""  # no permission to look: keep Vault's own message
    current = int(metadata.get("current_version") or 0)
    state = not_live((metadata.get("versions") or {}).get(str(current)))
    if not state:
        return ""
    restore = "undelete it to keep its value (vault kv undelete -versions=%d %s), or " % (current, where.full) if state == "deleted" else ""
    return (
        "the current version %d of %s is %s, and a check-and-set write must still name it (cas=%d): %sdelete all its "
        "versions to start again from version 0 (vault_kv state=absent delete_all_versions=true, or vault kv metadata delete %s)"
        % (current, where.full, state, current, restore, where.full)
    )


def _key_diff(before, after):
    """Key names with hidden values: enough to review a change without seeing a secret."""
    before_keys = sorted(before) if before is not None else None
    changed = sorted(key for key in (after or {}) if before is None or key not in before or before[key] != after[key])
    removed = sorted(key for key in (before or {}) if key not in (after or {}))
    return {
        "before": None if before is None else dict((key, HIDDEN) for key in before_keys),
        "after": None if after is None else dict((key, HIDDEN + (" (changed)" if key in changed else "")) for key in after),
        "changed_keys": changed,
        "removed_keys": removed,
    }


def _metadata_changes(current, max_versions, custom_metadata):
    current = current or {}
    wanted = {}
    if max_versions is not None and int(current.get("max_versions") or 0) != int(max_versions):
        wanted["max_versions"] = int(max_versions)
    if custom_metadata is not None:
        normalized = dict((str(key), str(value)) for key, value in custom_metadata.items())
        if (current.get("custom_metadata") or {}) != normalized:
            wanted["custom_metadata"] = normalized
    return wanted


def write_secret(client, path, data=None, mount_point=None, cas=None, only_if_missing=False, max_versions=None,
                 custom_metadata=None, check_mode=False):
    """Write ``data`` at ``path`` when it differs; return ``{"changed", "version", ...}`` (no values)."""
    if data is not None and not isinstance(data, dict):
        raise SecretOpsError("data must be a map of key to value")
    where = resolve(client, path, mount_point)
    if where.version == 1 and (cas is not None or max_versions is not None or custom_metadata is not None):
        raise SecretOpsError("cas, max_versions and custom_metadata need a KV v2 mount; %s is KV v1" % where.mount)
    if data is None and max_versions is None and custom_metadata is None:
        raise SecretOpsError("give data (or, on KV v2, max_versions / custom_metadata) to write %s" % where.full)
    current = read_secret(client, where)
    current_data = current["data"] if current else None
    result = {"changed": False, "mount": where.mount, "path": where.path, "kv_version": where.version, "version": None}
    if where.version == 2 and current:
        result["version"] = current["metadata"].get("version")
        if current_data is None:
            # A soft-deleted or destroyed current version: the secret is missing, and a write makes a new version.
            result["replaced_version"] = {"version": result["version"], "state": not_live(current["metadata"])}
    write_data = data is not None and current_data != data
    if write_data and only_if_missing and current_data is not None:
        write_data = False
        result["skipped_existing"] = True
    change = _key_diff(current_data, data if write_data else current_data)
    result["changed_keys"] = change.pop("changed_keys")
    result["removed_keys"] = change.pop("removed_keys")
    result["diff"] = change
    metadata_wanted = {}
    if where.version == 2 and (max_versions is not None or custom_metadata is not None):
        # Only then: a data-only policy (no capability on <mount>/metadata/) writes data as community.hashi_vault does.
        metadata_wanted = _metadata_changes(read_metadata(client, where), max_versions, custom_metadata)
    if metadata_wanted:
        result["metadata_changed"] = sorted(metadata_wanted)
    result["changed"] = bool(write_data or metadata_wanted)
    if check_mode:
        return result
    if write_data:
        if where.version == 1:
            client.write(where.api(), data, action="write secret %s" % where.full)
        else:
            options = {}
            if only_if_missing:
                options["cas"] = create_cas(current)  # atomic "create only": loses no race against another writer
            elif cas is not None:
                options["cas"] = int(cas)
            body = client.write(where.api("data"), {"data": data, "options": options}, action="write secret %s" % where.full)
            result["version"] = ((body or {}).get("data") or {}).get("version")
    if metadata_wanted:
        client.write(where.api("metadata"), metadata_wanted, action="write metadata of %s" % where.full)
    return result


def delete_secret(client, path, mount_point=None, destroy_versions=None, delete_all_versions=False, check_mode=False):
    """Delete the latest version (v2 soft delete, v1 delete), destroy versions, or remove all versions."""
    result = _delete(client, path, mount_point, destroy_versions, delete_all_versions, check_mode)
    before = {"path": "%s/%s" % (result["mount"], result["path"])}
    after = dict(before, action=result["action"]) if result["changed"] else before
    result["diff"] = {"before": before, "after": after}
    return result


def _delete(client, path, mount_point, destroy_versions, delete_all_versions, check_mode):
    where = resolve(client, path, mount_point)
    result = {"changed": False, "mount": where.mount, "path": where.path, "kv_version": where.version, "action": "none"}
    if where.version == 1:
        if destroy_versions or delete_all_versions:
            raise SecretOpsError("destroy_versions and delete_all_versions need a KV v2 mount; %s is KV v1" % where.mount)
        if read_secret(client, where) is not None:
            result.update(changed=True, action="deleted")
            if not check_mode:
                client.delete(where.api(), action="delete secret %s" % where.full)
        return result
    metadata = read_metadata(client, where)
    if metadata is None:
        return result
    versions = metadata.get("versions") or {}
    if delete_all_versions:
        result.update(changed=True, action="deleted_all_versions")
        if not check_mode:
            client.delete(where.api("metadata"), action="delete all versions of %s" % where.full)
        return result
    if destroy_versions:
        pending = sorted(int(item) for item in destroy_versions if not (versions.get(str(item)) or {}).get("destroyed", True))
        if pending:
            result.update(changed=True, action="destroyed", destroyed_versions=pending)
            if not check_mode:
                client.write(where.api("destroy"), {"versions": pending}, action="destroy versions of %s" % where.full)
        return result
    latest = versions.get(str(metadata.get("current_version"))) or {}
    if latest and not latest.get("deletion_time") and not latest.get("destroyed"):
        result.update(changed=True, action="deleted", version=metadata.get("current_version"))
        if not check_mode:
            client.delete(where.api("data"), action="delete the latest version of %s" % where.full)
    return result


def describe_secret(client, path, mount_point=None, version=None, return_values=False):
    """Metadata of a secret (and its values when ``return_values``); ``exists`` says if it is readable."""
    where = resolve(client, path, mount_point)
    if version and where.version == 1:
        raise SecretOpsError("version needs a KV v2 mount; %s is KV v1" % where.mount)
    secret = read_secret(client, where, version)
    data = secret["data"] if secret else None
    result = {
        "exists": data is not None,
        "mount": where.mount,
        "path": where.path,
        "kv_version": where.version,
        "data_keys": sorted(data) if data else [],
        "metadata": secret["metadata"] if secret else {},
    }
    if where.version == 2:
        result["version"] = result["metadata"].get("version")
        try:
            full = read_metadata(client, where) or {}
        except SecretOpsError as exc:
            if exc.details.get("status") != 403:
                raise
            # A data-only policy: what the data endpoint gives stays, the secret's metadata is left out.
            result["secret_metadata_note"] = (
                "secret_metadata left out: the token cannot read %s (a data-only policy)" % where.api("metadata"))
            full = None
        if full is not None:
            result["secret_metadata"] = dict(
                (key, full.get(key)) for key in ("current_version", "oldest_version", "max_versions", "custom_metadata", "created_time", "updated_time")
            )
    if return_values:
        result["data"] = data
    return result
