"""The CA of a PKI mount and its URLs against a fake of VaultClient.request: created once, never replaced
implicitly, an imported key checked and never returned."""

import json

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import pki_ca
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import pki_certificate as pki
from tests.pki_material import load_pki
from tests.unit.plugins.module_utils.vault.fakes import FakeVaultApi

MATERIAL = load_pki()
ROOT_SETTINGS = {"type": "root", "common_name": "Test Root", "ttl": "87600h", "key_type": "ec", "key_bits": 256, "pem_bundle": None,
                 "issuer_mount_point": None}


def _with_ca(*mounts_and_certificates):
    """Answers for mounts that have a CA: ``_with_ca("pki", root_certificate, "int", intermediate_certificate)``."""
    answers = {}
    for mount, certificate in zip(mounts_and_certificates[::2], mounts_and_certificates[1::2]):
        answers[("LIST", "%s/issuers" % mount)] = {"data": {"keys": ["issuer-id"]}}
        answers[("GET", "%s/cert/ca" % mount)] = {"data": {"certificate": pki._pem(certificate)}}
    return answers


def _root_key_pem():
    from cryptography.hazmat.primitives import serialization

    return MATERIAL.root_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()).decode()


def test_check_mode_reports_and_writes_nothing():
    vault = FakeVaultApi()
    result = pki_ca.ensure_ca(vault, "pki", ROOT_SETTINGS, check_mode=True)
    assert result["changed"] is True and result["action"] == "generated" and vault.writes() == []
    assert result["diff"] == {"before": None, "after": {"type": "root", "common_name": "Test Root"}}


def test_a_root_is_generated_once():
    vault = FakeVaultApi()
    result = pki_ca.ensure_ca(vault, "/pki/", ROOT_SETTINGS)
    assert result["action"] == "generated"
    assert vault.writes() == [("POST", "pki/root/generate/internal",
                               {"common_name": "Test Root", "key_type": "ec", "key_bits": 256, "ttl": "315360000s"})]
    vault = FakeVaultApi(_with_ca("pki", MATERIAL.root))
    again = pki_ca.ensure_ca(vault, "pki", ROOT_SETTINGS)
    assert again["changed"] is False and again["ca"]["common_name"] == "Test Root" and again["ca"]["type"] == "root"
    assert vault.writes() == []


@pytest.mark.parametrize("settings, text", [
    (dict(ROOT_SETTINGS, common_name="Other Root"), "not common name Other Root"),
    (dict(ROOT_SETTINGS, type="intermediate", issuer_mount_point="root", common_name="Test Root"), "not an intermediate CA"),
])
def test_another_ca_on_the_mount_is_refused(settings, text):
    vault = FakeVaultApi(_with_ca("pki", MATERIAL.root, "root", MATERIAL.root))
    with pytest.raises(SecretOpsError) as error:
        pki_ca.ensure_ca(vault, "pki", settings)
    assert text in str(error.value) and "never replaced implicitly" in str(error.value) and vault.writes() == []


def test_an_intermediate_is_generated_signed_and_set_with_its_chain():
    answers = _with_ca("root", MATERIAL.root)
    answers[("POST", "int/intermediate/generate/internal")] = {"data": {"csr": "CSR"}}
    answers[("POST", "root/root/sign-intermediate")] = {"data": {
        "certificate": pki._pem(MATERIAL.intermediate), "issuing_ca": pki._pem(MATERIAL.root),
        "ca_chain": [pki._pem(MATERIAL.intermediate), pki._pem(MATERIAL.root)]}}
    vault = FakeVaultApi(answers)
    settings = dict(ROOT_SETTINGS, type="intermediate", common_name="Test Intermediate", issuer_mount_point="root", ttl="43800h")
    result = pki_ca.ensure_ca(vault, "int", settings)
    assert result["action"] == "generated and signed"
    writes = vault.writes()
    assert [entry[1] for entry in writes] == ["int/intermediate/generate/internal", "root/root/sign-intermediate",
                                              "int/intermediate/set-signed"]
    assert writes[1][2] == {"csr": "CSR", "common_name": "Test Intermediate", "format": "pem_bundle", "ttl": "157680000s"}
    assert writes[2][2]["certificate"] == pki._pem(MATERIAL.intermediate).strip() + "\n" + pki._pem(MATERIAL.root).strip()


def test_an_intermediate_needs_a_signing_root():
    vault = FakeVaultApi()
    settings = dict(ROOT_SETTINGS, type="intermediate", issuer_mount_point="root")
    with pytest.raises(SecretOpsError) as error:
        pki_ca.ensure_ca(vault, "int", settings)
    assert "root has no CA to sign the intermediate of int" in str(error.value)
    assert pki_ca.ensure_ca(vault, "int", settings, check_mode=True)["changed"] is True


