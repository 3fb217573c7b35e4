"""The KMS plugin against each Vault server (OpenBao and HashiCorp Vault), without the apiserver: the
credentials vault_kms_credentials writes (token or AppRole) let it start, and a token whose policy lacks
decrypt makes it fail at startup, loudly, never half-way. Cheap: no cluster state changes."""

import os
import uuid

import pytest

from tests.integration.ansible_run import run_tasks
from tests.integration.encryption_support import plugin_binary


@pytest.fixture(scope="module")
def binary():
    return plugin_binary()


def plugin_task(binary, workdir, key, **auth):
    return {"name": "plugin", "secretops.provisioning.kms_plugin_process": dict(
        binary=binary, socket=os.path.join(workdir, "kms.sock"), vault_addr="{{ lookup('env', 'VAULT_ADDR') }}", key=key,
        pid_file=os.path.join(workdir, "plugin.pid"), log_file=os.path.join(workdir, "plugin.log"), **auth)}


def stop_task(binary, workdir, key, **auth):
    task = plugin_task(binary, workdir, key, **auth)
    task["secretops.provisioning.kms_plugin_process"]["state"] = "stopped"
    task["name"] = "stop"
    return task


@pytest.mark.parametrize("auth", ["token", "approle"])
def test_least_privilege_credentials_start_the_plugin(vault_server, local_env, binary, tmp_path, auth):
    key = "kms-it-" + uuid.uuid4().hex[:8]
    workdir = str(tmp_path)
    files = {"token_file": os.path.join(workdir, "token")} if auth == "token" else {
        "role_id_file": os.path.join(workdir, "role-id"), "secret_id_file": os.path.join(workdir, "secret-id")}
    setup = [
        {"secretops.provisioning.vault_secrets_engine": {"mount_point": "transit", "type": "transit"}},
        {"secretops.provisioning.vault_auth_method": {"mount_path": "approle", "type": "approle"}},
        {"secretops.provisioning.vault_transit_key": {"name": key}},
        {"name": "credentials", "secretops.provisioning.vault_kms_credentials": dict(key=key, auth=auth, **files)},
    ]
    run = run_tasks(setup + [plugin_task(binary, workdir, key, **files)], env=local_env.env)
    try:
        run.assert_ok()
        assert run.task("plugin")["changed"] and os.path.exists(os.path.join(workdir, "kms.sock"))
        again = run_tasks(setup + [plugin_task(binary, workdir, key, **files)], env=local_env.env).assert_ok()
        assert not again.task("credentials")["changed"] and not again.task("plugin")["changed"]
        log = open(os.path.join(workdir, "plugin.log")).read()
        assert "key id transit/%s:v1" % key in log
        for name in files.values():
            assert open(name).read().strip() not in log + run.output
    finally:
        run_tasks([stop_task(binary, workdir, key, **files)], env=local_env.env)


def test_a_token_without_decrypt_fails_at_startup(vault_server, vault_client, local_env, binary, tmp_path):
    key = "kms-it-" + uuid.uuid4().hex[:8]
    workdir = str(tmp_path)
    run_tasks([{"secretops.provisioning.vault_secrets_engine": {"mount_point": "transit", "type": "transit"}},
               {"secretops.provisioning.vault_transit_key": {"name": key}}], env=local_env.env).assert_ok()
    vault_client.sys.create_or_update_policy("kms-encrypt-only-" + key, 'path "transit/encrypt/%s" { capabilities = ["update"] }' % key)
    token = vault_client.auth.token.create(policies=["kms-encrypt-only-" + key], ttl="10m")["auth"]["client_token"]
    token_file = os.path.join(workdir, "token")
    with open(token_file, "w") as handle:
        handle.write(token)
    run = run_tasks([plugin_task(binary, workdir, key, token_file=token_file)], env=local_env.env)
    assert run.returncode != 0
    message = run.task("plugin")["msg"]
    assert "exited at startup" in message and "transit decrypt with key" in message and "permission denied" in message
    assert token not in run.output
