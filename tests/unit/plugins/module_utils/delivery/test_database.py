"""vault_database_credentials' service against fakes of VaultClient.request and K8sClient.request:
what is issued, renewed and revoked when, check mode, and what a failure leaves."""

import base64
import datetime

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.revocation import record as revocation_record
from ansible_collections.secretops.provisioning.plugins.module_utils.revocation.ledger import Ledger
from ansible_collections.secretops.provisioning.plugins.module_utils.delivery import database_annotations as records
from ansible_collections.secretops.provisioning.plugins.module_utils.delivery import database as database_delivery
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import leases

from ..k8s.fakes import FakeApiServer
from ..vault.fakes import FakeVaultApi

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


def recorded(server, current=CREDS + "/old", pending=()):
    """Write the revocation record the automation would have kept: ``current`` issued for the Secret,
    ``pending`` as ``(lease id, replaced_at)`` pairs."""
    book = revocation_record.empty("shop", "db")
    if current:
        book["current"] = revocation_record.credential(current, CREDS)
    book["pending"] = [dict(revocation_record.credential(lease_id, CREDS), replaced_at=at) for lease_id, at in pending]
    ledger = Ledger(server)
    ledger.read("shop", "db")
    ledger.write(book)
    server.calls = []
    return server


def record_of(server):
    return Ledger(server).read("shop", "db")


def pod(name, created, uses="db", phase="Running"):
    env = [{"name": "PW", "valueFrom": {"secretKeyRef": {"name": uses, "key": "password"}}}]
    return {"metadata": {"name": name, "namespace": "shop", "creationTimestamp": created,
                         "ownerReferences": [{"kind": "ReplicaSet", "name": "app-1", "controller": True}]},
            "spec": {"containers": [{"name": "app", "env": env}]}, "status": {"phase": phase}}


def annotations(server):
    return server.secrets[("shop", "db")]["metadata"]["annotations"]


def test_a_missing_secret_gets_new_credentials_and_the_lease_recorded():
    vault, server = vault_with(), FakeApiServer()
    result = database_delivery.deliver_dynamic(vault, server, spec(), now=NOW)
    assert result["action"] == "issue" and result["changed"] and result["lease_id"] == CREDS + "/new"
    assert annotations(server)[records.LEASE_END] == "2026-11-24T01:00:00Z"
    stored = server.secrets[("shop", "db")]
    assert base64.b64decode(stored["data"]["password"]) == b"s3cret-pw" and stored["type"] == "kubernetes.io/basic-auth"
    assert "s3cret-pw" not in str(result)


def test_check_mode_issues_nothing_and_writes_no_secret():
    vault, server = vault_with(), FakeApiServer()
    result = database_delivery.deliver_dynamic(vault, server, spec(), check_mode=True, now=NOW)
    assert result["changed"] and result["action"] == "issue" and result["lease_id"] is None
    assert ("GET", CREDS, None) not in vault.sent and server.writes() == []


def test_a_lease_that_reaches_past_renew_before_is_kept_without_any_write():
    vault, server = vault_with(lease_ttl=3000), recorded(FakeApiServer(secret()))
    result = database_delivery.deliver_dynamic(vault, server, spec(), now=NOW)
    assert result["action"] == "keep" and not result["changed"] and server.writes() == []
    assert [entry[1] for entry in vault.writes()] == ["sys/leases/lookup"]


def test_a_renewal_capped_by_the_max_ttl_re_issues_and_keeps_the_old_lease_for_later_revocation():
    vault = vault_with(lease_ttl=600, answers={("POST", "sys/leases/renew"): {"lease_duration": 700}})
    server = recorded(FakeApiServer(secret()))
    result = database_delivery.deliver_dynamic(vault, server, spec(), now=NOW)
    assert result["action"] == "issue" and result["replaced_lease_id"] == CREDS + "/old"
    assert annotations(server)[records.REPLACED_LEASES] == CREDS + "/old"
    assert revocation_record.pending_ids(record_of(server)) == [CREDS + "/old"] and result["pending_revocation"] == [CREDS + "/old"]
    assert record_of(server)["current"]["id"] == CREDS + "/new" and record_of(server)["issued"] == []
    assert ("POST", "sys/leases/revoke", {"lease_id": CREDS + "/old", "sync": True}) not in vault.sent


