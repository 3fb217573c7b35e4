"""Benchmark: the provision and rotate playbooks on one cluster and on a fleet of three, with forks.

    .venv/bin/python benchmarks/fleet_scale.py [--secrets 20] [--small-secrets 0] [--consumers 2] [--repeat 1]

The same application runs on each layout: ``--secrets`` basic-auth secrets in a fresh namespace,
every other one at a Vault path shared by the clusters and the rest at a path naming the cluster
(``{{ inventory_hostname }}``), plus ``--consumers`` Deployments per cluster that use some of them.
Both layouts run ``ansible-playbook -i examples/fleet/inventory.yml -f 3 -e secretops_hosts=fleet``
(the inventory's own command): the single cluster with ``--limit cluster-1``, the fleet on all three
hosts. Each playbook run is timed from the outside (benchmarks/measure.py, which also gives the
client-side CPU time: near 2 s per wall second means the 2 cores were busy with Ansible) and
trusted only after every cluster holds the expected Secrets: a shared path's value the same in
every cluster and in Vault, written once per run (its version goes 1 -> 2 in rotate), a cluster's
own path its own value. The JUnit report of each run gives every task's time per host, so the
tasks that grow from one cluster to three are named. With ``--small-secrets`` the fleet is also
measured at that size and the cost per secret is the slope between the two sizes. The namespaces
(in every cluster) and the Vault paths are removed afterwards. Results go to
benchmarks/results/fleet-<UTC timestamp>.json and benchmarks/results/fleet-latest.md; the figures
are in docs/scale.md.
"""

import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
import time
from xml.etree import ElementTree

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(BENCH_DIR)
sys.path.insert(0, BENCH_DIR)
sys.path.insert(0, REPO_ROOT)

import measure  # noqa: E402  pylint: disable=wrong-import-position
import roles_scale  # noqa: E402  pylint: disable=wrong-import-position
from tests.conftest import COLLECTIONS_ROOT  # noqa: E402  pylint: disable=wrong-import-position
from tests.integration.ansible_run import ansible_env  # noqa: E402  pylint: disable=wrong-import-position

PLAYBOOKS = roles_scale.PLAYBOOKS
INVENTORY = os.path.join(REPO_ROOT, "examples", "fleet", "inventory.yml")
RESULTS_DIR = os.path.join(BENCH_DIR, "results")
FLEET = ("cluster-1", "cluster-2", "cluster-3")
# The target: the 3-cluster run within 1.5x of one cluster's time.
TARGET_RATIO = 1.5
VAULT_PREFIX = "bench-fleet"


def log(message):
    print("[fleet-scale %s] %s" % (time.strftime("%H:%M:%S"), message), flush=True)


def shared(index):
    """Every other secret is shared by the clusters (one Vault path), the others are per cluster."""
    return index % 2 == 0


def vault_path(namespace, index, cluster=None):
    """The Vault path of secret ``index``; ``cluster`` None gives the template the inventory renders."""
    if shared(index):
        return "%s/%s/db-%03d" % (VAULT_PREFIX, namespace, index)
    return "%s/%s/%s/db-%03d" % (VAULT_PREFIX, namespace, cluster or "{{ inventory_hostname }}", index)


def fleet_application(namespace, count):
    """roles_scale's application (``count`` basic-auth secrets, no Vault role) with fleet paths: shared and per cluster."""
    variables = roles_scale.application(namespace, count)
    for index, item in enumerate(variables["secretops_applications"][0]["secrets"]):
        item["vault_path"] = vault_path(namespace, index)
    return variables


def all_vault_paths(namespace, count, clusters):
    """Every path a run on ``clusters`` writes: the shared ones once, the per-cluster ones per cluster."""
    paths = []
    for index in range(count):
        if shared(index):
            paths.append(vault_path(namespace, index))
        else:
            paths.extend(vault_path(namespace, index, cluster) for cluster in clusters)
    return paths


