"""Benchmark: what the key-retirement guard costs now that it reads the whole store.

    .venv/bin/python benchmarks/etcd_census.py [--secrets 10000] [--size 1536] [--repeat 3]

``vault_transit_key`` (``min_decryption_version``) and ``vault_encryption_key`` (``retire_old_keys``)
read every object under the etcd prefix before they let a key go (``census.take_store_census``), not
only the resources a configuration lists. This puts ``--secrets`` Secrets of ``--size`` random bytes
into a namespace of the local environment's cluster-1 (one server-side apply of a List, not timed),
then times, in the same run and over the same etcd (read over mutual TLS, as the modules read it),
the per-resource census of Secrets alone and the whole-store census, and prints objects, seconds and
the peak memory a census allocates (values are counted page by page, never kept). The namespace is deleted afterwards.
"""

import argparse
import base64
import json
import os
import subprocess
import sys
import time
import tracemalloc

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(BENCH_DIR)
sys.path.insert(0, REPO_ROOT)

from tests.conftest import COLLECTIONS_ROOT  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
from tools.cluster.state import etcd_options  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption import census  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.secretops.provisioning.plugins.module_utils.encryption.etcd import EtcdReader  # noqa: E402  pylint: disable=wrong-import-position

LOCALENV = os.path.join("tools", "cluster", "localenv.py")
NAMESPACE = "bench-etcd-census"


def kubectl(env, *args, **kwargs):
    return subprocess.run(["kubectl", "--kubeconfig", env["kubeconfig"]] + list(args), check=True, stdout=subprocess.DEVNULL, **kwargs)


def fill(env, secrets, size):
    deadline = time.monotonic() + 300  # an earlier run's namespace may still be terminating
    while subprocess.run(["kubectl", "--kubeconfig", env["kubeconfig"], "get", "namespace", NAMESPACE],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False).returncode == 0:
        if time.monotonic() > deadline:
            raise SystemExit("namespace %s is still there after 300 s" % NAMESPACE)
        time.sleep(2)
    kubectl(env, "create", "namespace", NAMESPACE)
    items = [{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s%06d" % index, "namespace": NAMESPACE},
              "data": {"v": base64.b64encode(os.urandom(size)).decode("ascii")}} for index in range(secrets)]
    kubectl(env, "apply", "--server-side", "-f", "-", input=json.dumps({"apiVersion": "v1", "kind": "List", "items": items}).encode())


def timed(function, repeat):
    """(objects counted, best seconds of ``repeat`` runs, peak MiB Python allocated during a run)."""
    best, objects, peak = None, 0, 0
    for _attempt in range(repeat):
        tracemalloc.start()
        started = time.monotonic()
        counts = function()
        elapsed = time.monotonic() - started
        peak = max(peak, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        objects = sum(numbers["total"] for numbers in counts.values())
        best = elapsed if best is None else min(best, elapsed)
    return objects, best, peak / 1048576.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--secrets", type=int, default=10000)
    parser.add_argument("--size", type=int, default=1536, help="random bytes per Secret")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    subprocess.check_call([sys.executable, LOCALENV, "up"], cwd=REPO_ROOT, stdout=subprocess.DEVNULL)
    env = json.loads(subprocess.check_output([sys.executable, LOCALENV, "env", "--json"], cwd=REPO_ROOT))
    options = etcd_options(env["clusters"][0])
    reader = EtcdReader(options["etcd_url"], options["etcd_ca_cert"], options["etcd_client_cert"], options["etcd_client_key"])
    fill(env, args.secrets, args.size)
    try:
        rows = [("Secrets only (take_census)", timed(lambda: census.take_census(reader, "/registry", ["secrets"]), args.repeat)),
                ("whole store (take_store_census)", timed(lambda: census.take_store_census(reader, "/registry"), args.repeat))]
    finally:
        kubectl(env, "delete", "namespace", NAMESPACE, "--wait=false")
    print("| census | objects read | best of %d | peak memory allocated (tracemalloc) |" % args.repeat)
    print("|---|---|---|---|")
    for label, (objects, seconds, mib) in rows:
        print("| %s | %d | %.2f s | %.1f MiB |" % (label, objects, seconds, mib))


if __name__ == "__main__":
    main()
