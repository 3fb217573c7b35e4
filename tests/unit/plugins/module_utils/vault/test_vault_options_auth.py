"""Vault option handling, the doc fragment that documents it, auth method validation, error translation."""

import json
import os

import pytest
import yaml

from ansible_collections.secretops.provisioning.plugins.doc_fragments.vault_connection import ModuleDocFragment
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import auth, options
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.auth import approle, jwt, kubernetes, token
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import VaultClient, build_client

SECRET = "s.SECRET-TOKEN-VALUE"


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


def test_registry_knows_every_method_and_rejects_others():
    assert sorted(auth.METHODS) == ["approle", "jwt", "kubernetes", "token"]
    assert auth.method_for(None) is token
    with pytest.raises(SecretOpsError) as error:
        auth.method_for("ldap")
    assert "approle, jwt, kubernetes, token" in str(error.value)


def test_every_method_option_is_a_declared_auth_option():
    for method in auth.METHODS.values():
        assert set(method.OPTIONS) <= set(options.AUTH_OPTIONS), method.NAME


class RecordingClient(object):
    """Stands in for VaultClient to see what a method would send (the methods are pure apart from that)."""

    def __init__(self):
        self.logins = []
        self.token = None

    def login(self, mount, data):
        self.logins.append((mount, data))

    def set_token(self, value):
        self.token = value


def test_token_method_uses_the_option_then_the_cli_file(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(SecretOpsError) as error:
        token.validate({})
    assert "VAULT_TOKEN" in str(error.value)
    (tmp_path / ".vault-token").write_text(SECRET + "\n")
    client = RecordingClient()
    token.login(client, {})
    assert client.token == SECRET
    token.login(client, {"token": "explicit"})
    assert client.token == "explicit"


def test_kubernetes_method_needs_a_role_and_a_jwt(tmp_path):
    with pytest.raises(SecretOpsError) as error:
        kubernetes.validate({"jwt": SECRET})
    assert "auth_role" in str(error.value)
    missing = str(tmp_path / "absent")
    with pytest.raises(SecretOpsError) as error:
        kubernetes.validate({"auth_role": "app", "jwt_file": missing})
    assert missing in str(error.value) and SECRET not in str(error.value)
    jwt_file = tmp_path / "token"
    jwt_file.write_text(SECRET + "\n")
    client = RecordingClient()
    kubernetes.login(client, {"auth_role": "app", "jwt_file": str(jwt_file), "auth_mount_path": "/k8s-prod/"})
    assert client.logins == [("/k8s-prod/", {"role": "app", "jwt": SECRET})]  # VaultClient.login strips the slashes


def test_kubernetes_method_defaults_to_the_pod_token():
    if os.path.exists(kubernetes.IN_CLUSTER_TOKEN):
        pytest.skip("this test describes a host outside a pod")
    with pytest.raises(SecretOpsError) as error:
        kubernetes.validate({"auth_role": "app"})
    assert kubernetes.IN_CLUSTER_TOKEN in str(error.value) and "inside a Kubernetes pod" in str(error.value)


def test_approle_and_jwt_methods():
    with pytest.raises(SecretOpsError):
        approle.validate({"secret_id": SECRET})
    client = RecordingClient()
    approle.login(client, {"role_id": "rid", "secret_id": SECRET})
    assert client.logins[-1] == ("approle", {"role_id": "rid", "secret_id": SECRET})
    with pytest.raises(SecretOpsError) as error:
        jwt.validate({})
    assert "jwt" in str(error.value)
    jwt.login(client, {"jwt": SECRET, "auth_mount_path": "oidc"})
    assert client.logins[-1] == ("oidc", {"jwt": SECRET})


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