def check_fleet(found, vault, count, clusters, namespace, version):
    """Problems (a list of strings, empty when all is well) of the Secrets ``found``
    ({cluster: {name: (data, vault-version annotation)}}) against ``vault`` ({path: (version, data)}):
    every cluster has exactly the application's Secrets, each equal to its Vault path at ``version``."""
    problems = []
    expected = set("db-%03d" % index for index in range(count))
    for cluster in clusters:
        names = set(found.get(cluster, {}))
        if names != expected:
            problems.append("%s: %d Secrets, %d expected (missing %s, unexpected %s)" % (
                cluster, len(names), len(expected), sorted(expected - names)[:3], sorted(names - expected)[:3]))
        for index in range(count):
            name = "db-%03d" % index
            if name not in found.get(cluster, {}):
                continue
            path = vault_path(namespace, index, cluster)
            stored_version, stored = vault.get(path, (None, None))
            data, annotation = found[cluster][name]
            if stored_version != version:
                problems.append("%s: Vault version %s, %d expected (written once per run)" % (path, stored_version, version))
            if data != stored or annotation != str(stored_version):
                problems.append("%s/%s: differs from %s" % (cluster, name, path))
    return sorted(set(problems))


def host_task_times(junit_dir, application=None):
    """``{host: {task name: seconds}}`` from the JUnit report of ``ansible.builtin.junit`` (a task run
    more than once on a host adds up); ``application`` in a task name reads ``<app>``, so names
    compare across runs."""
    times = {}
    for name in sorted(os.listdir(junit_dir)) if os.path.isdir(junit_dir) else []:
        for case in ElementTree.parse(os.path.join(junit_dir, name)).getroot().iter("testcase"):
            label = case.get("name", "")
            host, task = (label[1:].split("] ", 1) if label.startswith("[") and "] " in label else ("?", label))
            task = task.split(" : ", 1)[-1]
            if application:
                task = task.replace(application, "<app>")
            per_host = times.setdefault(host, {})
            per_host[task] = round(per_host.get(task, 0.0) + float(case.get("time") or 0), 3)
    return times


def slowest_host(per_host):
    """``{task: seconds}``: for each task, its time on the slowest host (the linear strategy waits for it)."""
    slowest = {}
    for tasks in per_host.values():
        for task, seconds in tasks.items():
            slowest[task] = max(slowest.get(task, 0.0), seconds)
    return slowest


def growing_tasks(one, fleet, top=5):
    """The tasks whose slowest-host time grows most from one cluster (``one``) to the fleet (``fleet``),
    both ``{task: seconds}``: ``[(task, one, fleet)]``, largest growth first."""
    tasks = set(one) | set(fleet)
    rows = [(task, one.get(task, 0.0), fleet.get(task, 0.0)) for task in tasks]
    return sorted(rows, key=lambda row: row[1] - row[2])[:top]


def summarize(records, secrets, small=0):
    """``{playbook: {...}}``: median wall and CPU seconds on 1 and 3 clusters at ``secrets``, the
    ratio, the target, the cost per extra cluster and (with ``small``) per secret on the fleet."""
    def median_of(playbook, clusters, size, key):
        values = [r[key] for r in records if r["playbook"] == playbook and r["clusters"] == clusters and r["size"] == size]
        return roles_scale.median(values) if values else None
    summary = {}
    for playbook in PLAYBOOKS:
        one, three = median_of(playbook, 1, secrets, "seconds"), median_of(playbook, 3, secrets, "seconds")
        cpu = dict((clusters, median_of(playbook, clusters, secrets, "cpu_seconds")) for clusters in (1, 3))
        row = {"seconds": {1: one, 3: three}, "cpu_seconds": cpu}
        row["ratio"] = round(three / one, 3) if one and three else None
        row["within_target"] = row["ratio"] is not None and row["ratio"] <= TARGET_RATIO
        row["per_extra_cluster"] = round((three - one) / 2.0, 3) if one and three else None
        if small:
            small_three = median_of(playbook, 3, small, "seconds")
            row["small_seconds"] = small_three
            row["per_secret"] = round(roles_scale.slope((small, small_three), (secrets, three)), 4) if small_three and three else None
        summary[playbook] = row
    return summary


