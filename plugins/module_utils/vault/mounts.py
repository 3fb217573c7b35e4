# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Enable, tune and disable auth methods (``sys/auth``) and secrets engines (``sys/mounts``).

Both APIs have the same shape, so one service handles both: list to learn what is mounted at the
path (and its type), read ``<path>/tune`` for the effective settings, then enable, tune or disable
only when something differs.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import diff, paths

AUTH = "sys/auth"
ENGINES = "sys/mounts"

# Tunable settings and how to compare them.
TUNE_KINDS = {
    "description": "str",
    "default_lease_ttl": "duration",
    "max_lease_ttl": "duration",
    "listing_visibility": "str",
    "audit_non_hmac_request_keys": "set",
    "audit_non_hmac_response_keys": "set",
    "options": "plain",
}
KIND_NAMES = {AUTH: "auth method", ENGINES: "secrets engine"}


def clean_path(path, option="path"):
    """``path`` without slashes at its ends; refused when empty or with a ``..``, ``.`` or empty segment."""
    return paths.clean_path(path, option)


def read_mount(client, base, path):
    """``{"type", "local", tune settings...}`` for the mount at ``path``, or ``None``."""
    listing = client.read(base) or {}
    mounts = listing.get("data") or listing
    entry = mounts.get(path + "/")
    if not entry:
        return None
    tune = (client.read("%s/%s/tune" % (base, path)) or {}).get("data") or {}
    current = dict(tune)
    current["type"] = entry.get("type")
    current["local"] = entry.get("local", False)
    if "options" not in current:
        current["options"] = entry.get("options")
    return current


def _config_payload(settings):
    payload = {}
    for name, value in settings.items():
        if value is None or name in ("description", "options"):
            continue
        payload[name] = diff.sent(value, TUNE_KINDS[name], name)
    return payload


def _options_differ(current_options, wanted_options):
    if wanted_options is None:
        return False
    current_options = current_options or {}
    return any(str(current_options.get(key)) != str(value) for key, value in wanted_options.items())


def ensure_mount(client, base, path, mount_type, settings, state="present", local=None, check_mode=False):
    """Make the mount at ``path`` match; return ``{"changed", "diff", "action", ...}``.

    ``settings`` maps TUNE_KINDS names to wanted values (``None``: not managed).
    """
    what = KIND_NAMES[base]
    path = clean_path(path)
    current = read_mount(client, base, path)
    result = {"changed": False, "path": path, "action": "none"}
    if state == "absent":
        if current is None:
            result["diff"] = {"before": None, "after": None}
            return result
        result.update(changed=True, action="disabled", diff={"before": {"path": path, "type": current["type"]}, "after": None})
        if not check_mode:
            client.delete("%s/%s" % (base, path), action="disable %s %s" % (what, path))
        return result

    if not mount_type:
        raise SecretOpsError("type is required to enable the %s at %s" % (what, path))
    scalar = dict((name, value) for name, value in settings.items() if name != "options")
    options = settings.get("options")
    if current is None:
        after = diff.managed(scalar, TUNE_KINDS)
        after.update(path=path, type=mount_type)
        if options:
            after["options"] = options
        result.update(changed=True, action="enabled", diff={"before": None, "after": after})
        if not check_mode:
            payload = {"type": mount_type, "config": _config_payload(scalar)}
            if settings.get("description") is not None:
                payload["description"] = settings["description"]
            if local is not None:
                payload["local"] = local
            if options:
                payload["options"] = options
            client.write("%s/%s" % (base, path), payload, action="enable %s %s at %s" % (what, mount_type, path))
        return result

    if current.get("type") != mount_type:
        raise SecretOpsError(
            "a %s of type %s is already enabled at %s, not %s: disable it first (state=absent) or pick another path"
            % (what, current.get("type"), path, mount_type), vault_path=path,
        )
    changed_names = diff.differences(current, scalar, TUNE_KINDS)
    options_changed = _options_differ(current.get("options"), options)
    if not changed_names and not options_changed:
        result["diff"] = diff.before_after(current, scalar, TUNE_KINDS)
        return result
    change = diff.before_after(current, scalar, TUNE_KINDS, changed_names)
    if options_changed:
        change["before"]["options"] = current.get("options")
        change["after"]["options"] = options
    result.update(changed=True, action="tuned", diff=change, changed_settings=changed_names + (["options"] if options_changed else []))
    if not check_mode:
        payload = _config_payload(dict((name, scalar[name]) for name in changed_names))
        if "description" in changed_names:
            payload["description"] = scalar["description"]
        if options_changed:
            payload["options"] = options
        client.write("%s/%s/tune" % (base, path), payload, action="tune %s %s" % (what, path))
    return result


def tune_argument_spec():
    """Options both mount modules share (documented by the ``vault_mount_tune`` doc fragment)."""
    return {
        "description": {"type": "str"},
        "default_lease_ttl": {"type": "raw"},
        "max_lease_ttl": {"type": "raw"},
        "listing_visibility": {"type": "str", "choices": ["unauth", "hidden"]},
        # no_log False: names of request/response keys, not key material (sanity flags the word "key").
        "audit_non_hmac_request_keys": {"type": "list", "elements": "str", "no_log": False},
        "audit_non_hmac_response_keys": {"type": "list", "elements": "str", "no_log": False},
        "local": {"type": "bool"},
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
    }


def tune_settings(params):
    """The tunable settings out of a module's params."""
    return dict((name, params.get(name)) for name in TUNE_KINDS if name != "options")
