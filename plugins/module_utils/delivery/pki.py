# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue a certificate from ``<mount>/issue/<role>`` into a ``kubernetes.io/tls`` Secret, only when needed.

Order: read the Secret and the revocation record (``revocation/``, kept where tenants cannot
write), decide (``pki_certificate.renewal_reason``), issue, record the serial as issued, check the
key against the certificate, write the Secret, record the serial as current and the one it
replaced as pending. A ``renew_before`` (a duration) the lifetime cannot exceed (``ttl``, or the role's
``max_ttl`` that cuts it) is refused before anything is issued; a certificate Vault issued shorter
than it anyway (a cap this token could not read) is revoked and never written, since every later run
would re-issue it. Only a certificate the record holds is ever replaced-and-revoked: a serial
planted in the Secret (any TLS handshake shows one) is re-issued over and never revoked. A run that
dies after issuing and before the write leaves the new serial recorded: the next run revokes it
(no Pod ever held it). Revocation (``revoke_replaced``, or ``state: revoked``, which issues
nothing) revokes a pending certificate only when Vault's copy carries exactly the names it was
issued for and no running Pod that uses the Secret started before the write that replaced it. The
private key travels from Vault's answer into the Secret's data and nowhere else: not into results,
diffs, errors, annotations or the record.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import datetime

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.secret_service import SecretService, secret_ref
from ansible_collections.secretops.provisioning.plugins.module_utils.revocation import record as revocation_record
from ansible_collections.secretops.provisioning.plugins.module_utils.revocation import service as revocation
from ansible_collections.secretops.provisioning.plugins.module_utils.revocation import targets
from ansible_collections.secretops.provisioning.plugins.module_utils.revocation.ledger import Ledger
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets import types
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.tls import check_tls
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import pki_certificate as pki
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.durations import to_seconds
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.paths import clean_name, clean_path
from ansible_collections.secretops.provisioning.plugins.module_utils.timestamps import utc_text


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def _b64(text):
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def validate_request(request):
    """Reject what cannot be issued before anything is read or written."""
    clean_path(request.get("mount_point"), "mount_point")
    clean_name(request.get("role"), "role (the PKI role to issue from)")
    if not request.get("common_name"):
        raise SecretOpsError("common_name must not be empty")
    kind, amount = pki.parse_renew_before(request["renew_before"])
    pki.request_fingerprint(request["mount_point"], request["role"], request["common_name"], request["alt_names"],
                            request["ip_sans"], request["ttl"])
    ttl = to_seconds(request["ttl"], "ttl") if request["ttl"] is not None else 0
    if kind == "seconds" and ttl and amount >= ttl:
        raise SecretOpsError("renew_before (%s) is not shorter than ttl (%s): every run would re-issue the certificate; lower "
                             "renew_before or raise ttl" % (request["renew_before"], request["ttl"]))


def _names(request):
    return targets.certificate_names(request["common_name"], pki.clean_names(request["alt_names"]), pki.clean_names(request["ip_sans"]))


def _role_settings(vault, mount, request):
    """The PKI role's settings, read only when they decide something before the issue: whether its certificates get
    a lease (with a login token), and its ``max_ttl`` (with ``renew_before`` a duration). ``{}`` when this token may
    not read the role: the issued certificate is checked instead (``_issue``, ``_refuse_short_issued``)."""
    if not getattr(vault, "revoke_on_close", False) and pki.parse_renew_before(request["renew_before"])[0] != "seconds":
        return {}
    try:
        return (vault.read("%s/roles/%s" % (mount, request["role"])) or {}).get("data") or {}
    except SecretOpsError as error:
        if error.details.get("status") != 403:
            raise
        return {}


def _refuse_leased_login(vault, mount, request, role):
    """A login token is revoked when the task ends, and with it every lease it made: a role that gives
    certificates a lease (``generate_lease``) would have the one just delivered revoked."""
    if getattr(vault, "revoke_on_close", False) and role.get("generate_lease"):
        raise SecretOpsError(_LEASED_LOGIN % (mount, request["role"]))


_CUT_BY_ROLE = ("renew_before (%s) is not shorter than the certificate's lifetime (%d s: the PKI role %s/roles/%s's max_ttl cuts the "
                "ttl asked, %s): every run would re-issue it; lower renew_before or raise the role's max_ttl")