def render(summary, secrets, consumers, small=0, load=None):
    lines = ["| playbook | clusters | wall | client CPU | 3 vs 1 | target <= %.1fx | per extra cluster |%s" % (
        TARGET_RATIO, " per secret (3 clusters, N=%d..%d) |" % (small, secrets) if small else ""),
        "|---|---:|---:|---:|---:|---|---:|%s" % ("---:|" if small else "")]
    for playbook in PLAYBOOKS:
        row = summary[playbook]
        for clusters in (1, 3):
            seconds, cpu = row["seconds"][clusters], row["cpu_seconds"][clusters]
            cells = [playbook, str(clusters), "%.1f s" % seconds if seconds else "-", "%.1f s" % cpu if cpu else "-"]
            if clusters == 1:
                cells += ["", "", ""] + ([""] if small else [])
            else:
                cells += ["%.2fx" % row["ratio"] if row["ratio"] else "-", "met" if row["within_target"] else "MISSED",
                          "%.1f s" % row["per_extra_cluster"] if row["per_extra_cluster"] is not None else "-"]
                if small:
                    cells.append("%.3f s" % row["per_secret"] if row.get("per_secret") is not None else "-")
            lines.append("| %s |" % " | ".join(cells))
    lines.append("")
    lines.append("%d basic-auth secrets in one application (half at Vault paths shared by the clusters, half per cluster); "
                 "rotate restarts %d consuming Deployments per cluster and waits for their rollouts." % (secrets, consumers))
    if load:
        lines.append("1-minute load average before the runs: %s" % ", ".join("%.2f" % value for value in load))
    for playbook in PLAYBOOKS:
        growing = summary[playbook].get("growing_tasks") or []
        if growing:
            lines.append("%s, tasks that grow most from 1 to 3 clusters (slowest host): %s" % (
                playbook, "; ".join("%s %.1f -> %.1f s" % row for row in growing)))
    return "\n".join(lines)


