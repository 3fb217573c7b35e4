"""Encryption at rest end to end on the local cluster (real etcd, kube-apiserver, OpenBao, the KMS v2
plugin): Secrets are KMS v2 envelopes in etcd after the playbook (read raw from etcd, not through the
collection's verifier) and still readable through the API; a rotation moves everything to the new
key version, and retiring the old one is refused until then; the plugin down never means plaintext;
a migration killed half-way is finished by the next run; turning it off stores plaintext again.

The tests of this module share one state (in order), once per Vault server (OpenBao and HashiCorp
Vault: the plugin's Transit key lives there); the teardown turns encryption off, so the environment
is left as it was for every other test.
"""

import base64
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
import yaml
from kubernetes import client as k8s_client

from tests.conftest import REPO_ROOT
from tests.integration.ansible_run import ansible_env, run_tasks
from tests.integration.encryption_support import (
    KMS_PREFIX, PROVIDER, Encryption, etcd_delete_prefix, etcd_put, etcd_values, stored_secret,
)

VALUE = "enc-at-rest-" + uuid.uuid4().hex  # searched for in raw etcd values
OTHER_KEY = "secretops.provisioning.encryption_at_rest : Refuse another Transit key for the provider while etcd holds objects it sealed with a different one"
RETIRE = "secretops.provisioning.encryption_at_rest : Retire older key versions (refused while etcd still holds anything under them)"
MIGRATE = ("secretops.provisioning.encryption_at_rest : Wait for the apiserver to load it, then store every object under the current key "
           "(or in plaintext when turning off)")


@pytest.fixture(scope="module")
def encryption(vault_server, local_env, local_env_description, tmp_path_factory):
    """The suite's state, against each Vault server in turn (Transit on OpenBao, then on HashiCorp Vault)."""
    cluster = local_env_description["clusters"][0]
    if not cluster.get("encryption_config"):
        pytest.fail("the local environment's apiserver has no encryption config: restart it with this tree's localenv.py", pytrace=False)
    state = Encryption(cluster, local_env.env, str(tmp_path_factory.mktemp("kms")))
    yield state
    # Turn it off again (identity first, everything rewritten in plaintext), then identity only, then stop the plugin
    # (stopped even when turning off failed, so no plugin outlives the session).
    try:
        state.run(encryption_at_rest_mode="decrypt").assert_ok()
        state.run(encryption_at_rest_mode="identity").assert_ok()
    finally:
        run_tasks([{"secretops.provisioning.kms_plugin_process": dict(
            state="stopped", binary=state.binary, socket=os.path.join(state.plugin_dir, "kms.sock"), vault_addr=local_env.vault_addr,
            key=state.key_name, token_file=os.path.join(state.plugin_dir, "token"), pid_file=os.path.join(state.plugin_dir, "plugin.pid"),
            log_file=os.path.join(state.plugin_dir, "plugin.log"))}], env=local_env.env).assert_ok()


def make_secret(core, namespace, name):
    core.create_namespaced_secret(namespace, k8s_client.V1Secret(metadata=k8s_client.V1ObjectMeta(name=name), string_data={"v": VALUE}))


def read_value(core, namespace, name):
    return base64.b64decode(core.read_namespaced_secret(name, namespace).data["v"]).decode()


def run_killed_mid_migration(encryption, env, prefix, sealed_at_least=10):
    """Run the playbook and SIGKILL it (with its module processes) once etcd shows part of ``prefix`` sealed."""
    with open(encryption.vars_path, "w") as handle:
        yaml.safe_dump(encryption.role_vars(), handle)
    process = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,", "-c", "local",
                                "secretops.provisioning.encryption_at_rest", "-e", "@" + encryption.vars_path],
                               env=ansible_env(env), cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 240
    while process.poll() is None and time.monotonic() < deadline:
        if sum(1 for value in etcd_values(encryption.etcd, prefix).values() if value.startswith(KMS_PREFIX)) >= sealed_at_least:
            os.killpg(process.pid, signal.SIGKILL)
            break
        time.sleep(0.05)
    returncode = process.wait()
    assert returncode == -signal.SIGKILL, "the playbook ended by itself (rc=%s) before the kill" % returncode