def test_a_full_renewal_moves_the_lease_end_only():
    vault = vault_with(lease_ttl=600, answers={("POST", "sys/leases/renew"): {"lease_duration": 3600}})
    server = recorded(FakeApiServer(secret()))
    result = database_delivery.deliver_dynamic(vault, server, spec(), now=NOW)
    assert result["action"] == "renew" and result["lease_id"] == CREDS + "/old" and ("GET", CREDS, None) not in vault.sent
    assert annotations(server)[records.LEASE_END] == "2026-11-24T01:00:00Z"
    assert base64.b64decode(server.secrets[("shop", "db")]["data"]["password"]) == b"old-pw"


def test_revoke_replaced_revokes_earlier_replacements_then_clears_them():
    vault = vault_with(lease_ttl=3000)
    server = recorded(FakeApiServer(secret(replaced=[CREDS + "/older"])), pending=[(CREDS + "/older", "2026-11-23T23:00:00Z")])
    checked = database_delivery.deliver_dynamic(vault, server, spec(revoke_replaced=True), check_mode=True, now=NOW)
    assert checked["revoked_lease_ids"] == [CREDS + "/older"] and server.writes() == []
    assert ("POST", "sys/leases/revoke", {"lease_id": CREDS + "/older", "sync": True}) not in vault.sent
    result = database_delivery.deliver_dynamic(vault, server, spec(revoke_replaced=True), now=NOW)
    assert result["changed"] and result["revoked_lease_ids"] == [CREDS + "/older"] and result["pending_revocation"] == []
    assert ("POST", "sys/leases/revoke", {"lease_id": CREDS + "/older", "sync": True}) in vault.sent
    assert annotations(server)[records.REPLACED_LEASES] == "" and record_of(server)["pending"] == []


def test_a_lease_planted_in_the_annotations_is_never_revoked():
    """Anyone who may edit the Secret can write its annotations: another team's lease id planted there is not revoked."""
    victim = "database/creds/other-team/victim"
    vault = vault_with(lease_ttl=3000)
    server = recorded(FakeApiServer(secret(replaced=[victim, CREDS + "/planted"])))
    result = database_delivery.deliver_dynamic(vault, server, spec(revoke_replaced=True), now=NOW)
    assert result["revoked_lease_ids"] == [] and not any(path.startswith("sys/leases/revoke") for _m, path, _d in vault.writes())


def test_a_lease_the_record_does_not_hold_is_replaced_and_never_revoked():
    """A lease id planted as the Secret's own lease (or left by an older version) is not adopted: new credentials are issued,
    and the planted lease never becomes a revocation target."""
    victim = CREDS + "/someone-elses"
    vault = vault_with(lease_ttl=3000)
    server = FakeApiServer(secret(lease_id=victim))
    result = database_delivery.deliver_dynamic(vault, server, spec(), now=NOW)
    assert result["action"] == "issue" and "not the one this collection recorded" in result["reason"]
    assert result["replaced_lease_id"] is None and record_of(server)["pending"] == []
    again = database_delivery.deliver_dynamic(vault, server, spec(revoke_replaced=True), now=NOW)
    assert again["revoked_lease_ids"] == [] and ("POST", "sys/leases/revoke", {"lease_id": victim, "sync": True}) not in vault.sent


def test_a_replaced_lease_is_held_while_a_pod_started_before_the_write_uses_the_secret():
    replaced_at = "2026-11-23T23:00:00Z"
    old_pod, new_pod = pod("app-old", "2026-11-23T22:00:00Z"), pod("app-new", "2026-11-23T23:00:05Z")
    vault = vault_with(lease_ttl=3000)
    server = recorded(FakeApiServer(secret(), pods=[old_pod, new_pod]), pending=[(CREDS + "/older", replaced_at)])
    result = database_delivery.deliver_dynamic(vault, server, spec(state="revoked"), now=NOW)
    assert result["revoked_lease_ids"] == [] and result["pending_revocation"] == [CREDS + "/older"]
    assert result["revocation_held"] == [{"id": CREDS + "/older", "replaced_at": replaced_at, "holders": ["Pod/app-old (ReplicaSet/app-1)"]}]
    assert "Pod/app-old" in result["warnings"][0] and not [entry for entry in vault.writes() if "revoke" in entry[1]]
    accepted = database_delivery.deliver_dynamic(vault, server, spec(state="revoked", accept_revocation_in_use=True), now=NOW)
    assert accepted["revoked_lease_ids"] == [CREDS + "/older"] and record_of(server)["pending"] == []


