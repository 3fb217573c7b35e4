"""vault/k8s_auth.py ensure_config: omitted settings keep what Vault has (Vault's write replaces the
whole config), the diff shows the resulting config, and the reviewer JWT never appears."""

import base64
import json

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import k8s_auth

from .fakes import FakeVaultApi


CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


KEY = "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----"


JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXZpZXdlciJ9.SIGNATURE"


STORED = {
    "kubernetes_host": "https://old:6443", "kubernetes_ca_cert": CA, "pem_keys": [KEY], "issuer": "https://issuer",
    "disable_iss_validation": False, "disable_local_ca_jwt": True, "token_reviewer_jwt_set": True,
    "use_annotations_as_alias_metadata": True,  # a field of newer servers this module does not manage
}


CONFIG = "auth/kubernetes/config"


def config_store(stored=None):
    """The Vault fake (``vault/fakes.py``) with the kubernetes auth method's config holding ``stored``
    (None: never written); a write replaces the whole config, as the real endpoint does."""
    return FakeVaultApi(k8s_auth_configs={CONFIG: dict(stored) if stored else None})


def writes(vault):
    """What each write sent (to any path)."""
    return [data for _method, _path, data in vault.writes()]


def stored(vault):
    return vault.k8s_auth_configs[CONFIG]


def _settings(**given):
    settings = dict((name, None) for name in k8s_auth.CONFIG_KINDS)
    settings.update(given)
    return settings


def test_changing_only_the_host_keeps_every_other_setting():
    vault = config_store(STORED)
    result = k8s_auth.ensure_config(vault, "kubernetes", _settings(kubernetes_host="https://new:6443"), reviewer_jwt=JWT)
    assert result["changed"] is True and result["write_reasons"] == ["settings differ: kubernetes_host"]
    assert result["kept_settings"] == ["disable_iss_validation", "disable_local_ca_jwt", "issuer", "kubernetes_ca_cert", "pem_keys",
                                       "use_annotations_as_alias_metadata"]
    sent = writes(vault)[0]
    for name in ("kubernetes_ca_cert", "pem_keys", "issuer", "disable_iss_validation", "disable_local_ca_jwt", "use_annotations_as_alias_metadata"):
        assert sent[name] == STORED[name], name
    assert sent["kubernetes_host"] == "https://new:6443" and sent["token_reviewer_jwt"] == JWT
    assert "token_reviewer_jwt_set" not in sent
    expected = dict(STORED, kubernetes_host="https://new:6443")
    assert stored(vault) == expected


def test_the_diff_shows_the_whole_resulting_config_and_no_jwt():
    vault = config_store(STORED)
    result = k8s_auth.ensure_config(vault, "kubernetes", _settings(kubernetes_host="https://new:6443", issuer="https://other"),
                                    reviewer_jwt=JWT, check_mode=True)
    before, after = result["diff"]["before"], result["diff"]["after"]
    assert before["kubernetes_host"] == "https://old:6443" and after["kubernetes_host"] == "https://new:6443"
    assert before["issuer"] == "https://issuer" and after["issuer"] == "https://other"
    for name in ("kubernetes_ca_cert", "pem_keys", "disable_local_ca_jwt", "disable_iss_validation", "use_annotations_as_alias_metadata"):
        assert after[name] == before[name], name
    assert after["kubernetes_ca_cert"] == CA.strip() and after["pem_keys"] == [KEY]
    assert before["token_reviewer_jwt_set"] is True and after["token_reviewer_jwt_set"] is True
    assert JWT not in repr(result) and "SIGNATURE" not in repr(result)
    assert writes(vault) == []  # check mode


def test_a_given_setting_still_replaces_what_vault_has():
    vault = config_store(STORED)
    k8s_auth.ensure_config(vault, "kubernetes", _settings(kubernetes_host="https://old:6443", pem_keys=[], issuer=""), reviewer_jwt=JWT)
    assert stored(vault)["pem_keys"] == [] and stored(vault)["issuer"] == ""
    assert stored(vault)["kubernetes_ca_cert"] == CA


def test_nothing_is_written_when_the_given_settings_match():
    vault = config_store(STORED)
    result = k8s_auth.ensure_config(vault, "kubernetes", _settings(kubernetes_host="https://old:6443"), reviewer_jwt=JWT)
    assert result["changed"] is False and result["kept_settings"] == [] and writes(vault) == []


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_write_that_would_drop_the_jwt_vault_has_is_refused(check_mode):
    vault = config_store(STORED)
    with pytest.raises(SecretOpsError) as error:
        k8s_auth.ensure_config(vault, "kubernetes", _settings(kubernetes_host="https://new:6443"), check_mode=check_mode)
    message = str(error.value)
    assert "token_reviewer_jwt" in message and "token_reviewer_jwt_clear" in message and "settings differ: kubernetes_host" in message
    assert writes(vault) == [] and stored(vault) == STORED


def test_an_explicit_clear_removes_the_jwt_and_keeps_the_rest():
    vault = config_store(STORED)
    result = k8s_auth.ensure_config(vault, "kubernetes", _settings(kubernetes_host="https://new:6443"), jwt_clear=True)
    assert result["token_reviewer_jwt_cleared"] is True and result["diff"]["after"]["token_reviewer_jwt_set"] is False
    assert "token_reviewer_jwt" not in writes(vault)[0]
    assert stored(vault)["token_reviewer_jwt_set"] is False
    assert stored(vault)["kubernetes_ca_cert"] == CA and stored(vault)["disable_local_ca_jwt"] is True


