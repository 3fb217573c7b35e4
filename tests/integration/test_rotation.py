"""Rotation against the real apiserver and each Vault server (OpenBao, HashiCorp Vault): the issue's failure cases."""

import base64
import uuid

import pytest
from kubernetes import client as k8s_client

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import build_client
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.secret_service import SecretService
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import service
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import build_client as build_vault_client
from tests.integration.test_roles_support import (
    WriteRefusingProxy, consumer_deployment, create, kv_current, make_rollouts_fail, report_of, run_collection_playbook,
    sample_app, secret_data, summary_of, wait_available,
)


def provision(local_env, namespace, k8s_api):
    app = sample_app(namespace)
    run_collection_playbook("provision", dict(app, app_secrets_vault_access=False), local_env.env).assert_ok()
    create(k8s_api, consumer_deployment(namespace))
    wait_available(k8s_api, namespace, "web")
    return app


def test_rotation_rotates_restarts_once_and_reports(local_env, namespace, k8s_api, vault_client):
    app = provision(local_env, namespace, k8s_api)
    before_version, before = kv_current(vault_client, "it/%s/db" % namespace)
    run = run_collection_playbook("rotate", app, local_env.env).assert_ok()
    version, after = kv_current(vault_client, "it/%s/db" % namespace)
    assert version == before_version + 1 and after["password"] != before["password"] and after["username"] == before["username"]
    data, metadata = secret_data(k8s_api, namespace, "db")
    assert base64.b64decode(data["password"]).decode() == after["password"]
    assert metadata.annotations["secretops.io/vault-version"] == str(version)
    report = report_of(run)
    assert report["outcome"] == "rotated"
    assert [(r["kind"], r["name"], r["outcome"]) for r in report["restarts"]] == [("Deployment", "web", "complete")]
    assert sorted(report["restarts"][0]["secrets"]) == ["config", "db"]
    deployment = k8s_client.AppsV1Api(k8s_api).read_namespaced_deployment("web", namespace)
    assert deployment.metadata.generation == 2, "one restart for two rotated Secrets"
    assert after["password"] not in run.output and after["password"] not in summary_of(run)
    assert "db (secret/it/%s/db): v1 -> v2" % namespace in summary_of(run)


def test_failed_rollout_rolls_back_vault_and_secret(local_env, namespace, k8s_api, vault_client):
    app = provision(local_env, namespace, k8s_api)
    version, before = kv_current(vault_client, "it/%s/db" % namespace)
    secret_before, _meta = secret_data(k8s_api, namespace, "db")
    make_rollouts_fail(k8s_api, namespace, "web")
    run = run_collection_playbook("rotate", dict(app, secretops_wait_timeout=60), local_env.env)
    assert run.returncode != 0
    restored_version, restored = kv_current(vault_client, "it/%s/db" % namespace)
    assert restored == before and restored_version == version + 2, "the previous values are current again, as a new version"
    assert secret_data(k8s_api, namespace, "db")[0] == secret_before
    report = report_of(run)
    assert report["outcome"] == "rolled_back"
    assert "rollout failed: Deployment/web" in report["rollback"]["reason"]
    assert report["restarts"][0]["outcome"] == "failed" and "ProgressDeadlineExceeded" in report["restarts"][0]["reason"]
    assert sorted(entry["secret"] for entry in report["rollback"]["secrets"]) == ["config", "db"]
    assert "Rotation rolled back" in run.output


def test_vault_unreachable_before_the_write_changes_nothing_and_a_rerun_completes(local_env, namespace, k8s_api, vault_client):
    app = provision(local_env, namespace, k8s_api)
    version, before = kv_current(vault_client, "it/%s/db" % namespace)
    secret_before, meta_before = secret_data(k8s_api, namespace, "db")
    with WriteRefusingProxy(local_env.vault_addr) as proxy:
        run = run_collection_playbook("rotate", dict(app, rotate_secrets_vault={"url": proxy.url, "retries": 0}), local_env.env)
    assert run.returncode != 0 and proxy.refused >= 1
    assert kv_current(vault_client, "it/%s/db" % namespace) == (version, before)
    data, meta = secret_data(k8s_api, namespace, "db")
    assert data == secret_before and meta.resource_version == meta_before.resource_version
    assert report_of(run)["outcome"] == "failed" and "cannot reach Vault" in run.output
    run_collection_playbook("rotate", app, local_env.env).assert_ok()
    new_version, after = kv_current(vault_client, "it/%s/db" % namespace)
    assert new_version == version + 1 and after["password"] != before["password"]
    assert base64.b64decode(secret_data(k8s_api, namespace, "db")[0]["password"]).decode() == after["password"]


