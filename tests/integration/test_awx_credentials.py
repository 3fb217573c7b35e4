"""The Kubernetes auth credential type against the real servers: a job whose only Vault
configuration is what AWX injects from it (the JWT as a file) logs in, in modules and lookups alike.
The token and AppRole types run the playbooks in test_awx_runner.py."""

import os

import yaml

from tests.conftest import REPO_ROOT
from tests.integration.ansible_run import run_tasks
from tests.integration import test_vault_k8s_auth as k8s_auth_tests
from tests.unit.extensions.awx.awx_rules import inject

# Kubernetes auth on the real servers: a mount, a role bound to the service account "app", a secret it may read.
k8s_auth_setup = k8s_auth_tests.k8s_auth_setup


def _credential_type(name):
    with open(os.path.join(REPO_ROOT, "extensions", "awx", "credential_types", name)) as handle:
        return yaml.safe_load(handle)


def test_kubernetes_auth_credential_logs_in_with_the_injected_jwt_file(local_env, k8s_auth_setup, tmp_path):
    setup = k8s_auth_setup
    jwt = k8s_auth_tests._token(setup["core"], setup["namespace"], "app", [k8s_auth_tests.AUDIENCE], 600)
    env, files = inject(_credential_type("vault_kubernetes.yml"),
                        {"vault_addr": local_env.vault_addr, "auth_role": setup["app"], "auth_mount_path": setup["mount"], "jwt": jwt},
                        str(tmp_path))
    assert jwt in files.values() and jwt not in env.values()
    # Only the credential: no VAULT_TOKEN, no ~/.vault-token (another HOME).
    job_env = dict(env, KUBECONFIG=local_env.kubeconfig, HOME=str(tmp_path))
    tasks = [
        # The role's policy reads data only: the module logs in and reads the data; the metadata it may not read is left out.
        {"name": "info", "secretops.provisioning.vault_kv_info": {"path": "secret/%s/db" % setup["app"]}, "register": "r"},
        {"name": "lookup", "ansible.builtin.set_fact": {
            "v": "{{ lookup('secretops.provisioning.vault_kv', 'secret/%s/db', field='password') }}" % setup["app"]}},
    ]
    run = run_tasks(tasks, env=job_env, extra_args=["-vvvv"]).assert_ok()
    info = run.task("info")
    assert info["exists"] is True and "secret_metadata" not in info
    assert "secret/metadata/%s/db" % setup["app"] in info["secret_metadata_note"]
    assert run.task("lookup")["ansible_facts"]["v"] == setup["value"]
    assert jwt not in run.output
