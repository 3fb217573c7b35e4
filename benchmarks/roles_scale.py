"""Benchmark: the provision and rotate playbooks at scale, and the marginal cost of one more secret.

    .venv/bin/python benchmarks/roles_scale.py [--sizes 10,100] [--consumers 3] [--repeat 1]

For each size N, in a fresh namespace: ``ansible-playbook secretops.provisioning.provision`` with
one application of N basic-auth secrets (Vault seeded, Secrets built), then ``--consumers``
Deployments that each use one of the Secrets, then ``ansible-playbook
secretops.provisioning.rotate`` (every secret rotated, the consumers restarted and their rollouts
waited for). Each playbook run is timed from the outside (benchmarks/measure.py). The marginal cost
per extra secret is the slope between the smallest and the largest N: the rollouts and the
playbook start are the same at every N, so the slope is what each secret adds. The namespace, its
Vault paths and the reports are removed afterwards. See docs/performance.md for the figures.
"""

import argparse
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
from tests.conftest import COLLECTIONS_ROOT  # noqa: E402  pylint: disable=wrong-import-position
from tests.integration.ansible_run import ansible_env  # noqa: E402  pylint: disable=wrong-import-position

PLAYBOOKS = ("provision", "rotate")
# What a secret may add to a playbook run, in seconds (issue 13).
TARGET_SLOPE = 0.1
LOCALENV = os.path.join("tools", "cluster", "localenv.py")


def log(message):
    print("[roles-scale %s] %s" % (time.strftime("%H:%M:%S"), message), flush=True)


def application(namespace, count):
    """The playbooks' vars: one application of ``count`` basic-auth secrets (no Vault role: only the secrets are measured)."""
    secrets = [{"name": "db-%03d" % index, "type": "basic-auth", "vault_path": "bench/%s/db-%03d" % (namespace, index),
                "values": {"username": "user-%03d" % index}, "generate": {"password": {"length": 24}}} for index in range(count)]
    return {"secretops_applications": [{"name": namespace, "namespace": namespace, "service_account": "app", "secrets": secrets}],
            "app_secrets_vault_access": False}


def consumer(namespace, index, secret):
    """A Deployment whose pods read ``secret``'s password from the environment."""
    labels = {"app": "web-%d" % index}
    env = [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": secret, "key": "password"}}}]
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web-%d" % index, "namespace": namespace},
            "spec": {"replicas": 1, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"serviceAccountName": "app", "containers": [{"name": "app", "image": "example.test/app:1", "env": env}]}}}}


