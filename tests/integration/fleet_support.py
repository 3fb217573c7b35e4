"""Helpers for the fleet tests: the collection's playbooks run against examples/fleet/inventory.yml,
one host per real local cluster (tools/cluster/localenv.py up --clusters 3), all sharing OpenBao."""

import base64
import glob
import json
import os
import re
import tempfile
import uuid

import hvac
import yaml
from kubernetes import client as k8s_client
from kubernetes import config as k8s_config

from tests.conftest import REPO_ROOT
from tests.integration.ansible_run import run_ansible_playbook
from tests.integration.test_roles_support import consumer_deployment, create, wait_available

INVENTORY = os.path.join(REPO_ROOT, "examples", "fleet", "inventory.yml")
# <run id>-<cluster>.json per host, <run id>.fleet.json for the fleet
REPORT_NAME = re.compile(r"^rotation-\d{8}T\d{12}Z(?:-(.+)|\.(fleet))\.json$")


class Fleet(object):
    """The clusters of the local fleet (env.json's ``clusters``), an API client for each, OpenBao."""

    def __init__(self, description):
        self.clusters = description["clusters"]
        self.names = [cluster["name"] for cluster in self.clusters]
        self.kubeconfig_dir = description["kubeconfig_dir"]
        self.apis = dict((cluster["name"], k8s_config.new_client_from_config(config_file=cluster["kubeconfig"])) for cluster in self.clusters)
        self.vault_addr = description["vault_addr"]
        self.vault_token = description["vault_token"]
        self.vault = hvac.Client(url=self.vault_addr, token=self.vault_token)

    def env(self):
        return {"VAULT_ADDR": self.vault_addr, "VAULT_TOKEN": self.vault_token, "SECRETOPS_KUBECONFIG_DIR": self.kubeconfig_dir}

    def core(self, name):
        return k8s_client.CoreV1Api(self.apis[name])

    def close(self):
        for api in self.apis.values():
            api.close()


def fleet_app(namespace):
    """Vars for the playbooks: one application in ``namespace`` on every cluster, with a secret shared
    by the clusters (one Vault path) and one per cluster (the path names the inventory host)."""
    return {
        "secretops_applications": [{
            "name": namespace,
            "namespace": namespace,
            "service_account": "app",
            "secrets": [
                {"name": "db", "type": "basic-auth", "vault_path": "fleet-it/%s/db" % namespace,
                 "values": {"username": "user-" + namespace}, "generate": {"password": {"length": 20}}},
                {"name": "config", "vault_path": "fleet-it/%s/{{ inventory_hostname }}/config" % namespace,
                 "generate": {"API_KEY": {}}, "values": {"CLUSTER": "{{ inventory_hostname }}"}},
            ],
        }],
    }


def shared_path(namespace):
    return "fleet-it/%s/db" % namespace


def cluster_path(namespace, cluster):
    return "fleet-it/%s/%s/config" % (namespace, cluster)


def run_fleet_playbook(fleet, name, extra_vars, timeout=900):
    """``ansible-playbook -i examples/fleet/inventory.yml -f <clusters> -e secretops_hosts=fleet
    secretops.provisioning.<name>``, as the inventory's comment says; ``report_dir`` holds the reports."""
    report_dir = tempfile.mkdtemp(prefix="secretops-fleet-reports-")
    path = os.path.join(REPO_ROOT, ".build", "vars-fleet-%s-%s.yml" % (name, uuid.uuid4().hex[:8]))
    with open(path, "w") as handle:
        yaml.safe_dump(dict(extra_vars, secretops_hosts="fleet"), handle)
    try:
        run = run_ansible_playbook("secretops.provisioning.%s" % name, ["-i", INVENTORY, "-f", str(len(fleet.names)), "-e", "@" + path],
                                   env=dict(fleet.env(), SECRETOPS_REPORT_DIR=report_dir), timeout=timeout, cwd=REPO_ROOT)
    finally:
        os.unlink(path)
    run.report_dir = report_dir
    return run


def reports(run):
    """``{name: report}`` of the JSON reports the rotate playbook wrote (``<run id>-<cluster>`` and ``<run id>.fleet``, as "fleet")."""
    found = {}
    for path in glob.glob(os.path.join(run.report_dir, "*.json")):
        match = REPORT_NAME.match(os.path.basename(path))
        assert match, "unexpected report file %s" % path
        with open(path) as handle:
            found[match.group(1) or match.group(2)] = json.load(handle)
    return found


def kv(fleet, path, version=None):
    response = fleet.vault.secrets.kv.v2.read_secret_version(path=path, mount_point="secret", version=version, raise_on_deleted_version=True)
    return response["data"]["metadata"]["version"], response["data"]["data"]


def secret(fleet, cluster, namespace, name):
    """(decoded data, Vault version annotation) of a Secret in one cluster."""
    item = fleet.core(cluster).read_namespaced_secret(name, namespace)
    data = dict((key, base64.b64decode(value).decode()) for key, value in (item.data or {}).items())
    return data, (item.metadata.annotations or {}).get("secretops.io/vault-version")


def deploy_consumers(fleet, namespace):
    for cluster in fleet.names:
        create(fleet.apis[cluster], consumer_deployment(namespace))
    for cluster in fleet.names:
        wait_available(fleet.apis[cluster], namespace, "web", timeout=120)


def service_account_token(fleet, cluster, namespace, service_account="app"):
    request = {"spec": {"expirationSeconds": 600}}
    return fleet.core(cluster).create_namespaced_service_account_token(service_account, namespace, request).status.token


def delete_namespace(fleet, namespace):
    for cluster in fleet.names:
        try:
            fleet.core(cluster).delete_namespace(namespace)
        except k8s_client.ApiException as exc:
            if exc.status != 404:
                raise
