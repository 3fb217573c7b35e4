"""The simpler mode of encryption at rest end to end on the local cluster (real etcd and kube-apiserver,
OpenBao KV): a secretbox key generated once into Vault KV, Secrets and ConfigMaps sealed under it in etcd
(read raw, not through the collection's verifier), a rotation that leaves nothing under the old key name
and drops it from the configuration and KV, served values unchanged, and the key never in any output.

The tests share one state (in order); the teardown turns encryption off again (decrypt, then identity).
"""

import base64
import os
import stat
import uuid

import hvac
import pytest
import yaml
from kubernetes import client as k8s_client

from tests.conftest import REPO_ROOT
from tests.integration.ansible_run import run_ansible_playbook, run_tasks
from tests.integration.encryption_support import etcd_options, etcd_role_vars, etcd_values

VALUE = "enc-static-" + uuid.uuid4().hex
RESOURCES = ["secrets", "configmaps"]
PREFIX = b"k8s:enc:secretbox:v1:"


class Static(object):
    def __init__(self, cluster, local_env, workdir):
        self.etcd = etcd_options(cluster)
        self.config_path = cluster["encryption_config"]
        self.env = local_env.env
        self.kv_path = "it/encryption-at-rest-%s" % uuid.uuid4().hex[:8]
        self.vars_path = os.path.join(workdir, "vars.yml")
        self.vault = hvac.Client(url=local_env.vault_addr, token=local_env.vault_token)

    def run(self, **extra):
        values = {"secretops_encryption_provider": "secretbox", "encryption_at_rest_key_kv_path": "secret/" + self.kv_path,
                  "encryption_at_rest_resources": RESOURCES, "encryption_at_rest_config_path": self.config_path,
                  "encryption_at_rest_wait_timeout": 120}
        values.update(etcd_role_vars(self.etcd), **extra)
        with open(self.vars_path, "w") as handle:
            yaml.safe_dump(values, handle)
        return run_ansible_playbook("secretops.provisioning.encryption_at_rest", ["-e", "@" + self.vars_path], env=self.env,
                                    cwd=REPO_ROOT, timeout=600)

    def keys(self):
        return self.vault.secrets.kv.v2.read_secret_version(path=self.kv_path, mount_point="secret",
                                                            raise_on_deleted_version=True)["data"]["data"]["keys"]

    def stored(self, resource):
        return etcd_values(self.etcd, ("/registry/%s/" % resource).encode())


@pytest.fixture(scope="module")
def static(local_env, local_env_description, tmp_path_factory):
    cluster = local_env_description["clusters"][0]
    state = Static(cluster, local_env, str(tmp_path_factory.mktemp("static")))
    yield state
    state.run(encryption_at_rest_mode="decrypt").assert_ok()
    state.run(encryption_at_rest_mode="identity").assert_ok()
    assert all(not value.startswith(b"k8s:enc:") for resource in RESOURCES for value in state.stored(resource).values())


def make_objects(core, namespace, name):
    core.create_namespaced_secret(namespace, k8s_client.V1Secret(metadata=k8s_client.V1ObjectMeta(name=name), string_data={"v": VALUE}))
    core.create_namespaced_config_map(namespace, k8s_client.V1ConfigMap(metadata=k8s_client.V1ObjectMeta(name=name), data={"v": VALUE}))


def served(core, namespace, name):
    secret = base64.b64decode(core.read_namespaced_secret(name, namespace).data["v"]).decode()
    return secret, core.read_namespaced_config_map(name, namespace).data["v"]


def assert_sealed_under(static, key_name, namespace):
    for resource in RESOURCES:
        stored = static.stored(resource)
        assert stored and all(value.startswith(PREFIX + key_name.encode() + b":") for value in stored.values()), resource
        assert not any(VALUE.encode() in value for value in stored.values())
        assert any(("/%s/" % namespace).encode() in key for key in stored)


def assert_no_key_in(static, text):
    for key in static.keys():
        assert key["secret"] not in text and base64.b64decode(key["secret"]).hex() not in text


