"""k8s_auth.ensure_role against the fake of ``VaultClient.request`` (``fakes.py``): create with what is
given, update only what differs (durations compared by value), delete, check mode, and the refusals."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import k8s_auth

from .fakes import FakeVaultApi

ROLE = "auth/kubernetes/role/app"
STORED = {"bound_service_account_names": ["app"], "bound_service_account_namespaces": ["shop"], "audience": "vault",
          "token_policies": ["b", "a"], "token_ttl": 3600, "token_max_ttl": 0, "alias_name_source": "serviceaccount_uid"}


def settings(**given):
    values = dict((name, None) for name in k8s_auth.ROLE_KINDS)
    values.update(given)
    return values


def stored(data=None):
    return FakeVaultApi({("GET", ROLE): {"data": dict(data or STORED)}})


def test_a_new_role_is_written_with_the_given_settings_only():
    client = FakeVaultApi()
    result = k8s_auth.ensure_role(client, "kubernetes", "app", settings(bound_service_account_names=["app"],
                                  bound_service_account_namespaces=["shop"], audience="vault", token_ttl="1h"))
    assert result["changed"] is True and result["warnings"] == []
    assert client.writes() == [("POST", ROLE, {"bound_service_account_names": ["app"], "bound_service_account_namespaces": ["shop"],
                                               "audience": "vault", "token_ttl": "3600s"})]


def test_check_mode_writes_nothing():
    client = FakeVaultApi()
    result = k8s_auth.ensure_role(client, "kubernetes", "app", settings(bound_service_account_names=["app"],
                                  bound_service_account_namespaces=["shop"], audience="vault"), check_mode=True)
    assert result["changed"] is True and client.writes() == []


def test_an_update_sends_only_what_differs_and_durations_and_sets_compare_by_value():
    client = stored()
    same = k8s_auth.ensure_role(client, "kubernetes", "app", settings(token_ttl="60m", token_policies=["a", "b"]))
    assert same["changed"] is False and client.writes() == []
    changed = k8s_auth.ensure_role(client, "kubernetes", "app", settings(token_ttl="2h", audience="vault"))
    assert changed["changed_settings"] == ["token_ttl"] and client.writes() == [("POST", ROLE, {"token_ttl": "7200s"})]


def test_a_new_role_needs_its_bound_accounts_and_namespaces():
    with pytest.raises(SecretOpsError, match="role app needs bound_service_account_names to be created"):
        k8s_auth.ensure_role(FakeVaultApi(), "kubernetes", "app", settings(bound_service_account_namespaces=["shop"]))
    with pytest.raises(SecretOpsError, match="role app needs bound_service_account_namespaces to be created"):
        k8s_auth.ensure_role(FakeVaultApi(), "kubernetes", "app", settings(bound_service_account_names=["app"]))
    selector = settings(bound_service_account_names=["app"], bound_service_account_namespace_selector='{"matchLabels": {"a": "b"}}')
    assert k8s_auth.ensure_role(FakeVaultApi(), "kubernetes", "app", selector)["changed"] is True


def test_a_role_without_an_audience_is_warned_about():
    client = stored(dict(STORED, audience=""))
    result = k8s_auth.ensure_role(client, "kubernetes", "app", settings())
    assert len(result["warnings"]) == 1 and "role app has no audience" in result["warnings"][0]


def test_absent_deletes_a_present_role_once():
    client = stored()
    result = k8s_auth.ensure_role(client, "/kubernetes/", "app", settings(), state="absent")
    assert result["changed"] is True and result["mount_path"] == "kubernetes" and result["diff"]["after"] is None
    assert client.writes() == [("DELETE", ROLE, None)]
    gone = FakeVaultApi()
    assert k8s_auth.ensure_role(gone, "kubernetes", "app", settings(), state="absent")["changed"] is False and gone.writes() == []


def test_a_role_name_that_is_not_a_name_is_refused_before_any_request():
    client = FakeVaultApi()
    with pytest.raises(SecretOpsError):
        k8s_auth.ensure_role(client, "kubernetes", "../sys/policy/x", settings())
    assert client.sent == []
