# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Database credentials from Vault into a Kubernetes Secret: dynamic (a lease) and static roles.

Dynamic: the Secret records its lease (``database_annotations``, for people: nothing is decided
from it). Each run looks the lease up and keeps it, renews it, or issues new credentials
(``leases.plan``); check mode decides the same way and issues and renews nothing. The automation's
own revocation record (``revocation/``, where tenants cannot write) says which lease it issued for
this Secret: a lease is recorded as issued before the Secret is written, becomes current once it
is, and the one it replaced waits for revocation. Only a run with ``revoke_replaced`` (or
``state: revoked``) revokes, only leases the record holds that Vault confirms under this Secret's
own ``<mount>/creds/<role>/``, and only once no running Pod that uses the Secret started before the
write that replaced them (``revocation/holders.py``). A failure after new credentials were issued
revokes them, so a failed run leaves no lease behind, and the Secret keeps the credentials its
consumers use; a run killed in between leaves them recorded, and the next run revokes them.

Leases die with the token that made them, so credentials are only issued with a token the user
gave (a login token is revoked when the task ends), and a periodic token is renewed on each run.

Static: ``<mount>/static-creds/<role>`` is read (that creates nothing) and synced; the result says
whether Vault rotated the password since the last sync, so the consumers can be restarted.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.secret_service import SecretService, secret_ref
from ansible_collections.secretops.provisioning.plugins.module_utils.revocation import record as revocation_record
from ansible_collections.secretops.provisioning.plugins.module_utils.revocation import service as revocation
from ansible_collections.secretops.provisioning.plugins.module_utils.revocation import targets
from ansible_collections.secretops.provisioning.plugins.module_utils.revocation.ledger import Ledger
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import mapping
from ansible_collections.secretops.provisioning.plugins.module_utils.delivery import database_annotations as records
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import leases
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.database_roles import clean_mount, clean_name
from ansible_collections.secretops.provisioning.plugins.module_utils.timestamps import utc_text

CREDENTIAL_FIELDS = ("username", "password")
SECRET_TYPES = ("basic-auth", "opaque")


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def vault_path(spec):
    kind = "static-creds" if spec["role_type"] == "static" else "creds"
    return "%s/%s/%s" % (clean_mount(spec["mount_point"]), kind, clean_name(spec["role"], "role"))


def _mapping_spec(spec, path):
    return {"name": spec["name"], "type": spec["type"], "mapping": spec.get("mapping") or {}, "vault_path": path}


def check_mapping(spec):
    """Refuse, before anything is issued, a mapping to a field Vault's credentials do not have."""
    unknown = sorted(set((spec.get("mapping") or {}).values()) - set(CREDENTIAL_FIELDS))
    if unknown:
        raise SecretOpsError("secret %s: mapping names %s; database credentials have only the fields %s"
                             % (spec["name"], ", ".join(unknown), ", ".join(CREDENTIAL_FIELDS)))


def _role_error(error, path, spec):
    status = error.details.get("status")
    if status in (400, 404) and "unknown role" in str(error).lower() or status == 404:
        return SecretOpsError("secret %s: Vault has no %s database role %r at mount %s (%s): create it with vault_database_%s"
                              % (spec["name"], spec["role_type"], spec["role"], spec["mount_point"], error,
                                 "static_role" if spec["role_type"] == "static" else "role"), vault_path=path, status=status)
    return SecretOpsError("secret %s: Vault could not issue credentials from %s: %s (is the database reachable from Vault, and "
                          "the connection's root credential valid?)" % (spec["name"], path, error), **error.details)


def _missing_keys(secret, keys):
    data = (secret or {}).get("data") or {}
    return sorted(key for key in keys if key not in data)


