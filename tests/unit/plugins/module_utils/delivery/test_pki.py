"""Issuing into a tls Secret against fakes of VaultClient.request and K8sClient.request: issue once, leave a
standing certificate alone, re-issue in the window, revoke the replaced serial, never issue in check mode,
and never let the key out."""

import base64
import datetime
import json

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.revocation.ledger import record_name
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import pki_certificate as pki
from ansible_collections.secretops.provisioning.plugins.module_utils.delivery.pki import ensure_certificate
from tests.pki_material import load_pki
from tests.unit.plugins.module_utils.k8s.fakes import FakeApiServer
from tests.unit.plugins.module_utils.vault.fakes import FakeVaultApi

MATERIAL = load_pki()
ISSUE = ("POST", "pki/issue/web")


def _issued():
    return {"data": {
        "certificate": MATERIAL.leaf_pem, "private_key": MATERIAL.key_pem, "private_key_type": "ec",
        "issuing_ca": pki._pem(MATERIAL.intermediate), "ca_chain": [pki._pem(MATERIAL.intermediate), pki._pem(MATERIAL.root)],
        "serial_number": pki.vault_serial(MATERIAL.leaf.serial_number),
    }}


def _request(**changes):
    request = dict(name="web-tls", namespace="shop", mount_point="pki", role="web", common_name="web.example.com",
                   alt_names=["www.example.com"], ip_sans=[], ttl="1h", renew_before="30%", include_ca=False, revoke_replaced=False)
    request.update(changes)
    return request


def _now():
    return pki.certificate_facts(MATERIAL.leaf)["not_before"] + datetime.timedelta(hours=1)


def _text(secret, key):
    return base64.b64decode(secret["data"][key]).decode()


def test_issue_writes_leaf_and_intermediate_and_the_key_only_into_the_secret():
    vault, k8s = FakeVaultApi({ISSUE: _issued()}), FakeApiServer()
    result = ensure_certificate(vault, k8s, _request(include_ca=True), now=_now())
    assert result["changed"] is True and result["issued"] is True and result["reason"] == "the Secret does not exist"
    assert vault.sent[0][2] == {"common_name": "web.example.com", "alt_names": "www.example.com", "ttl": "3600s", "format": "pem",
                                "private_key_format": "pkcs8"}
    secret = k8s.secrets[("shop", "web-tls")]
    assert secret["type"] == "kubernetes.io/tls"
    assert _text(secret, "tls.crt") == MATERIAL.leaf_pem + pki._pem(MATERIAL.intermediate)
    assert _text(secret, "tls.key") == MATERIAL.key_pem and _text(secret, "ca.crt") == pki._pem(MATERIAL.root)
    assert result["serial"] == secret["metadata"]["annotations"][pki.SERIAL_ANNOTATION]
    assert result["issuer"] == "CN=Test Intermediate" and result["diff"]["before"] is None
    assert "PRIVATE KEY" not in json.dumps(result) and "PRIVATE KEY" not in json.dumps(secret["metadata"])


def test_a_standing_certificate_is_left_alone():
    vault, k8s = FakeVaultApi({ISSUE: _issued()}), FakeApiServer()
    first = ensure_certificate(vault, k8s, _request(), now=_now())
    version = k8s.secrets[("shop", "web-tls")]["metadata"]["resourceVersion"]
    again = ensure_certificate(vault, k8s, _request(ttl=3600, alt_names=["www.example.com", "www.example.com"]), now=_now())
    assert again["changed"] is False and again["reason"] is None and again["serial"] == first["serial"]
    assert [entry[1] for entry in vault.sent] == ["pki/issue/web"]
    assert k8s.secrets[("shop", "web-tls")]["metadata"]["resourceVersion"] == version


