"""Role argument specs: secret-bearing options are no_log, and a wrong-typed one fails validation
without its value in the output (a real ansible-playbook run; the validation fails before any server is reached)."""

import os

import pytest
import yaml

from tests.conftest import REPO_ROOT
from tests.integration.ansible_run import run_playbook

# role -> paths (option names, "[]" for list items) of the options that hold secret values or credentials
SECRET_OPTIONS = {
    "app_secrets": [("app_secrets_applications", "secrets", "values"), ("app_secrets_vault",)],
    "vault_k8s_auth": [("vault_k8s_auth_applications", "secrets")],
    "secret_audit": [("secret_audit_vault",)],
}


def option(role, path):
    with open(os.path.join(REPO_ROOT, "roles", role, "meta", "argument_specs.yml")) as handle:
        options = yaml.safe_load(handle)["argument_specs"]["main"]["options"]
    spec = None
    for name in path:
        spec = options[name]
        options = spec.get("options", {})
    return spec


@pytest.mark.parametrize("role, path", [(role, path) for role, paths in SECRET_OPTIONS.items() for path in paths])
def test_secret_bearing_options_are_no_log(role, path):
    assert option(role, path).get("no_log") is True, "%s: %s" % (role, " -> ".join(path))


def role_play(role, variables):
    return [{"name": "validate", "hosts": "localhost", "gather_facts": False, "roles": [{"role": "secretops.provisioning." + role, "vars": variables}]}]


APP = {"name": "shop", "namespace": "shop", "service_account": "app"}


@pytest.mark.parametrize("role, variables", [
    ("app_secrets", {"app_secrets_applications": [dict(APP, secrets=[{"name": "db", "vault_path": "shop/db", "values": ["SENTINEL-value-1"]}])]}),
    ("app_secrets", {"app_secrets_applications": [dict(APP, secrets=[{"name": "db", "vault_path": "shop/db", "values": "SENTINEL-value-2"}])]}),
    ("app_secrets", {"app_secrets_applications": [dict(APP, secrets=[{"name": "db", "vault_path": "shop/db", "values": "{SENTINEL-value-3"}])]}),
    ("app_secrets", {"app_secrets_applications": [APP], "app_secrets_vault": ["SENTINEL-token-4"]}),
    ("app_secrets", {"app_secrets_applications": [APP], "app_secrets_vault": "SENTINEL-token-5"}),
    ("vault_k8s_auth", {"vault_k8s_auth_applications": [dict(APP, secrets={"vault_path": "shop/db", "values": {"password": "SENTINEL-value-6"}})]}),
])
def test_a_wrong_typed_secret_option_fails_validation_without_its_value(role, variables):
    for verbosity in ([], ["-vvv"]):
        run = run_playbook(role_play(role, variables), extra_args=verbosity)
        assert run.returncode != 0 and "Validation of arguments failed" in run.output, run.output[-3000:]
        assert "SENTINEL" not in run.output, run.output[-3000:]