class FleetBench(object):
    """The local fleet (three clusters, one OpenBao), a namespace per run, timed playbook runs."""

    def __init__(self, workdir):
        python = os.path.join(REPO_ROOT, ".venv", "bin", "python")
        if not os.path.exists(python):
            python = sys.executable
        subprocess.check_call([python, roles_scale.LOCALENV, "up", "--clusters", str(len(FLEET))], cwd=REPO_ROOT)
        self.env = json.loads(subprocess.check_output([python, roles_scale.LOCALENV, "env", "--json"], cwd=REPO_ROOT))
        self.bin_dir = os.path.dirname(python)
        self.workdir = workdir
        from kubernetes import client as k8s_client, config as k8s_config  # pylint: disable=import-outside-toplevel
        import hvac  # pylint: disable=import-outside-toplevel
        self.k8s_client = k8s_client
        apis = dict((cluster["name"], k8s_config.new_client_from_config(config_file=cluster["kubeconfig"])) for cluster in self.env["clusters"])
        missing = set(FLEET) - set(apis)
        if missing:
            raise RuntimeError("the local environment lacks %s" % ", ".join(sorted(missing)))
        self.core = dict((name, k8s_client.CoreV1Api(api)) for name, api in apis.items())
        self.apps = dict((name, k8s_client.AppsV1Api(api)) for name, api in apis.items())
        self.vault = hvac.Client(url=self.env["vault_addr"], token=self.env["vault_token"])

    def playbook(self, name, extra_vars, label, clusters, application):
        vars_path = os.path.join(self.workdir, "%s.vars.json" % label)
        with open(vars_path, "w") as handle:
            json.dump(dict(extra_vars, secretops_hosts="fleet"), handle)
        junit_dir = os.path.join(self.workdir, "junit-" + label)
        run_env = ansible_env({"ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.default", "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS_ROOT,
                               "SECRETOPS_KUBECONFIG_DIR": self.env["kubeconfig_dir"],
                               "VAULT_ADDR": self.env["vault_addr"], "VAULT_TOKEN": self.env["vault_token"],
                               "SECRETOPS_REPORT_DIR": os.path.join(self.workdir, "reports"),
                               "ANSIBLE_CALLBACKS_ENABLED": "ansible.builtin.junit",
                               "JUNIT_OUTPUT_DIR": junit_dir, "JUNIT_HIDE_TASK_ARGUMENTS": "true"})
        run_env["PATH"] = self.bin_dir + os.pathsep + run_env["PATH"]
        command = [os.path.join(self.bin_dir, "ansible-playbook"), "-i", INVENTORY, "-f", str(len(FLEET)),
                   "secretops.provisioning.%s" % name, "-e", "@" + vars_path]
        if len(clusters) < len(FLEET):
            command += ["--limit", ",".join(clusters)]
        log_path = os.path.join(self.workdir, "%s.log" % label)
        load = os.getloadavg()[0]
        result = measure.run(command, env=run_env, cwd=REPO_ROOT, log_path=log_path)
        if result.returncode != 0:
            with open(log_path, errors="replace") as handle:
                raise RuntimeError("%s failed (exit %s):\n%s" % (label, result.returncode, handle.read()[-3000:]))
        return dict(result.as_dict(), load=round(load, 2), hosts=host_task_times(junit_dir, application))

    def secrets(self, clusters, namespace):
        found = {}
        for cluster in clusters:
            found[cluster] = {}
            for item in self.core[cluster].list_namespaced_secret(namespace).items:
                if item.type != "kubernetes.io/basic-auth":
                    continue
                data = dict((key, base64.b64decode(value).decode()) for key, value in (item.data or {}).items())
                found[cluster][item.metadata.name] = (data, (item.metadata.annotations or {}).get("secretops.io/vault-version"))
        return found

    def vault_values(self, paths):
        values = {}
        for path in paths:
            response = self.vault.secrets.kv.v2.read_secret_version(path=path, mount_point="secret", raise_on_deleted_version=True)
            values[path] = (response["data"]["metadata"]["version"], response["data"]["data"])
        return values

    def check(self, clusters, namespace, count, version, label):
        problems = check_fleet(self.secrets(clusters, namespace), self.vault_values(all_vault_paths(namespace, count, clusters)),
                               count, clusters, namespace, version)
        if problems:
            raise RuntimeError("%s left the wrong Secrets, its time is not trusted:\n  %s" % (label, "\n  ".join(problems[:20])))

    def consumers_running(self, clusters, namespace, count, consumers):
        for cluster in clusters:
            for index, secret in enumerate(roles_scale.consumed_secrets(count, consumers)):
                self.apps[cluster].create_namespaced_deployment(namespace, roles_scale.consumer(namespace, index, secret))
        deadline = time.time() + 180
        for cluster in clusters:
            for index in range(consumers):
                while True:
                    item = self.apps[cluster].read_namespaced_deployment("web-%d" % index, namespace)
                    if (item.status.available_replicas or 0) == 1 and (item.status.observed_generation or 0) >= item.metadata.generation:
                        break
                    if time.time() > deadline:
                        raise RuntimeError("Deployment web-%d did not become available in %s" % (index, cluster))
                    time.sleep(0.2)

    def clean(self, clusters, namespace, count):
        for path in all_vault_paths(namespace, count, clusters):
            self.vault.secrets.kv.v2.delete_metadata_and_all_versions(path=path, mount_point="secret")
        for cluster in clusters:
            try:
                self.core[cluster].delete_namespace(namespace)
            except self.k8s_client.ApiException as exc:
                if exc.status != 404:
                    raise
        # The next run starts when the namespaces are gone: their Pods ending would share the machine.
        deadline = time.time() + 180
        for cluster in clusters:
            while time.time() < deadline:
                if not [item for item in self.core[cluster].list_namespace().items if item.metadata.name == namespace]:
                    break
                time.sleep(0.5)

    def measure_layout(self, clusters, size, consumers, round_number):
        namespace = "fleet-scale-%d-%dc-%d-%d" % (size, len(clusters), round_number, int(time.time()))
        variables = fleet_application(namespace, size)
        records = []
        try:
            for playbook, version in (("provision", 1), ("rotate", 2)):
                if playbook == "rotate":
                    self.consumers_running(clusters, namespace, size, consumers)
                    variables = dict(variables, secretops_wait_timeout=180)
                label = "%s-%s" % (namespace, playbook)
                record = self.playbook(playbook, variables, label, clusters, namespace)
                self.check(clusters, namespace, size, version, label)
                records.append(dict(record, playbook=playbook, size=size, clusters=len(clusters)))
                log("N=%d %d cluster(s) %s: %.1f s wall, %.1f s CPU (load %.2f)" % (
                    size, len(clusters), playbook, record["seconds"], record["cpu_seconds"], record["load"]))
        finally:
            self.clean(clusters, namespace, size)
        return records


