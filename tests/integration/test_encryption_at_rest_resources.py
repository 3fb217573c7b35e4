"""Encryption at rest beyond core resources, on the local cluster (real etcd, kube-apiserver and
kube-controller-manager, OpenBao KV; the simpler secretbox mode, so no plugin is needed): a custom
resource's objects (stored under /registry/<group>/<plural>/) and a Deployment (/registry/deployments/)
sealed by the role, migrated by Kubernetes' own StorageVersionMigration and shown by k8s_encryption_info,
read raw from etcd too; and a run killed while its StorageVersionMigration exists, repaired by the next.

The tests share one state (in order); the teardown turns encryption off again and deletes the CRD.
"""

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
from tests.integration.ansible_run import ansible_env, run_ansible_playbook, run_tasks
from tests.integration.encryption_support import etcd_options, etcd_role_vars, etcd_values

VALUE = "enc-resources-" + uuid.uuid4().hex
GROUP = "it-%s.secretops.example.com" % uuid.uuid4().hex[:6]
WIDGETS = "widgets." + GROUP
RESOURCES = ["secrets", "deployments.apps", WIDGETS]
PREFIX = b"k8s:enc:secretbox:v1:"
MIGRATE = ("secretops.provisioning.encryption_at_rest : Wait for the apiserver to load it, then store every object under the current key "
           "(or in plaintext when turning off)")
SVM_LABEL = "secretops.io/encryption-migration"


class Resources(object):
    def __init__(self, cluster, local_env, k8s_api, workdir):
        self.etcd = etcd_options(cluster)
        self.config_path = cluster["encryption_config"]
        self.env = local_env.env
        self.kv_path = "secret/it/encryption-resources-%s" % uuid.uuid4().hex[:8]
        self.vars_path = os.path.join(workdir, "vars.yml")
        self.custom = k8s_client.CustomObjectsApi(k8s_api)

    def write_vars(self, **extra):
        values = {"secretops_encryption_provider": "secretbox", "encryption_at_rest_key_kv_path": self.kv_path,
                  "encryption_at_rest_resources": RESOURCES, "encryption_at_rest_config_path": self.config_path,
                  "encryption_at_rest_migration_method": "storage_version_migration",
                  "encryption_at_rest_wait_timeout": 120}
        values.update(etcd_role_vars(self.etcd), **extra)
        with open(self.vars_path, "w") as handle:
            yaml.safe_dump(values, handle)

    def run(self, **extra):
        self.write_vars(**extra)
        return run_ansible_playbook("secretops.provisioning.encryption_at_rest", ["-e", "@" + self.vars_path], env=self.env,
                                    cwd=REPO_ROOT, timeout=600)

    def migrations(self):
        return self.custom.list_cluster_custom_object("storagemigration.k8s.io", "v1", "storageversionmigrations",
                                                      label_selector=SVM_LABEL)["items"]


def crd_body():
    schema = {"type": "object", "properties": {"spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}}
    return {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": {"name": WIDGETS},
            "spec": {"group": GROUP, "scope": "Namespaced", "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
                     "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": schema}}]}}


@pytest.fixture(scope="module")
def resources(local_env, local_env_description, k8s_api, tmp_path_factory):
    extensions = k8s_client.ApiextensionsV1Api(k8s_api)
    extensions.create_custom_resource_definition(crd_body())
    deadline = time.monotonic() + 60
    while not any(c.type == "Established" and c.status == "True"
                  for c in extensions.read_custom_resource_definition(WIDGETS).status.conditions or []):
        assert time.monotonic() < deadline, "the CRD was not established"
        time.sleep(0.2)
    state = Resources(local_env_description["clusters"][0], local_env, k8s_api, str(tmp_path_factory.mktemp("resources")))
    yield state
    try:
        state.run(encryption_at_rest_mode="decrypt").assert_ok()
        state.run(encryption_at_rest_mode="identity").assert_ok()
    finally:
        extensions.delete_custom_resource_definition(WIDGETS)