def _decide(vault, spec, secret, record, book, path, keys):
    """``(action, reason, lease)`` for the Secret as it is; ``lease`` is what Vault reports (None when
    not looked up or gone). ``book`` is the revocation record: only a lease recorded there is the
    automation's, whatever the Secret's annotations say."""
    if secret is None:
        return leases.ISSUE, "the Secret does not exist", None
    if not record["lease_id"]:
        return leases.ISSUE, "the Secret records no lease", None
    if record["vault_path"] != path:
        return leases.ISSUE, "the Secret's credentials come from %s, not %s" % (record["vault_path"], path), None
    if not revocation_record.holds_current(book, record["lease_id"]):
        return leases.ISSUE, ("the Secret's lease %s is not the one this collection recorded issuing for it (so it is never renewed "
                              "or revoked here, and ends at its TTL)" % record["lease_id"]), None
    missing = _missing_keys(secret, keys)
    if missing:
        return leases.ISSUE, "the Secret lacks the key(s) %s" % ", ".join(missing), None
    lease = leases.lookup(vault, record["lease_id"])
    action, reason = leases.plan(lease, spec["renew_before"])
    return action, reason, lease


def _token(vault, spec, check_mode, warnings):
    """Renew a periodic token (so it outlives the leases it holds); return whether it was renewed."""
    facts = leases.token_facts(vault)
    if spec.get("renew_token", True) and facts["period"] and facts["renewable"] and not check_mode:
        leases.renew_token(vault)
        return True
    if facts["ttl"] and not facts["period"]:
        warnings.append("the Vault token is not periodic and expires in %ss: Vault revokes every lease it made with it, and the "
                        "database drops those users; use an orphan periodic token made for the purpose (docs/dynamic-secrets.md)"
                        % facts["ttl"])
    return False


def _issue(vault, spec, path):
    if getattr(vault, "revoke_on_close", False):
        raise SecretOpsError("secret %s: the Vault token of this task comes from a login and is revoked when the task ends, and every "
                             "lease it made with it: give a token that outlives the play, an orphan periodic token made for the purpose "
                             "(vault.auth_method=token), or set vault.revoke_token=false (see docs/dynamic-secrets.md)" % spec["name"])
    try:
        body = vault.request("GET", path, action="issue database credentials from %s" % path, retry=False)  # each attempt mints a user
    except SecretOpsError as error:
        raise _role_error(error, path, spec) from None
    data = body.get("data") or {}
    if not body.get("lease_id") or any(field not in data for field in CREDENTIAL_FIELDS):
        raise SecretOpsError("secret %s: %s returned no lease or no username and password: is it a database engine's creds path?"
                             % (spec["name"], path), vault_path=path)
    return body


def _revoke_quietly(vault, lease_id):
    try:
        leases.revoke(vault, lease_id)
    except SecretOpsError:
        pass  # the lease still ends at its TTL; the original error is what the user must see


def _confirm(vault):
    def confirm(entry):
        if not targets.lease_under(entry["id"], entry["source"]):
            return None, "lease %s is not a lease of %s" % (entry["id"], entry["source"])
        return (revocation.GONE, None) if leases.lookup(vault, entry["id"]) is None else (revocation.REVOCABLE, None)
    return confirm


def _revoke_recorded(vault, k8s, spec, secret, book, check_mode, result):
    """Revoke the pending leases of ``book`` that may go (``revocation.service``); return the new record."""
    book, outcome = revocation.revoke_pending(k8s, (spec["namespace"], spec["name"]), secret, book, _confirm(vault),
                                              lambda entry: leases.revoke(vault, entry["id"]),
                                              spec.get("accept_revocation_in_use", False), check_mode)
    result["revoked_lease_ids"] = outcome["revoked"]
    result["revocation_held"] = outcome["held"]
    result["revocation_failed"] = outcome["failed"]
    result["warnings"].extend(revocation.warnings("lease", outcome))
    return book


def _issue_recorded(vault, spec, path, ledger, book):
    """Issue credentials and record the lease before anything else can fail; return ``(body, book)``."""
    body = _issue(vault, spec, path)
    try:
        book = revocation_record.note_issued(book, revocation_record.credential(body["lease_id"], path))
        ledger.write(book)
    except SecretOpsError:
        _revoke_quietly(vault, body["lease_id"])
        raise
    return body, book


