"""Benchmark: the memory one local Kubernetes cluster costs, and how many this machine holds.

    .venv/bin/python benchmarks/cluster_memory.py [--clusters 3] [--settle 10] [--json out.json]

Brings the local environment up with ``--clusters`` clusters (``tools/cluster/localenv.py up
--clusters N`` only adds the missing ones to a running environment), waits ``--settle`` seconds
for the components to finish their start-up work, then reads the resident set size (VmRSS of
/proc/<pid>/status) of every process recorded in processes.json, children included: each
cluster's etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok, and the servers
every cluster shares (OpenBao, HashiCorp Vault, PostgreSQL). The machine holds as many more
clusters as MemAvailable (/proc/meminfo) divided by the largest cluster's RSS. RSS counts the
binaries' pages that every cluster shares in full; the proportional set size (Pss of
/proc/<pid>/smaps_rollup) shares them out, so it is closer to what one more cluster adds. A cluster of a test
environment holds few objects: the figure is its floor, not what a busy cluster takes. Exits 1
when a cluster takes more than the target (1 GiB).
"""

import argparse
import json
import os
import subprocess
import sys
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(BENCH_DIR)
sys.path.insert(0, os.path.join(REPO_ROOT, "tools", "cluster"))

import state  # noqa: E402  pylint: disable=wrong-import-position,import-error

LOCALENV = os.path.join("tools", "cluster", "localenv.py")
TARGET_MIB = 1024
# cluster-1's processes keep the bare names they always had (tools/cluster/state.py)
CONTROL_PLANE = ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok")
SHARED = "shared"


def owner(record_name):
    """The cluster a processes.json record belongs to, or ``shared`` for the servers every cluster uses."""
    if "/" in record_name:
        return record_name.split("/", 1)[0]
    return state.FIRST_CLUSTER if record_name in CONTROL_PLANE else SHARED


def status_kib(text, field):
    """A ``kB`` field (VmRSS, MemAvailable) of /proc/<pid>/status or /proc/meminfo, in KiB; 0 when absent."""
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _read(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        return ""


def descendants(pid, parents):
    """``pid`` and every process below it, from ``parents`` ({pid: parent pid})."""
    found = [pid]
    for child in sorted(child for child, parent in parents.items() if parent == pid):
        found += descendants(child, parents)
    return found


def _parents():
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            parent = status_kib(_read("/proc/%s/status" % entry), "PPid")
            parents[int(entry)] = parent
    return parents


def sum_by_owner(records, memory_kib_of):
    """``{owner: {"rss_mib": total, "pss_mib": total, "processes": {record name: RSS MiB}}}`` from
    processes.json's records; ``memory_kib_of(pid)`` is ``(rss, pss)`` in KiB."""
    totals = {}
    for record in records:
        rss, pss = (kib / 1024.0 for kib in memory_kib_of(record["pid"]))
        entry = totals.setdefault(owner(record["name"]), {"rss_mib": 0.0, "pss_mib": 0.0, "processes": {}})
        entry["processes"][record["name"]] = round(rss, 1)
        entry["rss_mib"] = round(entry["rss_mib"] + rss, 1)
        entry["pss_mib"] = round(entry["pss_mib"] + pss, 1)
    return totals


def summarize(totals, available_mib):
    """The per-cluster figures, the shared servers' and how many more clusters fit in ``available_mib``."""
    clusters = dict((name, entry) for name, entry in totals.items() if name != SHARED)
    largest = max(entry["rss_mib"] for entry in clusters.values()) if clusters else 0.0
    return {
        "clusters": clusters,
        "shared_mib": totals.get(SHARED, {}).get("rss_mib", 0.0),
        "shared": totals.get(SHARED, {}).get("processes", {}),
        "available_mib": round(available_mib, 1),
        "largest_cluster_mib": largest,
        "more_clusters_fit": int(available_mib // largest) if largest else 0,
        "within_target": bool(clusters) and largest <= TARGET_MIB,
    }


def render(summary):
    def cluster_order(name):
        return int(name[len(state.CLUSTER_PREFIX):]) if name[len(state.CLUSTER_PREFIX):].isdigit() else 0
    lines = ["| cluster | RSS | PSS | etcd | kube-apiserver | kube-controller-manager | kube-scheduler | kwok |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name in sorted(summary["clusters"], key=cluster_order):
        entry = summary["clusters"][name]
        by_component = dict((process.rsplit("/", 1)[-1], mib) for process, mib in entry["processes"].items())
        lines.append("| %s | %.0f MiB | %.0f MiB | %s |" % (name, entry["rss_mib"], entry["pss_mib"], " | ".join(
            "%.0f" % by_component[component] if component in by_component else "-" for component in CONTROL_PLANE)))
    lines.append("")
    lines.append("shared servers: %.0f MiB RSS (%s)" % (summary["shared_mib"], ", ".join(
        "%s %.0f" % item for item in sorted(summary["shared"].items()))))
    lines.append("largest cluster %.0f MiB (target <= %d MiB: %s); MemAvailable %.0f MiB holds %d more clusters at that figure, %d in all"
                 % (summary["largest_cluster_mib"], TARGET_MIB, "met" if summary["within_target"] else "MISSED",
                    summary["available_mib"], summary["more_clusters_fit"], summary["more_clusters_fit"] + len(summary["clusters"])))
    return "\n".join(lines)


def measure(layout):
    parents = _parents()

    def tree_kib(pid):
        tree = descendants(pid, parents)
        return (sum(status_kib(_read("/proc/%d/status" % each), "VmRSS") for each in tree),
                sum(status_kib(_read("/proc/%d/smaps_rollup" % each), "Pss") for each in tree))
    totals = sum_by_owner(state.recorded_processes(layout), tree_kib)
    return summarize(totals, status_kib(_read("/proc/meminfo"), "MemAvailable") / 1024.0)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=3, help="clusters to have running when measuring (default 3)")
    parser.add_argument("--settle", type=float, default=10.0, help="seconds to wait after up before reading RSS (default 10)")
    parser.add_argument("--json", help="also write the figures to this file")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    python = os.path.join(REPO_ROOT, ".venv", "bin", "python")
    subprocess.check_call([python if os.path.exists(python) else sys.executable, LOCALENV, "up", "--clusters", str(args.clusters)],
                          cwd=REPO_ROOT)
    time.sleep(args.settle)
    summary = measure(state.Layout())
    print(render(summary))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(summary, handle, indent=2, sort_keys=True)
    return 0 if summary["within_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