def test_switch_on_seals_secrets_and_configmaps_under_the_kv_key(static, namespace, k8s_api, local_env):
    core = k8s_client.CoreV1Api(k8s_api)
    make_objects(core, namespace, "before")
    assert VALUE.encode() in static.stored("configmaps")[("/registry/configmaps/%s/before" % namespace).encode()]

    run = static.run().assert_ok()
    keys = static.keys()
    assert len(keys) == 1 and keys[0]["type"] == "secretbox" and len(base64.b64decode(keys[0]["secret"])) == 32
    assert stat.S_IMODE(os.stat(static.config_path).st_mode) == 0o600
    make_objects(core, namespace, "after")
    assert_sealed_under(static, keys[0]["name"], namespace)
    assert served(core, namespace, "before") == served(core, namespace, "after") == (VALUE, VALUE)
    assert_no_key_in(static, run.output)

    info = run_tasks([{"name": "info", "secretops.provisioning.k8s_encryption_info": {
        **static.etcd, "resources": RESOURCES, "fail_on": ["plaintext", "mixed_keys"]}}], env=local_env.env).assert_ok()
    counts = info.task("info")["resources"]
    for resource in RESOURCES:
        assert counts[resource]["providers"] == {"secretbox:" + keys[0]["name"]: counts[resource]["total"]}
    assert_no_key_in(static, info.output)

    again = static.run().assert_ok()
    assert "changed=0" in again.stdout


def test_rotation_moves_everything_to_the_new_key_and_drops_the_old(static, namespace, k8s_api, local_env):
    core = k8s_client.CoreV1Api(k8s_api)
    old = static.keys()[0]
    make_objects(core, namespace, "before")
    assert_sealed_under(static, old["name"], namespace)
    # Retiring while everything is still under the only key is a no-op; a rotation adds a key first.
    run = static.run(encryption_at_rest_rotate=True, encryption_at_rest_retire_old_versions=True).assert_ok()
    keys = static.keys()
    assert len(keys) == 1 and keys[0]["name"] != old["name"] and keys[0]["secret"] != old["secret"]
    assert_sealed_under(static, keys[0]["name"], namespace)
    for resource in RESOURCES:
        assert not any((PREFIX + old["name"].encode() + b":") in value for value in static.stored(resource).values())
    with open(static.config_path) as handle:
        assert old["name"] not in handle.read()
    make_objects(core, namespace, "after")
    assert served(core, namespace, "before") == served(core, namespace, "after") == (VALUE, VALUE)
    assert old["secret"] not in run.output and keys[0]["secret"] not in run.output
    assert base64.b64decode(old["secret"]).hex() not in run.output


def test_retiring_is_refused_while_etcd_holds_objects_under_the_old_key(static, local_env):
    # A rotation without migration: the new key is first, the old one still seals everything.
    current = static.keys()[0]["name"]
    task = {"path": "secret/" + static.kv_path, "type": "secretbox", "config_path": static.config_path, "resources": RESOURCES,
            **static.etcd}
    run = run_tasks([{"name": "rotate", "secretops.provisioning.vault_encryption_key": dict(task, rotate=True)},
                     {"name": "retire", "secretops.provisioning.vault_encryption_key": dict(task, retire_old_keys=True)}],
                    env=local_env.env)
    assert run.returncode != 0
    assert "etcd still holds objects under them (secretbox:%s:" % current in run.task("retire")["msg"]
    assert len(static.keys()) == 2
    assert_no_key_in(static, run.output)
    # The next role run finishes the rotation (no third key) and retires the old one.
    static.run(encryption_at_rest_rotate=True, encryption_at_rest_retire_old_versions=True).assert_ok()
    assert len(static.keys()) == 1 and static.keys()[0]["name"] != current


def test_etcd_answers_only_a_client_certificate_from_its_own_ca(local_env, local_env_description):
    """etcd serves here as on a kubeadm host (mutual TLS, a CA of its own): the collection reads it with the
    apiserver's etcd client certificate, and a refused read names the options to check, and nothing else."""
    cluster = local_env_description["clusters"][0]
    etcd, pki_dir = etcd_options(cluster), cluster["pki_dir"]
    attempts = {
        "etcd's client certificate": etcd,
        "no client certificate": dict(etcd, etcd_client_cert=None, etcd_client_key=None),
        "the cluster CA's admin certificate": dict(etcd, etcd_client_cert=os.path.join(pki_dir, "admin.crt"),
                                                   etcd_client_key=os.path.join(pki_dir, "admin.key")),
        "the system's CAs": dict(etcd, etcd_ca_cert=None),
    }
    run = run_tasks([{"name": name, "ignore_errors": True, "secretops.provisioning.k8s_encryption_info": dict(
        {key: value for key, value in options.items() if value}, resources=["secrets"])} for name, options in attempts.items()],
        env=local_env.env)
    assert run.task("etcd's client certificate")["resources"]["secrets"]["total"] > 0
    for name in list(attempts)[1:]:
        result = run.task(name)
        assert "resources" not in result and result["msg"].startswith("cannot read etcd at %s (" % etcd["etcd_url"]), (name, result)
        assert result["msg"].endswith("check etcd_url and the etcd TLS options"), (name, result)