def deliver_dynamic(vault, k8s, spec, check_mode=False, now=None):
    """Keep, renew or re-issue the credentials of the Secret ``spec['name']``; revoke replaced leases on request.

    ``spec['state'] == 'revoked'`` only revokes what earlier runs replaced: nothing is issued or renewed.
    """
    now = now or _now()
    path = vault_path(spec)
    check_mapping(spec)
    service = SecretService(k8s)
    ledger = Ledger(k8s, spec.get("ledger_namespace"))
    namespace, name = spec["namespace"], spec["name"]
    secret = service.get(namespace, name)
    record = records.read_record(secret) or records.read_record({})
    stored = ledger.read(namespace, name)
    book, notes = revocation_record.reconcile(stored, record["lease_id"] if secret is not None else None, utc_text(now))
    mapping_spec = _mapping_spec(spec, path)
    keys = sorted(mapping.effective_mapping(mapping_spec, dict((field, "") for field in CREDENTIAL_FIELDS)))
    warnings = list(notes)
    revoke_only = spec.get("state") == "revoked"
    token_renewed = False if revoke_only else _token(vault, spec, check_mode, warnings)
    result = {"name": name, "namespace": namespace, "secret": secret_ref(namespace, name), "vault_path": path, "data_keys": keys,
              "token_renewed": token_renewed,
              "replaced_lease_id": None, "revoked_lease_ids": [], "revocation_held": [], "revocation_failed": [],
              "warnings": warnings}

    if spec.get("revoke_replaced") or revoke_only:
        book = _revoke_recorded(vault, k8s, spec, secret, book, check_mode, result)
    if revoke_only:
        if book != stored and not check_mode:
            ledger.write(book)
        result.update(changed=bool(result["revoked_lease_ids"]), secret_changed=False, action="keep", reason="revocation only",
                      lease_id=record["lease_id"], lease_end=record["lease_end"], lease_renewable=record["renewable"], lease_ttl=None,
                      pending_revocation=revocation_record.pending_ids(book), diff={"before": None, "after": None})
        return result

    action, reason, lease = _decide(vault, spec, secret, record, book, path, keys)
    lease_id, lease_end, renewable = record["lease_id"], record["lease_end"], record["renewable"]
    ttl = int(lease["ttl"]) if lease else None
    if action == leases.RENEW:
        if check_mode:
            reason += ": would renew (or re-issue, if the role's max TTL caps the renewal)"
        else:
            ttl = leases.renew(vault, lease_id, spec.get("ttl"))
            if leases.renewal_suffices(lease, ttl, spec["renew_before"]):
                lease_end = utc_text(now + datetime.timedelta(seconds=ttl))
                reason += ": renewed for %ds" % ttl
            else:
                action, reason = leases.ISSUE, "the renewal reached only %ds, within renew_before (the role's max TTL): re-issued" % ttl
    before = _annotation_view(record) if secret is not None else None
    if action == leases.ISSUE:
        # Only a lease this collection recorded issuing is ever replaced (and later revoked); one Vault says is gone is not.
        if lease is None and reason == leases.GONE:
            book = dict(book, current=None)
        if book["current"]:
            result["replaced_lease_id"] = book["current"]["id"]
        if check_mode:
            pending_after = revocation_record.pending_ids(book) + ([result["replaced_lease_id"]] if result["replaced_lease_id"] else [])
            result.update(changed=True, secret_changed=True, action=action, reason=reason, lease_id=None, lease_end=None,
                          lease_renewable=None, lease_ttl=None, pending_revocation=pending_after,
                          diff={"before": before, "after": {"lease_id": "(a new lease)", "replaced_leases": pending_after}})
            return result
        body, book = _issue_recorded(vault, spec, path, ledger, book)
        lease_id, renewable, ttl = body["lease_id"], bool(body.get("renewable")), int(body.get("lease_duration") or 0)
        lease_end = utc_text(now + datetime.timedelta(seconds=ttl))
        try:
            data = mapping.desired_secret(mapping_spec, namespace, dict((field, body["data"][field]) for field in CREDENTIAL_FIELDS)).data
        except SecretOpsError:
            _abandon(vault, ledger, book, lease_id)
            raise
        pending_after = revocation_record.pending_ids(book) + ([result["replaced_lease_id"]] if result["replaced_lease_id"] else [])
    else:
        data = dict((key, secret["data"][key]) for key in keys)
        pending_after = revocation_record.pending_ids(book)
    annotations = records.lease_annotations(path, lease_id, lease_end, renewable, pending_after)
    try:
        written = service.update_keys(namespace, name, mapping.secret_type(mapping_spec), data, annotations, keys, check_mode)
    except SecretOpsError:
        if action == leases.ISSUE:
            _abandon(vault, ledger, book, lease_id)  # the Secret keeps the credentials its consumers use; the new ones go
        raise
    if action == leases.ISSUE:
        book = revocation_record.delivered(book, lease_id, written.get("written_at") or utc_text(_now()))
    if book != stored and not check_mode:
        ledger.write(book)
    # A renewal changes the lease in Vault even when its end, to the second, is what the Secret already records.
    changed = written["changed"] or bool(result["revoked_lease_ids"]) or action == leases.RENEW
    result.update(changed=changed, secret_changed=written["changed"], action=action,
                  reason=reason, lease_id=lease_id, lease_end=lease_end, lease_renewable=renewable, lease_ttl=ttl,
                  pending_revocation=revocation_record.pending_ids(book),
                  diff={"before": before, "after": _annotation_view(records.read_record({"metadata": {"annotations": annotations}}))})
    return result


