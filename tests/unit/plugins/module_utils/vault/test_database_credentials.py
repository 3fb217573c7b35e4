"""vault_database_credentials' service against fakes of VaultClient.request and K8sClient.request:
what is issued, renewed and revoked when, check mode, and what a failure leaves."""

import base64
import datetime

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import database_annotations as records
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import database_credentials, leases

from ..k8s.fakes import FakeApiServer
from .fakes import FakeVaultApi

NOW = datetime.datetime(2026, 11, 24, 0, 0, tzinfo=datetime.timezone.utc)
CREDS = "database/creds/app"
ISSUED = {"lease_id": CREDS + "/new", "lease_duration": 3600, "renewable": True, "data": {"username": "v-app-1", "password": "s3cret-pw"}}


def spec(**changes):
    result = {"name": "db", "namespace": "shop", "type": "basic-auth", "mapping": {}, "mount_point": "database", "role": "app",
              "role_type": "dynamic", "ttl": None, "revoke_replaced": False, "renew_token": True,
              "renew_before": leases.parse_renew_before("33%")}
    result.update(changes)
    return result


def secret(lease_id=CREDS + "/old", replaced=()):
    data = {"username": base64.b64encode(b"v-app-0").decode(), "password": base64.b64encode(b"old-pw").decode()}
    return {"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/basic-auth", "data": data,
            "metadata": {"name": "db", "namespace": "shop",
                         "annotations": records.lease_annotations(CREDS, lease_id, "2026-11-24T01:00:00Z", True, list(replaced))}}


def vault_with(lease_ttl=None, answers=None):
    scripted = {("GET", CREDS): dict(ISSUED), ("GET", "auth/token/lookup-self"): {"data": {"ttl": 0, "period": 0, "renewable": False}}}
    if lease_ttl is not None:
        scripted[("POST", "sys/leases/lookup")] = {"data": {"ttl": lease_ttl, "renewable": True, "issue_time": "2026-11-23T23:00:00Z",
                                                            "expire_time": "2026-11-24T00:00:00Z"}}
    scripted.update(answers or {})
    return FakeVaultApi(scripted)


def annotations(server):
    return server.secrets[("shop", "db")]["metadata"]["annotations"]


def test_a_missing_secret_gets_new_credentials_and_the_lease_recorded():
    vault, server = vault_with(), FakeApiServer()
    result = database_credentials.deliver_dynamic(vault, server, spec(), now=NOW)
    assert result["action"] == "issue" and result["changed"] and result["lease_id"] == CREDS + "/new"
    assert annotations(server)[records.LEASE_END] == "2026-11-24T01:00:00Z"
    stored = server.secrets[("shop", "db")]
    assert base64.b64decode(stored["data"]["password"]) == b"s3cret-pw" and stored["type"] == "kubernetes.io/basic-auth"
    assert "s3cret-pw" not in str(result)


def test_check_mode_issues_nothing_and_writes_no_secret():
    vault, server = vault_with(), FakeApiServer()
    result = database_credentials.deliver_dynamic(vault, server, spec(), check_mode=True, now=NOW)
    assert result["changed"] and result["action"] == "issue" and result["lease_id"] is None
    assert ("GET", CREDS, None) not in vault.sent and server.writes() == []


def test_a_lease_that_reaches_past_renew_before_is_kept_without_any_write():
    vault, server = vault_with(lease_ttl=3000), FakeApiServer(secret())
    result = database_credentials.deliver_dynamic(vault, server, spec(), now=NOW)
    assert result["action"] == "keep" and not result["changed"] and server.writes() == []
    assert [entry[1] for entry in vault.writes()] == ["sys/leases/lookup"]


def test_a_renewal_capped_by_the_max_ttl_re_issues_and_keeps_the_old_lease_for_later_revocation():
    vault = vault_with(lease_ttl=600, answers={("POST", "sys/leases/renew"): {"lease_duration": 700}})
    server = FakeApiServer(secret())
    result = database_credentials.deliver_dynamic(vault, server, spec(), now=NOW)
    assert result["action"] == "issue" and result["replaced_lease_id"] == CREDS + "/old"
    assert annotations(server)[records.REPLACED_LEASES] == CREDS + "/old"
    assert ("POST", "sys/leases/revoke", {"lease_id": CREDS + "/old", "sync": True}) not in vault.sent


def test_a_full_renewal_moves_the_lease_end_only():
    vault = vault_with(lease_ttl=600, answers={("POST", "sys/leases/renew"): {"lease_duration": 3600}})
    server = FakeApiServer(secret())
    result = database_credentials.deliver_dynamic(vault, server, spec(), now=NOW)
    assert result["action"] == "renew" and result["lease_id"] == CREDS + "/old" and ("GET", CREDS, None) not in vault.sent
    assert annotations(server)[records.LEASE_END] == "2026-11-24T01:00:00Z"
    assert base64.b64decode(server.secrets[("shop", "db")]["data"]["password"]) == b"old-pw"