_CUT_ISSUED = ("renew_before (%s) is not shorter than the lifetime Vault gave the certificate (%d s; the PKI role's max_ttl or the "
               "mount's max_lease_ttl cuts ttl %s): every run would re-issue it, so it was revoked and not delivered; lower "
               "renew_before or raise the max TTL")


def _refuse_cut_by_role(mount, request, role):
    """Refuse, before anything is issued, a ``renew_before`` (a duration) the role's ``max_ttl`` leaves no room for."""
    kind, amount = pki.parse_renew_before(request["renew_before"])
    cap = to_seconds(role.get("max_ttl") or 0, "max_ttl")
    asked = to_seconds(request["ttl"], "ttl") if request["ttl"] is not None else to_seconds(role.get("ttl") or 0, "ttl")
    if kind != "seconds" or not cap or (asked and asked <= cap) or amount < cap:
        return
    raise SecretOpsError(_CUT_BY_ROLE % (request["renew_before"], cap, mount, request["role"], request["ttl"] or "the role's ttl"))


def _refuse_short_issued(facts, request):
    """The error for a certificate Vault issued shorter than ``renew_before`` (a duration), or None."""
    kind, amount = pki.parse_renew_before(request["renew_before"])
    lifetime = int((facts["not_after"] - facts["not_before"]).total_seconds())
    if kind == "seconds" and amount >= lifetime:
        return SecretOpsError(_CUT_ISSUED % (request["renew_before"], lifetime, request["ttl"] or "(the role's)"))
    return None


_LEASED_LOGIN = ("the PKI role %s/roles/%s gives certificates a lease (generate_lease), and the Vault token of this task comes from a "
                 "login, revoked when the task ends with every lease it made: the certificate would be revoked as soon as it is "
                 "delivered. Give a token that outlives the play (vault.auth_method=token), set vault.revoke_token=false, or turn "
                 "generate_lease off")


def _issue(vault, mount, request):
    payload = {"common_name": request["common_name"], "format": "pem", "private_key_format": "pkcs8"}
    if request["alt_names"]:
        payload["alt_names"] = ",".join(pki.clean_names(request["alt_names"]))
    if request["ip_sans"]:
        payload["ip_sans"] = ",".join(pki.clean_names(request["ip_sans"]))
    if request["ttl"] is not None:
        payload["ttl"] = "%ds" % to_seconds(request["ttl"], "ttl")
    path = "%s/issue/%s" % (mount, request["role"])
    body = vault.write(path, payload, action="issue a certificate for %s from %s" % (request["common_name"], path), retry=False)
    data = (body or {}).get("data") or {}
    if not data.get("certificate") or not data.get("private_key"):
        raise SecretOpsError("Vault answered %s without a certificate and key: is %s a PKI mount?" % (path, mount), vault_path=path)
    if (body or {}).get("lease_id") and getattr(vault, "revoke_on_close", False):
        raise SecretOpsError(_LEASED_LOGIN % (mount, request["role"]))  # the login token's revocation takes it along
    return data


def _root(vault, mount):
    body = vault.read("%s/cert/ca_chain" % mount) or {}
    return pki.roots_of((body.get("data") or {}).get("ca_chain"))


def _source_mount(entry):
    return entry["source"].rsplit("/issue/", 1)[0]


def _confirm(vault):
    def confirm(entry):
        data = (vault.read("%s/cert/%s" % (_source_mount(entry), entry["id"])) or {}).get("data") or {}
        if not data.get("certificate") or data.get("revocation_time"):
            return revocation.GONE, None
        if not targets.certificate_matches(data["certificate"], entry.get("match")):
            return None, "Vault's certificate %s does not carry the names it was issued for" % entry["id"]
        return revocation.REVOCABLE, None
    return confirm


def _revoke(vault, entry):
    mount = _source_mount(entry)
    vault.write("%s/revoke" % mount, {"serial_number": entry["id"]}, action="revoke the replaced certificate %s on %s" % (entry["id"], mount))


