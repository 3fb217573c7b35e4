"""secret_sync against the real apiserver and each Vault server (OpenBao, HashiCorp Vault): Vault fields that are not strings, and the
k8s_secret checks refusing a Secret before anything is written to Vault."""

import base64
import json

import hvac
import pytest
from kubernetes import client as k8s_client

from tests.integration.ansible_run import run_tasks
from tests.integration.test_roles_support import kv_current, secret_data
from tests.pki_material import load_pki


@pytest.fixture(scope="module")
def pki():
    return load_pki()


def sync(namespace, name, vault_path, **options):
    return {"name": "sync", "secretops.provisioning.secret_sync": dict({"name": name, "namespace": namespace, "vault_path": vault_path}, **options)}


def decoded(data):
    return dict((key, base64.b64decode(value).decode("utf-8")) for key, value in data.items())


def test_fields_that_are_not_strings_sync_as_json_text(local_env, namespace, vault_client, k8s_api):
    path = "it/%s/cfg" % namespace
    stored = {"enabled": True, "limits": {"rps": 10, "paths": ["/a", "/b"]}, "port": 5432, "ratio": 0.25, "name": "shop"}
    vault_client.secrets.kv.v2.create_or_update_secret(path=path, secret=stored, mount_point="secret")
    run = run_tasks([sync(namespace, "cfg", "secret/" + path, values={"debug": False})], env=local_env.env).assert_ok()
    result = run.task("sync")
    version, data = kv_current(vault_client, path)
    assert version == 2 and data == dict(stored, debug=False), "KV keeps JSON types: a boolean stays a boolean"
    secret, metadata = secret_data(k8s_api, namespace, "cfg")
    assert decoded(secret) == {"enabled": "true", "limits": '{"paths":["/a","/b"],"rps":10}', "port": "5432", "ratio": "0.25",
                               "name": "shop", "debug": "false"}
    assert json.loads(decoded(secret)["limits"]) == stored["limits"]
    assert metadata.annotations == {"secretops.io/vault-path": "secret/" + path, "secretops.io/vault-version": "2"}
    assert "checksum" not in result and result["data_keys"] == ["debug", "enabled", "limits", "name", "port", "ratio"]
    again = run_tasks([sync(namespace, "cfg", "secret/" + path, values={"debug": False})], env=local_env.env).assert_ok()
    assert again.task("sync")["changed"] is False and kv_current(vault_client, path)[0] == 2


def test_tls_with_a_key_that_does_not_match_changes_neither_vault_nor_the_secret(local_env, namespace, vault_client, k8s_api, pki):
    path = "it/%s/tls" % namespace
    good = {"cert": pki.chain_pem, "key": pki.key_pem}
    run_tasks([sync(namespace, "web-tls", "secret/" + path, type="tls", values=good)], env=local_env.env).assert_ok()
    version, before = kv_current(vault_client, path)
    secret_before, meta_before = secret_data(k8s_api, namespace, "web-tls")
    assert version == 1 and decoded(secret_before)["tls.key"] == pki.key_pem
    for case, values, message in (
        ("key does not match", {"cert": pki.chain_pem, "key": pki.other_key_pem}, "tls.key does not match the certificate in tls.crt"),
        ("chain order", {"cert": pki.reversed_chain_pem, "key": pki.key_pem}, "tls.crt is in the wrong order"),
    ):
        run = run_tasks([sync(namespace, "web-tls", "secret/" + path, type="tls", values=values)], env=local_env.env)
        assert run.returncode != 0, case
        assert message in run.task("sync")["msg"] and run.task("sync")["msg"].startswith("secret web-tls: "), case
        assert kv_current(vault_client, path) == (version, before), case
        secret_after, meta_after = secret_data(k8s_api, namespace, "web-tls")
        assert secret_after == secret_before and meta_after.resource_version == meta_before.resource_version, case
        assert "PRIVATE KEY" not in run.output and pki.other_key_pem.splitlines()[1] not in run.output, case
    rotation = {"name": "rotate", "secretops.provisioning.secret_rotation": {
        "name": "web-tls", "namespace": namespace, "type": "tls", "vault_path": "secret/" + path, "new_values": {"key": pki.other_key_pem}}}
    run = run_tasks([rotation], env=local_env.env)
    assert run.returncode != 0 and "tls.key does not match the certificate in tls.crt" in run.task("rotate")["msg"]
    assert kv_current(vault_client, path) == (version, before), "the rotation path checks before its Vault write too"
    assert secret_data(k8s_api, namespace, "web-tls")[1].resource_version == meta_before.resource_version
    assert pki.other_key_pem.splitlines()[1] not in run.output


def test_a_new_secret_that_fails_its_checks_is_never_seeded(local_env, namespace, vault_client, k8s_api, pki):
    path = "it/%s/new-tls" % namespace
    values = {"cert": pki.leaf_pem, "key": pki.other_key_pem}
    run = run_tasks([sync(namespace, "new-tls", "secret/" + path, type="tls", values=values)], env=local_env.env)
    assert run.returncode != 0 and "tls.key does not match" in run.task("sync")["msg"]
    with pytest.raises(hvac.exceptions.InvalidPath):
        vault_client.secrets.kv.v2.read_secret_version(path=path, mount_point="secret", raise_on_deleted_version=True)
    with pytest.raises(k8s_client.ApiException) as missing:
        k8s_client.CoreV1Api(k8s_api).read_namespaced_secret("new-tls", namespace)
    assert missing.value.status == 404


