"""Test material for the Secret builders: a small PKI and SSH keys made on the fly with cryptography."""

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

NOW = datetime.datetime.now(datetime.timezone.utc)


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pem(certificate):
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _key_pem(key, password=None):
    encryption = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption).decode("ascii")


def _certificate(subject, key, issuer_name, issuer_key, ca, days=365, sans=()):
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - datetime.timedelta(days=1))
        .not_valid_after(NOW + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ca:  # RFC 5280 requires it of CA certificates (HashiCorp Vault refuses to build a CRL without it)
        builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(name) for name in sans]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


class Pki(object):
    def __init__(self):
        self.root_key = ec.generate_private_key(ec.SECP256R1())
        self.root = _certificate("Test Root", self.root_key, "Test Root", self.root_key, ca=True)
        self.intermediate_key = ec.generate_private_key(ec.SECP256R1())
        self.intermediate = _certificate("Test Intermediate", self.intermediate_key, "Test Root", self.root_key, ca=True)
        self.leaf_key = ec.generate_private_key(ec.SECP256R1())
        self.leaf = _certificate("web.example.com", self.leaf_key, "Test Intermediate", self.intermediate_key, ca=False,
                                 sans=("web.example.com", "www.example.com"))
        self.other_key = ec.generate_private_key(ec.SECP256R1())
        self.soon_leaf = _certificate("soon.example.com", self.leaf_key, "Test Intermediate", self.intermediate_key, ca=False, days=5)

    @property
    def root_pem(self):
        return _pem(self.root)

    @property
    def chain_pem(self):
        return _pem(self.leaf) + _pem(self.intermediate)

    @property
    def reversed_chain_pem(self):
        return _pem(self.intermediate) + _pem(self.leaf)

    @property
    def leaf_pem(self):
        return _pem(self.leaf)

    @property
    def soon_pem(self):
        return _pem(self.soon_leaf) + _pem(self.intermediate)

    @property
    def key_pem(self):
        return _key_pem(self.leaf_key)

    @property
    def other_key_pem(self):
        return _key_pem(self.other_key)

    @property
    def encrypted_key_pem(self):
        return _key_pem(self.leaf_key, b"pass-phrase")


@pytest.fixture(scope="session")
def pki():
    return Pki()


@pytest.fixture(scope="session")
def ssh_key():
    key = ed25519.Ed25519PrivateKey.generate()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()).decode("ascii")


@pytest.fixture(scope="session")
def rsa_pem_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption()).decode("ascii")


@pytest.fixture(scope="session")
def encrypted_ssh_key():
    # PKCS#8 encryption: OpenSSH-format encryption needs the optional bcrypt module
    key = ed25519.Ed25519PrivateKey.generate()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.BestAvailableEncryption(b"pass-phrase")).decode("ascii")