def _revoke_recorded(vault, k8s, request, secret, book, check_mode, result):
    """Revoke the pending certificates of ``book`` that may go (``revocation.service``); return the new record."""
    book, outcome = revocation.revoke_pending(k8s, (request["namespace"], request["name"]), secret, book, _confirm(vault),
                                              lambda entry: _revoke(vault, entry), request.get("accept_revocation_in_use", False),
                                              check_mode)
    result["revoked_serials"] = outcome["revoked"]
    if outcome["revoked"]:
        result["revoked_serial"] = outcome["revoked"][-1]
        result["changed"] = True
    result["revocation_held"] = outcome["held"]
    result["revocation_failed"] = outcome["failed"]
    result["warnings"].extend(revocation.warnings("certificate", outcome))
    return book


def _revoke_quietly(vault, issued):
    try:
        _revoke(vault, issued)
    except SecretOpsError:
        pass  # it still ends at its TTL; the original error is what the user must see


def _abandon(vault, ledger, book, issued):
    """The new certificate never reached the Secret: revoke it and drop it from the record (best effort)."""
    _revoke_quietly(vault, issued)
    try:
        ledger.write(revocation_record.undelivered(book, issued["id"]))
    except SecretOpsError:
        pass  # still recorded as issued: the next run finds it undelivered and revokes it


def _sync_ca(vault, k8s, mount, secret, request, check_mode, result):
    """Add or remove ``ca.crt`` on a Secret whose certificate stands (include_ca changed)."""
    has_ca = bool((secret.get("data") or {}).get(pki.CA_CRT))
    if request["include_ca"] == has_ca:
        return
    data = {}
    if request["include_ca"]:
        root = _root(vault, mount)
        if not root:
            result["warnings"].append("include_ca: the chain of %s reaches no self-signed root, so ca.crt is left out" % mount)
            return
        data[pki.CA_CRT] = _b64(root)
    meta = secret["metadata"]
    outcome = SecretService(k8s).update_keys(meta["namespace"], meta["name"], types.TLS, data, {}, [pki.CA_CRT], check_mode)
    result["changed"] = result["changed"] or outcome["changed"]
    result["ca_changed"] = outcome["changed"]


def _lifetime_check(current, request, reason):
    """A certificate this module issued that is already due must not be due for its whole life: then
    every run would re-issue (the role's max_ttl cut it below renew_before)."""
    kind, amount = pki.parse_renew_before(request["renew_before"])
    if current is None or kind != "seconds" or not reason or "within renew_before" not in reason:
        return
    lifetime = int((current["not_after"] - current["not_before"]).total_seconds())
    if amount >= lifetime:
        raise SecretOpsError("renew_before (%s) is not shorter than the certificate's lifetime (%d s; the role's max_ttl or the "
                             "mount's max_lease_ttl cuts ttl): every run would re-issue it; lower renew_before"
                             % (request["renew_before"], lifetime))