def median_slowest(records, playbook, clusters, size):
    """``{task: seconds}``: the median over the runs of each task's slowest-host time."""
    runs = [slowest_host(r["hosts"]) for r in records if r["playbook"] == playbook and r["clusters"] == clusters and r["size"] == size]
    tasks = set(task for run in runs for task in run)
    return dict((task, roles_scale.median([run.get(task, 0.0) for run in runs])) for task in tasks)


def add_growing_tasks(summary, records, secrets):
    for playbook in PLAYBOOKS:
        rows = growing_tasks(median_slowest(records, playbook, 1, secrets), median_slowest(records, playbook, 3, secrets))
        summary[playbook]["growing_tasks"] = [(task, round(one, 2), round(three, 2)) for task, one, three in rows]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--secrets", type=int, default=20, help="secrets in the application (default 20)")
    parser.add_argument("--small-secrets", type=int, default=0,
                        help="also run the fleet with this many secrets; the cost per secret is the slope to --secrets (default 0: not run)")
    parser.add_argument("--consumers", type=int, default=2, help="Deployments consuming the Secrets, per cluster (default 2)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per layout (the median counts)")
    parser.add_argument("--json", help="write the records and the summary to this file (default benchmarks/results/fleet-<UTC timestamp>.json)")
    args = parser.parse_args(argv)
    if args.secrets < 2 or args.consumers < 1:
        parser.error("give at least 2 secrets (one shared, one per cluster) and 1 consumer")
    if args.small_secrets and not 2 <= args.small_secrets < args.secrets:
        parser.error("--small-secrets must be at least 2 and below --secrets")
    return args


def main(argv=None):
    args = parse_args(argv)
    workdir = tempfile.mkdtemp(prefix="secretops-fleet-scale-")
    bench = FleetBench(workdir)
    started = time.gmtime()
    records = []
    plan = [(FLEET[:1], args.secrets), (FLEET, args.secrets)] + ([(FLEET, args.small_secrets)] if args.small_secrets else [])
    for round_number in range(args.repeat):
        # Odd rounds run the layouts in reverse, so a drift in the machine's load does not always favour one.
        for clusters, size in (plan if round_number % 2 == 0 else plan[::-1]):
            records.extend(bench.measure_layout(clusters, size, args.consumers, round_number))
    summary = summarize(records, args.secrets, args.small_secrets)
    add_growing_tasks(summary, records, args.secrets)
    loads = [r["load"] for r in records]
    table = render(summary, args.secrets, args.consumers, args.small_secrets, loads)
    print(table)
    stem = time.strftime("%Y%m%d-%H%M%S", started)
    path = args.json or os.path.join(RESULTS_DIR, "fleet-%s.json" % stem)
    with open(path, "w") as handle:
        json.dump({"arguments": vars(args), "cores": os.cpu_count(), "records": records, "summary": summary}, handle, indent=2, sort_keys=True)
    with open(os.path.join(RESULTS_DIR, "fleet-latest.md"), "w") as handle:
        handle.write("Measured %s UTC on %d cores: `benchmarks/fleet_scale.py --secrets %d --small-secrets %d --consumers %d --repeat %d`.\n\n%s\n"
                     % (time.strftime("%Y-%m-%d %H:%M", started), os.cpu_count(), args.secrets, args.small_secrets, args.consumers,
                        args.repeat, table))
    log("wrote %s and benchmarks/results/fleet-latest.md" % os.path.relpath(path, REPO_ROOT))
    return 0 if all(row["within_target"] for row in summary.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
