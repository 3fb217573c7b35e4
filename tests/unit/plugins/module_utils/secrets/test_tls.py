"""expires_in_days rounds down on both sides of the expiry, in whole seconds as certificates count."""

import datetime
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.tls import check_tls, expiry_warning


# a moment inside a second, as datetime.now() gives
NOW = datetime.datetime(2026, 6, 15, 12, 0, 0, 700000, tzinfo=datetime.timezone.utc)


KEY = ec.generate_private_key(ec.SECP256R1())


KEY_PEM = KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def certificate_expiring(delta):
    """A certificate made at NOW to expire at NOW + delta (X.509 keeps whole seconds)."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "expiry.test")])
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(KEY.public_key()).serial_number(1)
                   .not_valid_before(NOW - datetime.timedelta(days=400)).not_valid_after(NOW + delta).sign(KEY, hashes.SHA256()))
    return certificate.public_bytes(serialization.Encoding.PEM)


@pytest.mark.parametrize("days, expected", [
    (10, 10), (1.5, 1), (1, 1), (0.5, 0), (0, 0),
    (-0.5, -1), (-1, -1), (-1.5, -2), (-2, -2), (-10, -10),
])
def test_expires_in_days_rounds_down(days, expected):
    info = check_tls(certificate_expiring(datetime.timedelta(days=days)), KEY_PEM, now=NOW)
    assert info["expires_in_days"] == expected


def test_negative_days_mean_expired_and_zero_means_the_last_day():
    expired = check_tls(certificate_expiring(datetime.timedelta(hours=-1)), KEY_PEM, now=NOW)
    assert expired["expires_in_days"] == -1 and "expired on" in expiry_warning(expired, 30)
    last_day = check_tls(certificate_expiring(datetime.timedelta(hours=1)), KEY_PEM, now=NOW)
    assert last_day["expires_in_days"] == 0 and "in 0 day(s)" in expiry_warning(last_day, 30)


# TLS
def test_tls_chain_facts(pki):
    info = check_tls(pki.chain_pem, pki.key_pem, pki.root_pem)
    assert info["subject"] == "CN=web.example.com"
    assert info["issuer"] == "CN=Test Intermediate"
    assert info["sans"] == ["DNS:web.example.com", "DNS:www.example.com"]
    assert info["chain_length"] == 2
    assert info["warnings"] == []
    assert 360 <= info["expires_in_days"] <= 365
    assert info["not_after"].endswith("Z")
    assert "PRIVATE" not in repr(info)


def test_tls_key_mismatch(pki):
    with pytest.raises(SecretOpsError, match="tls.key does not match the certificate"):
        check_tls(pki.chain_pem, pki.other_key_pem)


def test_tls_chain_in_wrong_order(pki):
    with pytest.raises(SecretOpsError, match="wrong order"):
        check_tls(pki.reversed_chain_pem, pki.key_pem)
    intermediate_then_root_without_leaf = pki.leaf_pem + pki.root_pem
    with pytest.raises(SecretOpsError, match="certificate 1 is not issued by certificate 2"):
        check_tls(intermediate_then_root_without_leaf, pki.key_pem)


@pytest.mark.parametrize("cert, key, message", [
    ("garbage", None, "tls.crt is not a PEM certificate"),
    ("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", None, "malformed PEM certificate"),
    (None, "garbage", "tls.key is not a PEM private key"),
    (None, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "not a readable PEM private key"),
])
def test_tls_garbage(pki, cert, key, message):
    with pytest.raises(SecretOpsError, match=message) as caught:
        check_tls(cert or pki.chain_pem, key or pki.key_pem)
    assert "AAAA" not in str(caught.value)


def test_tls_key_in_the_cert_field_and_encrypted_key(pki):
    with pytest.raises(SecretOpsError, match="contains a private key"):
        check_tls(pki.chain_pem + pki.key_pem, pki.key_pem)
    with pytest.raises(SecretOpsError, match="tls.key is encrypted"):
        check_tls(pki.chain_pem, pki.encrypted_key_pem)


def test_tls_unrelated_ca_warns(pki):
    info = check_tls(pki.chain_pem, pki.key_pem, pki.leaf_pem)
    assert any("ca.crt does not sign" in warning for warning in info["warnings"])


def test_tls_expiry_warning(pki):
    soon = check_tls(pki.soon_pem, pki.key_pem)
    assert "expires on" in expiry_warning(soon, 30)
    assert expiry_warning(soon, 3) is None
    later = check_tls(pki.chain_pem, pki.key_pem, now=datetime.datetime(2100, 1, 1, tzinfo=datetime.timezone.utc))
    assert "expired on" in expiry_warning(later, 30)