def test_an_intermediate_signed_by_another_root_is_refused():
    other = load_pki()
    vault = FakeVaultApi(_with_ca("int", MATERIAL.intermediate, "root", other.root))
    settings = dict(ROOT_SETTINGS, type="intermediate", common_name="Test Intermediate", issuer_mount_point="root")
    with pytest.raises(SecretOpsError) as error:
        pki_ca.ensure_ca(vault, "int", settings)
    assert "an intermediate signed by CN=Test Root" in str(error.value)
    vault = FakeVaultApi(_with_ca("int", MATERIAL.intermediate, "root", MATERIAL.root))
    assert pki_ca.ensure_ca(vault, "int", settings)["changed"] is False


def test_an_imported_bundle_is_checked_and_its_key_never_returned():
    key_pem = _root_key_pem()
    bundle = pki._pem(MATERIAL.root) + key_pem
    vault = FakeVaultApi()
    settings = dict(ROOT_SETTINGS, common_name=None, pem_bundle=bundle)
    result = pki_ca.ensure_ca(vault, "pki", settings)
    assert result["action"] == "imported" and vault.writes() == [("POST", "pki/config/ca", {"pem_bundle": bundle})]
    assert "PRIVATE" not in json.dumps(result)
    again = pki_ca.ensure_ca(FakeVaultApi(_with_ca("pki", MATERIAL.root)), "pki", settings)
    assert again["changed"] is False
    other = load_pki()
    with pytest.raises(SecretOpsError) as error:
        pki_ca.ensure_ca(FakeVaultApi(_with_ca("pki", other.root)), "pki", settings)
    assert "not the certificate in pem_bundle (CN=Test Root)" in str(error.value)


@pytest.mark.parametrize("bundle, text", [
    ("", "no private key"),
    (None, "no certificate"),
    ("mismatch", "does not belong to its first certificate"),
])
def test_bad_bundles_are_refused_without_their_key(bundle, text):
    key_pem = _root_key_pem()
    bundle = {"": pki._pem(MATERIAL.root), None: key_pem, "mismatch": pki._pem(MATERIAL.intermediate) + key_pem}[bundle]
    with pytest.raises(SecretOpsError) as error:
        pki_ca.bundle_certificate(bundle)
    assert text in str(error.value)
    assert all(line not in str(error.value) for line in key_pem.splitlines()[1:-1])


def test_absent_deletes_the_ca_once():
    vault = FakeVaultApi(_with_ca("pki", MATERIAL.root))
    result = pki_ca.ensure_ca(vault, "pki", ROOT_SETTINGS, state="absent")
    assert result["action"] == "deleted" and vault.writes() == [("DELETE", "pki/root", None)]
    assert result["diff"]["before"]["common_name"] == "Test Root" and result["diff"]["after"] is None
    assert pki_ca.ensure_ca(FakeVaultApi(), "pki", ROOT_SETTINGS, state="absent")["changed"] is False


def test_urls_are_compared_as_sets_and_omitted_ones_kept():
    current = {"data": {"issuing_certificates": ["http://a/ca"], "crl_distribution_points": ["http://a/crl"], "ocsp_servers": []}}
    vault = FakeVaultApi({("GET", "pki/config/urls"): current})
    same = pki_ca.ensure_urls(vault, "pki", {"issuing_certificates": ["http://a/ca"], "crl_distribution_points": None, "ocsp_servers": None})
    assert same["changed"] is False and vault.writes() == []
    changed = pki_ca.ensure_urls(vault, "pki", {"issuing_certificates": None, "crl_distribution_points": ["http://b/crl"], "ocsp_servers": None})
    assert changed["changed_settings"] == ["crl_distribution_points"]
    assert vault.writes() == [("POST", "pki/config/urls", {"issuing_certificates": ["http://a/ca"], "crl_distribution_points": ["http://b/crl"],
                                                           "ocsp_servers": []})]
    assert pki_ca.ensure_urls(vault, "pki", {"issuing_certificates": None})["changed"] is False


def test_a_ca_without_subject_key_identifier_is_refused_before_any_write():
    """HashiCorp Vault imports such a CA, then fails to build its CRL with HTTP 500 (OpenBao accepts it)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "No SKI Root")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    bundle = certificate.public_bytes(serialization.Encoding.PEM).decode() + key_pem
    vault = FakeVaultApi()
    with pytest.raises(SecretOpsError) as error:
        pki_ca.ensure_ca(vault, "pki", dict(ROOT_SETTINGS, common_name=None, pem_bundle=bundle))
    assert "(CN=No SKI Root) has no Subject Key Identifier" in str(error.value)
    assert vault.writes() == []
    assert all(line not in str(error.value) for line in key_pem.splitlines()[1:-1])
