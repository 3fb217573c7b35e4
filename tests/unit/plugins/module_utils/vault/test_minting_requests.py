"""Requests that mint a credential (database creds, PKI issue, CA generate and sign) are sent with retry=False: never repeated."""

import datetime

from ansible_collections.secretops.provisioning.plugins.module_utils.delivery import database as database_delivery
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import leases, pki_ca
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import pki_certificate as pki
from ansible_collections.secretops.provisioning.plugins.module_utils.delivery.pki import ensure_certificate
from tests.pki_material import load_pki

from ..k8s.fakes import FakeApiServer
from .fakes import FakeVaultApi

MATERIAL = load_pki()
NOW = datetime.datetime(2026, 11, 24, 0, 0, tzinfo=datetime.timezone.utc)


def test_database_credentials_are_issued_once():
    issued = {"lease_id": "database/creds/app/new", "lease_duration": 3600, "renewable": True,
              "data": {"username": "v-app-1", "password": "pw"}}
    vault = FakeVaultApi({("GET", "database/creds/app"): issued,
                          ("GET", "auth/token/lookup-self"): {"data": {"ttl": 0, "period": 0, "renewable": False}}})
    spec = {"name": "db", "namespace": "shop", "type": "basic-auth", "mapping": {}, "mount_point": "database", "role": "app",
            "role_type": "dynamic", "ttl": None, "revoke_replaced": False, "renew_token": True,
            "renew_before": leases.parse_renew_before("33%")}
    database_delivery.deliver_dynamic(vault, FakeApiServer(), spec, now=NOW)
    assert vault.sent_once == [("GET", "database/creds/app")]


def test_a_certificate_is_issued_once():
    issued = {"data": {"certificate": MATERIAL.leaf_pem, "private_key": MATERIAL.key_pem, "private_key_type": "ec",
                       "issuing_ca": pki._pem(MATERIAL.intermediate), "ca_chain": [pki._pem(MATERIAL.intermediate), pki._pem(MATERIAL.root)],
                       "serial_number": pki.vault_serial(MATERIAL.leaf.serial_number)}}
    vault = FakeVaultApi({("POST", "pki/issue/web"): issued})
    request = dict(name="web-tls", namespace="shop", mount_point="pki", role="web", common_name="web.example.com", alt_names=[],
                   ip_sans=[], ttl="1h", renew_before="30%", include_ca=False, revoke_replaced=False)
    ensure_certificate(vault, FakeApiServer(), request, now=pki.certificate_facts(MATERIAL.leaf)["not_before"] + datetime.timedelta(hours=1))
    assert vault.sent_once == [("POST", "pki/issue/web")]


def test_a_ca_is_generated_and_signed_once():
    vault = FakeVaultApi({("POST", "int/intermediate/generate/internal"): {"data": {"csr": "CSR"}},
                          ("LIST", "root/issuers"): {"data": {"keys": ["issuer-id"]}},
                          ("GET", "root/cert/ca"): {"data": {"certificate": pki._pem(MATERIAL.root)}},
                          ("POST", "root/root/sign-intermediate"): {"data": {"certificate": pki._pem(MATERIAL.intermediate)}}})
    settings = {"type": "intermediate", "common_name": "Test Intermediate", "ttl": None, "key_type": "ec", "key_bits": 256,
                "pem_bundle": None, "issuer_mount_point": "root"}
    pki_ca.ensure_ca(vault, "int", settings)
    assert vault.sent_once == [("POST", "int/intermediate/generate/internal"), ("POST", "root/root/sign-intermediate")]