def test_revoke_replaced_revokes_earlier_replacements_then_clears_them():
    vault, server = vault_with(lease_ttl=3000), FakeApiServer(secret(replaced=[CREDS + "/older"]))
    checked = database_credentials.deliver_dynamic(vault, server, spec(revoke_replaced=True), check_mode=True, now=NOW)
    assert checked["revoked_lease_ids"] == [CREDS + "/older"] and server.writes() == []
    assert ("POST", "sys/leases/revoke", {"lease_id": CREDS + "/older", "sync": True}) not in vault.sent
    result = database_credentials.deliver_dynamic(vault, server, spec(revoke_replaced=True), now=NOW)
    assert result["changed"] and result["revoked_lease_ids"] == [CREDS + "/older"] and result["pending_revocation"] == []
    assert ("POST", "sys/leases/revoke", {"lease_id": CREDS + "/older", "sync": True}) in vault.sent
    assert annotations(server)[records.REPLACED_LEASES] == ""


def test_a_login_token_is_refused_before_anything_is_issued():
    vault, server = vault_with(), FakeApiServer()
    vault.revoke_on_close = True
    with pytest.raises(SecretOpsError, match="orphan periodic token"):
        database_credentials.deliver_dynamic(vault, server, spec(), now=NOW)
    assert ("GET", CREDS, None) not in vault.sent and server.writes() == []


def test_new_credentials_the_secret_cannot_take_are_revoked():
    vault, server = vault_with(), FakeApiServer()
    server.failures[("POST", "shop", "db")] = [403]
    with pytest.raises(SecretOpsError):
        database_credentials.deliver_dynamic(vault, server, spec(), now=NOW)
    assert ("POST", "sys/leases/revoke", {"lease_id": CREDS + "/new", "sync": True}) in vault.sent


def test_a_mapping_to_a_field_credentials_lack_is_refused_before_issuing():
    vault, server = vault_with(), FakeApiServer()
    with pytest.raises(SecretOpsError, match="have only the fields"):
        database_credentials.deliver_dynamic(vault, server, spec(type="opaque", mapping={"DB_HOST": "host"}), now=NOW)
    assert vault.sent == []


def test_an_unknown_role_names_the_role_and_the_module_that_makes_it():
    unknown = SecretOpsError("Vault rejected issue database credentials: unknown role: nope", status=400)
    vault = vault_with(answers={("GET", "database/creds/nope"): unknown})
    with pytest.raises(SecretOpsError, match="no dynamic database role 'nope' .*vault_database_role"):
        database_credentials.deliver_dynamic(vault, FakeApiServer(), spec(role="nope"), now=NOW)


def test_a_periodic_token_is_renewed_and_a_short_lived_one_warned_about():
    periodic = vault_with(answers={("GET", "auth/token/lookup-self"): {"data": {"ttl": 100, "period": 3600, "renewable": True}}})
    assert database_credentials.deliver_dynamic(periodic, FakeApiServer(), spec(), now=NOW)["token_renewed"]
    assert ("POST", "auth/token/renew-self", {}) in periodic.sent
    short = vault_with(answers={("GET", "auth/token/lookup-self"): {"data": {"ttl": 100, "period": 0, "renewable": True}}})
    result = database_credentials.deliver_dynamic(short, FakeApiServer(), spec(), now=NOW)
    assert not result["token_renewed"] and "not periodic" in result["warnings"][0]


def test_static_credentials_report_a_rotation_since_the_last_sync():
    stored = {"metadata": {"name": "db", "namespace": "shop", "annotations": records.static_annotations("database/static-creds/r", "T1")},
              "type": "Opaque", "data": {}}
    body = {"data": {"username": "report", "password": "pw2", "last_vault_rotation": "T2", "ttl": 50, "rotation_period": 3600}}
    vault, server = FakeVaultApi({("GET", "database/static-creds/r"): body}), FakeApiServer(stored)
    result = database_credentials.deliver_static(vault, server, spec(role="r", role_type="static", type="opaque",
                                                                     mapping={"DB_PASSWORD": "password"}))
    assert result["rotated_since_last_sync"] and result["secret_changed"] and result["data_keys"] == ["DB_PASSWORD"]
    assert server.secrets[("shop", "db")]["metadata"]["annotations"][records.LAST_ROTATION] == "T2"


def test_check_mode_reports_a_renewal_as_a_change_and_renews_nothing():
    vault, server = vault_with(lease_ttl=600), FakeApiServer(secret())
    result = database_credentials.deliver_dynamic(vault, server, spec(), check_mode=True, now=NOW)
    assert result["changed"] and result["action"] == "renew" and "would renew" in result["reason"]
    assert [entry[1] for entry in vault.writes()] == ["sys/leases/lookup"] and server.writes() == []


def test_a_lease_vault_no_longer_has_is_re_issued_and_not_queued_for_revocation():
    gone = SecretOpsError("Vault rejected look up lease: invalid lease", status=400)
    vault, server = vault_with(answers={("POST", "sys/leases/lookup"): gone}), FakeApiServer(secret())
    result = database_credentials.deliver_dynamic(vault, server, spec(), now=NOW)
    assert result["action"] == "issue" and result["reason"] == leases.GONE
    assert result["replaced_lease_id"] is None and result["pending_revocation"] == []
