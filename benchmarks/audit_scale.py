"""Benchmark: the three audits of one namespace of many Secrets and workloads, against one LIST of each kind they read.

    .venv/bin/python benchmarks/audit_scale.py [--secrets 1000] [--workloads 200] [--repeat 3]

In a fresh namespace: ``--secrets`` Opaque Secrets, each annotated with a Vault KV path that holds
it (so the drift audit compares every one), ``--workloads`` Deployments each using one of them
(envFrom), a ConfigMap. Then, in this process and with one client (no playbook start in the
figures): the floor - one LIST of each kind the audits read (Secrets, the eight workload kinds,
service accounts, ConfigMaps, Roles, RoleBindings, ClusterRoles, ClusterRoleBindings) - and each
audit's service (``audit/*_service.py``), timed and with its requests counted. The issue's target
(19): each audit of the namespace within a small multiple of the floor; the drift audit also reads
one KV metadata per Secret from Vault, counted apart. The namespace and its Vault paths are removed
afterwards.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(BENCH_DIR)
sys.path.insert(0, REPO_ROOT)

from tests.conftest import COLLECTIONS_ROOT  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.secretops.provisioning.plugins.module_utils.audit import (  # noqa: E402  pylint: disable=wrong-import-position
    access_service, drift_service, hygiene_service,
)
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import build_client  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import (  # noqa: E402  pylint: disable=wrong-import-position
    build_client as build_vault_client,
)
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads.service import COLLECTIONS  # noqa: E402  pylint: disable=wrong-import-position

LOCALENV = os.path.join(REPO_ROOT, "tools", "cluster", "localenv.py")
# A small multiple: what each audit may cost, in units of the floor (one LIST of each kind).
TARGET_MULTIPLE = 5.0
FLOOR_PATHS = [path for kind, path in sorted(COLLECTIONS.items())] + [
    "/api/v1/namespaces/{namespace}/secrets", "/api/v1/namespaces/{namespace}/configmaps",
    "/apis/rbac.authorization.k8s.io/v1/namespaces/{namespace}/roles", "/apis/rbac.authorization.k8s.io/v1/namespaces/{namespace}/rolebindings",
    "/apis/rbac.authorization.k8s.io/v1/clusterroles", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
]


def log(message):
    print("[audit-scale %s] %s" % (time.strftime("%H:%M:%S"), message), flush=True)


class Counting(object):
    """Counts the requests a service sends through the one client layer."""

    def __init__(self, client):
        self.client = client
        self.count = 0
        self._request = client.request
        client.request = self.request

    def request(self, *args, **kwargs):
        self.count += 1
        return self._request(*args, **kwargs)


def populate(client, vault, namespace, secrets, workloads):
    client.request("POST", "/api/v1/namespaces", body={"metadata": {"name": namespace}})
    for index in range(secrets):
        name = "s-%04d" % index
        path = "bench/%s/%s" % (namespace, name)
        vault.write("secret/data/" + path, {"data": {"password": uuid.uuid4().hex}})
        client.request("POST", "/api/v1/namespaces/{namespace}/secrets", path_params={"namespace": namespace}, body={
            "metadata": {"name": name, "annotations": {"secretops.io/vault-path": "secret/" + path, "secretops.io/vault-version": "1"}},
            "stringData": {"password": "bench"}})
    for index in range(workloads):
        labels = {"app": "w-%03d" % index}
        client.request("POST", COLLECTIONS["Deployment"], path_params={"namespace": namespace}, body={
            "metadata": {"name": "w-%03d" % index}, "spec": {"replicas": 1, "selector": {"matchLabels": labels}, "template": {
                "metadata": {"labels": labels}, "spec": {"containers": [{"name": "app", "image": "example.test/app:1",
                                                                         "envFrom": [{"secretRef": {"name": "s-%04d" % index}}]}]}}}})
    client.request("POST", "/api/v1/namespaces/{namespace}/configmaps", path_params={"namespace": namespace},
                   body={"metadata": {"name": "settings"}, "data": {"DB_PASSWORD": "x", "level": "info"}})


def wait_for_pods(client, namespace, count, timeout=300):
    deadline = time.time() + timeout
    while time.time() < deadline:
        pods = client.request("GET", COLLECTIONS["Pod"], path_params={"namespace": namespace}).get("items") or []
        if len(pods) >= count:
            return len(pods)
        time.sleep(2)
    return len(pods)


def floor(client, namespace):
    started = time.monotonic()
    for path in FLOOR_PATHS:
        client.request("GET", path, path_params={"namespace": namespace})
    return time.monotonic() - started


def timed(function):
    started = time.monotonic()
    result = function()
    return time.monotonic() - started, result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--secrets", type=int, default=1000)
    parser.add_argument("--workloads", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    state = json.loads(subprocess.check_output([sys.executable, LOCALENV, "env", "--json"]))
    server = state["vault_servers"][0]
    client = build_client({"kubeconfig": state["kubeconfig"]}, pool_size=access_service.CONCURRENCY)
    vault = build_vault_client({"url": server["address"], "retries": 0})
    vault.set_token(server["token"])
    namespace = "bench-audit-" + uuid.uuid4().hex[:8]
    log("the collection from %s" % COLLECTIONS_ROOT)
    rows = {}
    try:
        log("creating %d Secrets and %d Deployments in %s" % (args.secrets, args.workloads, namespace))
        populate(client, vault, namespace, args.secrets, args.workloads)
        log("%d Pods running" % wait_for_pods(client, namespace, args.workloads))
        audits = {
            "floor (one LIST of each kind)": lambda: floor(client, namespace),
            "hygiene": lambda: hygiene_service.audit(client, [namespace]),
            "access (Kubernetes)": lambda: access_service.audit(client, None, [namespace]),
            "drift (with Vault)": lambda: drift_service.audit(client, vault, [namespace]),
        }
        for _round in range(args.repeat):
            for name, function in audits.items():
                counting = Counting(client)
                vault_counting = Counting(vault)
                seconds, _result = timed(function)
                client.request, vault.request = counting._request, vault_counting._request  # pylint: disable=protected-access
                rows.setdefault(name, []).append((seconds, counting.count, vault_counting.count))
    finally:
        client.request("DELETE", "/api/v1/namespaces/{name}", path_params={"name": namespace})
        for index in range(args.secrets):
            vault.request("DELETE", "secret/metadata/bench/%s/s-%04d" % (namespace, index))
    base = statistics.median(seconds for seconds, _k, _v in rows["floor (one LIST of each kind)"])
    print("\n| %d Secrets, %d workloads | median s | x floor | Kubernetes requests | Vault requests |" % (args.secrets, args.workloads))
    print("|---|---|---|---|---|")
    failed = False
    for name, samples in rows.items():
        seconds = statistics.median(sample[0] for sample in samples)
        multiple = seconds / base if base else 0
        print("| %s | %.2f | %.1f | %d | %d |" % (name, seconds, multiple, samples[-1][1], samples[-1][2]))
        if name.startswith(("hygiene", "access")) and multiple > TARGET_MULTIPLE:
            failed = True
    print("\ntarget: hygiene and access within %.0fx the floor: %s" % (TARGET_MULTIPLE, "missed" if failed else "met"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
