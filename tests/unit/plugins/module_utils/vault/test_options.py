"""Vault connection and auth options, their doc fragment and lookup sources stay in step."""

import pytest
import yaml

from ansible_collections.secretops.provisioning.plugins.doc_fragments.vault_connection import ModuleDocFragment
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import client as client_layer
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import options


def _fragment(name):
    return yaml.safe_load(getattr(ModuleDocFragment, name))["options"]


def test_doc_fragment_documents_exactly_the_options():
    documented = dict(_fragment("DOCUMENTATION"), **_fragment("AUTH"))
    assert set(_fragment("DOCUMENTATION")) == set(options.CONNECTION_OPTIONS)
    assert set(_fragment("AUTH")) == set(options.AUTH_OPTIONS)
    for name, option in options.ALL_OPTIONS.items():
        doc = documented[name]
        assert doc["type"] == option["type"], name
        assert doc.get("default") == option["default"], name
        assert doc.get("choices") == option["choices"], name
        assert doc.get("aliases", []) == option["aliases"], name


def test_lookup_sources_match_the_env_fallbacks():
    plugin_sources = _fragment("PLUGINS")
    assert set(plugin_sources) == set(options.ALL_OPTIONS)
    for name, option in options.ALL_OPTIONS.items():
        assert [entry["name"] for entry in plugin_sources[name].get("env", [])] == option["env"], name
        # A former name (an alias) stays readable from the same sources.
        assert plugin_sources[name]["vars"] == [{"name": "secretops_vault_" + known} for known in [name] + option["aliases"]], name
        if "ini" in plugin_sources[name]:
            assert [entry["key"] for entry in plugin_sources[name]["ini"]] == [name] + option["aliases"], name
        if option["no_log"]:
            assert "ini" not in plugin_sources[name], "secrets do not belong in ansible.cfg: " + name


def test_argument_spec_has_env_fallbacks_and_no_log():
    spec = options.vault_argument_spec(path={"type": "str"})
    assert spec["url"]["fallback"][1] == ["VAULT_ADDR"]
    assert spec["token"]["fallback"][1] == ["VAULT_TOKEN"]
    assert spec["namespace"]["fallback"][1] == ["VAULT_NAMESPACE"]
    assert spec["ca_cert"]["fallback"][1] == ["VAULT_CACERT"]
    assert "namespace" not in spec or "default" not in spec["namespace"]  # never forced
    for name in ("token", "jwt", "secret_id"):
        assert spec[name]["no_log"] is True
    assert spec["auth_method"]["choices"] == ["approle", "jwt", "kubernetes", "token"]
    assert spec["path"] == {"type": "str"}
    assert spec["auth_mount_path"]["aliases"] == ["auth_mount_point"]
    assert set(options.connection_argument_spec()) == set(options.CONNECTION_OPTIONS)


def test_params_come_from_a_mapping_or_a_getter():
    params = {"url": "http://v", "token": "t", "other": 1}
    assert options.vault_params(params)["url"] == "http://v"
    assert options.vault_params(params.get)["token"] == "t"
    assert set(options.vault_params(params, options.CONNECTION_OPTIONS)) == set(options.CONNECTION_OPTIONS)


# Every login option an AWX credential type (extensions/awx/credential_types) injects, by auth method.
LOGIN_ENV = {
    "auth_mount_path": ["VAULT_AUTH_MOUNT_PATH"],
    "auth_role": ["VAULT_AUTH_ROLE"],
    "jwt_file": ["VAULT_JWT_FILE"],
    "role_id": ["VAULT_ROLE_ID"],
    "secret_id": ["VAULT_SECRET_ID"],
}


def test_login_options_of_approle_and_kubernetes_fall_back_to_the_environment():
    spec = options.vault_argument_spec()
    for name, env in LOGIN_ENV.items():
        assert spec[name]["fallback"][1] == env, name
    assert spec["secret_id"]["no_log"] is True
    assert "fallback" not in spec["jwt"], "a JWT travels in a file (VAULT_JWT_FILE), never in the environment"


