# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kubernetes auth method: its config (``auth/<mount>/config``) and roles (``auth/<mount>/role/<name>``).

The config endpoint replaces the whole configuration on every write (it has no PATCH). So a
setting the task leaves out is read from Vault and carried into the write unchanged: an omitted
option means "keep what Vault has", never "reset to the default". The one field that cannot be
carried is the token reviewer JWT, which Vault never returns (only ``token_reviewer_jwt_set``) and
erases on a write without it (verified against OpenBao and HashiCorp Vault). So the JWT is sent when
the config is first written, whenever another field forces a write, and on every run with
``token_reviewer_jwt_update=always``; the result says which happened. A write that would erase the
JWT Vault has is refused unless the task asks for that (``token_reviewer_jwt_clear``): with
``disable_local_ca_jwt`` every login would fail afterwards. A given JWT that carries an expiry
(``exp``) and is not written is reported: Vault keeps the older one, which may expire first.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import diff, jwt_expiry, paths

# Fields a config read returns that a write does not take.
CONFIG_READ_ONLY = ("token_reviewer_jwt_set",)

CONFIG_KINDS = {
    "kubernetes_host": "str",
    "kubernetes_ca_cert": "str",
    "pem_keys": "set",
    "issuer": "str",
    "disable_local_ca_jwt": "plain",
    "disable_iss_validation": "plain",
}

ROLE_KINDS = {
    "bound_service_account_names": "set",
    "bound_service_account_namespaces": "set",
    "bound_service_account_namespace_selector": "str",
    "audience": "str",
    "alias_name_source": "str",
    "token_policies": "set",
    "token_ttl": "duration",
    "token_max_ttl": "duration",
    "token_type": "str",
    "token_bound_cidrs": "set",
    "token_period": "duration",
    "token_num_uses": "int",
    "token_no_default_policy": "plain",
    "token_explicit_max_ttl": "duration",
}


def _mount(mount_path):
    return paths.clean_path(mount_path, "mount_path")


def _pem(value):
    return (value or "").strip()


def validate_config(settings, reviewer_jwt, jwt_clear=False):
    """Reject, before any request, the combinations Vault would reject or that cannot work."""
    if not settings.get("kubernetes_host"):
        raise SecretOpsError("kubernetes_host is required: the URL Vault uses to reach the Kubernetes API server")
    ca_cert = settings.get("kubernetes_ca_cert")
    if ca_cert and "-----BEGIN CERTIFICATE-----" not in ca_cert:
        raise SecretOpsError("kubernetes_ca_cert must be PEM text (-----BEGIN CERTIFICATE-----...), not a path; use lookup('file', path)")
    for index, key in enumerate(settings.get("pem_keys") or []):
        if "-----BEGIN" not in key:
            raise SecretOpsError("pem_keys[%d] must be a PEM-encoded public key" % index)
    if reviewer_jwt is not None and not reviewer_jwt.strip():
        raise SecretOpsError("token_reviewer_jwt is empty: omit it to let Vault use its own or the client's token for TokenReview")
    if reviewer_jwt is not None and jwt_clear:
        raise SecretOpsError("token_reviewer_jwt and token_reviewer_jwt_clear=true exclude each other: give the JWT to set it, or clear it")


def _comparable_config(settings):
    wanted = dict(settings)
    if wanted.get("kubernetes_ca_cert") is not None:
        wanted["kubernetes_ca_cert"] = _pem(wanted["kubernetes_ca_cert"])
    if wanted.get("pem_keys") is not None:
        wanted["pem_keys"] = [_pem(key) for key in wanted["pem_keys"]]
    return wanted


def _current_config(raw):
    if raw is None:
        return None
    current = dict(raw)
    current["kubernetes_ca_cert"] = _pem(current.get("kubernetes_ca_cert"))
    current["pem_keys"] = [_pem(key) for key in current.get("pem_keys") or []]
    return current


def kept_settings(raw, settings):
    """What Vault has (``raw``, as read) for every field ``settings`` leaves out (``None``): the
    values a write must repeat so that it changes only what the task asks for. Any field the
    server returns is kept, also ones this module does not know (newer Vault releases add some)."""
    if raw is None:
        return {}
    return dict(
        (name, value) for name, value in raw.items()
        if name not in CONFIG_READ_ONLY and name != "token_reviewer_jwt" and settings.get(name) is None
    )


def _config_diff(current, wanted, kept):
    """Before/after of the whole resulting config (managed and kept fields), normalized."""
    if current is None:
        return diff.before_after(None, wanted, CONFIG_KINDS)
    resulting = dict((name, current.get(name)) for name in kept)
    resulting.update((name, value) for name, value in wanted.items() if value is not None)
    kinds = dict((name, CONFIG_KINDS.get(name, "plain")) for name in set(current) | set(resulting) if name not in CONFIG_READ_ONLY)
    return diff.before_after(current, resulting, kinds, sorted(kinds))


def _unsent_expiry_warning(expires, now):
    when = "expired at %s" % jwt_expiry.as_text(expires) if expires <= now else "expires at %s" % jwt_expiry.as_text(expires)
    return ("the given token_reviewer_jwt %s (its exp claim) and was not written: with token_reviewer_jwt_update=on_create Vault keeps "
            "the reviewer JWT it has, written by an earlier run, and every login fails once that one expires. Give a token that "
            "changes on every run (kubectl create token, a TokenRequest) with token_reviewer_jwt_update=always, or give the JWT of a "
            "long-lived service-account-token Secret (it has no exp) with on_create" % when)


