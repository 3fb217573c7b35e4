"""The list forms of secret_sync and secret_rotation against the real apiserver and OpenBao: many
secrets in one module run, per-item results and failures, check mode, no value in the output."""

import base64

import hvac
import pytest

from tests.integration.ansible_run import run_tasks
from tests.integration.test_roles_support import kv_current, secret_data

COUNT = 6


def items(namespace, count=COUNT):
    return [{"name": "s%d" % index, "type": "basic-auth", "vault_path": "it/%s/s%d" % (namespace, index),
             "values": {"username": "user%d" % index}, "generate": {"password": {"length": 20}}} for index in range(count)]


def sync_all(namespace, secrets, **options):
    return {"name": "sync", "secretops.provisioning.secret_sync": dict(
        {"namespace": namespace, "mount_point": "secret", "secrets": secrets}, **options)}


def rotate_all(namespace, secrets, **options):
    return {"name": "rotate", "secretops.provisioning.secret_rotation": dict(
        {"namespace": namespace, "mount_point": "secret", "secrets": secrets}, **options)}


def decoded_password(k8s_api, namespace, name):
    return base64.b64decode(secret_data(k8s_api, namespace, name)[0]["password"]).decode()


def without_values(secrets):
    return [dict((key, value) for key, value in secret.items() if key != "values") for secret in secrets]


def test_sync_list_seeds_and_syncs_every_item_then_changes_nothing(local_env, namespace, vault_client, k8s_api):
    check = run_tasks([sync_all(namespace, items(namespace))], env=local_env.env, check=True).assert_ok()
    assert check.task("sync")["changed"] and all(result["vault_changed"] for result in check.task("sync")["results"])
    with pytest.raises(hvac.exceptions.InvalidPath):
        kv_current(vault_client, "it/%s/s0" % namespace)

    run = run_tasks([sync_all(namespace, items(namespace))], env=local_env.env).assert_ok()
    results = run.task("sync")["results"]
    assert [result["name"] for result in results] == ["s%d" % index for index in range(COUNT)], "input order"
    assert all(result["secret"] == {"name": result["name"], "namespace": namespace} for result in results)
    for index in range(COUNT):
        version, data = kv_current(vault_client, "it/%s/s%d" % (namespace, index))
        assert version == 1 and data["username"] == "user%d" % index
        assert decoded_password(k8s_api, namespace, "s%d" % index) == data["password"]
        assert data["password"] not in run.output
    again = run_tasks([sync_all(namespace, items(namespace))], env=local_env.env).assert_ok()
    assert again.task("sync")["changed"] is False and not any(result["changed"] for result in again.task("sync")["results"])


def test_sync_list_reports_a_failed_item_and_goes_on_with_the_others(local_env, namespace, vault_client, k8s_api):
    secrets = items(namespace, 3)
    secrets[1] = {"name": "s1", "vault_path": "it/%s/s1" % namespace, "seed": False}  # nothing in Vault to sync
    run = run_tasks([sync_all(namespace, secrets)], env=local_env.env)
    assert run.returncode != 0
    result = run.task("sync")
    assert "1 of 3 secrets failed: secrets[1] (%s/s1): secret s1: nothing in Vault" % namespace in result["msg"]
    assert [entry.get("failed", False) for entry in result["results"]] == [False, True, False]
    for name in ("s0", "s2"):
        password = kv_current(vault_client, "it/%s/%s" % (namespace, name))[1]["password"]
        assert decoded_password(k8s_api, namespace, name) == password and password not in run.output


def test_rotation_list_rotates_every_item_once_and_a_rerun_skips_them(local_env, namespace, vault_client, k8s_api):
    run_tasks([sync_all(namespace, items(namespace))], env=local_env.env).assert_ok()
    before = dict((index, kv_current(vault_client, "it/%s/s%d" % (namespace, index))[1]) for index in range(COUNT))

    check = run_tasks([rotate_all(namespace, without_values(items(namespace)))], env=local_env.env, check=True).assert_ok()
    assert all(entry["new_version"] == 2 for entry in check.task("rotate")["rotations"])
    assert all(kv_current(vault_client, "it/%s/s%d" % (namespace, index))[0] == 1 for index in range(COUNT)), "check mode writes nothing"

    run = run_tasks([rotate_all(namespace, without_values(items(namespace)))], env=local_env.env).assert_ok()
    rotations = run.task("rotate")["rotations"]
    assert [(entry["name"], entry["old_version"], entry["new_version"]) for entry in rotations] == \
        [("s%d" % index, 1, 2) for index in range(COUNT)]
    for index in range(COUNT):
        version, data = kv_current(vault_client, "it/%s/s%d" % (namespace, index))
        assert version == 2 and data["password"] != before[index]["password"] and data["username"] == before[index]["username"]
        assert decoded_password(k8s_api, namespace, "s%d" % index) == data["password"]
        assert secret_data(k8s_api, namespace, "s%d" % index)[1].annotations["secretops.io/vault-version"] == "2"
        assert data["password"] not in run.output and before[index]["password"] not in run.output

    scheduled = run_tasks([rotate_all(namespace, without_values(items(namespace)), only_if_older_than="1h")], env=local_env.env).assert_ok()
    task = scheduled.task("rotate")
    assert task["changed"] is False and all(entry["skipped"] for entry in task["rotations"])
    assert "skipping:" not in scheduled.stdout, "a run where every secret is skipped is still an ok task"


def test_rotation_list_resumes_a_secret_behind_vault_and_fails_only_the_missing_one(local_env, namespace, vault_client, k8s_api):
    run_tasks([sync_all(namespace, items(namespace, 2))], env=local_env.env).assert_ok()
    vault_client.secrets.kv.v2.create_or_update_secret(path="it/%s/s0" % namespace, secret={"username": "user0", "password": "p2-x"},
                                                       mount_point="secret")
    secrets = without_values(items(namespace, 2)) + [{"name": "gone", "vault_path": "it/%s/gone" % namespace, "generate": {"k": {}}}]
    run = run_tasks([rotate_all(namespace, secrets, only_if_older_than="1h")], env=local_env.env)
    assert run.returncode != 0
    task = run.task("rotate")
    first, second, missing = task["rotations"]
    assert first["resumed"] and first["reason"] == "finished an interrupted rotation: the Secret had version 1, Vault 2"
    assert decoded_password(k8s_api, namespace, "s0") == "p2-x"
    assert second["skipped"] and not second["changed"]
    assert missing["failed"] and "nothing in Vault at secret/it/%s/gone to rotate" % namespace in missing["msg"]
    assert "1 of 3 secrets failed" in task["msg"] and "p2-x" not in run.output
