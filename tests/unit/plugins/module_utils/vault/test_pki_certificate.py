"""Renewal decision, chain assembly and request fingerprint of certificates issued by Vault's PKI engine (pure)."""

import base64
import datetime

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import pki_certificate as pki
from ansible_collections.secretops.provisioning.plugins.module_utils.timestamps import utc_text
from tests.pki_material import load_pki

MATERIAL = load_pki()
FINGERPRINT = pki.request_fingerprint("pki", "web", "web.example.com", ["www.example.com"], [], "1h")


def _pem(certificate):
    return pki._pem(certificate)


def _b64(text):
    return base64.b64encode(text.encode()).decode()


def _secret(chain_pem=None, key=True, fingerprint=FINGERPRINT):
    data = {}
    if chain_pem:
        data["tls.crt"] = _b64(chain_pem)
    if key:
        data["tls.key"] = _b64(MATERIAL.key_pem)
    annotations = {pki.REQUEST_ANNOTATION: fingerprint} if fingerprint else {}
    return {"type": "kubernetes.io/tls", "data": data, "metadata": {"name": "web", "namespace": "shop", "annotations": annotations}}


def _leaf_window():
    facts = pki.certificate_facts(MATERIAL.leaf)
    return facts["not_before"], facts["not_after"]


def test_fingerprint_ignores_order_duplicates_and_duration_spelling():
    same = pki.request_fingerprint("/pki/", "web", "web.example.com", ["www.example.com", "www.example.com"], None, 3600)
    assert same == FINGERPRINT and FINGERPRINT.startswith("sha256:") and len(FINGERPRINT) == 7 + 64
    assert pki.request_fingerprint("pki", "web", "web.example.com", ["b", "a"], ["10.0.0.1"], "1h") == \
        pki.request_fingerprint("pki", "web", "web.example.com", ["a", "b"], ["10.0.0.1"], "60m")


@pytest.mark.parametrize("change", [
    dict(mount_point="pki_int"), dict(role="api"), dict(common_name="api.example.com"), dict(alt_names=[]),
    dict(ip_sans=["127.0.0.1"]), dict(ttl="2h"), dict(ttl=None),
])
def test_fingerprint_changes_with_every_part_of_the_request(change):
    request = dict(mount_point="pki", role="web", common_name="web.example.com", alt_names=["www.example.com"], ip_sans=[], ttl="1h")
    request.update(change)
    assert pki.request_fingerprint(**request) != FINGERPRINT


def test_fingerprint_carries_no_name_in_clear():
    assert "example" not in FINGERPRINT


@pytest.mark.parametrize("value, expected", [("30%", ("percent", 30.0)), (" 12.5% ", ("percent", 12.5)), ("24h", ("seconds", 86400)),
                                             (3600, ("seconds", 3600)), ("90", ("seconds", 90))])
def test_renew_before_is_a_share_or_a_duration(value, expected):
    assert pki.parse_renew_before(value) == expected


@pytest.mark.parametrize("value", ["0%", "100%", "150%", "x%", "soon"])
def test_renew_before_out_of_range_is_refused(value):
    with pytest.raises(SecretOpsError) as error:
        pki.parse_renew_before(value)
    assert "renew_before" in str(error.value)


def test_renew_at_by_share_and_by_duration():
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    end = start + datetime.timedelta(hours=10)
    assert pki.renew_at(start, end, "30%") == start + datetime.timedelta(hours=7)
    assert pki.renew_at(start, end, "2h") == end - datetime.timedelta(hours=2)


def test_renewal_reasons_in_order():
    not_before, not_after = _leaf_window()
    now = not_before + datetime.timedelta(hours=1)
    assert pki.renewal_reason(None, FINGERPRINT, "30%", now) == "the Secret does not exist"
    assert pki.renewal_reason(_secret(None), FINGERPRINT, "30%", now) == "the Secret holds no readable certificate in tls.crt"
    assert pki.renewal_reason(_secret("not a certificate"), FINGERPRINT, "30%", now) == "the Secret holds no readable certificate in tls.crt"
    assert pki.renewal_reason(_secret(MATERIAL.chain_pem, key=False), FINGERPRINT, "30%", now) == "the Secret holds no tls.key"
    assert pki.renewal_reason(_secret(MATERIAL.chain_pem, fingerprint=None), FINGERPRINT, "30%", now) == \
        "the Secret records no request (not issued by this module)"
    assert pki.renewal_reason(_secret(MATERIAL.chain_pem, fingerprint="sha256:other"), FINGERPRINT, "30%", now) == \
        "the request changed (mount, role, names or TTL)"
    assert pki.renewal_reason(_secret(MATERIAL.chain_pem), FINGERPRINT, "30%", now) is None