def test_window_re_issues_and_revokes_the_replaced_serial():
    vault, k8s = FakeVaultApi({ISSUE: _issued()}), FakeApiServer()
    first = ensure_certificate(vault, k8s, _request(), now=_now())
    later = pki.certificate_facts(MATERIAL.leaf)["not_after"] - datetime.timedelta(days=1)
    renewed = ensure_certificate(vault, k8s, _request(revoke_replaced=True), now=later)
    assert renewed["issued"] is True and "within renew_before (30%)" in renewed["reason"]
    # The fake issues the same certificate again, so nothing was replaced and nothing is revoked.
    assert "replaced_serial" not in renewed and ("POST", "pki/revoke") not in [entry[:2] for entry in vault.sent]
    other = load_pki()
    vault.answers[ISSUE] = {"data": dict(_issued()["data"], certificate=other.leaf_pem, private_key=other.key_pem,
                                         ca_chain=[pki._pem(other.intermediate), pki._pem(other.root)], issuing_ca=None)}
    vault.answers[("GET", "pki/cert/" + first["serial"])] = {"data": {"certificate": MATERIAL.leaf_pem}}
    replaced = ensure_certificate(vault, k8s, _request(revoke_replaced=True, common_name="api.example.com"), now=_now())
    assert replaced["reason"] == "the request changed (mount, role, names or TTL)"
    assert replaced["replaced_serial"] == first["serial"] and replaced["revoked_serial"] == first["serial"]
    assert vault.sent[-1] == ("POST", "pki/revoke", {"serial_number": first["serial"]})
    annotations = k8s.secrets[("shop", "web-tls")]["metadata"]["annotations"]
    assert annotations[pki.REPLACED_SERIAL_ANNOTATION] == first["serial"]


def _replace(vault, k8s, **changes):
    """Issue the test leaf, then another certificate over it (pending revocation, no Pods); return the first result."""
    first = ensure_certificate(vault, k8s, _request(), now=_now())
    other = load_pki()
    vault.answers[ISSUE] = {"data": dict(_issued()["data"], certificate=other.leaf_pem, private_key=other.key_pem,
                                         ca_chain=[pki._pem(other.intermediate), pki._pem(other.root)], issuing_ca=None)}
    ensure_certificate(vault, k8s, _request(ttl="2h", **changes), now=_now())
    return first


def test_a_pending_revocation_is_finished_by_the_next_run():
    vault, k8s = FakeVaultApi({ISSUE: _issued()}), FakeApiServer()
    first = _replace(vault, k8s)
    vault.answers[("GET", "pki/cert/" + first["serial"])] = {"data": {"certificate": MATERIAL.leaf_pem, "revocation_time": 0}}
    result = ensure_certificate(vault, k8s, _request(ttl="2h", revoke_replaced=True), now=_now())
    assert result["changed"] is True and result["revoked_serials"] == [first["serial"]] and result["reason"] is None
    assert vault.sent[-1] == ("POST", "pki/revoke", {"serial_number": first["serial"]}) and result["pending_revocation"] == []
    assert ensure_certificate(vault, k8s, _request(ttl="2h", revoke_replaced=True), now=_now())["changed"] is False


def test_a_serial_planted_in_the_annotations_is_never_revoked():
    """Anyone who may edit the Secret can write its annotations; another team's serial (public in any handshake) planted
    there must not be revoked."""
    vault, k8s = FakeVaultApi({ISSUE: _issued()}), FakeApiServer()
    ensure_certificate(vault, k8s, _request(), now=_now())
    k8s.secrets[("shop", "web-tls")]["metadata"]["annotations"][pki.REPLACED_SERIAL_ANNOTATION] = "0a:0b"
    vault.answers[("GET", "pki/cert/0a:0b")] = {"data": {"certificate": MATERIAL.leaf_pem, "revocation_time": 0}}
    result = ensure_certificate(vault, k8s, _request(revoke_replaced=True), now=_now())
    assert result["revoked_serials"] == [] and ("POST", "pki/revoke") not in [entry[:2] for entry in vault.sent]


