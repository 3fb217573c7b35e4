"""check_login against the fake API server (the TokenRequest) and VaultClient.request: each
step reports its own failure, the Vault token is revoked however it ends, and no token is returned."""

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.login_check import check_login

from ..k8s.fakes import TOKEN as JWT, FakeApiServer
from .fakes import FakeVaultApi, denied

VAULT_TOKEN = "s.LOGIN-CHECK-TOKEN-VALUE"
REVOKE = ("POST", "auth/token/revoke-self", {})


def token_server(status=None):
    """The fake API server (``k8s/fakes.py``) with the ServiceAccount shop/app; ``status`` fails its TokenRequest."""
    server = FakeApiServer(service_accounts={("shop", "app")})
    if status:
        server.failures[("POST", "shop", "app")] = [status]
    return server


def login_vault(answers=None, refusal=None):
    """The Vault fake (``vault/fakes.py``), whose kubernetes login gives a token of policies default and app, or raises ``refusal``."""
    auth = {"client_token": VAULT_TOKEN, "token_policies": ["default", "app"], "lease_duration": 3600,
            "entity_id": "e-1", "metadata": {"role": "app", "service_account_name": "app"}}
    answers = dict(answers or {})
    answers[("POST", "auth/kubernetes/login")] = refusal or {"auth": auth}
    return FakeVaultApi(answers)


def test_a_working_setup_reads_the_path_and_revokes_its_token():
    vault = login_vault()
    k8s = token_server()
    result = check_login(vault, k8s, "shop", "app", "app", mount_path="/kubernetes/", audience="vault", read_path="/secret/data/app")
    assert result["success"] and result["step"] == "done" and result["read_ok"] is True
    assert result["token_policies"] == ["app", "default"] and result["service_account"] == "shop/app"
    assert vault.logins == [("kubernetes", {"role": "app", "jwt": JWT})]
    assert [entry[:2] for entry in vault.sent] == [("GET", "secret/data/app"), REVOKE[:2]]
    assert JWT not in repr(result) and VAULT_TOKEN not in repr(result)


def test_a_refused_token_request_stops_before_vault():
    vault = login_vault()
    result = check_login(vault, token_server(status=403), "shop", "app", "app")
    assert (result["success"], result["step"]) == (False, "token_request") and "HTTP 403" in result["reason"]
    assert vault.logins == [] and vault.sent == []


def test_a_refused_login_is_the_login_step_with_no_token_to_revoke():
    vault = login_vault(refusal=SecretOpsError("login at auth/kubernetes/login failed for role app: service account name not authorized",
                                               status=403))
    result = check_login(vault, token_server(), "shop", "app", "app")
    assert (result["success"], result["step"]) == (False, "login") and "not authorized" in result["reason"]
    assert vault.sent == [] and JWT not in repr(result)


def test_a_read_the_policy_refuses_is_the_read_step():
    vault = login_vault({("GET", "secret/data/app"): denied("secret/data/app")})
    result = check_login(vault, token_server(), "shop", "app", "app", read_path="secret/data/app")
    assert (result["success"], result["step"], result["read_ok"]) == (False, "read", False)
    assert result["reason"].startswith("permission denied on secret/data/app")
    assert vault.sent[-1] == REVOKE


def test_nothing_stored_at_the_path_still_proves_the_policy():
    vault = login_vault({("GET", "secret/data/app"): SecretOpsError("nothing at secret/data/app (HTTP 404)", status=404)})
    result = check_login(vault, token_server(), "shop", "app", "app", read_path="secret/data/app")
    assert result["success"] and result["read_ok"] and result["read_note"] == "allowed, but nothing is stored at secret/data/app"
