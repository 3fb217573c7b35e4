"""expires_in_days rounds down on both sides of the expiry, in whole seconds as certificates count."""

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

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