def test_clearing_alone_writes_once_then_is_unchanged():
    vault = config_store(STORED)
    result = k8s_auth.ensure_config(vault, "kubernetes", _settings(kubernetes_host="https://old:6443"), jwt_clear=True)
    assert result["changed"] is True and result["token_reviewer_jwt_cleared"] is True
    assert result["write_reasons"] == ["token_reviewer_jwt_clear=true and Vault has a token reviewer JWT"]
    again = k8s_auth.ensure_config(vault, "kubernetes", _settings(kubernetes_host="https://old:6443"), jwt_clear=True)
    assert again["changed"] is False and len(writes(vault)) == 1


def test_no_write_needs_no_jwt():
    vault = config_store(STORED)
    result = k8s_auth.ensure_config(vault, "kubernetes", _settings(kubernetes_host="https://old:6443"))
    assert result["changed"] is False and writes(vault) == []
    first = config_store(dict(STORED, token_reviewer_jwt_set=False))
    assert k8s_auth.ensure_config(first, "kubernetes", _settings(kubernetes_host="https://new:6443"))["changed"] is True


def _jwt(claims):
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return "eyJhbGciOiJSUzI1NiJ9.%s.SIGNATURE" % payload


NOW = 1796637600  # 2026-12-07T10:00:00Z


def test_an_expiring_jwt_that_is_not_written_is_reported():
    short_lived = _jwt({"sub": "system:serviceaccount:vault:reviewer", "exp": NOW + 3600})
    vault = config_store(STORED)
    result = k8s_auth.ensure_config(vault, "kubernetes", _settings(kubernetes_host="https://old:6443"), reviewer_jwt=short_lived, now=NOW)
    assert result["changed"] is False and result["token_reviewer_jwt_sent"] is False
    assert result["token_reviewer_jwt_expiring_unsent"] is True and result["token_reviewer_jwt_expires"] == "2026-12-07T11:00:00Z"
    (warning,) = result["warnings"]
    assert "expires at 2026-12-07T11:00:00Z" in warning and "token_reviewer_jwt_update=always" in warning
    assert short_lived not in repr(result) and "SIGNATURE" not in repr(result)
    expired = k8s_auth.ensure_config(vault, "kubernetes", _settings(kubernetes_host="https://old:6443"), reviewer_jwt=short_lived,
                                     now=NOW + 7200)
    assert "expired at 2026-12-07T11:00:00Z" in expired["warnings"][0]


def test_a_written_or_unexpiring_jwt_is_not_reported():
    short_lived = _jwt({"exp": NOW + 3600})
    pushed = k8s_auth.ensure_config(config_store(STORED), "kubernetes", _settings(kubernetes_host="https://old:6443"),
                                    reviewer_jwt=short_lived, jwt_update="always", now=NOW)
    assert pushed["token_reviewer_jwt_sent"] is True and pushed["token_reviewer_jwt_expiring_unsent"] is False and pushed["warnings"] == []
    assert pushed["token_reviewer_jwt_expires"] == "2026-12-07T11:00:00Z"
    long_lived = _jwt({"sub": "system:serviceaccount:vault:reviewer"})  # a service-account-token Secret's JWT has no exp
    kept = k8s_auth.ensure_config(config_store(STORED), "kubernetes", _settings(kubernetes_host="https://old:6443"), reviewer_jwt=long_lived)
    assert kept["token_reviewer_jwt_sent"] is False and kept["token_reviewer_jwt_expiring_unsent"] is False and kept["warnings"] == []
    assert kept["token_reviewer_jwt_expires"] is None


def test_the_first_write_sends_only_what_is_given():
    vault = config_store()
    result = k8s_auth.ensure_config(vault, "kubernetes", _settings(kubernetes_host="https://k8s:6443", disable_local_ca_jwt=True,
                                                                   kubernetes_ca_cert=CA), reviewer_jwt=JWT)
    assert result["write_reasons"] == ["config not yet written"] and result["kept_settings"] == []
    assert writes(vault) == [{"kubernetes_host": "https://k8s:6443", "disable_local_ca_jwt": True, "kubernetes_ca_cert": CA, "token_reviewer_jwt": JWT}]


@pytest.mark.parametrize("settings, jwt, message", [
    ({"kubernetes_host": None}, None, "kubernetes_host is required"),
    ({"kubernetes_host": "https://k8s", "kubernetes_ca_cert": "/etc/ca.crt"}, None, "must be PEM text"),
    ({"kubernetes_host": "https://k8s", "pem_keys": ["nope"]}, None, "pem_keys[0]"),
    ({"kubernetes_host": "https://k8s"}, "  ", "token_reviewer_jwt is empty"),
])
def test_k8s_config_combinations_are_rejected_before_any_request(settings, jwt, message):
    with pytest.raises(SecretOpsError) as error:
        k8s_auth.validate_config(settings, jwt)
    assert message in str(error.value)


def test_giving_and_clearing_the_jwt_exclude_each_other():
    with pytest.raises(SecretOpsError, match="exclude each other") as error:
        k8s_auth.validate_config({"kubernetes_host": "https://k8s"}, JWT, jwt_clear=True)
    assert JWT not in str(error.value)


def test_role_argument_spec_covers_every_role_setting():
    spec = k8s_auth.role_argument_spec()
    assert set(spec) == set(k8s_auth.ROLE_KINDS)
    assert spec["token_ttl"] == {"type": "raw", "no_log": False}
    assert spec["token_policies"] == {"type": "list", "elements": "str", "no_log": False}
    assert spec["audience"] == {"type": "str"}