def _abandon(vault, ledger, book, lease_id):
    """The new credentials never reached the Secret: revoke them and drop them from the record (best effort)."""
    _revoke_quietly(vault, lease_id)
    try:
        ledger.write(revocation_record.undelivered(book, lease_id))
    except SecretOpsError:
        pass  # still recorded as issued: the next run finds it undelivered and revokes it


def _annotation_view(record):
    return {"lease_id": record["lease_id"], "lease_end": record["lease_end"], "lease_renewable": record["renewable"],
            "replaced_leases": record["replaced"]}


def deliver_static(vault, k8s, spec, check_mode=False):
    """Sync the static role's current credentials into the Secret; say whether Vault rotated them since the last sync."""
    path = vault_path(spec)
    check_mapping(spec)
    try:
        body = vault.request("GET", path, action="read static database credentials from %s" % path)
    except SecretOpsError as error:
        raise _role_error(error, path, spec) from None
    data = body.get("data") or {}
    if any(field not in data for field in CREDENTIAL_FIELDS):
        raise SecretOpsError("secret %s: %s returned no username and password" % (spec["name"], path), vault_path=path)
    service = SecretService(k8s)
    secret = service.get(spec["namespace"], spec["name"])
    record = records.read_record(secret)
    mapping_spec = _mapping_spec(spec, path)
    vault_data = dict((field, data[field]) for field in CREDENTIAL_FIELDS)
    desired = mapping.desired_secret(mapping_spec, spec["namespace"], vault_data)
    last_rotation = data.get("last_vault_rotation")
    written = service.update_keys(spec["namespace"], spec["name"], desired.type, desired.data,
                                  records.static_annotations(path, last_rotation), mapping.managed_keys(mapping_spec, vault_data), check_mode)
    rotated = bool(record and record["last_rotation"] and record["last_rotation"] != last_rotation)
    return {
        "changed": written["changed"], "secret_changed": written["changed"], "name": spec["name"], "namespace": spec["namespace"],
        "secret": secret_ref(spec["namespace"], spec["name"]),
        "vault_path": path, "last_vault_rotation": last_rotation, "rotated_since_last_sync": rotated,
        "next_rotation_in": data.get("ttl"), "data_keys": sorted(desired.data), "warnings": list(desired.warnings),
        "diff": {"before": {"last_rotation": record["last_rotation"]} if record else None, "after": {"last_rotation": last_rotation}},
    }
