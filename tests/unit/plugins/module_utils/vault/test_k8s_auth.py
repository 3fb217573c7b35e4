"""vault/k8s_auth.py ensure_config: omitted settings keep what Vault has (Vault's write replaces the
whole config), the diff shows the resulting config, and the reviewer JWT never appears."""

import base64
import json

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import k8s_auth


CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


KEY = "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----"


JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXZpZXdlciJ9.SIGNATURE"


STORED = {
    "kubernetes_host": "https://old:6443", "kubernetes_ca_cert": CA, "pem_keys": [KEY], "issuer": "https://issuer",
    "disable_iss_validation": False, "disable_local_ca_jwt": True, "token_reviewer_jwt_set": True,
    "use_annotations_as_alias_metadata": True,  # a field of newer servers this module does not manage
}


class ConfigStore(object):
    """A Vault whose config write replaces the whole config, as the real endpoint does."""

    def __init__(self, stored=None):
        self.stored = dict(stored) if stored else None
        self.writes = []

    def read(self, path):
        return {"data": dict(self.stored)} if self.stored else None

    def write(self, path, data, action=None):
        self.writes.append(dict(data))
        jwt = data.get("token_reviewer_jwt")
        self.stored = dict((key, value) for key, value in data.items() if key != "token_reviewer_jwt")
        self.stored["token_reviewer_jwt_set"] = bool(jwt)
        return {}


def _settings(**given):
    settings = dict((name, None) for name in k8s_auth.CONFIG_KINDS)
    settings.update(given)
    return settings


def test_changing_only_the_host_keeps_every_other_setting():
    vault = ConfigStore(STORED)
    result = k8s_auth.ensure_config(vault, "kubernetes", _settings(kubernetes_host="https://new:6443"), reviewer_jwt=JWT)
    assert result["changed"] is True and result["write_reasons"] == ["settings differ: kubernetes_host"]
    assert result["kept_settings"] == ["disable_iss_validation", "disable_local_ca_jwt", "issuer", "kubernetes_ca_cert", "pem_keys",
                                       "use_annotations_as_alias_metadata"]
    sent = vault.writes[0]
    for name in ("kubernetes_ca_cert", "pem_keys", "issuer", "disable_iss_validation", "disable_local_ca_jwt", "use_annotations_as_alias_metadata"):
        assert sent[name] == STORED[name], name
    assert sent["kubernetes_host"] == "https://new:6443" and sent["token_reviewer_jwt"] == JWT
    assert "token_reviewer_jwt_set" not in sent
    expected = dict(STORED, kubernetes_host="https://new:6443")
    assert vault.stored == expected


def test_the_diff_shows_the_whole_resulting_config_and_no_jwt():
    vault = ConfigStore(STORED)
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
    assert vault.writes == []  # check mode


def test_a_given_setting_still_replaces_what_vault_has():
    vault = ConfigStore(STORED)
    k8s_auth.ensure_config(vault, "kubernetes", _settings(kubernetes_host="https://old:6443", pem_keys=[], issuer=""), reviewer_jwt=JWT)
    assert vault.stored["pem_keys"] == [] and vault.stored["issuer"] == ""
    assert vault.stored["kubernetes_ca_cert"] == CA


def test_nothing_is_written_when_the_given_settings_match():
    vault = ConfigStore(STORED)
    result = k8s_auth.ensure_config(vault, "kubernetes", _settings(kubernetes_host="https://old:6443"), reviewer_jwt=JWT)
    assert result["changed"] is False and result["kept_settings"] == [] and vault.writes == []


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_write_that_would_drop_the_jwt_vault_has_is_refused(check_mode):
    vault = ConfigStore(STORED)
    with pytest.raises(SecretOpsError) as error:
        k8s_auth.ensure_config(vault, "kubernetes", _settings(kubernetes_host="https://new:6443"), check_mode=check_mode)
    message = str(error.value)
    assert "token_reviewer_jwt" in message and "token_reviewer_jwt_clear" in message and "settings differ: kubernetes_host" in message
    assert vault.writes == [] and vault.stored == STORED


