"""secret_drift_info against the real cluster and both Vault servers: each drift state as it happens.

Vault is changed out of band, then the Secret, and nothing is restarted: each state is reported as
it is, and no value appears in any result.
"""

import base64
import json
import time

from kubernetes import client as k8s_client

from ansible_collections.secretops.provisioning.plugins.module_utils.audit import drift_service
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import build_client
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.content_key import namespace_key
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import service
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import build_client as build_vault_client
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import service as workloads
from tests.integration.ansible_run import run_tasks
from tests.integration.test_roles_support import container, create, deployment, wait_available

VALUES = ("first-value-1", "second-value-2", "edited-value-3")


def states(result):
    return dict((item["name"], item["state"]) for item in result["secrets"])


def test_drift_states_as_vault_then_the_secret_change(local_env, namespace, k8s_api, vault_client):
    path = "it/%s/db" % namespace
    vault_client.secrets.kv.v2.create_or_update_secret(path=path, secret={"password": VALUES[0]}, mount_point="secret")
    vault = build_vault_client({"url": local_env.vault_addr, "retries": 0})
    vault.set_token(local_env.vault_token)
    k8s = build_client({"kubeconfig": local_env.kubeconfig})
    core = k8s_client.CoreV1Api(k8s_api)
    spec = {"name": "db", "type": "opaque", "vault_path": "secret/" + path, "fields": {}, "mapping": {}}
    try:
        service.provision(vault, k8s, spec, namespace, seed=False)
        namespace_key(k8s, namespace)  # the key the first stamping run makes
        create(k8s_api, {"kind": "Secret", "metadata": {"name": "plain", "namespace": namespace}, "stringData": {"x": "y"}})
        create(k8s_api, {"kind": "Secret", "metadata": {"name": "orphan", "namespace": namespace, "annotations": {
            "secretops.io/vault-path": "secret/it/%s/gone" % namespace, "secretops.io/vault-version": "1"}}})
        time.sleep(1.1)  # web's Pods start in a later second than the Secret's write
        create(k8s_api, deployment(namespace, "web", {"containers": [container(envFrom=[{"secretRef": {"name": "db"}}])]}))
        wait_available(k8s_api, namespace, "web")
        workloads.restart_consumers(k8s, namespace, [], ["db"], checksum=True)

        first = drift_service.audit(k8s, vault, [namespace])
        assert states(first) == {"db": "in_sync", "orphan": "vault_path_missing"}, first
        db = first["secrets"][0]
        assert db["vault_version"] == 1 and db["recorded_vault_version"] == 1
        assert [(c["kind"], c["name"], c["state"]) for c in db["consumers"]] == [("Deployment", "web", "current")]
        named = drift_service.audit(k8s, vault, [namespace], secret_names=["db", "plain"])
        assert states(named) == {"db": "in_sync", "plain": "unmanaged"}

        # Vault changes out of band: the Secret is behind Vault.
        vault_client.secrets.kv.v2.create_or_update_secret(path=path, secret={"password": VALUES[1]}, mount_point="secret")
        second = drift_service.audit(k8s, vault, [namespace], secret_names=["db"])
        assert states(second) == {"db": "secret_behind_vault"} and second["secrets"][0]["vault_version"] == 2

        # The Secret is synced (no restart): the Pods are behind the Secret.
        service.provision(vault, k8s, spec, namespace, seed=False)
        third = drift_service.audit(k8s, vault, [namespace], secret_names=["db"])
        assert states(third) == {"db": "pods_behind_secret"}
        assert third["secrets"][0]["consumers"][0]["state"] == "stale" and third["secrets"][0]["behind_since"]

        # The Secret edited out of band, at the version Vault has: still the Pods are behind it.
        core.patch_namespaced_secret("db", namespace, {"data": {"password": base64.b64encode(VALUES[2].encode()).decode()}})
        fourth = drift_service.audit(k8s, vault, [namespace], secret_names=["db"])
        assert states(fourth) == {"db": "pods_behind_secret"}

        # A restart brings the Pods in line; the Vault path deleted makes it missing.
        workloads.restart_consumers(k8s, namespace, [], ["db"], checksum=True)
        assert states(drift_service.audit(k8s, vault, [namespace], secret_names=["db"])) == {"db": "in_sync"}
        vault_client.secrets.kv.v2.delete_latest_version_of_secret(path=path, mount_point="secret")
        assert states(drift_service.audit(k8s, vault, [namespace], secret_names=["db"])) == {"db": "vault_path_missing"}
    finally:
        k8s.close()
        vault.close()
    text = json.dumps([first, named, second, third, fourth])
    assert not any(value in text for value in VALUES)


def test_drift_module_in_check_mode_reports_without_writing(local_env, namespace, k8s_api, vault_server):
    create(k8s_api, {"kind": "Secret", "metadata": {"name": "plain", "namespace": namespace}, "stringData": {"x": "secret-value"}})
    tasks = [{"name": "drift", "secretops.provisioning.secret_drift_info": {
        "namespaces": [namespace], "secret_names": ["plain"]}}]
    run = run_tasks(tasks, env=local_env.env, check=True).assert_ok()
    result = run.task("drift")
    assert result["changed"] is False and [(s["name"], s["state"]) for s in result["secrets"]] == [("plain", "unmanaged")]
    assert result["summary"]["unmanaged"] == 1 and "secret-value" not in run.output
    names = [item.metadata.name for item in k8s_client.CoreV1Api(k8s_api).list_namespaced_secret(namespace).items]
    assert "secretops-content-key" not in names, "the audit makes no content key"