def consumed_secrets(count, consumers):
    """The Secrets the consumers use: spread over the list, one each."""
    return ["db-%03d" % (index * count // consumers) for index in range(consumers)]


def slope(small, large):
    """Seconds per extra secret between two ``(n, seconds)`` points."""
    (n_small, t_small), (n_large, t_large) = small, large
    if n_large == n_small:
        raise ValueError("the sizes must differ")
    return (t_large - t_small) / float(n_large - n_small)


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2.0


def task_times(junit_dir, application=None):
    """``{task name: seconds}`` from the JUnit report of ``ansible.builtin.junit`` (a task run more than
    once adds up); ``application`` in a task name reads ``<app>``, so names compare across sizes."""
    times = {}
    for name in sorted(os.listdir(junit_dir)) if os.path.isdir(junit_dir) else []:
        for case in ElementTree.parse(os.path.join(junit_dir, name)).getroot().iter("testcase"):
            task = case.get("name", "").split("] ", 1)[-1].split(" : ", 1)[-1]
            if application:
                task = task.replace(application, "<app>")
            times[task] = round(times.get(task, 0.0) + float(case.get("time") or 0), 3)
    return times


def task_slopes(records, playbook, sizes, top=4):
    """The tasks of ``playbook`` whose time grows most per extra secret: ``[(task, slope)]``, largest first."""
    def median_time(size, task):
        return median([r["tasks"].get(task, 0.0) for r in records if r["playbook"] == playbook and r["size"] == size and "tasks" in r] or [0.0])
    tasks = set()
    for record in records:
        if record["playbook"] == playbook:
            tasks.update(record.get("tasks") or {})
    slopes = [(task, slope((sizes[0], median_time(sizes[0], task)), (sizes[-1], median_time(sizes[-1], task)))) for task in tasks]
    return sorted(slopes, key=lambda pair: -pair[1])[:top]


def summarize(records, sizes):
    """``{playbook: {"seconds": {n: median}, "slope": s, "within_target": bool}}`` from the run records."""
    summary = {}
    for playbook in PLAYBOOKS:
        seconds = dict((size, median([r["seconds"] for r in records if r["playbook"] == playbook and r["size"] == size])) for size in sizes)
        per_secret = slope((sizes[0], seconds[sizes[0]]), (sizes[-1], seconds[sizes[-1]]))
        summary[playbook] = {"seconds": seconds, "slope": round(per_secret, 4), "within_target": per_secret <= TARGET_SLOPE,
                             "growing_tasks": [(task, round(value, 4)) for task, value in task_slopes(records, playbook, sizes)]}
    return summary


def render(summary, sizes, consumers):
    lines = ["| playbook | %s | per extra secret (slope N=%d..%d) | target |" % (" | ".join("N=%d" % size for size in sizes), sizes[0], sizes[-1]),
             "|---|%s---:|---|" % ("---:|" * len(sizes))]
    for playbook in PLAYBOOKS:
        row = summary[playbook]
        lines.append("| %s | %s | %.3f s | <= %.1f s %s |" % (
            playbook, " | ".join("%.1f s" % row["seconds"][size] for size in sizes), row["slope"], TARGET_SLOPE,
            "met" if row["within_target"] else "MISSED"))
    lines.append("")
    lines.append("basic-auth secrets in one application; rotate restarts %d consuming Deployments and waits for their rollouts." % consumers)
    for playbook in PLAYBOOKS:
        growing = summary[playbook].get("growing_tasks") or []
        if growing:
            lines.append("%s, the tasks that grow most per extra secret: %s" % (
                playbook, "; ".join("%s %.3f s" % (task, value) for task, value in growing)))
    return "\n".join(lines)


class Bench(object):
    """The local environment, a namespace per size, and timed playbook runs."""

    def __init__(self, workdir):
        python = os.path.join(REPO_ROOT, ".venv", "bin", "python")
        if not os.path.exists(python):
            python = sys.executable
        subprocess.check_call([python, LOCALENV, "up"], cwd=REPO_ROOT)
        self.env = json.loads(subprocess.check_output([python, LOCALENV, "env", "--json"], cwd=REPO_ROOT))
        self.bin_dir = os.path.dirname(python)
        self.workdir = workdir
        from kubernetes import client as k8s_client, config as k8s_config  # pylint: disable=import-outside-toplevel
        import hvac  # pylint: disable=import-outside-toplevel
        api = k8s_config.new_client_from_config(config_file=self.env["kubeconfig"])
        self.core = k8s_client.CoreV1Api(api)
        self.apps = k8s_client.AppsV1Api(api)
        self.vault = hvac.Client(url=self.env["vault_addr"], token=self.env["vault_token"])

    def playbook(self, name, extra_vars, label, application=None):
        vars_path = os.path.join(self.workdir, "%s.vars.json" % label)
        with open(vars_path, "w") as handle:
            json.dump(extra_vars, handle)
        run_env = ansible_env({"ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.default", "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS_ROOT,
                               "KUBECONFIG": self.env["kubeconfig"], "K8S_AUTH_KUBECONFIG": self.env["kubeconfig"],
                               "VAULT_ADDR": self.env["vault_addr"], "VAULT_TOKEN": self.env["vault_token"],
                               "SECRETOPS_REPORT_DIR": os.path.join(self.workdir, "reports"),
                               "ANSIBLE_CALLBACKS_ENABLED": "ansible.builtin.junit",
                               "JUNIT_OUTPUT_DIR": os.path.join(self.workdir, "junit-" + label), "JUNIT_HIDE_TASK_ARGUMENTS": "true"})
        run_env["PATH"] = self.bin_dir + os.pathsep + run_env["PATH"]
        command = [os.path.join(self.bin_dir, "ansible-playbook"), "-i", "localhost,", "-c", "local",
                   "secretops.provisioning.%s" % name, "-e", "@" + vars_path]
        log_path = os.path.join(self.workdir, "%s.log" % label)
        result = measure.run(command, env=run_env, cwd=REPO_ROOT, log_path=log_path)
        if result.returncode != 0:
            with open(log_path, errors="replace") as handle:
                raise RuntimeError("%s failed (exit %s):\n%s" % (label, result.returncode, handle.read()[-3000:]))
        return dict(result.as_dict(), tasks=task_times(os.path.join(self.workdir, "junit-" + label), application))

    def consumers_running(self, namespace, count, consumers):
        for index, secret in enumerate(consumed_secrets(count, consumers)):
            self.apps.create_namespaced_deployment(namespace, consumer(namespace, index, secret))
        deadline = time.time() + 120
        for index in range(consumers):
            while True:
                item = self.apps.read_namespaced_deployment("web-%d" % index, namespace)
                if (item.status.available_replicas or 0) == 1 and (item.status.observed_generation or 0) >= item.metadata.generation:
                    break
                if time.time() > deadline:
                    raise RuntimeError("Deployment web-%d did not become available" % index)
                time.sleep(0.2)

    def clean(self, namespace, count):
        for index in range(count):
            self.vault.secrets.kv.v2.delete_metadata_and_all_versions(path="bench/%s/db-%03d" % (namespace, index), mount_point="secret")
        self.core.delete_namespace(namespace)
        # The next size starts when the namespace is gone: its Pods ending would share the machine.
        deadline = time.time() + 120
        while time.time() < deadline:
            if not [item for item in self.core.list_namespace().items if item.metadata.name == namespace]:
                return
            time.sleep(0.5)

    def measure_size(self, size, consumers, round_number):
        namespace = "roles-scale-%d-%d-%d" % (size, round_number, int(time.time()))
        variables = application(namespace, size)
        records = []
        try:
            record = self.playbook("provision", variables, "%s-provision" % namespace, namespace)
            records.append(dict(record, playbook="provision", size=size))
            log("N=%d provision: %.1f s" % (size, record["seconds"]))
            self.consumers_running(namespace, size, consumers)
            record = self.playbook("rotate", dict(variables, secretops_wait_timeout=120), "%s-rotate" % namespace, namespace)
            records.append(dict(record, playbook="rotate", size=size))
            log("N=%d rotate: %.1f s" % (size, record["seconds"]))
        finally:
            self.clean(namespace, size)
        return records


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100", help="comma-separated secret counts; the slope is taken between the first and the last")
    parser.add_argument("--consumers", type=int, default=3, help="Deployments consuming the Secrets (default 3)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (the median counts)")
    parser.add_argument("--json", help="also write the records and the summary to this file")
    args = parser.parse_args(argv)
    args.sizes = sorted(int(size) for size in args.sizes.split(","))
    if len(args.sizes) < 2:
        parser.error("give at least two sizes")
    return args


def main(argv=None):
    args = parse_args(argv)
    workdir = tempfile.mkdtemp(prefix="secretops-roles-scale-")
    bench = Bench(workdir)
    records = []
    for round_number in range(args.repeat):
        for size in args.sizes:
            records.extend(bench.measure_size(size, args.consumers, round_number))
    summary = summarize(records, args.sizes)
    print(render(summary, args.sizes, args.consumers))
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"records": records, "summary": summary}, handle, indent=2, sort_keys=True)
    return 0 if all(row["within_target"] for row in summary.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
