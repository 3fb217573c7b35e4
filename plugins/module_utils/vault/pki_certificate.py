# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Decisions about a certificate issued by Vault's PKI engine into a ``kubernetes.io/tls`` Secret.

Pure: no I/O. The Secret records the request it was issued for (a fingerprint of mount, role,
names and TTL - none of them secret), so a changed request re-issues; otherwise the certificate in
``tls.crt`` decides: re-issue only within ``renew_before`` of its end. The chain Vault returns is
split into ``tls.crt`` (leaf, then intermediates) and the self-signed root (``ca.crt`` on request,
never in ``tls.crt``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import datetime
import hashlib
import json

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.tls import issued_by, load_certificates, self_signed, validity_time
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.durations import to_seconds
from ansible_collections.secretops.provisioning.plugins.module_utils.timestamps import utc_text

try:
    from cryptography.hazmat.primitives import serialization
    from cryptography.x509.oid import NameOID
except ImportError:  # pragma: no cover - load_certificates reports the missing library first
    serialization = NameOID = None

REQUEST_ANNOTATION = "secretops.io/pki-request"
SERIAL_ANNOTATION = "secretops.io/pki-serial"
NOT_AFTER_ANNOTATION = "secretops.io/pki-not-after"
ISSUED_BY_ANNOTATION = "secretops.io/pki-issued-by"
REPLACED_SERIAL_ANNOTATION = "secretops.io/pki-replaced-serial"

TLS_CRT = "tls.crt"
TLS_KEY = "tls.key"
CA_CRT = "ca.crt"
MANAGED_KEYS = (TLS_CRT, TLS_KEY, CA_CRT)


def clean_names(names):
    """Names as a sorted list without blanks or duplicates (their order means nothing to a certificate)."""
    return sorted(set(str(name).strip() for name in names or [] if str(name).strip()))


def request_fingerprint(mount_point, role, common_name, alt_names, ip_sans, ttl):
    """``sha256:<hex>`` of the request: what a certificate was issued for, recorded on the Secret.

    Made of the mount, role, common name, the sets of alternative names and IP SANs, and the TTL in
    seconds (``1h`` and ``3600`` are one request). None of it is secret.
    """
    request = {
        "mount_point": mount_point.strip("/"),
        "role": role,
        "common_name": common_name,
        "alt_names": clean_names(alt_names),
        "ip_sans": clean_names(ip_sans),
        "ttl": to_seconds(ttl, "ttl"),
    }
    text = json.dumps(request, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_renew_before(value):
    """``("percent", p)`` for ``"30%"`` (a share of the lifetime) or ``("seconds", s)`` for a duration."""
    text = str(value).strip()
    if text.endswith("%"):
        try:
            percent = float(text[:-1])
        except ValueError:
            percent = None
        if percent is None or not 0 < percent < 100:
            raise SecretOpsError("renew_before %r is not a percentage between 0 and 100 (exclusive), such as '30%%'" % text)
        return "percent", percent
    return "seconds", to_seconds(value, "renew_before")


def renew_at(not_before, not_after, renew_before):
    """The moment from which the certificate is re-issued: ``renew_before`` before ``not_after``."""
    kind, amount = parse_renew_before(renew_before)
    if kind == "percent":
        margin = (not_after - not_before) * (amount / 100.0)
    else:
        margin = datetime.timedelta(seconds=amount)
    return not_after - margin


def vault_serial(number):
    """A serial number as Vault writes it: big-endian bytes in lower-case hex, colon separated."""
    hex_text = "%x" % number
    if len(hex_text) % 2:
        hex_text = "0" + hex_text
    return ":".join(hex_text[index:index + 2] for index in range(0, len(hex_text), 2))


def certificate_facts(certificate):
    """Value-free facts about one certificate (``cryptography`` object)."""
    return {
        "serial": vault_serial(certificate.serial_number),
        "subject": certificate.subject.rfc4514_string(),
        "issuer": certificate.issuer.rfc4514_string(),
        "not_before": validity_time(certificate, "not_valid_before"),
        "not_after": validity_time(certificate, "not_valid_after"),
    }


def common_name(certificate):
    """The certificate's subject common name, or ``""``."""
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else ""


def _pem(certificate):
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _pems(value):
    """Certificates out of one PEM text or a list of them (Vault's ``ca_chain``), in order, without repeats."""
    texts = value if isinstance(value, list) else [value]
    found = []
    for text in texts:
        if text and "-----BEGIN CERTIFICATE-----" in text:
            for certificate in load_certificates(text, "the chain Vault returned"):
                if certificate not in found:
                    found.append(certificate)
    return found


def assemble_chain(certificate_pem, ca_chain=None, issuing_ca=None):
    """Split what ``<mount>/issue/<role>`` returned into ``(tls_crt, ca_crt, leaf)``.

    ``tls_crt`` is the leaf followed by each intermediate that issued the one before it; a
    self-signed certificate (the root) is never part of it. ``ca_crt`` is the root when Vault's
    chain reaches one, else the topmost authority it knows (a mount whose intermediate was set
    without its root). Certificates in the chain that do not belong to the leaf's path are dropped.
    """
    leaf = load_certificates(certificate_pem, "the certificate Vault returned")[0]
    pool = [certificate for certificate in _pems(ca_chain) + _pems(issuing_ca) if certificate != leaf]
    path = [leaf]
    while True:
        issuers = [candidate for candidate in pool if candidate not in path and issued_by(path[-1], candidate)]
        if not issuers:
            break
        path.append(issuers[0])
        if self_signed(issuers[0]):
            break
    authorities = path[1:]
    if authorities and self_signed(authorities[-1]):
        intermediates, top = authorities[:-1], authorities[-1]
    else:
        intermediates, top = authorities, (authorities[-1] if authorities else None)
    tls_crt = "".join(_pem(certificate) for certificate in [leaf] + intermediates)
    return tls_crt, (_pem(top) if top is not None else None), leaf


def roots_of(ca_chain):
    """The self-signed certificates in ``ca_chain`` (PEM text or a list) as PEM text, or ``None``."""
    roots = [certificate for certificate in _pems(ca_chain) if self_signed(certificate)]
    return "".join(_pem(certificate) for certificate in roots) or None


def decoded(secret, key):
    """The text of data ``key`` of a Secret (API dict), or ``None`` when absent or not base64 text."""
    value = ((secret or {}).get("data") or {}).get(key)
    if not value:
        return None
    try:
        return base64.b64decode(value).decode("utf-8")
    except (binascii.Error, ValueError):
        return None


def current_certificate(secret):
    """The facts of the leaf in the Secret's ``tls.crt``, or ``None`` when it has none that parses."""
    text = decoded(secret, TLS_CRT)
    if not text:
        return None
    try:
        return certificate_facts(load_certificates(text, TLS_CRT)[0])
    except SecretOpsError:
        return None


def renewal_reason(secret, fingerprint, renew_before, now):
    """Why the certificate must be (re)issued, or ``None`` when the Secret's certificate stands.

    ``secret`` is the Secret as the API returns it (``None``: missing). Reasons, checked in order:
    the Secret is missing; it holds no readable certificate or no key; the recorded request
    differs from ``fingerprint``; the certificate is within ``renew_before`` of its end (or past it).
    """
    if secret is None:
        return "the Secret does not exist"
    facts = current_certificate(secret)
    if facts is None:
        return "the Secret holds no readable certificate in tls.crt"
    if not ((secret.get("data") or {}).get(TLS_KEY)):
        return "the Secret holds no tls.key"
    recorded = ((secret.get("metadata") or {}).get("annotations") or {}).get(REQUEST_ANNOTATION)
    if recorded != fingerprint:
        if recorded is None:
            return "the Secret records no request (not issued by this module)"
        return "the request changed (mount, role, names or TTL)"
    if now >= facts["not_after"]:
        return "the certificate expired at %s" % utc_text(facts["not_after"])
    due = renew_at(facts["not_before"], facts["not_after"], renew_before)
    if now >= due:
        return "the certificate expires at %s, within renew_before (%s) of its end" % (utc_text(facts["not_after"]), renew_before)
    return None


def annotations(fingerprint, facts, issued_by, replaced_serial=None):
    """The annotations a Secret gets with a new certificate: the request and facts, never a value."""
    result = {
        REQUEST_ANNOTATION: fingerprint,
        SERIAL_ANNOTATION: facts["serial"],
        NOT_AFTER_ANNOTATION: utc_text(facts["not_after"]),
        ISSUED_BY_ANNOTATION: issued_by,
    }
    if replaced_serial and replaced_serial != facts["serial"]:
        result[REPLACED_SERIAL_ANNOTATION] = replaced_serial
    return result


def public_facts(facts):
    """``facts`` with the times as ISO text, for results and diffs."""
    if facts is None:
        return None
    return dict(facts, not_before=utc_text(facts["not_before"]), not_after=utc_text(facts["not_after"]))


def lifetime_warning(facts, ttl):
    """A warning when Vault issued a shorter lifetime than asked (the role's or mount's max TTL cut it)."""
    wanted = to_seconds(ttl, "ttl")
    if not wanted:
        return None
    # Vault backdates not_before (the role's not_before_duration, 30 s by default): measure from the end.
    lifetime = (facts["not_after"] - facts["not_before"]).total_seconds()
    if lifetime + 120 < wanted:
        return ("Vault issued a certificate valid for %d s, not the %d s asked (ttl): the role's max_ttl or the mount's "
                "max_lease_ttl is shorter" % (int(lifetime), wanted))
    return None
