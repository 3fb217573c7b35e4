"""The real node leaves the machine as it found it: while it runs a pod, the machine's kernel
settings keep their values, and after ``down`` no process of its namespace, no mount, no bridge and
no cgroup of it is left.

Runs its own environment in a private state directory (OpenBao only): the shared one must never be stopped.
"""

import json
import os
import subprocess
import sys

from kubernetes import client as k8s_client
from kubernetes import config as k8s_config

from tests.integration.conftest import LOCALENV
from tests.integration.real_node_support import consumer_pod, new_digest_key, run_pod

KERNEL_SETTINGS = ("vm/overcommit_memory", "vm/panic_on_oom", "kernel/panic", "kernel/panic_on_oops", "kernel/keys/root_maxkeys",
                   "kernel/keys/root_maxbytes", "net/ipv4/ip_forward")


def _localenv(state_dir, *args, timeout=600):
    env = dict(os.environ, SECRETOPS_ENV_DIR=state_dir, SECRETOPS_VAULT_FLAVORS="openbao", SECRETOPS_REAL_NODE="1")
    return subprocess.run([sys.executable, LOCALENV] + list(args), env=env, capture_output=True, text=True, check=False, timeout=timeout)


def _kernel_settings():
    values = {}
    for entry in KERNEL_SETTINGS:
        with open("/proc/sys/" + entry, encoding="utf-8") as handle:
            values[entry] = handle.read().strip()
    return values


def _pids_in_namespace(namespace):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.readlink("/proc/%s/ns/mnt" % entry) == namespace:
                    found.append(int(entry))
            except OSError:
                pass
    return found


def _cgroups(cgroup_root):
    return [path for path in (os.path.join("/sys/fs/cgroup", name) + cgroup_root for name in os.listdir("/sys/fs/cgroup")) if os.path.exists(path)]


def _mounts_under(path):
    with open("/proc/self/mounts", encoding="utf-8") as handle:
        return [line for line in handle if path in line]


def test_node_runs_a_pod_and_down_leaves_nothing_behind(tmp_path):
    state_dir = str(tmp_path / "env")
    before = _kernel_settings()
    try:
        started = _localenv(state_dir, "up")
        assert started.returncode == 0, started.stdout + started.stderr
        env = json.loads(_localenv(state_dir, "env", "--json").stdout)
        node = env["node"]
        with open(os.path.join(state_dir, "node", "node.json"), encoding="utf-8") as handle:
            recorded = json.load(handle)
        status = _localenv(state_dir, "status")
        assert status.returncode == 0 and node["name"] in status.stdout and "node-kubelet" in status.stdout, status.stdout
        api = k8s_config.new_client_from_config(config_file=env["kubeconfig"])
        k8s_client.CoreV1Api(api).create_namespaced_secret("default", {"metadata": {"name": "s"}, "stringData": {"username": "u"}})
        pod = run_pod(api, "default", consumer_pod("consumer", node, "s", ("username",), new_digest_key()))
        assert pod.spec.node_name == node["name"]
        api.close()
        assert _kernel_settings() == before  # the kubelet's wishes were met inside its namespace only
        assert _pids_in_namespace(recorded["mnt_ns"]) and _cgroups(recorded["cgroup_root"])
        assert subprocess.run(["ip", "link", "show", node["bridge"]], capture_output=True, check=False).returncode == 0
        assert _mounts_under(state_dir) == []  # the kubelet's Secret mounts are invisible outside its namespace

        stopped = _localenv(state_dir, "down")
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr
        assert _pids_in_namespace(recorded["mnt_ns"]) == []
        assert _cgroups(recorded["cgroup_root"]) == []
        assert subprocess.run(["ip", "link", "show", node["bridge"]], capture_output=True, check=False).returncode != 0
        assert not any(path == "/var/lib/cni" for path in recorded["created_dirs"]) or not os.path.exists("/var/lib/cni")
        assert _kernel_settings() == before and not os.path.exists(state_dir)
    finally:
        _localenv(state_dir, "down")
