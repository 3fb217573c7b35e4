"""encryption/report.py (k8s_encryption_info): the etcd census of the one fake of etcd (``fakes.py``),
the apiserver's KMS health from the one fake API server (``k8s/fakes.py``), and the fail_on gate,
whose failure carries the whole report."""

import pytest
from urllib3.exceptions import ProtocolError

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption import report
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

from ..k8s.fakes import FakeApiServer, session_of
from .fakes import FakeEtcd
from .test_envelope_census import kms_v2

HEALTHZ = "/healthz/kms-providers"
STORED = {b"/registry/secrets/shop/db": kms_v2("vault", "transit/k8s:v2"), b"/registry/secrets/shop/api": b"k8s\x00plain"}


def params(**extra):
    values = dict(etcd_url="http://127.0.0.1:2379", etcd_prefix="/registry", resources=["secrets"], fail_on=[], check_health=False)
    values.update(extra)
    return values


def with_cluster(monkeypatch, server=None, stored=None):
    etcd = FakeEtcd(STORED if stored is None else stored)
    monkeypatch.setattr(report, "etcd_reader", lambda given: etcd)
    monkeypatch.setattr(report, "k8s_session", session_of(server or FakeApiServer()))
    return etcd


def test_kms_health_is_the_answer_of_healthz_and_an_unreachable_apiserver_is_an_error():
    assert report.kms_healthy(FakeApiServer(objects={HEALTHZ: "ok"})) is True
    failing = FakeApiServer(objects={HEALTHZ: "ok"})
    failing.failures[("GET", None, None)] = [500]
    assert report.kms_healthy(failing) is False

    def unreachable(*_request):
        raise ProtocolError("Connection aborted.")

    with pytest.raises(SecretOpsError, match="unreachable"):
        report.kms_healthy(FakeApiServer(before=unreachable))


def test_the_report_counts_each_resource_and_reads_no_health_unless_asked(monkeypatch):
    server = FakeApiServer(objects={HEALTHZ: "ok"})
    with_cluster(monkeypatch, server)
    result = report.report(params())
    assert result == {"changed": False, "failures": [], "resources": {"secrets": {
        "total": 2, "plaintext": 1, "providers": {"kms-v2:vault": 1}, "key_ids": {"transit/k8s:v2": 1}}}}
    assert server.requests == []
    assert report.report(params(check_health=True))["kms_healthy"] is True and server.requests == [("GET", HEALTHZ)]


def test_each_condition_met_fails_with_the_report_in_its_details(monkeypatch):
    server = FakeApiServer()  # no answer at /healthz/kms-providers: unhealthy
    with_cluster(monkeypatch, server)
    with pytest.raises(SecretOpsError) as raised:
        report.report(params(check_health=True, fail_on=["plaintext", "unhealthy"]))
    assert str(raised.value) == ("secrets: 1 of 2 objects are stored in plaintext; "
                                 "the apiserver reports a KMS provider unhealthy (/healthz/kms-providers)")
    assert raised.value.details["kms_healthy"] is False and raised.value.details["resources"]["secrets"]["total"] == 2
    assert raised.value.details["failures"] == str(raised.value).split("; ")


def test_unhealthy_needs_the_health_check(monkeypatch):
    with_cluster(monkeypatch)
    with pytest.raises(SecretOpsError, match="^fail_on: unhealthy needs check_health: true$"):
        report.report(params(fail_on=["unhealthy"]))


def test_objects_the_provider_sealed_with_another_key_anywhere_in_etcd_fail_other_kms_key(monkeypatch):
    stored = dict(STORED)
    stored.update({b"/registry/configmaps/shop/settings": kms_v2("vault", "transit/old:v3"),
                   b"/registry/secrets/shop/other": kms_v2("another-provider", "transit/old:v1")})
    etcd = with_cluster(monkeypatch, stored=stored)
    wanted = params(kms_provider_name="vault", kms_key="transit/k8s")
    # Only what this provider sealed with another key counts, in any resource (configmaps is not in resources).
    assert report.report(wanted)["other_kms_keys"] == {"transit/old:v3": 1}
    assert b"/registry/" in [start for start, _end, _limit in etcd.ranges]
    with pytest.raises(SecretOpsError) as refused:
        report.report(dict(wanted, fail_on=["other_kms_key"]))
    message = str(refused.value)
    assert "the KMS provider vault sealed with another key than transit/k8s (transit/old:v3: 1)" in message
    assert "Rotate the key" in message and refused.value.details["other_kms_keys"] == {"transit/old:v3": 1}
    # The same key at any version is the plugin's own.
    assert report.report(dict(wanted, kms_key="transit/old", kms_provider_name="another-provider"))["other_kms_keys"] == {}
    with pytest.raises(SecretOpsError, match="other_kms_key needs kms_provider_name and kms_key"):
        report.report(params(fail_on=["other_kms_key"]))