def ensure_certificate(vault, k8s, request, check_mode=False, now=None):
    """Make Secret ``request['namespace']/request['name']`` hold a certificate for ``request``.

    ``request`` has the module's options (name, namespace, mount_point, role, common_name,
    alt_names, ip_sans, ttl, renew_before, force, include_ca, revoke_replaced, state,
    accept_revocation_in_use, ledger_namespace). Returns the result: ``changed``, ``reason`` (why it
    (re)issued, or would), ``serial``, ``not_before``, ``not_after``, ``issuer``, ``replaced_serial``,
    ``revoked_serial`` / ``revoked_serials``, ``pending_revocation``, ``revocation_held``, ``warnings``, ``diff``.
    """
    validate_request(request)
    mount = clean_path(request["mount_point"], "mount_point")
    namespace, name = request["namespace"], request["name"]
    fingerprint = pki.request_fingerprint(mount, request["role"], request["common_name"], request["alt_names"],
                                          request["ip_sans"], request["ttl"])
    secrets = SecretService(k8s)
    ledger = Ledger(k8s, request.get("ledger_namespace"))
    secret = secrets.get(namespace, name)
    if secret is not None and (secret.get("type") or types.OPAQUE) != types.TLS:
        raise SecretOpsError("Secret %s/%s has type %s, not %s; the type cannot change in place: delete the Secret and re-run"
                             % (namespace, name, secret.get("type") or types.OPAQUE, types.TLS))
    current = pki.current_certificate(secret) if secret is not None else None
    moment = now or _now()
    stored = ledger.read(namespace, name)
    book, notes = revocation_record.reconcile(stored, current["serial"] if current else None, utc_text(moment))
    result = {"changed": False, "name": name, "namespace": namespace, "secret": secret_ref(namespace, name), "reason": None, "issued": False,
              "warnings": notes, "revoked_serials": [],
              "revocation_held": [], "revocation_failed": []}
    before = pki.public_facts(current)
    if request.get("state") == "revoked":
        book = _revoke_recorded(vault, k8s, request, secret, book, check_mode, result)
        result.update(pki.public_facts(current) or {})
        result.update(reason="revocation only", diff={"before": before, "after": before})
        return _finish(ledger, book, stored, check_mode, result)
    reason = pki.renewal_reason(secret, fingerprint, request["renew_before"], moment)
    if reason is None and request.get("force"):
        reason = "a new certificate was asked for (force)"
    if reason is None and current and not revocation_record.holds_current(book, current["serial"]):
        reason = ("the Secret's certificate %s is not one this collection recorded issuing for it (it is never revoked here)"
                  % current["serial"])
    _lifetime_check(current if current and revocation_record.holds_current(book, current["serial"]) else None, request, reason)
    result["reason"] = reason
    if reason is None:
        result.update(pki.public_facts(current))
        result["diff"] = {"before": before, "after": before}
        _sync_ca(vault, k8s, mount, secret, request, check_mode, result)
        if request["revoke_replaced"]:
            book = _revoke_recorded(vault, k8s, request, secret, book, check_mode, result)
        return _finish(ledger, book, stored, check_mode, result)

    role = _role_settings(vault, mount, request)
    _refuse_cut_by_role(mount, request, role)
    result["changed"] = True
    replaced = book["current"]["id"] if book["current"] else None
    if check_mode:
        result["diff"] = {"before": before, "after": {"serial": "(issued when not in check mode)"}}
        if replaced:
            result["replaced_serial"] = replaced
        result["pending_revocation"] = revocation_record.pending_ids(book) + ([replaced] if replaced else [])
        return result

    _refuse_leased_login(vault, mount, request, role)
    issued = _issue(vault, mount, request)
    tls_crt, ca_crt, leaf = pki.assemble_chain(issued["certificate"], issued.get("ca_chain"), issued.get("issuing_ca"))
    facts = pki.certificate_facts(leaf)
    issued_by = "%s/issue/%s" % (mount, request["role"])
    issued_entry = revocation_record.credential(facts["serial"], issued_by, _names(request))
    try:
        # The same checks as a hand-made tls Secret (key matches the leaf, chain in order); their messages carry no value.
        check_tls(tls_crt, issued["private_key"], ca_crt)
        book = revocation_record.note_issued(book, issued_entry)
        ledger.write(book)
    except SecretOpsError:
        _revoke_quietly(vault, issued_entry)
        raise
    too_short = _refuse_short_issued(facts, request)
    if too_short is not None:  # a cap this token could not read (the mount's, or a role it may not read)
        _abandon(vault, ledger, book, issued_entry)
        raise too_short
    try:
        data = {pki.TLS_CRT: _b64(tls_crt), pki.TLS_KEY: _b64(issued["private_key"])}
        if request["include_ca"]:
            if ca_crt:
                data[pki.CA_CRT] = _b64(ca_crt)
            else:
                result["warnings"].append("include_ca: Vault returned no CA chain for %s, so ca.crt is left out" % mount)
        written = secrets.update_keys(namespace, name, types.TLS, data, pki.annotations(fingerprint, facts, issued_by, replaced),
                                      pki.MANAGED_KEYS)
    except SecretOpsError:
        _abandon(vault, ledger, book, issued_entry)
        raise
    book = revocation_record.delivered(book, facts["serial"], written.get("written_at") or utc_text(_now()))
    result["issued"] = True
    result.update(pki.public_facts(facts))
    result["diff"] = {"before": before, "after": pki.public_facts(facts)}
    warning = pki.lifetime_warning(facts, request["ttl"])
    if warning:
        result["warnings"].append(warning)
    if replaced and replaced != facts["serial"]:
        result["replaced_serial"] = replaced
    if request["revoke_replaced"]:
        book = _revoke_recorded(vault, k8s, request, secrets.get(namespace, name), book, check_mode, result)
    return _finish(ledger, book, stored, check_mode, result)


def _finish(ledger, book, stored, check_mode, result):
    """Store the record when the run changed it; name what still waits for revocation."""
    if book != stored and not check_mode:
        ledger.write(book)
    result["pending_revocation"] = revocation_record.pending_ids(book)
    return result
