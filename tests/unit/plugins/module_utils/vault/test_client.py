"""vault/client.py against a scripted server: what is retried, header values never echoed, login tokens revoked."""

import json
import os
import subprocess
import sys
from tests.conftest import COLLECTIONS_ROOT

import pytest
from urllib3.exceptions import NewConnectionError, ProtocolError, ReadTimeoutError

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import client as vault_client
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import kv
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import (
    VaultClient, authenticated_client, build_client, retry_policy, vault_session,
)


TOKEN = "hvs.USER-GIVEN-TOKEN"


MADE = "hvs.LOGIN-MADE-TOKEN"


def _client(fake_vault, retries=2, timeout=5):
    client = build_client({"url": fake_vault.url, "retries": retries, "timeout": timeout})
    client.set_token(TOKEN)
    return client


# --- retries -------------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["GET", "LIST"])
def test_reads_are_retried_on_a_transient_status(fake_vault, method):
    fake_vault.answer(method, "secret/data/app", (503, {"errors": []}), (500, {"errors": ["busy"]}), (200, {"data": {"x": 1}}))
    assert _client(fake_vault).request(method, "secret/data/app") == {"data": {"x": 1}}
    assert len(fake_vault.sent(method, "secret/data/app")) == 3


@pytest.mark.parametrize("status", [412, 500, 502, 503, 504])
def test_a_write_is_sent_once_whatever_the_status(fake_vault, status):
    fake_vault.answer("POST", "secret/data/app", (status, {"errors": ["check-and-set parameter did not match the current version"]}))
    with pytest.raises(SecretOpsError) as error:
        _client(fake_vault).write("secret/data/app", {"data": {"k": "v"}, "options": {"cas": 1}})
    assert error.value.details["status"] == status
    assert len(fake_vault.sent("POST", "secret/data/app")) == 1


def test_a_delete_is_sent_once(fake_vault):
    fake_vault.answer("DELETE", "secret/data/app", (503, {"errors": []}))
    with pytest.raises(SecretOpsError):
        _client(fake_vault).delete("secret/data/app")
    assert len(fake_vault.sent("DELETE", "secret/data/app")) == 1


def test_a_write_that_timed_out_is_not_repeated(fake_vault):
    fake_vault.answer("POST", "secret/data/app", (200, {"data": {"version": 2}}, 2))
    with pytest.raises(SecretOpsError) as error:
        _client(fake_vault, timeout=1).write("secret/data/app", {"data": {"k": "v"}})
    assert "cannot reach Vault" in str(error.value)
    assert len(fake_vault.sent("POST", "secret/data/app")) == 1


def test_a_read_that_timed_out_is_repeated(fake_vault):
    fake_vault.answer("GET", "secret/data/app", (200, {}, 2), (200, {"data": {"v": 1}}))
    assert _client(fake_vault, retries=1, timeout=1).read("secret/data/app") == {"data": {"v": 1}}
    assert len(fake_vault.sent("GET", "secret/data/app")) == 2


def test_a_login_is_sent_once(fake_vault):
    fake_vault.answer("POST", "auth/approle/login", (503, {"errors": ["standby"]}))
    with pytest.raises(SecretOpsError):
        _client(fake_vault).login("approle", {"role_id": "r", "secret_id": "s"})
    assert len(fake_vault.sent("POST", "auth/approle/login")) == 1


@pytest.mark.parametrize("status", [500, 503])
def test_a_minting_read_is_sent_once_on_a_5xx(fake_vault, status):
    # Each GET <mount>/creds/<role> makes a database user and a lease: a repeat would leak one nobody records.
    fake_vault.answer("GET", "database/creds/app", (status, {"errors": ["busy"]}), (200, {"lease_id": "database/creds/app/1"}))
    with pytest.raises(SecretOpsError) as error:
        _client(fake_vault).request("GET", "database/creds/app", retry=False)
    assert error.value.details["status"] == status
    assert len(fake_vault.sent("GET", "database/creds/app")) == 1


def test_a_minting_read_that_timed_out_is_not_repeated(fake_vault):
    fake_vault.answer("GET", "database/creds/app", (200, {"lease_id": "database/creds/app/1"}, 2), (200, {"lease_id": "database/creds/app/2"}))
    with pytest.raises(SecretOpsError) as error:
        _client(fake_vault, timeout=1).request("GET", "database/creds/app", retry=False)
    assert "cannot reach Vault" in str(error.value)
    assert len(fake_vault.sent("GET", "database/creds/app")) == 1


