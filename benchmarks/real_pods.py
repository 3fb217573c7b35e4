"""Benchmark: end-to-end rotation latency on real pods - from the Vault write until every consumer's
pods serve the new value - for 1, 10 and 50 consumers, with the restart pacing default.

    make bench BENCH_ARGS="--real-pods 1,10,50"      # or: .venv/bin/python benchmarks/real_pods.py [--consumers 1,10,50]

For each N, in a fresh namespace: ``ansible-playbook secretops.provisioning.provision`` with one
basic-auth Secret, N Deployments of the consumer app on the local environment's real node (one
pod each, reading the Secret from env vars), then ``ansible-playbook secretops.provisioning.rotate``.
A watcher polls the Deployments through the API server every 100 ms. Where the time goes:

- ``to_vault_write``: playbook start (Ansible, discovery, reads) until Vault's new version (Vault's
  ``created_time``; same machine clock);
- ``write_to_first_patch``: the Kubernetes Secret write and consumer discovery until the first
  Deployment shows a new generation;
- ``rollouts``: first patch until every Deployment's rollout is complete (batches of
  ``max_concurrent_restarts``, default 10);
- ``after_rollouts``: until the playbook exits (report, revocation checks);
- ``latency``: Vault write until every consumer serves the new value (its rollout complete; each new
  pod's digest of its env is checked against the new value afterwards, never printing a value).
"""

import argparse
import datetime
import json
import os
import sys
import threading
import time
import uuid

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(BENCH_DIR)
sys.path.insert(0, BENCH_DIR)
sys.path.insert(0, REPO_ROOT)

import hvac  # noqa: E402  pylint: disable=wrong-import-position
from kubernetes import client as k8s_client  # noqa: E402  pylint: disable=wrong-import-position
from kubernetes import config as k8s_config  # noqa: E402  pylint: disable=wrong-import-position

import cluster  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import rollout  # noqa: E402  pylint: disable=wrong-import-position
from tests.integration.conftest import LocalEnv  # noqa: E402  pylint: disable=wrong-import-position
from tests.integration.dynamic_roles_support import read_secret  # noqa: E402  pylint: disable=wrong-import-position
from tests.integration.real_node_support import (  # noqa: E402  pylint: disable=wrong-import-position
    consumer_deployment, counters, digest, new_digest_key, ready_pods)
from tests.integration.test_roles_support import run_collection_playbook  # noqa: E402  pylint: disable=wrong-import-position

PHASES = ("to_vault_write", "write_to_first_patch", "rollouts", "after_rollouts", "latency", "playbook")
KEYS = ("username", "password")


def log(message):
    print("[real-pods %s] %s" % (time.strftime("%H:%M:%S"), message), flush=True)


def _vault_time(vault, path):
    metadata = vault.secrets.kv.v2.read_secret_metadata(path=path, mount_point="secret")["data"]
    created = metadata["versions"][str(metadata["current_version"])]["created_time"]
    return datetime.datetime.fromisoformat(created[:26].rstrip("Z") + "+00:00").timestamp()


def _watch_rollouts(apps, namespace, names, generations, stop):
    """Poll until ``stop()``; return (first time a Deployment showed a new generation, first time every one was complete)."""
    first = done = None
    while True:
        stopping = stop()
        items = [item for item in apps.list_namespaced_deployment(namespace).items if item.metadata.name in names]
        changed = [item for item in items if item.metadata.generation > generations[item.metadata.name]]
        now = time.time()
        first = first or (now if changed else None)
        if done is None and len(changed) == len(names) and all(
                rollout.rollout_state(dict(apps.api_client.sanitize_for_serialization(item), kind="Deployment"))[0] == rollout.COMPLETE
                for item in items):
            done = now
        if stopping:
            return first, done
        time.sleep(0.1)


def measure_one(local_env, api, vault, count):
    """One rotation with ``count`` consumers; returns the phases in seconds."""
    core, apps = k8s_client.CoreV1Api(api), k8s_client.AppsV1Api(api)
    namespace = "bench-pods-" + uuid.uuid4().hex[:8]
    core.create_namespace({"metadata": {"name": namespace}})
    try:
        app = {"secretops_auth_mount_path": "kubernetes", "app_secrets_vault_access": False, "secretops_applications": [{
            "name": namespace, "namespace": namespace, "service_account": "app",
            "secrets": [{"name": "db", "type": "basic-auth", "vault_path": "bench/%s/db" % namespace,
                         "values": {"username": "user"}, "generate": {"password": {"length": 20}}}]}]}
        run_collection_playbook("provision", app, local_env.env).assert_ok()
        key, node = new_digest_key(), local_env.node
        names = ["consumer-%d" % index for index in range(count)]
        for name in names:
            apps.create_namespaced_deployment(namespace, consumer_deployment(name, node, "db", KEYS, key, volume=False, args=False))
        for name in names:
            ready_pods(api, namespace, name, timeout=300)
        generations = dict((name, apps.read_namespaced_deployment(name, namespace).metadata.generation) for name in names)
        finished = threading.Event()
        seen = {}
        watcher = threading.Thread(target=lambda: seen.update(zip(("first", "done"), _watch_rollouts(
            apps, namespace, set(names), generations, finished.is_set))), daemon=True)
        watcher.start()
        started = time.time()
        run_collection_playbook("rotate", dict(app, secretops_rotate=["db"]), local_env.env, timeout=1800).assert_ok()
        ended = time.time()
        finished.set()
        watcher.join()
        written = _vault_time(vault, "bench/%s/db" % namespace)
        want = digest(key, dict((name, value) for name, value in read_secret(api, namespace, "db")[1].items() if name in KEYS))
        stale = [name for name in names if counters(ready_pods(api, namespace, name)[0])["digests"].get("env") != want]
        if stale:
            raise RuntimeError("%d consumers do not serve the new value: %s" % (len(stale), ", ".join(stale[:5])))
        first, done = seen.get("first") or written, seen.get("done") or ended
        return {"to_vault_write": written - started, "write_to_first_patch": first - written, "rollouts": done - first,
                "after_rollouts": ended - done, "latency": done - written, "playbook": ended - started}
    finally:
        core.delete_namespace(namespace)
        vault.secrets.kv.v2.delete_metadata_and_all_versions(path="bench/%s/db" % namespace, mount_point="secret")


def run(sizes, python=sys.executable):
    """Measure each size; print a table; return the records."""
    description = cluster.ensure_local_env(python, REPO_ROOT, log)
    if not description.get("node"):
        raise SystemExit("the local environment has no real node (tools/cluster/localenv.py up with this tree)")
    local_env = LocalEnv(description)
    local_env.node = description["node"]
    api = k8s_config.new_client_from_config(config_file=local_env.kubeconfig)
    vault = hvac.Client(url=local_env.vault_server.address, token=local_env.vault_server.token)
    records = []
    for size in sizes:
        log("rotation with %d consumers on the real node" % size)
        phases = measure_one(local_env, api, vault, size)
        records.append(dict(phases, consumers=size))
        log(" ".join("%s=%.1fs" % (name, phases[name]) for name in PHASES))
    print("\n| consumers | " + " | ".join(PHASES) + " |\n|---|" + "---|" * len(PHASES))
    for record in records:
        print("| %d | %s |" % (record["consumers"], " | ".join("%.1f s" % record[name] for name in PHASES)))
    return records


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consumers", default="1,10,50", help="comma-separated consumer counts (default 1,10,50)")
    parser.add_argument("--json", help="also write the records to this file")
    args = parser.parse_args(argv)
    records = run([int(size) for size in args.consumers.split(",") if size])
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(records, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
