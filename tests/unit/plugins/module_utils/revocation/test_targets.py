"""revocation/targets.py: Vault's copy must be what was issued for the Secret before it is revoked."""

from ansible_collections.secretops.provisioning.plugins.module_utils.revocation import targets
from tests.pki_material import load_pki

MATERIAL = load_pki()


def test_a_lease_must_lie_directly_under_the_secrets_own_role():
    assert targets.lease_under("database/creds/app/AbC123", "database/creds/app")
    assert targets.lease_under("database/creds/app/AbC123", "/database/creds/app/")
    assert not targets.lease_under("database/creds/app-other/AbC123", "database/creds/app")
    assert not targets.lease_under("database/creds/other/AbC123", "database/creds/app")
    assert not targets.lease_under("database/creds/app/", "database/creds/app")
    assert not targets.lease_under("database/creds/app/x/y", "database/creds/app")
    assert not targets.lease_under(None, "database/creds/app")


def test_a_certificate_must_carry_exactly_the_requested_names():
    pem = MATERIAL.leaf_pem  # CN web.example.com, DNS SANs web.example.com and www.example.com
    assert targets.certificate_matches(pem, targets.certificate_names("web.example.com", ["www.example.com"], []))
    assert targets.certificate_matches(pem, targets.certificate_names("web.example.com", ["www.example.com", "web.example.com"], []))
    assert not targets.certificate_matches(pem, targets.certificate_names("web.example.com", [], []))
    assert not targets.certificate_matches(pem, targets.certificate_names("api.example.com", ["www.example.com"], []))
    assert not targets.certificate_matches(pem, targets.certificate_names("web.example.com", ["www.example.com"], ["10.0.0.1"]))
    assert not targets.certificate_matches(pem, {})
    assert not targets.certificate_matches("not a certificate", targets.certificate_names("web.example.com", [], []))