def test_a_minting_write_is_sent_once_and_other_reads_still_retry(fake_vault):
    fake_vault.answer("POST", "pki/issue/web", (502, {"errors": []}))
    fake_vault.answer("GET", "pki/cert/ca_chain", (503, {"errors": []}), (200, {"data": {}}))
    client = _client(fake_vault)
    with pytest.raises(SecretOpsError):
        client.write("pki/issue/web", {"common_name": "a"}, retry=False)
    assert client.read("pki/cert/ca_chain") == {"data": {}}
    assert len(fake_vault.sent("POST", "pki/issue/web")) == 1 and len(fake_vault.sent("GET", "pki/cert/ca_chain")) == 2


def test_a_minting_request_carries_the_token_and_its_session_is_closed(fake_vault):
    fake_vault.answer("GET", "database/creds/app", (200, {"lease_id": "database/creds/app/1"}))
    client = _client(fake_vault)
    assert client.request("GET", "database/creds/app", retry=False) == {"lease_id": "database/creds/app/1"}
    assert [entry["token"] for entry in fake_vault.sent("GET", "database/creds/app")] == [TOKEN]
    client.close()
    assert client._single_attempt_session is None


def test_the_single_attempt_policy_repeats_only_what_was_never_sent():
    policy = vault_client.single_attempt_policy(3)
    refused = NewConnectionError(None, "refused")
    assert policy.increment(method="GET", url="/v1/x", error=refused).connect == 2
    for error in (ReadTimeoutError(None, "/v1/x", "timed out"), ProtocolError("connection aborted")):
        with pytest.raises(type(error)):
            policy.increment(method="GET", url="/v1/x", error=error)
    assert not any(policy.is_retry(method, status, True) for method in ("GET", "LIST", "POST") for status in (412, 500, 503))


def test_the_policy_retries_connect_errors_for_every_method_and_read_errors_for_reads_only():
    policy = retry_policy(3)
    refused = NewConnectionError(None, "refused")  # the connection never opened: nothing was sent
    assert policy.increment(method="POST", url="/v1/x", error=refused).connect == 2
    for error in (ReadTimeoutError(None, "/v1/x", "timed out"), ProtocolError("connection aborted")):
        with pytest.raises(type(error)):
            policy.increment(method="POST", url="/v1/x", error=error)
        assert policy.increment(method="GET", url="/v1/x", error=error).read == 2
    assert policy.is_retry("LIST", 503) and not policy.is_retry("POST", 503) and not policy.is_retry("PUT", 500)


def test_connection_refused_is_retried_then_reported(fake_vault):
    url = fake_vault.url
    fake_vault.stop()  # nothing listens there now
    client = build_client({"url": url, "retries": 1, "timeout": 2})
    client.set_token(TOKEN)
    with pytest.raises(SecretOpsError) as error:
        client.write("secret/data/app", {"data": {}})
    assert "cannot reach Vault at %s" % url in str(error.value)


# --- header values -------------------------------------------------------------------------------

@pytest.mark.parametrize("bad, problem", [
    (TOKEN + "\n", "a line break (CR or LF)"), (TOKEN + "\r\nX-Evil: 1", "a line break (CR or LF)"),
    (" " + TOKEN, "a space or tab"), (TOKEN + "\x00", "a control character"), (TOKEN + u"\u00e9", "a non-ASCII character"),
])
def test_a_token_that_cannot_be_a_header_is_named_never_echoed(fake_vault, bad, problem):
    with pytest.raises(SecretOpsError) as error:
        authenticated_client({"url": fake_vault.url, "auth_method": "token", "token": bad})
    message = str(error.value)
    assert "token (VAULT_TOKEN) contains %s" % problem in message
    assert TOKEN not in message and "USER-GIVEN" not in message
    assert fake_vault.requests == []  # rejected before anything was sent


def test_a_namespace_with_a_line_break_is_rejected_before_sending(fake_vault):
    with pytest.raises(SecretOpsError) as error:
        build_client({"url": fake_vault.url, "namespace": "team-a\n"})
    assert "namespace (VAULT_NAMESPACE) contains a line break" in str(error.value)


def test_a_token_from_the_cli_file_is_named_by_its_file(fake_vault, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".vault-token").write_text("hvs.A\nhvs.B\n")
    with pytest.raises(SecretOpsError) as error:
        authenticated_client({"url": fake_vault.url, "auth_method": "token"})
    assert "the token in ~/.vault-token contains a line break" in str(error.value)
    assert "hvs.A" not in str(error.value)


