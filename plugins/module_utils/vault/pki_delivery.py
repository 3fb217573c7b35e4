# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue a certificate from ``<mount>/issue/<role>`` into a ``kubernetes.io/tls`` Secret, only when needed.

Order: read the Secret, decide (``pki_certificate.renewal_reason``), issue, check the key against
the certificate, write the Secret, then (when asked) revoke the certificate it replaced. A run that
dies after issuing and before the write leaves an unused certificate that expires by itself; the
next run issues again. The replaced serial is recorded on the Secret, so a run that died before
revoking it is finished by the next run with ``revoke_replaced``. The private key travels from
Vault's answer into the Secret's data and nowhere else: not into results, diffs, errors or annotations.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import datetime

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.secret_service import SecretService
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets import types
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.tls import check_tls
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import pki_certificate as pki
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.durations import to_seconds
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.paths import clean_name, clean_path


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
    pki.parse_renew_before(request["renew_before"])
    pki.request_fingerprint(request["mount_point"], request["role"], request["common_name"], request["alt_names"],
                            request["ip_sans"], request["ttl"])


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
    return data


def _root(vault, mount):
    body = vault.read("%s/cert/ca_chain" % mount) or {}
    return pki.roots_of((body.get("data") or {}).get("ca_chain"))


def _revoke(vault, mount, serial, warnings):
    """Revoke ``serial`` on ``mount``; a failure is a warning (the new certificate is already in place)."""
    try:
        vault.write("%s/revoke" % mount, {"serial_number": serial}, action="revoke the replaced certificate %s on %s" % (serial, mount))
    except SecretOpsError as error:
        warnings.append("the replaced certificate %s was not revoked: %s" % (serial, error))
        return False
    return True


def _revocation_due(vault, mount, serial):
    """Whether ``serial`` is a certificate of ``mount`` that is not revoked yet."""
    body = vault.read("%s/cert/%s" % (mount, serial))
    data = (body or {}).get("data") or {}
    return bool(data.get("certificate")) and not data.get("revocation_time")


def _pending_revocation(vault, mount, secret, revoke_replaced, check_mode, result):
    """Finish a revocation a run recorded but did not do (it died, or revoke_replaced came later)."""
    replaced = ((secret.get("metadata") or {}).get("annotations") or {}).get(pki.REPLACED_SERIAL_ANNOTATION)
    if not (revoke_replaced and replaced) or not _revocation_due(vault, mount, replaced):
        return
    result["changed"] = True
    result["replaced_serial"] = replaced
    if check_mode or _revoke(vault, mount, replaced, result["warnings"]):
        result["revoked_serial"] = replaced


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


def ensure_certificate(vault, k8s, request, check_mode=False, now=None):
    """Make Secret ``request['namespace']/request['name']`` hold a certificate for ``request``.

    ``request`` has the module's options (name, namespace, mount_point, role, common_name,
    alt_names, ip_sans, ttl, renew_before, include_ca, revoke_replaced). Returns the result:
    ``changed``, ``reason`` (why it (re)issued, or would), ``serial``, ``not_before``,
    ``not_after``, ``issuer``, ``replaced_serial`` / ``revoked_serial``, ``warnings``, ``diff``.
    """
    validate_request(request)
    mount = clean_path(request["mount_point"], "mount_point")
    namespace, name = request["namespace"], request["name"]
    fingerprint = pki.request_fingerprint(mount, request["role"], request["common_name"], request["alt_names"],
                                          request["ip_sans"], request["ttl"])
    secrets = SecretService(k8s)
    secret = secrets.get(namespace, name)
    if secret is not None and (secret.get("type") or types.OPAQUE) != types.TLS:
        raise SecretOpsError("Secret %s/%s has type %s, not %s; the type cannot change in place: delete the Secret and re-run"
                             % (namespace, name, secret.get("type") or types.OPAQUE, types.TLS))
    current = pki.current_certificate(secret) if secret is not None else None
    reason = pki.renewal_reason(secret, fingerprint, request["renew_before"], now or _now())
    result = {"changed": False, "secret": name, "reason": reason, "issued": False, "warnings": []}
    before = pki.public_facts(current)
    if reason is None:
        result.update(pki.public_facts(current))
        result["diff"] = {"before": before, "after": before}
        _sync_ca(vault, k8s, mount, secret, request, check_mode, result)
        _pending_revocation(vault, mount, secret, request["revoke_replaced"], check_mode, result)
        return result

    result["changed"] = True
    if check_mode:
        result["diff"] = {"before": before, "after": {"serial": "(issued when not in check mode)"}}
        if current:
            result["replaced_serial"] = current["serial"]
        return result

    issued = _issue(vault, mount, request)
    tls_crt, ca_crt, leaf = pki.assemble_chain(issued["certificate"], issued.get("ca_chain"), issued.get("issuing_ca"))
    # The same checks as a hand-made tls Secret (key matches the leaf, chain in order); their messages carry no value.
    check_tls(tls_crt, issued["private_key"], ca_crt)
    facts = pki.certificate_facts(leaf)
    replaced = current["serial"] if current else None
    data = {pki.TLS_CRT: _b64(tls_crt), pki.TLS_KEY: _b64(issued["private_key"])}
    if request["include_ca"]:
        if ca_crt:
            data[pki.CA_CRT] = _b64(ca_crt)
        else:
            result["warnings"].append("include_ca: Vault returned no CA chain for %s, so ca.crt is left out" % mount)
    issued_by = "%s/issue/%s" % (mount, request["role"])
    secrets.update_keys(namespace, name, types.TLS, data, pki.annotations(fingerprint, facts, issued_by, replaced), pki.MANAGED_KEYS)
    result["issued"] = True
    result.update(pki.public_facts(facts))
    result["diff"] = {"before": before, "after": pki.public_facts(facts)}
    warning = pki.lifetime_warning(facts, request["ttl"])
    if warning:
        result["warnings"].append(warning)
    if replaced and replaced != facts["serial"]:
        result["replaced_serial"] = replaced
        if request["revoke_replaced"] and _revoke(vault, mount, replaced, result["warnings"]):
            result["revoked_serial"] = replaced
    return result