def test_a_soft_deleted_current_version_is_seeded_again_like_vault_kv_only_if_missing(local_env, namespace, vault_client, k8s_api):
    """vault kv delete leaves the metadata and a current version whose data is gone: secret_sync
    used to write cas=0 there, which Vault refuses for ever; it seeds it as vault_kv only_if_missing does."""
    path = "it/%s/softdel" % namespace
    vault_client.secrets.kv.v2.create_or_update_secret(path=path, secret={"password": "deleted-value"}, mount_point="secret")
    vault_client.secrets.kv.v2.delete_latest_version_of_secret(path=path, mount_point="secret")
    unseeded = run_tasks([sync(namespace, "softdel", "secret/" + path, seed=False)], env=local_env.env)
    assert unseeded.returncode != 0
    assert unseeded.task("sync")["msg"] == ("secret softdel: nothing in Vault at secret/%s (its current version 1 is deleted: undelete it "
                                            "to keep its value): give fields to seed it" % path)
    seeded = run_tasks([sync(namespace, "softdel", "secret/" + path, generate={"password": {"length": 24}})], env=local_env.env).assert_ok()
    result = seeded.task("sync")
    assert result["vault_changed"] and result["written_fields"] == ["password"] and result["vault_version"] == 2
    version, data = kv_current(vault_client, path)
    assert version == 2 and len(data["password"]) == 24
    secret, metadata = secret_data(k8s_api, namespace, "softdel")
    assert decoded(secret) == data and metadata.annotations["secretops.io/vault-version"] == "2"
    again = run_tasks([sync(namespace, "softdel", "secret/" + path, generate={"password": {"length": 24}})], env=local_env.env).assert_ok()
    assert again.task("sync")["changed"] is False and kv_current(vault_client, path) == (2, data)
    for run in (unseeded, seeded, again):
        assert "deleted-value" not in run.output and data["password"] not in run.output


def rotation(namespace, name, vault_path, **options):
    return {"name": "rotate", "secretops.provisioning.secret_rotation": dict({"name": name, "namespace": namespace, "vault_path": vault_path},
                                                                             **options)}


def assert_value_free_secret_diff(diff, ref, values):
    text = json.dumps(diff)
    for value in values:
        assert value not in text and base64.b64encode(value.encode()).decode() not in text
    assert diff["before_header"] == diff["after_header"] == "Secret %s" % ref
    return diff["before"], diff["after"]


def test_sync_and_rotation_show_value_free_per_secret_diffs(local_env, namespace, vault_client, k8s_api):
    # issue 22: --check --diff of provision showed the main step only as "changed"
    path = "it/%s/diffed" % namespace
    given = "given-%s" % namespace
    generate = {"password": {"length": 24}}
    checked = run_tasks([sync(namespace, "db", "secret/" + path, values={"username": given}, generate=generate),
                         {"name": "bulk", "secretops.provisioning.secret_sync": {
                             "namespace": namespace, "secrets": [{"name": "db2", "vault_path": "secret/" + path + "2", "values": {"user": given}}]}}],
                        env=local_env.env, check=True, diff=True).assert_ok()
    before, after = assert_value_free_secret_diff(checked.task("sync")["diff"], "%s/db" % namespace, [given])
    assert before == {} and sorted(after["data"]) == ["password", "username"] and after["data"]["username"].endswith("(added)")
    assert after["metadata"]["annotations"]["secretops.io/vault-path"] == "secret/" + path
    bulk = checked.task("bulk")["diff"]
    assert len(bulk) == 1 and "diff" not in checked.task("bulk")["results"][0]
    assert_value_free_secret_diff(bulk[0], "%s/db2" % namespace, [given])

    run_tasks([sync(namespace, "db", "secret/" + path, values={"username": given}, generate=generate)], env=local_env.env).assert_ok()
    old = kv_current(vault_client, path)[1]["password"]
    rotated = run_tasks([rotation(namespace, "db", "secret/" + path, generate=generate),
                         {"name": "bulk", "secretops.provisioning.secret_rotation": {
                             "namespace": namespace, "generate": generate, "secrets": [{"name": "db", "vault_path": "secret/" + path}]}}],
                        env=local_env.env, check=True, diff=True).assert_ok()
    before, after = assert_value_free_secret_diff(rotated.task("rotate")["diff"], "%s/db" % namespace, [given, old])
    assert after["data"]["password"].endswith("(changed)") and after["data"]["username"] == before["data"]["username"]
    assert before["metadata"]["annotations"]["secretops.io/vault-version"] == "1"
    assert after["metadata"]["annotations"]["secretops.io/vault-version"] == "2"
    assert len(rotated.task("bulk")["diff"]) == 1
    # without --diff, no diff
    assert "diff" not in run_tasks([rotation(namespace, "db", "secret/" + path, generate=generate)], env=local_env.env,
                                   check=True).assert_ok().task("rotate")
