# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks TLS material for a ``kubernetes.io/tls`` Secret with ``cryptography``.

``check_tls`` rejects garbage, an encrypted or mismatched key and a chain in the wrong order,
and returns value-free facts about the leaf certificate (subject, SANs, validity).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.timestamps import utc_text

try:
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization

    HAS_CRYPTOGRAPHY = True
except ImportError:  # pragma: no cover - reported by require_cryptography
    HAS_CRYPTOGRAPHY = False

    class InvalidSignature(Exception):  # noqa: N818
        pass

    class UnsupportedAlgorithm(Exception):  # noqa: N818
        pass


BEGIN_CERTIFICATE = "-----BEGIN CERTIFICATE-----"


def require_cryptography():
    if not HAS_CRYPTOGRAPHY:
        raise SecretOpsError(
            "the Python library 'cryptography' is required to check TLS and SSH keys on the host that runs "
            "this module: pip install cryptography"
        )


def _text(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else (value or "")


def load_certificates(pem, field):
    """All certificates in ``pem`` (text), in order; anything that is not a certificate is an error."""
    require_cryptography()
    text = _text(pem)
    if "PRIVATE KEY-----" in text:
        raise SecretOpsError("%s contains a private key: put the key under the key option and only certificates here" % field)
    if BEGIN_CERTIFICATE not in text:
        raise SecretOpsError("%s is not a PEM certificate: give text with -----BEGIN CERTIFICATE----- blocks" % field)
    try:
        certificates = x509.load_pem_x509_certificates(text.encode("utf-8"))
    except ValueError:
        raise SecretOpsError("%s holds a malformed PEM certificate: check that the whole PEM block was copied" % field)
    if len(certificates) != text.count(BEGIN_CERTIFICATE):
        raise SecretOpsError("%s holds a malformed PEM certificate: check that each PEM block was copied whole" % field)
    return certificates


def load_private_key(pem, field):
    require_cryptography()
    data = _text(pem).encode("utf-8")
    if b"PRIVATE KEY-----" not in data:
        raise SecretOpsError("%s is not a PEM private key: give text with a -----BEGIN ... PRIVATE KEY----- block" % field)
    try:
        return serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise SecretOpsError("%s is encrypted: Kubernetes needs an unencrypted key (openssl pkey -in key.pem -out plain.pem)" % field)
    except (ValueError, UnsupportedAlgorithm):
        raise SecretOpsError("%s is not a readable PEM private key: check that the whole PEM block was copied" % field)


def public_key_der(public_key):
    """A public key as DER SubjectPublicKeyInfo bytes, to compare keys."""
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def issued_by(certificate, issuer):
    """Whether ``issuer`` names and signed ``certificate``."""
    if certificate.issuer != issuer.subject:
        return False
    try:
        certificate.verify_directly_issued_by(issuer)
        return True
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False


def self_signed(certificate):
    return issued_by(certificate, certificate)


def validity_time(certificate, attribute):
    """``not_valid_before`` or ``not_valid_after`` as an aware UTC datetime, on any cryptography version."""
    value = getattr(certificate, attribute + "_utc", None)  # cryptography >= 42
    if value is None:
        value = getattr(certificate, attribute).replace(tzinfo=datetime.timezone.utc)
    return value


def _sans(certificate):
    try:
        extension = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    names = ["DNS:%s" % name for name in extension.value.get_values_for_type(x509.DNSName)]
    names += ["IP:%s" % address for address in extension.value.get_values_for_type(x509.IPAddress)]
    names += ["URI:%s" % uri for uri in extension.value.get_values_for_type(x509.UniformResourceIdentifier)]
    names += ["email:%s" % mail for mail in extension.value.get_values_for_type(x509.RFC822Name)]
    return names


def expires_in_days(not_after, now):
    """Whole days from ``now`` until ``not_after``, rounded down: 0 on the last day (the certificate
    is valid through ``not_after``), -1 during the first day after it, -2 during the second.

    Certificate times have whole seconds, so ``now`` is cut to whole seconds too: a certificate
    made to expire exactly one day ago says -1, not -2 because of the fraction of the current second.
    """
    seconds = (not_after - now.replace(microsecond=0)).total_seconds()
    return int(seconds // 86400)


def check_tls(cert_pem, key_pem, ca_pem=None, now=None):
    """Validate a certificate chain, its key and an optional CA; return facts about the leaf.

    ``cert_pem`` is the leaf followed by its intermediates, each issuing the one before.
    Returns ``{"subject", "issuer", "sans", "not_before", "not_after", "expires_in_days",
    "chain_length", "warnings"}``; raises ``SecretOpsError`` for anything Kubernetes or a client
    would reject. Never includes the key. ``expires_in_days`` is ``expires_in_days(not_after, now)``.
    """
    now = now or datetime.datetime.now(datetime.timezone.utc)
    chain = load_certificates(cert_pem, "tls.crt")
    key = load_private_key(key_pem, "tls.key")
    leaf = chain[0]
    if public_key_der(key.public_key()) != public_key_der(leaf.public_key()):
        if any(public_key_der(key.public_key()) == public_key_der(other.public_key()) for other in chain[1:]):
            raise SecretOpsError("tls.crt is in the wrong order: put the certificate that matches tls.key first, then its issuers")
        raise SecretOpsError("tls.key does not match the certificate in tls.crt: give the private key of that certificate")
    for position in range(len(chain) - 1):
        if not issued_by(chain[position], chain[position + 1]):
            raise SecretOpsError(
                "tls.crt is in the wrong order: certificate %d is not issued by certificate %d; put the leaf first, "
                "then each issuer in turn (leave the root CA out or last)" % (position + 1, position + 2)
            )
    warnings = []
    if ca_pem:
        authorities = load_certificates(ca_pem, "ca.crt")
        top = chain[-1]
        if not any(issued_by(top, authority) or top == authority for authority in authorities):
            warnings.append("ca.crt does not sign the last certificate of tls.crt: clients that trust only ca.crt will reject it")
    not_after = validity_time(leaf, "not_valid_after")
    not_before = validity_time(leaf, "not_valid_before")
    if not_before > now:
        warnings.append("the certificate in tls.crt is not valid before %s" % utc_text(not_before))
    return {
        "subject": leaf.subject.rfc4514_string(),
        "issuer": leaf.issuer.rfc4514_string(),
        "sans": _sans(leaf),
        "not_before": utc_text(not_before),
        "not_after": utc_text(not_after),
        "expires_in_days": expires_in_days(not_after, now),
        "chain_length": len(chain),
        "warnings": warnings,
    }


def expiry_warning(info, threshold_days):
    """A warning when the certificate described by ``info`` expires within ``threshold_days``."""
    days = info["expires_in_days"]
    if days < 0:
        return "the certificate in tls.crt (%s) expired on %s: renew it" % (info["subject"], info["not_after"])
    if threshold_days is not None and days < threshold_days:
        return "the certificate in tls.crt (%s) expires on %s, in %d day(s): renew it soon" % (info["subject"], info["not_after"], days)
    return None