def test_second_run_with_only_if_older_than_rotates_nothing(local_env, namespace, k8s_api, vault_client):
    app = provision(local_env, namespace, k8s_api)
    run_collection_playbook("rotate", app, local_env.env).assert_ok()
    version, data = kv_current(vault_client, "it/%s/db" % namespace)
    generation = k8s_client.AppsV1Api(k8s_api).read_namespaced_deployment("web", namespace).metadata.generation
    run = run_collection_playbook("rotate", dict(app, secretops_only_if_older_than="1h"), local_env.env).assert_ok()
    assert kv_current(vault_client, "it/%s/db" % namespace) == (version, data)
    assert k8s_client.AppsV1Api(k8s_api).read_namespaced_deployment("web", namespace).metadata.generation == generation
    report = report_of(run)
    assert report["outcome"] == "nothing_rotated" and all(entry["skipped"] for entry in report["secrets"])
    assert report["restarts"] == []


def test_conflicting_secret_update_is_retried_with_the_fresh_object(local_env, namespace, k8s_api, vault_client):
    provision(local_env, namespace, k8s_api)
    version, before = kv_current(vault_client, "it/%s/db" % namespace)
    core = k8s_client.CoreV1Api(k8s_api)

    def concurrent_writer(attempt):
        if attempt == 1:  # another writer updates the Secret between our read and our write: a real 409 follows
            core.patch_namespaced_secret("db", namespace, {"data": {"extra": base64.b64encode(b"kept").decode()}})

    vault = build_vault_client({"url": local_env.vault_addr, "retries": 0})
    vault.set_token(local_env.vault_token)
    k8s = build_client({"kubeconfig": local_env.kubeconfig})
    spec = {"name": "db", "type": "basic-auth", "vault_path": "it/%s/db" % namespace, "fields": {"password": {"generate": {}}}}
    try:
        result = service.rotate(vault, k8s, spec, namespace, mount_point="secret", before_write=concurrent_writer)
    finally:
        k8s.close()
    assert result["attempts"] == 2
    new_version, after = kv_current(vault_client, "it/%s/db" % namespace)
    assert new_version == version + 1 and after["password"] != before["password"]
    data, meta = secret_data(k8s_api, namespace, "db")
    assert base64.b64decode(data["password"]).decode() == after["password"], "our value was written"
    assert base64.b64decode(data["extra"]).decode() == "kept", "the concurrent writer's key survived"
    assert meta.annotations["secretops.io/vault-version"] == str(new_version)


def test_update_keys_creates_refuses_a_type_change_and_gives_up_on_endless_conflicts(local_env, namespace, k8s_api):
    core = k8s_client.CoreV1Api(k8s_api)
    k8s = build_client({"kubeconfig": local_env.kubeconfig})
    secrets = SecretService(k8s)
    first = {"user": base64.b64encode(b"app").decode()}
    try:
        created = secrets.update_keys(namespace, "plain", "Opaque", first, {"a": "1"}, ["user"])
        assert created == {"changed": True, "created": True, "attempts": 1, "written_at": created["written_at"]}
        assert created["written_at"].endswith("Z"), "the API server's time of the write (revocation records use it)"
        assert secrets.update_keys(namespace, "plain", "Opaque", first, {"a": "1"}, ["user"])["changed"] is False
        with pytest.raises(SecretOpsError, match="has type Opaque, not kubernetes.io/basic-auth; the type cannot change in place"):
            secrets.update_keys(namespace, "plain", "kubernetes.io/basic-auth", first, {}, ["user"])

        def always_conflicting(attempt):
            core.patch_namespaced_secret("plain", namespace, {"metadata": {"annotations": {"other-writer": str(attempt)}}})

        with pytest.raises(SecretOpsError, match="changed concurrently 3 times in a row") as raised:
            secrets.update_keys(namespace, "plain", "Opaque", {"user": base64.b64encode(b"app2").decode()}, {}, ["user"],
                                before_write=always_conflicting, attempts=3)
    finally:
        k8s.close()
    assert raised.value.details["status"] == 409 and "app2" not in str(raised.value)
    secret = core.read_namespaced_secret("plain", namespace)
    assert secret.data == first and secret.metadata.annotations["other-writer"] == "3", "nothing of ours was written"


def rotate_db(local_env, namespace, **kwargs):
    """service.rotate of the sample app's db secret, in process."""
    vault = build_vault_client({"url": local_env.vault_addr, "retries": 0})
    vault.set_token(local_env.vault_token)
    k8s = build_client({"kubeconfig": local_env.kubeconfig})
    spec = {"name": "db", "type": "basic-auth", "vault_path": "it/%s/db" % namespace, "fields": {"password": {"generate": {}}}}
    try:
        return service.rotate(vault, k8s, spec, namespace, mount_point="secret", **kwargs)
    finally:
        k8s.close()