def test_a_header_error_that_slips_through_is_value_free_and_unchained(fake_vault):
    client = _client(fake_vault)
    client.hvac.token = TOKEN + "\n"  # bypasses set_token, as a future code path might
    with pytest.raises(SecretOpsError) as error:
        client.read("secret/data/app")
    assert TOKEN not in str(error.value) and "header value" in str(error.value)
    assert error.value.__cause__ is None and error.value.__suppress_context__  # requests' message (with the token) is dropped
    assert fake_vault.requests == []


def test_hvac_does_not_pick_up_vault_token_behind_the_auth_method(fake_vault, monkeypatch):
    monkeypatch.setenv("VAULT_TOKEN", TOKEN + "\n")
    assert build_client({"url": fake_vault.url}).token is None


# --- revoking login tokens ------------------------------------------------------------------------

def _approle(fake_vault, **extra):
    fake_vault.answer("POST", "auth/approle/login", (200, {"auth": {"client_token": MADE, "accessor": "a"}}))
    params = {"url": fake_vault.url, "auth_method": "approle", "role_id": "rid", "secret_id": "sid"}
    params.update(extra)
    return params


def test_a_login_token_is_revoked_when_the_session_ends(fake_vault):
    with vault_session(_approle(fake_vault)) as client:
        client.read("secret/data/app")
        assert fake_vault.sent("POST", "auth/token/revoke-self") == []
    revoked = fake_vault.sent("POST", "auth/token/revoke-self")
    assert [entry["token"] for entry in revoked] == [MADE]
    assert client.token is None


def test_a_login_token_is_revoked_when_the_block_fails(fake_vault):
    with pytest.raises(SecretOpsError):
        with vault_session(_approle(fake_vault)):
            raise SecretOpsError("boom")
    assert len(fake_vault.sent("POST", "auth/token/revoke-self")) == 1


def test_revoke_token_false_keeps_the_login_token(fake_vault):
    with vault_session(_approle(fake_vault, revoke_token=False)):
        pass
    assert fake_vault.sent("POST", "auth/token/revoke-self") == []


def test_a_user_given_token_is_never_revoked(fake_vault):
    with vault_session({"url": fake_vault.url, "auth_method": "token", "token": TOKEN, "revoke_token": True}):
        pass
    assert fake_vault.sent("POST", "auth/token/revoke-self") == []


def test_a_failed_revocation_does_not_fail_the_run(fake_vault):
    fake_vault.answer("POST", "auth/token/revoke-self", (403, {"errors": ["permission denied"]}))
    with vault_session(_approle(fake_vault)):
        pass
    assert len(fake_vault.sent("POST", "auth/token/revoke-self")) == 1


def test_close_twice_revokes_once(fake_vault):
    client = authenticated_client(_approle(fake_vault))
    client.close()
    client.close()
    assert len(fake_vault.sent("POST", "auth/token/revoke-self")) == 1


def test_a_process_that_never_closes_the_client_revokes_at_exit(fake_vault):
    # What a module does: log in, work, sys.exit (exit_json) without closing the client.
    _approle(fake_vault)
    script = (
        "import sys\n"
        "from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import authenticated_client\n"
        "client = authenticated_client({'url': %r, 'auth_method': 'approle', 'role_id': 'r', 'secret_id': 's'})\n"
        "client.read('secret/data/app')\n"
        "sys.exit(0)\n" % fake_vault.url
    )
    env = dict(os.environ, PYTHONPATH=COLLECTIONS_ROOT)
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=60)
    assert [entry["token"] for entry in fake_vault.sent("POST", "auth/token/revoke-self")] == [MADE]


def test_the_retry_policy_is_what_sessions_use(fake_vault):
    adapter = vault_client._session(4).get_adapter(fake_vault.url)
    assert adapter.max_retries.allowed_methods == vault_client.SAFE_METHODS
    assert adapter.max_retries.total == 4


# --- KV v2 check-and-set on a deleted current version ----------------------------------------------