def test_a_revocation_the_database_fails_is_returned_and_stays_pending():
    """PostgreSQL down: Vault cannot drop the user. The result names the lease and the error; the record keeps it pending."""
    down = SecretOpsError("Vault answered 500 on revoke lease %s/older: failed to revoke entry: connection refused" % CREDS, status=500)
    vault = vault_with(lease_ttl=3000, answers={("POST", "sys/leases/revoke"): down})
    server = recorded(FakeApiServer(secret()), pending=[(CREDS + "/older", "2026-11-23T23:00:00Z")])
    result = database_delivery.deliver_dynamic(vault, server, spec(state="revoked"), now=NOW)
    assert result["revoked_lease_ids"] == [] and result["pending_revocation"] == [CREDS + "/older"]
    assert result["revocation_failed"] == [{"id": CREDS + "/older", "error": str(down)}]
    assert record_of(server)["pending"][0]["id"] == CREDS + "/older"
    assert "a later run tries again" in result["warnings"][0]


def test_finished_pods_pods_of_other_secrets_and_pods_started_after_the_write_hold_nothing():
    pods = [pod("done", "2026-11-23T22:00:00Z", phase="Succeeded"), pod("other", "2026-11-23T22:00:00Z", uses="other"),
            pod("fresh", "2026-11-23T23:00:01Z")]
    vault = vault_with(lease_ttl=3000)
    server = recorded(FakeApiServer(secret(), pods=pods), pending=[(CREDS + "/older", "2026-11-23T23:00:00Z")])
    result = database_delivery.deliver_dynamic(vault, server, spec(state="revoked"), now=NOW)
    assert result["revoked_lease_ids"] == [CREDS + "/older"]


def test_state_revoked_issues_renews_and_writes_no_secret():
    vault = vault_with(lease_ttl=10)  # due for renewal: a present run would renew or re-issue
    server = recorded(FakeApiServer(secret()))
    result = database_delivery.deliver_dynamic(vault, server, spec(state="revoked"), now=NOW)
    assert not result["changed"] and result["action"] == "keep"
    assert vault.writes() == [] and server.writes() == []


def test_a_run_killed_between_issuing_and_writing_the_secret_leaves_the_lease_for_the_next_run_to_revoke():
    vault = vault_with(lease_ttl=600, answers={("POST", "sys/leases/renew"): {"lease_duration": 700}})
    server = recorded(FakeApiServer(secret()))

    class Killed(BaseException):
        pass

    def killed(*_args, **_kwargs):
        raise Killed()
    original = server.request

    def request(method, path, **kwargs):
        if method == "PUT" and (kwargs.get("path_params") or {}).get("namespace") == "shop":
            killed()
        return original(method, path, **kwargs)
    server.request = request
    with pytest.raises(Killed):
        database_delivery.deliver_dynamic(vault, server, spec(), now=NOW)
    server.request = original
    assert record_of(server)["issued"][0]["id"] == CREDS + "/new"
    assert annotations(server)[records.LEASE_ID] == CREDS + "/old"
    vault.answers[("POST", "sys/leases/renew")] = {"lease_duration": 3600}
    again = database_delivery.deliver_dynamic(vault, server, spec(revoke_replaced=True), now=NOW)
    assert again["revoked_lease_ids"] == [CREDS + "/new"] and again["action"] == "renew"
    assert "stopped before writing it to the Secret" in again["warnings"][0]


def test_a_run_killed_after_writing_the_secret_and_before_recording_it_is_recorded_by_the_next_run():
    server = recorded(FakeApiServer(secret(lease_id=CREDS + "/new")))
    book = record_of(server)
    book = revocation_record.note_issued(book, revocation_record.credential(CREDS + "/new", CREDS))
    ledger = Ledger(server)
    ledger.read("shop", "db")
    ledger.write(book)
    vault = vault_with(lease_ttl=3000)
    result = database_delivery.deliver_dynamic(vault, server, spec(), now=NOW)
    assert result["action"] == "keep" and record_of(server)["current"]["id"] == CREDS + "/new"
    assert record_of(server)["pending"] == [dict(revocation_record.credential(CREDS + "/old", CREDS), replaced_at="2026-11-24T00:00:00Z")]


def test_a_recorded_lease_outside_the_secrets_own_role_is_refused():
    server = recorded(FakeApiServer(secret()), pending=[("database/creds/other/x", "2026-11-23T23:00:00Z")])
    book = record_of(server)
    book["pending"][0]["source"] = CREDS  # a record whose lease does not lie under its own source
    ledger = Ledger(server)
    ledger.read("shop", "db")
    ledger.write(book)
    vault = vault_with(lease_ttl=3000)
    result = database_delivery.deliver_dynamic(vault, server, spec(state="revoked"), now=NOW)
    assert result["revoked_lease_ids"] == [] and "is not a lease of" in result["warnings"][0]


