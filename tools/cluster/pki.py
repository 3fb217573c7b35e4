"""Certificates and keys for the local control plane: one CA, the apiserver serving cert, client certs, SA keys,
and etcd's own CA as kubeadm lays it out (``etcd/ca.crt``, ``etcd/server.crt``, ``apiserver-etcd-client.crt``).

Everything is written as PEM files into one directory; ``ensure_pki`` creates what is missing and
keeps what exists, so a restarted environment keeps trusting the same CA.
"""

import datetime
import ipaddress
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALIDITY = datetime.timedelta(days=365)
APISERVER_DNS_NAMES = [
    "localhost",
    "kubernetes",
    "kubernetes.default",
    "kubernetes.default.svc",
    "kubernetes.default.svc.cluster.local",
]
APISERVER_IPS = ["127.0.0.1", "10.0.0.1"]
# etcd's CA and serving certificate live in this subdirectory; the apiserver's client certificate is ETCD_CLIENT.
ETCD_DIR = "etcd"
ETCD_CLIENT = "apiserver-etcd-client"

# file stem -> (common name, organization) of the client certificates the components use
CLIENT_IDENTITIES = {
    "admin": ("secretops-admin", "system:masters"),
    "kube-controller-manager": ("system:kube-controller-manager", None),
    "kube-scheduler": ("system:kube-scheduler", None),
    # The apiserver's identity towards kubelets (exec, logs, port-forward), as kubeadm issued it until 1.29.
    "kubelet-client": ("kube-apiserver-kubelet-client", "system:masters"),
}


def _new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _write(path, data):
    with open(path, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)


def _write_key(path, key):
    _write(path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()))


def _write_cert(path, cert):
    _write(path, cert.public_bytes(serialization.Encoding.PEM))


def _name(common_name, organization=None):
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organization:
        attributes.insert(0, x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    return x509.Name(attributes)


def _builder(subject, issuer, public_key):
    now = datetime.datetime.now(datetime.timezone.utc)
    return (x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + VALIDITY))


def _create_ca(pki_dir, common_name="secretops-local-ca"):
    key = _new_key()
    name = _name(common_name)
    cert = (_builder(name, name, key.public_key())
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    _write_key(os.path.join(pki_dir, "ca.key"), key)
    _write_cert(os.path.join(pki_dir, "ca.crt"), cert)


def _load_ca(pki_dir):
    with open(os.path.join(pki_dir, "ca.key"), "rb") as handle:
        key = serialization.load_pem_private_key(handle.read(), password=None)
    with open(os.path.join(pki_dir, "ca.crt"), "rb") as handle:
        cert = x509.load_pem_x509_certificate(handle.read())
    return key, cert


def _issue(pki_dir, stem, subject, usages, sans=None, ca_dir=None):
    """Write ``<stem>.key`` and ``<stem>.crt`` into ``pki_dir``, signed by the CA in ``ca_dir`` (default: ``pki_dir``'s)."""
    ca_key, ca_cert = _load_ca(ca_dir or pki_dir)
    key = _new_key()
    builder = (_builder(subject, ca_cert.subject, key.public_key())
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.ExtendedKeyUsage(list(usages)), critical=False))
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    _write_key(os.path.join(pki_dir, stem + ".key"), key)
    _write_cert(os.path.join(pki_dir, stem + ".crt"), builder.sign(ca_key, hashes.SHA256()))


def _create_apiserver_cert(pki_dir):
    sans = [x509.DNSName(name) for name in APISERVER_DNS_NAMES] + [x509.IPAddress(ipaddress.ip_address(ip)) for ip in APISERVER_IPS]
    _issue(pki_dir, "apiserver", _name("kube-apiserver"), [ExtendedKeyUsageOID.SERVER_AUTH], sans)


def _create_service_account_keys(pki_dir):
    key = _new_key()
    _write_key(os.path.join(pki_dir, "sa.key"), key)
    _write(os.path.join(pki_dir, "sa.pub"), key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))


def ensure_pki(pki_dir):
    """Create the CA, serving cert, client certs and service-account key pair unless already present."""
    os.makedirs(pki_dir, mode=0o700, exist_ok=True)
    if not os.path.exists(os.path.join(pki_dir, "ca.crt")):
        _create_ca(pki_dir)
    if not os.path.exists(os.path.join(pki_dir, "apiserver.crt")):
        _create_apiserver_cert(pki_dir)
    if not os.path.exists(os.path.join(pki_dir, "sa.pub")):
        _create_service_account_keys(pki_dir)
    for stem, (common_name, organization) in CLIENT_IDENTITIES.items():
        if not os.path.exists(os.path.join(pki_dir, stem + ".crt")):
            _issue(pki_dir, stem, _name(common_name, organization), [ExtendedKeyUsageOID.CLIENT_AUTH])
    _ensure_etcd_pki(pki_dir)


def _ensure_etcd_pki(pki_dir):
    """etcd's own CA and serving certificate under ``etcd/``, and the apiserver's etcd client certificate beside
    the other client certificates, where kubeadm puts them: etcd serves its clients over mutual TLS only."""
    etcd_dir = os.path.join(pki_dir, ETCD_DIR)
    os.makedirs(etcd_dir, mode=0o700, exist_ok=True)
    if not os.path.exists(os.path.join(etcd_dir, "ca.crt")):
        _create_ca(etcd_dir, "etcd-ca")
    if not os.path.exists(os.path.join(etcd_dir, "server.crt")):
        sans = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
        _issue(etcd_dir, "server", _name("etcd-server"), [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH], sans)
    if not os.path.exists(os.path.join(pki_dir, ETCD_CLIENT + ".crt")):
        _issue(pki_dir, ETCD_CLIENT, _name("kube-apiserver-etcd-client"), [ExtendedKeyUsageOID.CLIENT_AUTH], ca_dir=etcd_dir)


def etcd_files(pki_dir):
    """etcd's CA, serving certificate and key, and the client certificate and key that read it (the apiserver's)."""
    etcd_dir = os.path.join(pki_dir, ETCD_DIR)
    return {"ca_cert": os.path.join(etcd_dir, "ca.crt"), "server_cert": os.path.join(etcd_dir, "server.crt"),
            "server_key": os.path.join(etcd_dir, "server.key"),
            "client_cert": path(pki_dir, ETCD_CLIENT, "crt"), "client_key": path(pki_dir, ETCD_CLIENT, "key")}


def ensure_client_cert(pki_dir, stem, common_name, organization):
    """A client certificate from the CA (e.g. a node's ``system:node:<name>``), unless already present."""
    if not os.path.exists(os.path.join(pki_dir, stem + ".crt")):
        _issue(pki_dir, stem, _name(common_name, organization), [ExtendedKeyUsageOID.CLIENT_AUTH])


def ensure_serving_cert(pki_dir, stem, common_name, dns_names, ips):
    """A serving certificate from the CA for these names and addresses, unless already present."""
    if not os.path.exists(os.path.join(pki_dir, stem + ".crt")):
        sans = [x509.DNSName(name) for name in dns_names] + [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ips]
        _issue(pki_dir, stem, _name(common_name), [ExtendedKeyUsageOID.SERVER_AUTH], sans)


def path(pki_dir, stem, suffix):
    """Path of a PKI file, e.g. ``path(d, "admin", "crt")``."""
    return os.path.join(pki_dir, "%s.%s" % (stem, suffix))