def test_renewal_window_and_expiry():
    not_before, not_after = _leaf_window()
    secret = _secret(MATERIAL.chain_pem)
    due = pki.renew_at(not_before, not_after, "30%")
    assert pki.renewal_reason(secret, FINGERPRINT, "30%", due - datetime.timedelta(seconds=1)) is None
    reason = pki.renewal_reason(secret, FINGERPRINT, "30%", due)
    assert reason.startswith("the certificate expires at %s" % utc_text(not_after)) and "within renew_before (30%)" in reason
    assert pki.renewal_reason(secret, FINGERPRINT, "1h", not_after - datetime.timedelta(minutes=59)).endswith("within renew_before (1h) of its end")
    assert pki.renewal_reason(secret, FINGERPRINT, "1h", not_after) == "the certificate expired at %s" % utc_text(not_after)


def test_chain_drops_the_root_from_tls_crt_and_gives_it_as_ca():
    tls_crt, ca_crt, leaf = pki.assemble_chain(MATERIAL.leaf_pem, [_pem(MATERIAL.intermediate), _pem(MATERIAL.root)],
                                               _pem(MATERIAL.intermediate))
    assert tls_crt == MATERIAL.leaf_pem + _pem(MATERIAL.intermediate)
    assert ca_crt == _pem(MATERIAL.root) and leaf == MATERIAL.leaf


def test_chain_is_put_in_order_and_strangers_are_dropped():
    stranger = load_pki().intermediate
    tls_crt, ca_crt, _leaf = pki.assemble_chain(MATERIAL.leaf_pem, [_pem(MATERIAL.root), _pem(stranger), _pem(MATERIAL.intermediate)])
    assert tls_crt == MATERIAL.leaf_pem + _pem(MATERIAL.intermediate) and ca_crt == _pem(MATERIAL.root)


def test_chain_without_a_root_keeps_the_intermediate_and_names_it_as_ca():
    tls_crt, ca_crt, _leaf = pki.assemble_chain(MATERIAL.leaf_pem, None, _pem(MATERIAL.intermediate))
    assert tls_crt == MATERIAL.leaf_pem + _pem(MATERIAL.intermediate) and ca_crt == _pem(MATERIAL.intermediate)


def test_a_leaf_issued_by_the_root_directly_stands_alone():
    root_leaf = MATERIAL.intermediate  # issued by the root: the root is its only authority
    tls_crt, ca_crt, _leaf = pki.assemble_chain(_pem(root_leaf), [_pem(MATERIAL.root)])
    assert tls_crt == _pem(root_leaf) and ca_crt == _pem(MATERIAL.root)
    assert pki.assemble_chain(_pem(root_leaf))[1] is None


def test_roots_of_a_chain():
    assert pki.roots_of(_pem(MATERIAL.intermediate) + _pem(MATERIAL.root)) == _pem(MATERIAL.root)
    assert pki.roots_of([_pem(MATERIAL.intermediate)]) is None and pki.roots_of(None) is None


def test_vault_serial_format():
    assert pki.vault_serial(0x1) == "01"
    assert pki.vault_serial(0x1234abc) == "01:23:4a:bc"
    facts = pki.certificate_facts(MATERIAL.leaf)
    assert int(facts["serial"].replace(":", ""), 16) == MATERIAL.leaf.serial_number


def test_annotations_record_the_request_and_the_replaced_serial_only():
    facts = pki.certificate_facts(MATERIAL.leaf)
    recorded = pki.annotations(FINGERPRINT, facts, "pki/issue/web", replaced_serial="0a:0b")
    assert recorded == {
        pki.REQUEST_ANNOTATION: FINGERPRINT, pki.SERIAL_ANNOTATION: facts["serial"], pki.NOT_AFTER_ANNOTATION: utc_text(facts["not_after"]),
        pki.ISSUED_BY_ANNOTATION: "pki/issue/web", pki.REPLACED_SERIAL_ANNOTATION: "0a:0b",
    }
    assert pki.REPLACED_SERIAL_ANNOTATION not in pki.annotations(FINGERPRINT, facts, "pki/issue/web", replaced_serial=facts["serial"])


def test_lifetime_warning_when_vault_cut_the_ttl():
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    facts = {"not_before": start - datetime.timedelta(seconds=30), "not_after": start + datetime.timedelta(hours=24)}
    assert "not the 360000 s asked" in pki.lifetime_warning(facts, "100h")
    assert pki.lifetime_warning(facts, "24h") is None and pki.lifetime_warning(facts, None) is None