def test_a_certificate_planted_in_the_secret_is_re_issued_over_and_never_revoked():
    """A tenant who swaps tls.crt for another team's certificate gets a new one issued; the planted one is not a target."""
    victim = load_pki()
    vault, k8s = FakeVaultApi({ISSUE: _issued()}), FakeApiServer()
    ensure_certificate(vault, k8s, _request(), now=_now())
    k8s.secrets[("shop", "web-tls")]["data"]["tls.crt"] = base64.b64encode(victim.leaf_pem.encode()).decode()
    victim_serial = pki.vault_serial(victim.leaf.serial_number)
    vault.answers[("GET", "pki/cert/" + victim_serial)] = {"data": {"certificate": victim.leaf_pem}}
    result = ensure_certificate(vault, k8s, _request(revoke_replaced=True), now=_now())
    assert result["issued"] is True and "not one this collection recorded" in result["reason"]
    assert victim_serial not in result["revoked_serials"] + result["pending_revocation"]
    assert ("POST", "pki/revoke", {"serial_number": victim_serial}) not in vault.sent


def test_a_recorded_serial_whose_certificate_carries_other_names_is_refused():
    vault, k8s = FakeVaultApi({ISSUE: _issued()}), FakeApiServer()
    first = _replace(vault, k8s)
    vault.answers[("GET", "pki/cert/" + first["serial"])] = {"data": {"certificate": load_pki().soon_pem}}
    result = ensure_certificate(vault, k8s, _request(ttl="2h", state="revoked"), now=_now())
    assert result["revoked_serials"] == [] and "does not carry the names it was issued for" in result["warnings"][0]
    assert ("POST", "pki/revoke") not in [entry[:2] for entry in vault.sent]


def test_a_replaced_certificate_is_held_while_a_pod_that_started_before_the_write_uses_it():
    vault, k8s = FakeVaultApi({ISSUE: _issued()}), FakeApiServer()
    first = _replace(vault, k8s)
    vault.answers[("GET", "pki/cert/" + first["serial"])] = {"data": {"certificate": MATERIAL.leaf_pem}}
    k8s.pods = [{"metadata": {"name": "web-0", "namespace": "shop", "creationTimestamp": "2000-01-01T00:00:00Z"},
                 "spec": {"volumes": [{"name": "tls", "secret": {"secretName": "web-tls"}}]}, "status": {"phase": "Running"}}]
    result = ensure_certificate(vault, k8s, _request(ttl="2h", state="revoked"), now=_now())
    assert result["revoked_serials"] == [] and result["revocation_held"][0]["holders"] == ["Pod/web-0"]
    assert result["pending_revocation"] == [first["serial"]] and vault.sent[-1][0] == "GET"
    accepted = ensure_certificate(vault, k8s, _request(ttl="2h", state="revoked", accept_revocation_in_use=True), now=_now())
    assert accepted["revoked_serials"] == [first["serial"]]


def test_state_revoked_never_issues_even_when_the_certificate_is_due():
    vault, k8s = FakeVaultApi({ISSUE: _issued()}), FakeApiServer()
    ensure_certificate(vault, k8s, _request(), now=_now())
    later = pki.certificate_facts(MATERIAL.leaf)["not_after"] - datetime.timedelta(days=1)
    result = ensure_certificate(vault, k8s, _request(state="revoked"), now=later)
    assert result["issued"] is False and [entry[1] for entry in vault.sent].count("pki/issue/web") == 1


def test_renew_before_at_least_the_ttl_is_refused_naming_both():
    with pytest.raises(SecretOpsError, match=r"renew_before \(2h\) is not shorter than ttl \(1h\)"):
        ensure_certificate(FakeVaultApi(), FakeApiServer(), _request(renew_before="2h"), now=_now())


def test_a_certificate_due_for_its_whole_life_is_refused_rather_than_re_issued_every_run():
    vault, k8s = FakeVaultApi({ISSUE: _issued()}), FakeApiServer()
    ensure_certificate(vault, k8s, _request(ttl=None, renew_before="24h"), now=_now())
    with pytest.raises(SecretOpsError, match="not shorter than the certificate's lifetime"):
        ensure_certificate(vault, k8s, _request(ttl=None, renew_before="%dh" % (400 * 24)), now=_now())