def test_a_login_token_is_refused_before_anything_is_issued():
    vault, server = vault_with(), FakeApiServer()
    vault.revoke_on_close = True
    with pytest.raises(SecretOpsError, match="orphan periodic token"):
        database_delivery.deliver_dynamic(vault, server, spec(), now=NOW)
    assert ("GET", CREDS, None) not in vault.sent and server.writes() == []


def test_new_credentials_the_secret_cannot_take_are_revoked():
    vault, server = vault_with(), FakeApiServer()
    server.failures[("POST", "shop", "db")] = [403]
    with pytest.raises(SecretOpsError):
        database_delivery.deliver_dynamic(vault, server, spec(), now=NOW)
    assert ("POST", "sys/leases/revoke", {"lease_id": CREDS + "/new", "sync": True}) in vault.sent


def test_a_mapping_to_a_field_credentials_lack_is_refused_before_issuing():
    vault, server = vault_with(), FakeApiServer()
    with pytest.raises(SecretOpsError, match="have only the fields"):
        database_delivery.deliver_dynamic(vault, server, spec(type="opaque", mapping={"DB_HOST": "host"}), now=NOW)
    assert vault.sent == []


def test_an_unknown_role_names_the_role_and_the_module_that_makes_it():
    unknown = SecretOpsError("Vault rejected issue database credentials: unknown role: nope", status=400)
    vault = vault_with(answers={("GET", "database/creds/nope"): unknown})
    with pytest.raises(SecretOpsError, match="no dynamic database role 'nope' .*vault_database_role"):
        database_delivery.deliver_dynamic(vault, FakeApiServer(), spec(role="nope"), now=NOW)


def test_a_periodic_token_is_renewed_and_a_short_lived_one_warned_about():
    periodic = vault_with(answers={("GET", "auth/token/lookup-self"): {"data": {"ttl": 100, "period": 3600, "renewable": True}}})
    assert database_delivery.deliver_dynamic(periodic, FakeApiServer(), spec(), now=NOW)["token_renewed"]
    assert ("POST", "auth/token/renew-self", {}) in periodic.sent
    short = vault_with(answers={("GET", "auth/token/lookup-self"): {"data": {"ttl": 100, "period": 0, "renewable": True}}})
    result = database_delivery.deliver_dynamic(short, FakeApiServer(), spec(), now=NOW)
    assert not result["token_renewed"] and "not periodic" in result["warnings"][0]


def test_static_credentials_report_a_rotation_since_the_last_sync():
    stored = {"metadata": {"name": "db", "namespace": "shop", "annotations": records.static_annotations("database/static-creds/r", "T1")},
              "type": "Opaque", "data": {}}
    body = {"data": {"username": "report", "password": "pw2", "last_vault_rotation": "T2", "ttl": 50, "rotation_period": 3600}}
    vault, server = FakeVaultApi({("GET", "database/static-creds/r"): body}), FakeApiServer(stored)
    result = database_delivery.deliver_static(vault, server, spec(role="r", role_type="static", type="opaque",
                                                                  mapping={"DB_PASSWORD": "password"}))
    assert result["rotated_since_last_sync"] and result["secret_changed"] and result["data_keys"] == ["DB_PASSWORD"]
    assert server.secrets[("shop", "db")]["metadata"]["annotations"][records.LAST_ROTATION] == "T2"


def test_check_mode_reports_a_renewal_as_a_change_and_renews_nothing():
    vault, server = vault_with(lease_ttl=600), recorded(FakeApiServer(secret()))
    result = database_delivery.deliver_dynamic(vault, server, spec(), check_mode=True, now=NOW)
    assert result["changed"] and result["action"] == "renew" and "would renew" in result["reason"]
    assert [entry[1] for entry in vault.writes()] == ["sys/leases/lookup"] and server.writes() == []


def test_a_lease_vault_no_longer_has_is_re_issued_and_not_queued_for_revocation():
    gone = SecretOpsError("Vault rejected look up lease: invalid lease", status=400)
    vault, server = vault_with(answers={("POST", "sys/leases/lookup"): gone}), recorded(FakeApiServer(secret()))
    result = database_delivery.deliver_dynamic(vault, server, spec(), now=NOW)
    assert result["action"] == "issue" and result["reason"] == leases.GONE
    assert result["replaced_lease_id"] is None and result["pending_revocation"] == []