def test_every_env_variable_is_documented_where_the_option_is():
    from ansible_collections.secretops.provisioning.plugins.doc_fragments.vault_dict import ModuleDocFragment as VaultDictFragment

    documented = dict(_fragment("DOCUMENTATION"), **_fragment("AUTH"))
    suboptions = yaml.safe_load(VaultDictFragment.DOCUMENTATION)["options"]["vault"]["suboptions"]
    for name, option in options.ALL_OPTIONS.items():
        for env in option["env"]:
            for docs in (documented[name], suboptions[name]):
                description = docs["description"]
                text = " ".join(description) if isinstance(description, list) else description
                assert "E(%s)" % env in text, (name, env)


def test_modules_read_the_login_options_from_the_environment(monkeypatch):
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

    values = {"VAULT_AUTH_METHOD": "approle", "VAULT_AUTH_MOUNT_PATH": "approle-ci", "VAULT_AUTH_ROLE": "ci",
              "VAULT_JWT_FILE": "/run/jwt", "VAULT_ROLE_ID": "role-id-1", "VAULT_SECRET_ID": "secret-id-1"}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    validated = ArgumentSpecValidator(options.vault_argument_spec()).validate({})
    assert validated.error_messages == []
    params = options.vault_params(validated.validated_parameters)
    assert (params["auth_method"], params["auth_mount_path"], params["auth_role"], params["jwt_file"]) == ("approle", "approle-ci", "ci", "/run/jwt")
    assert (params["role_id"], params["secret_id"]) == ("role-id-1", "secret-id-1")
    assert "secret-id-1" in validated._no_log_values


# --- the Vault CLI's TLS variables (community.hashi_vault reads them too) -----------------------

def _validated(monkeypatch, env, given=None):
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

    for name in ("VAULT_SKIP_VERIFY", "VAULT_CLIENT_CERT", "VAULT_CLIENT_KEY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    validated = ArgumentSpecValidator(options.vault_argument_spec()).validate(dict(given or {}))
    assert validated.error_messages == []
    return options.vault_params(validated.validated_parameters)


@pytest.mark.parametrize("value, expected", [("true", False), ("1", False), ("false", True), ("0", True), ("", True)])
def test_vault_skip_verify_is_the_inverse_of_validate_certs(monkeypatch, value, expected):
    assert _validated(monkeypatch, {"VAULT_SKIP_VERIFY": value})["validate_certs"] is expected


def test_validate_certs_given_wins_over_vault_skip_verify(monkeypatch):
    assert _validated(monkeypatch, {"VAULT_SKIP_VERIFY": "true"}, {"validate_certs": True})["validate_certs"] is True
    assert _validated(monkeypatch, {}, {"validate_certs": False})["validate_certs"] is False
    assert _validated(monkeypatch, {})["validate_certs"] is True


def test_a_vault_skip_verify_that_is_not_a_boolean_is_named(monkeypatch):
    with pytest.raises(SecretOpsError) as error:
        _validated(monkeypatch, {"VAULT_SKIP_VERIFY": "maybe"})
    assert "VAULT_SKIP_VERIFY" in str(error.value)


def test_lookups_resolve_vault_skip_verify_too(monkeypatch):
    monkeypatch.setenv("VAULT_SKIP_VERIFY", "true")
    assert options.vault_params(lambda name: None)["validate_certs"] is False


def test_client_certificate_options_fall_back_to_the_vault_cli_variables(monkeypatch):
    params = _validated(monkeypatch, {"VAULT_CLIENT_CERT": "/etc/vault/client.pem", "VAULT_CLIENT_KEY": "/etc/vault/client-key.pem"})
    assert (params["client_cert"], params["client_key"]) == ("/etc/vault/client.pem", "/etc/vault/client-key.pem")
    # The same names reach build_client, which hands them to requests.
    assert client_layer.tls_settings(params) == (True, ("/etc/vault/client.pem", "/etc/vault/client-key.pem"))


def test_a_client_key_without_a_certificate_is_refused():
    with pytest.raises(SecretOpsError) as error:
        client_layer.tls_settings({"client_key": "/k.pem"})
    assert "VAULT_CLIENT_CERT" in str(error.value)