def test_an_explicit_clear_removes_the_jwt_and_keeps_the_rest():
    vault = ConfigStore(STORED)
    result = k8s_auth.ensure_config(vault, "kubernetes", _settings(kubernetes_host="https://new:6443"), jwt_clear=True)
    assert result["token_reviewer_jwt_cleared"] is True and result["diff"]["after"]["token_reviewer_jwt_set"] is False
    assert "token_reviewer_jwt" not in vault.writes[0]
    assert vault.stored["token_reviewer_jwt_set"] is False
    assert vault.stored["kubernetes_ca_cert"] == CA and vault.stored["disable_local_ca_jwt"] is True


def test_clearing_alone_writes_once_then_is_unchanged():
    vault = ConfigStore(STORED)
    result = k8s_auth.ensure_config(vault, "kubernetes", _settings(kubernetes_host="https://old:6443"), jwt_clear=True)
    assert result["changed"] is True and result["token_reviewer_jwt_cleared"] is True
    assert result["write_reasons"] == ["token_reviewer_jwt_clear=true and Vault has a token reviewer JWT"]
    again = k8s_auth.ensure_config(vault, "kubernetes", _settings(kubernetes_host="https://old:6443"), jwt_clear=True)
    assert again["changed"] is False and len(vault.writes) == 1


def test_no_write_needs_no_jwt():
    vault = ConfigStore(STORED)
    result = k8s_auth.ensure_config(vault, "kubernetes", _settings(kubernetes_host="https://old:6443"))
    assert result["changed"] is False and vault.writes == []
    first = ConfigStore(dict(STORED, token_reviewer_jwt_set=False))
    assert k8s_auth.ensure_config(first, "kubernetes", _settings(kubernetes_host="https://new:6443"))["changed"] is True


def _jwt(claims):
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return "eyJhbGciOiJSUzI1NiJ9.%s.SIGNATURE" % payload


NOW = 1796637600  # 2026-12-07T10:00:00Z


def test_an_expiring_jwt_that_is_not_written_is_reported():
    short_lived = _jwt({"sub": "system:serviceaccount:vault:reviewer", "exp": NOW + 3600})
    vault = ConfigStore(STORED)
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
    pushed = k8s_auth.ensure_config(ConfigStore(STORED), "kubernetes", _settings(kubernetes_host="https://old:6443"),
                                    reviewer_jwt=short_lived, jwt_update="always", now=NOW)
    assert pushed["token_reviewer_jwt_sent"] is True and pushed["token_reviewer_jwt_expiring_unsent"] is False and pushed["warnings"] == []
    assert pushed["token_reviewer_jwt_expires"] == "2026-12-07T11:00:00Z"
    long_lived = _jwt({"sub": "system:serviceaccount:vault:reviewer"})  # a service-account-token Secret's JWT has no exp
    kept = k8s_auth.ensure_config(ConfigStore(STORED), "kubernetes", _settings(kubernetes_host="https://old:6443"), reviewer_jwt=long_lived)
    assert kept["token_reviewer_jwt_sent"] is False and kept["token_reviewer_jwt_expiring_unsent"] is False and kept["warnings"] == []
    assert kept["token_reviewer_jwt_expires"] is None


def test_the_first_write_sends_only_what_is_given():
    vault = ConfigStore()
    result = k8s_auth.ensure_config(vault, "kubernetes", _settings(kubernetes_host="https://k8s:6443", disable_local_ca_jwt=True,
                                                                   kubernetes_ca_cert=CA), reviewer_jwt=JWT)
    assert result["write_reasons"] == ["config not yet written"] and result["kept_settings"] == []
    assert vault.writes == [{"kubernetes_host": "https://k8s:6443", "disable_local_ca_jwt": True, "kubernetes_ca_cert": CA, "token_reviewer_jwt": JWT}]


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