def ensure_config(client, mount_path, settings, reviewer_jwt=None, jwt_update="on_create", jwt_clear=False, check_mode=False, now=None):
    """Make ``auth/<mount>/config`` match ``settings`` (``None``: keep what Vault has); the reviewer
    JWT is handled as described above (``jwt_clear``: remove the one Vault has)."""
    mount = _mount(mount_path)
    validate_config(settings, reviewer_jwt, jwt_clear)
    path = "auth/%s/config" % mount
    raw = ((client.read(path) or {}).get("data")) or None
    if raw is not None and not raw.get("kubernetes_host"):
        raw = None  # an enabled but never configured mount answers with empty defaults
    current = _current_config(raw)
    wanted = _comparable_config(settings)
    changed_names = diff.differences(current, wanted, CONFIG_KINDS)
    kept = kept_settings(raw, settings)
    jwt_set = bool(raw and raw.get("token_reviewer_jwt_set"))
    reasons = []
    if current is None:
        reasons.append("config not yet written")
    elif changed_names:
        reasons.append("settings differ: %s" % ", ".join(changed_names))
    if reviewer_jwt and jwt_update == "always":
        reasons.append("token_reviewer_jwt_update=always")
    elif reviewer_jwt and current is not None and not jwt_set:
        reasons.append("Vault has no token reviewer JWT yet")
    elif jwt_clear and jwt_set:
        reasons.append("token_reviewer_jwt_clear=true and Vault has a token reviewer JWT")
    write = bool(reasons)
    if write and jwt_set and not reviewer_jwt and not jwt_clear:
        raise SecretOpsError(
            "the write of %s (%s) would remove the token reviewer JWT Vault has: Vault replaces the whole config and never returns "
            "the JWT, so it cannot be carried over, and with disable_local_ca_jwt every login then fails. Give token_reviewer_jwt "
            "(the JWT to keep, or a new one), or set token_reviewer_jwt_clear=true to remove it; nothing was written"
            % (path, "; ".join(reasons)))
    change = _config_diff(current, wanted, kept)
    # The JWT itself never appears; only whether Vault has one.
    if change["before"] is not None:
        change["before"]["token_reviewer_jwt_set"] = jwt_set
    change["after"]["token_reviewer_jwt_set"] = bool(reviewer_jwt) if write else jwt_set
    sent = bool(write and reviewer_jwt)
    expires = jwt_expiry.expiry(reviewer_jwt)
    expiring_unsent = bool(reviewer_jwt and not sent and expires is not None)
    result = {
        "changed": write,
        "mount_path": mount,
        "diff": change,
        "token_reviewer_jwt_sent": sent,
        "token_reviewer_jwt_cleared": bool(write and jwt_set and not reviewer_jwt),
        "token_reviewer_jwt_expires": jwt_expiry.as_text(expires) if expires is not None else None,
        "token_reviewer_jwt_expiring_unsent": expiring_unsent,
        "write_reasons": reasons,
        "kept_settings": sorted(kept) if write else [],
        "warnings": [_unsent_expiry_warning(expires, time.time() if now is None else now)] if expiring_unsent else [],
    }
    if write and not check_mode:
        payload = dict(kept)
        payload.update((name, value) for name, value in settings.items() if value is not None)
        if reviewer_jwt:
            payload["token_reviewer_jwt"] = reviewer_jwt
        client.write(path, payload, action="write the Kubernetes auth config at %s" % path)
    return result


def role_path(mount_path, name):
    return "auth/%s/role/%s" % (_mount(mount_path), paths.clean_name(name, "name (the role name)"))


def ensure_role(client, mount_path, name, settings, state="present", check_mode=False):
    """Create, update or delete a Kubernetes auth role; return ``{"changed", "diff", "name", ...}``."""
    path = role_path(mount_path, name)
    current = (client.read(path) or {}).get("data")
    result = {"changed": False, "name": name, "mount_path": _mount(mount_path), "warnings": []}
    if state == "absent":
        result["diff"] = {"before": diff.managed(current, ROLE_KINDS) if current else None, "after": None}
        if current is not None:
            result["changed"] = True
            if not check_mode:
                client.delete(path, action="delete role %s" % path)
        return result
    if current is None:
        for required in ("bound_service_account_names", "bound_service_account_namespaces"):
            if not settings.get(required) and not (required.endswith("namespaces") and settings.get("bound_service_account_namespace_selector")):
                raise SecretOpsError("role %s needs %s to be created" % (name, required))
    if not settings.get("audience") and not (current or {}).get("audience"):
        result["warnings"].append(
            "role %s has no audience: any service-account token for the bound accounts is accepted, including ones "
            "minted for other services; set audience (and request tokens for it)" % name
        )
    changed_names = diff.differences(current, settings, ROLE_KINDS)
    result["diff"] = diff.before_after(current, settings, ROLE_KINDS, changed_names if current is not None else None)
    if changed_names:
        result["changed"] = True
        result["changed_settings"] = changed_names
        if not check_mode:
            payload = {}
            for field in changed_names if current is not None else [k for k, v in settings.items() if v is not None]:
                value = settings[field]
                payload[field] = diff.sent(value, ROLE_KINDS[field], field)
            client.write(path, payload, action="write role %s" % path)
    return result


def role_argument_spec():
    """The managed role settings as module options (``None`` default: not managed)."""
    spec = diff.option_specs(ROLE_KINDS)
    for name in spec:
        if name.startswith("token_"):
            spec[name]["no_log"] = False  # settings of the tokens Vault issues, not tokens
    return spec