def test_a_role_max_ttl_that_leaves_no_room_for_renew_before_is_refused_before_anything_is_issued():
    role = {"data": {"ttl": 0, "max_ttl": 600, "generate_lease": False}}
    vault, k8s = FakeVaultApi({ISSUE: _issued(), ("GET", "pki/roles/web"): role}), FakeApiServer()
    with pytest.raises(SecretOpsError, match=r"renew_before \(30m\) is not shorter than the certificate's lifetime \(600 s: the PKI "
                                             r"role pki/roles/web's max_ttl cuts the ttl asked, 1h\)"):
        ensure_certificate(vault, k8s, _request(renew_before="30m"), now=_now())
    with pytest.raises(SecretOpsError, match="max_ttl"):
        ensure_certificate(vault, k8s, _request(renew_before="30m"), check_mode=True, now=_now())
    assert ISSUE not in [entry[:2] for entry in vault.sent] and ("shop", "web-tls") not in k8s.secrets
    # Room left under the cap, or a percentage (which never needs the role): issued as asked.
    assert ensure_certificate(vault, k8s, _request(renew_before="5m"), now=_now())["issued"] is True
    percent = FakeVaultApi({ISSUE: _issued()})
    assert ensure_certificate(percent, FakeApiServer(), _request(renew_before="30%"), now=_now())["issued"] is True
    assert ("GET", "pki/roles/web") not in [entry[:2] for entry in percent.sent]


def test_a_certificate_issued_shorter_than_renew_before_is_revoked_and_not_delivered():
    # The token may not read the role (or the mount's max_lease_ttl cut it): the issued certificate (366 days) tells.
    vault = FakeVaultApi({ISSUE: _issued(), ("GET", "pki/roles/web"): SecretOpsError("permission denied", status=403)})
    k8s = FakeApiServer()
    with pytest.raises(SecretOpsError, match=r"renew_before \(8800h\) is not shorter than the lifetime Vault gave the certificate "
                                             r"\(31622400 s;.*revoked and not delivered"):
        ensure_certificate(vault, k8s, _request(ttl="9600h", renew_before="8800h"), now=_now())
    serial = pki.vault_serial(MATERIAL.leaf.serial_number)
    assert ("POST", "pki/revoke", {"serial_number": serial}) in vault.sent
    assert ("shop", "web-tls") not in k8s.secrets
    record = json.loads(base64.b64decode(k8s.secrets[("secretops-system", record_name("shop", "web-tls"))]["data"]["record"]))
    assert record["issued"] == [] and record["current"] is None, record


def test_a_leased_certificate_is_refused_with_a_login_token():
    vault = FakeVaultApi({ISSUE: _issued(), ("GET", "pki/roles/web"): {"data": {"generate_lease": True}}})
    vault.revoke_on_close = True
    with pytest.raises(SecretOpsError, match="generate_lease"):
        ensure_certificate(vault, FakeApiServer(), _request(), now=_now())
    assert ISSUE not in [entry[:2] for entry in vault.sent]
    unreadable = FakeVaultApi({ISSUE: dict(_issued(), lease_id="pki/issue/web/abc")})
    unreadable.revoke_on_close = True
    k8s = FakeApiServer()
    with pytest.raises(SecretOpsError, match="generate_lease"):
        ensure_certificate(unreadable, k8s, _request(), now=_now())
    assert ("shop", "web-tls") not in k8s.secrets


def test_a_failed_revocation_is_a_warning_and_stays_pending():
    vault, k8s = FakeVaultApi({ISSUE: _issued()}), FakeApiServer()
    first = _replace(vault, k8s)
    vault.answers[("GET", "pki/cert/" + first["serial"])] = {"data": {"certificate": MATERIAL.leaf_pem, "revocation_time": 0}}
    vault.answers[("POST", "pki/revoke")] = SecretOpsError("Vault rejected revoke: certificate expired", status=400)
    result = ensure_certificate(vault, k8s, _request(ttl="2h", revoke_replaced=True), now=_now())
    assert "revoked_serial" not in result and "was not revoked (a later run tries again)" in result["warnings"][0]
    assert result["pending_revocation"] == [first["serial"]]