def test_rotation_refuses_a_new_version_where_kv_keeps_a_single_one(local_env, namespace, k8s_api, vault_client):
    """With max_versions=1 the new version would destroy the value the pods use before their Secret changes."""
    provision(local_env, namespace, k8s_api)
    vault_client.secrets.kv.v2.update_metadata(path="it/%s/db" % namespace, max_versions=1, mount_point="secret")
    version, before = kv_current(vault_client, "it/%s/db" % namespace)
    secret_before = secret_data(k8s_api, namespace, "db")[0]
    with pytest.raises(SecretOpsError, match=r"keeps a single version \(max_versions=1\).*set max_versions to 2 or more") as raised:
        rotate_db(local_env, namespace)
    assert before["password"] not in str(raised.value)
    assert kv_current(vault_client, "it/%s/db" % namespace) == (version, before)
    assert secret_data(k8s_api, namespace, "db")[0] == secret_before
    vault_client.secrets.kv.v2.update_metadata(path="it/%s/db" % namespace, max_versions=2, mount_point="secret")
    assert rotate_db(local_env, namespace)["new_version"] == version + 1


def test_a_missing_secret_is_created_from_vaults_current_version_even_when_no_rotation_is_due(local_env, namespace, k8s_api, vault_client):
    provision(local_env, namespace, k8s_api)
    version, data = kv_current(vault_client, "it/%s/db" % namespace)
    k8s_client.CoreV1Api(k8s_api).delete_namespaced_secret("db", namespace)
    result = rotate_db(local_env, namespace, only_if_older_than="1h")
    assert result["resumed"] and result["changed"] and result["reason"] == "the Secret did not exist: created from Vault version %d" % version
    assert result["old_version"] == result["new_version"] == version, "nothing of this path's history to roll back to"
    restored, meta = secret_data(k8s_api, namespace, "db")
    assert base64.b64decode(restored["password"]).decode() == data["password"]
    assert meta.annotations["secretops.io/vault-version"] == str(version)


def test_new_values_are_keyed_by_namespace_and_name_and_a_shared_bare_name_is_refused(local_env, namespace, k8s_api, vault_client):
    """rotate_secrets_new_values was keyed by Secret name only: two applications' "db" got the same values, and a
    namespace/name key was ignored (the Secret got generated values instead)."""
    core = k8s_client.CoreV1Api(k8s_api)
    other = namespace + "-b"
    core.create_namespace(k8s_client.V1Namespace(metadata=k8s_client.V1ObjectMeta(name=other, labels={"secretops.test/integration": "true"})))
    try:
        apps = sample_app(namespace)
        apps["secretops_applications"] = apps["secretops_applications"] + sample_app(other)["secretops_applications"]
        run_collection_playbook("provision", dict(apps, app_secrets_vault_access=False), local_env.env).assert_ok()
        both_dbs = ["%s/db" % namespace, "%s/db" % other]
        values = {namespace: "first-%s" % uuid.uuid4().hex, other: "second-%s" % uuid.uuid4().hex}
        given = dict(("%s/db" % where, {"password": value}) for where, value in values.items())
        run = run_collection_playbook("rotate", dict(apps, secretops_rotate=both_dbs, rotate_secrets_new_values=given), local_env.env).assert_ok()
        for where, value in values.items():
            version, data = kv_current(vault_client, "it/%s/db" % where)
            assert version == 2 and data["password"] == value, where
            assert base64.b64decode(secret_data(k8s_api, where, "db")[0]["password"]).decode() == value, where
            assert value not in run.output and value not in summary_of(run)

        shared = "shared-%s" % uuid.uuid4().hex
        refused = run_collection_playbook("rotate", dict(apps, secretops_rotate=both_dbs, rotate_secrets_new_values={"db": {"password": shared}}),
                                          local_env.env)
        assert refused.returncode != 0
        assert ("rotate_secrets_new_values key db is ambiguous: the selected Secrets named db are in namespaces %s; key the values as "
                "<namespace>/db" % ", ".join(sorted(values))) in refused.output
        for where, value in values.items():
            version, data = kv_current(vault_client, "it/%s/db" % where)
            assert version == 2 and data["password"] == value, "nothing was rotated: %s" % where
        assert shared not in refused.output

        alone = run_collection_playbook("rotate", dict(apps, secretops_rotate=["%s/db" % other], rotate_secrets_new_values={"db": {"password": shared}}),
                                        local_env.env).assert_ok()
        assert kv_current(vault_client, "it/%s/db" % other)[1]["password"] == shared, "a bare name one selected Secret has still works"
        assert kv_current(vault_client, "it/%s/db" % namespace)[0] == 2 and shared not in alone.output
    finally:
        core.delete_namespace(other)