def make_objects(k8s_api, namespace, count=3):
    custom, core = k8s_client.CustomObjectsApi(k8s_api), k8s_client.CoreV1Api(k8s_api)
    for index in range(count):
        custom.create_namespaced_custom_object(GROUP, "v1", namespace, "widgets", {
            "apiVersion": GROUP + "/v1", "kind": "Widget", "metadata": {"name": "w%d" % index}, "spec": {"value": VALUE}})
        core.create_namespaced_secret(namespace, k8s_client.V1Secret(metadata=k8s_client.V1ObjectMeta(name="s%d" % index),
                                                                     string_data={"v": VALUE}))
    k8s_client.AppsV1Api(k8s_api).create_namespaced_deployment(namespace, {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "annotations": {"it/value": VALUE}},
        "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "c", "image": "busybox"}]}}}})


def stored(state, namespace):
    """Raw etcd values of the namespace's widgets, Deployment and Secrets, by resource."""
    return {WIDGETS: etcd_values(state.etcd, ("/registry/%s/widgets/%s/" % (GROUP, namespace)).encode()),
            "deployments.apps": etcd_values(state.etcd, ("/registry/deployments/%s/" % namespace).encode()),
            "secrets": etcd_values(state.etcd, ("/registry/secrets/%s/" % namespace).encode())}


def test_a_custom_resource_and_a_deployment_are_sealed_by_a_storage_version_migration(resources, namespace, k8s_api, local_env):
    make_objects(k8s_api, namespace)
    before = stored(resources, namespace)
    assert len(before[WIDGETS]) == 3 and len(before["deployments.apps"]) == 1
    assert all(VALUE.encode() in value for values in before.values() for value in values.values())  # plaintext before

    run = resources.run().assert_ok()
    migrated = run.task(MIGRATE)["resources"]
    for name in RESOURCES:
        assert migrated[name]["method"] == "storage_version_migration" and migrated[name]["remaining"] == 0, migrated
        assert migrated[name]["storage_version_migration"]["outcome"] == "Succeeded", migrated
    provider = run.task(MIGRATE)["provider_name"]
    for name, values in stored(resources, namespace).items():
        assert values and all(value.startswith(PREFIX + provider.encode() + b":") and VALUE.encode() not in value
                              for value in values.values()), name
    assert resources.migrations() == []  # each deleted once waited for
    widget = k8s_client.CustomObjectsApi(k8s_api).get_namespaced_custom_object(GROUP, "v1", namespace, "widgets", "w0")
    assert widget["spec"]["value"] == VALUE

    info = run_tasks([{"name": "info", "secretops.provisioning.k8s_encryption_info": {
        **resources.etcd, "resources": RESOURCES, "fail_on": ["plaintext", "mixed_keys"]}}], env=local_env.env).assert_ok()
    counts = info.task("info")["resources"]
    assert counts[WIDGETS]["total"] == 3 and counts[WIDGETS]["providers"] == {"secretbox:" + provider: 3}
    assert counts["deployments.apps"]["plaintext"] == 0 and counts["deployments.apps"]["total"] >= 1


def test_a_run_killed_while_its_storage_version_migration_exists_is_repaired_by_the_next(resources, namespace, k8s_api, local_env):
    core = k8s_client.CoreV1Api(k8s_api)
    for index in range(150):
        core.create_namespaced_secret(namespace, k8s_client.V1Secret(metadata=k8s_client.V1ObjectMeta(name="bulk-%03d" % index),
                                                                     string_data={"v": VALUE}))
    resources.write_vars(encryption_at_rest_rotate=True)
    process = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,", "-c", "local",
                                "secretops.provisioning.encryption_at_rest", "-e", "@" + resources.vars_path],
                               env=ansible_env(local_env.env), cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if resources.migrations():
            os.killpg(process.pid, signal.SIGKILL)
            break
        time.sleep(0.05)
    assert process.wait() == -signal.SIGKILL, "the playbook ended by itself before a StorageVersionMigration existed"
    left = resources.migrations()
    assert len(left) == 1 and left[0]["metadata"]["name"].startswith("secretops-")  # killed while it existed

    run = resources.run().assert_ok()
    migrated = run.task(MIGRATE)
    new_key = migrated["provider_name"]
    assert all(value.startswith(PREFIX + new_key.encode() + b":")
               for values in stored(resources, namespace).values() for value in values.values())
    assert all(numbers["remaining"] == 0 for numbers in migrated["resources"].values())
    assert resources.migrations() == []  # the killed run's migration finished and deleted
    assert "changed=0" in resources.run().assert_ok().stdout