def test_check_mode_never_issues_or_writes():
    vault, k8s = FakeVaultApi({ISSUE: _issued()}), FakeApiServer()
    result = ensure_certificate(vault, k8s, _request(), check_mode=True, now=_now())
    assert result["changed"] is True and result["issued"] is False and result["reason"] == "the Secret does not exist"
    assert vault.sent == [] and k8s.secrets == {}
    ensure_certificate(vault, k8s, _request(), now=_now())
    sent, version = len(vault.sent), k8s.secrets[("shop", "web-tls")]["metadata"]["resourceVersion"]
    due = ensure_certificate(vault, k8s, _request(ttl="2h"), check_mode=True, now=_now())
    assert due["changed"] is True and due["replaced_serial"] and len(vault.sent) == sent
    assert k8s.secrets[("shop", "web-tls")]["metadata"]["resourceVersion"] == version


def test_include_ca_is_added_and_removed_without_re_issuing():
    vault = FakeVaultApi({ISSUE: _issued(), ("GET", "pki/cert/ca_chain"): {"data": {
        "ca_chain": pki._pem(MATERIAL.intermediate) + pki._pem(MATERIAL.root)}}})
    k8s = FakeApiServer()
    first = ensure_certificate(vault, k8s, _request(), now=_now())
    added = ensure_certificate(vault, k8s, _request(include_ca=True), now=_now())
    assert added["changed"] is True and added["ca_changed"] is True and added["serial"] == first["serial"]
    assert _text(k8s.secrets[("shop", "web-tls")], "ca.crt") == pki._pem(MATERIAL.root)
    removed = ensure_certificate(vault, k8s, _request(), now=_now())
    assert removed["ca_changed"] is True and "ca.crt" not in k8s.secrets[("shop", "web-tls")]["data"]
    assert [entry[1] for entry in vault.sent].count("pki/issue/web") == 1


def test_vault_errors_leave_the_secret_alone():
    vault = FakeVaultApi({ISSUE: SecretOpsError("Vault rejected issue a certificate: unknown role: web", status=400)})
    k8s = FakeApiServer()
    with pytest.raises(SecretOpsError) as error:
        ensure_certificate(vault, k8s, _request(), now=_now())
    assert "unknown role" in str(error.value) and k8s.writes() == []


def test_a_key_that_does_not_match_is_refused_without_showing_it():
    vault = FakeVaultApi({ISSUE: {"data": dict(_issued()["data"], private_key=MATERIAL.other_key_pem)}})
    k8s = FakeApiServer()
    with pytest.raises(SecretOpsError) as error:
        ensure_certificate(vault, k8s, _request(), now=_now())
    assert "does not match" in str(error.value) and "PRIVATE" not in str(error.value) and k8s.writes() == []


def test_a_secret_of_another_type_is_refused_before_issuing():
    k8s = FakeApiServer({"type": "Opaque", "data": {}, "metadata": {"name": "web-tls", "namespace": "shop"}})
    vault = FakeVaultApi({ISSUE: _issued()})
    with pytest.raises(SecretOpsError) as error:
        ensure_certificate(vault, k8s, _request(), now=_now())
    assert "has type Opaque, not kubernetes.io/tls" in str(error.value) and vault.sent == []


@pytest.mark.parametrize("change, text", [(dict(role=""), "role"), (dict(common_name=""), "common_name"),
                                          (dict(renew_before="200%"), "renew_before"), (dict(ttl="soon"), "ttl")])
def test_bad_options_fail_before_any_request(change, text):
    vault, k8s = FakeVaultApi({ISSUE: _issued()}), FakeApiServer()
    with pytest.raises(SecretOpsError) as error:
        ensure_certificate(vault, k8s, _request(**change), now=_now())
    assert text in str(error.value) and vault.sent == [] and k8s.calls == []


def test_force_re_issues_a_certificate_that_is_not_due():
    vault, k8s = FakeVaultApi({ISSUE: _issued()}), FakeApiServer()
    ensure_certificate(vault, k8s, _request(), now=_now())
    forced = ensure_certificate(vault, k8s, _request(force=True), now=_now())
    assert forced["issued"] is True and forced["reason"] == "a new certificate was asked for (force)"
