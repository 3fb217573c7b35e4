"""The AWX credential types in extensions/awx/credential_types: AWX would accept them, and every
variable they inject is one the collection's plugins read, so the job authenticates with nothing
else configured."""

import glob
import os

import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.secretops.provisioning.plugins.module_utils.vault import options
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.auth import method_for
from tests.conftest import REPO_ROOT

from .awx_rules import env_names, field_ids, inject, validate

TYPES_DIR = os.path.join(REPO_ROOT, "extensions", "awx", "credential_types")
# The awx.awx.credential_type options a type file gives, no more.
KEYS = {"name", "description", "kind", "inputs", "injectors"}
ENV_TO_OPTION = dict((env, name) for name, option in options.ALL_OPTIONS.items() for env in option["env"])
# Per file: the auth method it sets, and inputs with every field filled in.
FULL_INPUTS = {
    "vault_token.yml": ("token", {"vault_addr": "https://vault.example.test:8200", "vault_token": "hvs.token-value",
                                  "vault_namespace": "team-a", "vault_cacert": "-----BEGIN CERTIFICATE-----\nCA\n"}),
    "vault_approle.yml": ("approle", {"vault_addr": "https://vault.example.test:8200", "role_id": "role-id-value",
                                      "secret_id": "secret-id-value", "auth_mount_path": "approle-ci", "vault_namespace": "team-a",
                                      "vault_cacert": "-----BEGIN CERTIFICATE-----\nCA\n"}),
    "vault_kubernetes.yml": ("kubernetes", {"vault_addr": "https://vault.example.test:8200", "auth_role": "awx",
                                            "auth_mount_path": "kubernetes-prod", "jwt": "eyJ.jwt-value.sig",
                                            "vault_namespace": "team-a", "vault_cacert": "-----BEGIN CERTIFICATE-----\nCA\n"}),
}


def _load(name):
    with open(os.path.join(TYPES_DIR, name)) as handle:
        return yaml.safe_load(handle)


def _params(env, monkeypatch):
    """The Vault options a module gets when the job's environment is ``env`` (and nothing else)."""
    for name in list(os.environ):
        if name.startswith("VAULT_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    validated = ArgumentSpecValidator(options.vault_argument_spec()).validate({})
    assert validated.error_messages == []
    return options.vault_params(validated.validated_parameters), validated._no_log_values


def test_every_shipped_type_is_tested():
    assert sorted(os.path.basename(path) for path in glob.glob(os.path.join(TYPES_DIR, "*.yml"))) == sorted(FULL_INPUTS)


@pytest.mark.parametrize("name", sorted(FULL_INPUTS))
def test_awx_accepts_the_type(name):
    credential_type = _load(name)
    assert set(credential_type) == KEYS
    assert credential_type["kind"] == "cloud"
    validate(credential_type)


@pytest.mark.parametrize("name", sorted(FULL_INPUTS))
def test_every_injected_variable_is_read_by_the_plugins(name):
    for env in env_names(_load(name)):
        assert env in ENV_TO_OPTION, "%s injects %s, which no plugin reads" % (name, env)


@pytest.mark.parametrize("name", sorted(FULL_INPUTS))
def test_a_full_credential_configures_its_auth_method(name, tmp_path, monkeypatch):
    method, inputs = FULL_INPUTS[name]
    credential_type = _load(name)
    assert set(inputs) == set(field_ids(credential_type)), "every field is exercised"
    env, files = inject(credential_type, inputs, str(tmp_path))
    params, no_log_values = _params(env, monkeypatch)
    assert params["auth_method"] == method and params["url"] == inputs["vault_addr"]
    assert params["namespace"] == "team-a"
    with open(params["ca_cert"]) as handle:
        assert handle.read() == inputs["vault_cacert"]
    method_for(method).validate(params)  # everything the method needs came from the credential
    for field in field_ids(credential_type, secret=True):
        # A secret input reaches the job only in a no_log option or in a file named by one.
        carriers = [env_name for env_name, value in env.items() if value == inputs[field]]
        for env_name in carriers:
            assert options.ALL_OPTIONS[ENV_TO_OPTION[env_name]]["no_log"], (field, env_name)
        if not carriers:
            assert inputs[field] in files.values() and inputs[field] not in env.values(), field
        if carriers:
            assert inputs[field] in no_log_values


def test_approle_credential_logs_in_with_its_ids(tmp_path, monkeypatch):
    env, _files = inject(_load("vault_approle.yml"), FULL_INPUTS["vault_approle.yml"][1], str(tmp_path))
    params, _no_log = _params(env, monkeypatch)
    assert (params["role_id"], params["secret_id"], params["auth_mount_path"]) == ("role-id-value", "secret-id-value", "approle-ci")


def test_kubernetes_credential_gives_the_jwt_as_a_file(tmp_path, monkeypatch):
    inputs = FULL_INPUTS["vault_kubernetes.yml"][1]
    env, _files = inject(_load("vault_kubernetes.yml"), inputs, str(tmp_path))
    assert inputs["jwt"] not in env.values()
    params, _no_log = _params(env, monkeypatch)
    assert (params["auth_role"], params["auth_mount_path"]) == ("awx", "kubernetes-prod")
    with open(params["jwt_file"]) as handle:
        assert handle.read() == inputs["jwt"]


@pytest.mark.parametrize("name", sorted(FULL_INPUTS))
def test_blank_optional_inputs_leave_the_options_unset(name, tmp_path, monkeypatch):
    credential_type = _load(name)
    method, full = FULL_INPUTS[name]
    required = dict((field, full[field]) for field in credential_type["inputs"]["required"])
    env, _files = inject(credential_type, required, str(tmp_path))
    params, _no_log = _params(env, monkeypatch)
    assert params["auth_method"] == method
    for option in ("namespace", "ca_cert", "jwt_file", "secret_id", "auth_mount_path"):
        # Modules read an empty variable as empty (the client treats it as unset); lookups as None
        # (tests/unit/plugins/plugin_utils); a blank JWT means the pod's own token.
        assert not params[option], option
    if method == "kubernetes":
        assert env["VAULT_JWT_FILE"] == ""