def test_a_run_killed_mid_migration_is_finished_by_the_next_and_every_secret_is_sealed(encryption, namespace, k8s_api, local_env):
    core = k8s_client.CoreV1Api(k8s_api)
    for index in range(150):
        make_secret(core, namespace, "bulk-%03d" % index)
    assert VALUE.encode() in stored_secret(encryption.etcd, namespace, "bulk-000")  # plaintext before

    prefix = ("/registry/secrets/%s/bulk-" % namespace).encode()
    run_killed_mid_migration(encryption, local_env.env, prefix)
    values = etcd_values(encryption.etcd, prefix).values()
    assert 10 <= sum(1 for value in values if value.startswith(KMS_PREFIX)) < len(values), "the kill did not land mid-migration"

    run = encryption.run().assert_ok()
    assert run.task(MIGRATE)["key_id"] == encryption.key_id(1)
    make_secret(core, namespace, "after")
    for name in ("bulk-000", "bulk-149", "after"):
        raw = stored_secret(encryption.etcd, namespace, name)
        assert raw.startswith(KMS_PREFIX + PROVIDER.encode() + b":") and VALUE.encode() not in raw
        assert encryption.key_id(1).encode() in raw
        assert read_value(core, namespace, name) == VALUE
    # Every Secret of the cluster, not only the test's.
    assert all(value.startswith(KMS_PREFIX) for value in etcd_values(encryption.etcd, b"/registry/secrets/").values())
    assert VALUE not in run.output

    again = encryption.run().assert_ok()
    assert "changed=0" in again.stdout


def test_rotation_migrates_everything_and_only_then_retires_the_old_version(encryption, namespace, k8s_api, local_env):
    core = k8s_client.CoreV1Api(k8s_api)
    make_secret(core, namespace, "rotated")
    key = dict(encryption.etcd, name=encryption.key_name)
    refused = run_tasks([
        {"name": "rotate", "secretops.provisioning.vault_transit_key": dict(key, rotate=True)},
        {"name": "retire", "secretops.provisioning.vault_transit_key": dict(key, min_decryption_version=2)},
    ], env=local_env.env)
    assert refused.returncode != 0
    assert "still holds objects under older versions (%s:" % encryption.key_id(1) in refused.task("retire")["msg"]

    # An object of a resource the role does not list, still under v1 (written raw into etcd, at a path no apiserver
    # serves): the guard reads the whole store, so it holds v1 back while that object is there.
    unlisted = ("/registry/unlisted.example.com/widgets/%s/w0" % namespace).encode()
    etcd_put(encryption.etcd, unlisted, stored_secret(encryption.etcd, namespace, "rotated"))
    try:
        held = encryption.run(encryption_at_rest_retire_old_versions=True)
        assert held.returncode != 0 and "(%s: 1)" % encryption.key_id(1) in held.task(RETIRE)["msg"], held.task(RETIRE)
        assert all(encryption.key_id(2).encode() in value for value in etcd_values(encryption.etcd, b"/registry/secrets/").values())
    finally:
        etcd_delete_prefix(encryption.etcd, unlisted)
    encryption.run(encryption_at_rest_retire_old_versions=True).assert_ok()
    stored = etcd_values(encryption.etcd, b"/registry/secrets/")
    assert stored and all(encryption.key_id(2).encode() in value for value in stored.values())
    assert read_value(core, namespace, "rotated") == VALUE


def test_another_transit_key_for_the_provider_is_refused_while_etcd_holds_what_it_sealed(encryption, namespace, k8s_api, local_env):
    core = k8s_client.CoreV1Api(k8s_api)
    make_secret(core, namespace, "kept-readable")
    pid = encryption.plugin_pid()
    other = encryption.key_name + "-other"
    refused = encryption.run(encryption_at_rest_key_name=other)
    assert refused.returncode != 0
    message = refused.task(OTHER_KEY)["msg"]
    assert "sealed with another key than transit/%s (transit/%s:v" % (other, encryption.key_name) in message, message
    # Refused before anything changed: the plugin runs on as it was, and what it sealed reads back.
    assert encryption.plugin_pid() == pid and read_value(core, namespace, "kept-readable") == VALUE
    assert "changed=0" in refused.stdout


def test_plugin_down_never_stores_plaintext_and_is_reported_unhealthy(encryption, namespace, k8s_api, local_env):
    core = k8s_client.CoreV1Api(k8s_api)
    os.kill(encryption.plugin_pid(), signal.SIGTERM)
    try:
        make_secret(core, namespace, "while-down")
        raw = stored_secret(encryption.etcd, namespace, "while-down")
        # The apiserver seals with its cached data key, or refuses the write: never plaintext.
        assert raw is None or (raw.startswith(KMS_PREFIX) and VALUE.encode() not in raw)
        deadline = time.monotonic() + 90
        while True:
            report = run_tasks([{"name": "info", "secretops.provisioning.k8s_encryption_info": {
                **encryption.etcd, "check_health": True, "fail_on": ["unhealthy"]}}], env=local_env.env)
            if report.returncode != 0 or time.monotonic() > deadline:
                break
            time.sleep(5)
        assert report.returncode != 0 and report.task("info")["kms_healthy"] is False
        assert "KMS provider unhealthy" in report.task("info")["msg"]
    finally:
        encryption.run().assert_ok()  # starts the plugin again
    assert read_value(core, namespace, "while-down") == VALUE