def test_a_cas_failure_on_a_deleted_current_version_says_what_to_do(fake_vault):
    fake_vault.answer("POST", "secret/data/app/db", (400, {"errors": ["check-and-set parameter did not match the current version"]}))
    fake_vault.answer("GET", "sys/internal/ui/mounts/secret/data/app/db", (200, {"data": {"path": "secret/", "type": "kv", "options": {"version": "2"}}}))
    fake_vault.answer("GET", "secret/metadata/app/db", (200, {"data": {"current_version": 2, "versions": {
        "1": {"deletion_time": "", "destroyed": False}, "2": {"deletion_time": "2026-01-01T00:00:00Z", "destroyed": False}}}}))
    with pytest.raises(SecretOpsError) as error:
        _client(fake_vault).write("secret/data/app/db", {"data": {"k": "v"}, "options": {"cas": 0}}, action="write secret secret/app/db")
    message = str(error.value)
    assert message.startswith("Vault rejected write secret secret/app/db: check-and-set parameter did not match the current version; ")
    assert "the current version 2 of secret/app/db is deleted" in message and "cas=2" in message
    assert error.value.details["status"] == 400 and not kv.lost_cas_race(error.value)
    assert len(fake_vault.sent("POST", "secret/data/app/db")) == 1


def test_a_cas_failure_on_a_live_current_version_is_a_lost_race(fake_vault):
    fake_vault.answer("POST", "secret/data/app/db", (400, {"errors": ["check-and-set parameter did not match the current version"]}))
    fake_vault.answer("GET", "sys/internal/ui/mounts/secret/data/app/db", (200, {"data": {"path": "secret/", "type": "kv", "options": {"version": "2"}}}))
    fake_vault.answer("GET", "secret/metadata/app/db", (200, {"data": {"current_version": 2, "versions": {
        "1": {"deletion_time": "", "destroyed": False}, "2": {"deletion_time": "", "destroyed": False}}}}))
    with pytest.raises(SecretOpsError) as error:
        _client(fake_vault).write("secret/data/app/db", {"data": {"k": "v"}, "options": {"cas": 1}}, action="write secret secret/app/db")
    assert kv.lost_cas_race(error.value) and error.value.details["status"] == 400
    assert len(fake_vault.sent("POST", "secret/data/app/db")) == 1


SECRET = "s.SECRET-TOKEN-VALUE"


class FakeResponse(object):
    def __init__(self, status, errors=None):
        self.status_code = status
        self.content = json.dumps({"errors": errors or []}).encode()

    def json(self):
        return json.loads(self.content)


@pytest.mark.parametrize("status, errors, expected", [
    (503, ["Vault is sealed"], "is sealed"),
    (403, ["permission denied"], "permission denied on secret/data/app"),
    (400, ["invalid role name \"x\""], "Vault rejected"),
    (404, [], "nothing at secret/data/app"),
    (500, ["internal error"], "HTTP 500"),
])
def test_errors_name_what_failed_and_never_the_token(status, errors, expected):
    client = VaultClient(hvac_client=type("H", (), {"token": SECRET})(), url="http://vault:8200")
    error = client.error(FakeResponse(status, errors), "GET", "secret/data/app")
    assert expected in str(error)
    assert SECRET not in str(error)
    assert error.details["status"] == status


def test_missing_url_is_reported():
    with pytest.raises(SecretOpsError) as error:
        build_client({"url": None})
    assert "VAULT_ADDR" in str(error.value)


# --- request paths -------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "pki/issue/../../database/rotate-root/x", "database/creds/..", "./sys/policies/acl/x", "secret/data/a//b",
    "secret/data/a/", "pki/issue/%2e%2e/%2E%2E/database/rotate-root/x", "pki/issue/a%2f%2fb", "secret/data/../x?version=1",
])
def test_a_path_with_a_dot_dot_dot_or_empty_segment_is_never_sent(fake_vault, path):
    client = _client(fake_vault)
    for send in (lambda: client.request("POST", path, data={"x": 1}), lambda: client.read(path), lambda: client.list(path)):
        with pytest.raises(SecretOpsError) as error:
            send()
        assert "was not sent" in str(error.value) and error.value.details["vault_path"] == path
    with pytest.raises(SecretOpsError):
        client.login("approle/../../sys", {"role_id": "r"})
    assert fake_vault.requests == []


@pytest.mark.parametrize("path", ["/secret/data/app", "secret/data/app?version=3", "secret/data/a.b/..c/c..", "sys/internal/ui/mounts/secret/app"])
def test_ordinary_paths_are_sent(fake_vault, path):
    _client(fake_vault).read(path)
    assert len(fake_vault.requests) == 1
