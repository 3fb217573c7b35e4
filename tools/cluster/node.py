"""The local environment's real node: containerd and a kubelet (built from the Kubernetes pins)
joining cluster-1 beside the kwok node, running the images tools/cluster/images.py writes.

``prepare_network`` creates the pod bridge first (PostgreSQL listens on its address too, so pods
can log in); ``start`` installs the runtime packages when missing, starts containerd in a private
mount namespace, imports the images, starts the kubelet in the same namespace and waits until the
node is Ready; ``stop`` ends every process of that namespace and what the containers run, removes
the bridge and the cgroups, and leaves nothing mounted (the namespace's mounts die with it).
node_config.py renders the configurations and says why each setting is what it is.
"""

import ipaddress
import os
import re
import shutil
import signal
import subprocess
import time

import build
import cluster_api
import control_plane
import images
import node_config
import packages
import pki
import processes
import state
from node_config import NodeLayout

# Debian package -> a file it installs that the node needs.
PACKAGES = {"containerd": "/usr/bin/containerd", "runc": "/usr/sbin/runc",
            "containernetworking-plugins": "/usr/lib/cni/bridge", "busybox-static": "/bin/busybox"}
CONTAINERD_RECORD = "node-containerd"
KUBELET_RECORD = "node-kubelet"
DISABLE_VARIABLE = "SECRETOPS_REAL_NODE"


class NodeError(Exception):
    """The node cannot be set up; the message says what failed."""


def wanted():
    """The node starts unless ``SECRETOPS_REAL_NODE=0`` (make test and make demo always start it)."""
    return os.environ.get(DISABLE_VARIABLE, "1") != "0"


# ---------------------------------------------------------------- packages

def ensure_packages():
    """Install the Debian packages the node needs when one is missing; returns ``{package: version}``."""
    def missing():
        return [package for package, path in sorted(PACKAGES.items()) if not os.path.exists(path)]
    try:
        packages.apt_install(missing(), missing)
    except packages.PackageError as error:
        raise NodeError("the real node needs %s: %s" % (" ".join(missing()), error))
    return package_versions()


def package_versions():
    done = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${Version}\\n"] + sorted(PACKAGES), stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True, check=False)
    return dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)


# ---------------------------------------------------------------- network

def _ip(*args, check=True):
    done = subprocess.run(["ip"] + list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    if check and done.returncode != 0:
        raise NodeError("ip %s failed: %s" % (" ".join(args), done.stdout.strip()))
    return done


def _networks_in_use():
    listed = _ip("-4", "-o", "addr", "show").stdout
    return [ipaddress.ip_interface(address).network for address in re.findall(r"\sinet (\S+)", listed)]


def prepare_network(layout):
    """The pod bridge with the node's address (created anew, on a subnet no interface of the machine
    uses: another environment's node may run); returns the NodeLayout."""
    _ip("link", "del", NodeLayout(layout.root).bridge, check=False)
    try:
        node = NodeLayout(layout.root, node_config.free_subnet_index(layout.root, _networks_in_use()))
    except ValueError as exc:
        raise NodeError(str(exc)) from None
    _ip("link", "add", "name", node.bridge, "type", "bridge")
    _ip("addr", "add", "%s/%d" % (node.gateway, node.prefix_length), "dev", node.bridge)
    _ip("link", "set", node.bridge, "up")
    return node


# ---------------------------------------------------------------- cgroups and kernel settings

def _cgroup_hierarchies(unified=False):
    """The cgroup v1 hierarchies (and with ``unified`` the v2 one a hybrid machine mounts beside them,
    where runc makes the containers' cgroups too)."""
    base = "/sys/fs/cgroup"
    return [os.path.join(base, name) for name in sorted(os.listdir(base))
            if (unified or name != "unified") and os.path.isdir(os.path.join(base, name))]


def _make_cgroup_root(node):
    for hierarchy in _cgroup_hierarchies():
        path = hierarchy + node.cgroup_root
        os.makedirs(path, exist_ok=True)
        if os.path.basename(hierarchy) == "cpuset":
            # A new cpuset has no CPUs or memory nodes until given its parent's.
            for name in ("cpuset.cpus", "cpuset.mems"):
                with open(os.path.join(hierarchy, name), encoding="utf-8") as source:
                    value = source.read()
                with open(os.path.join(path, name), "w", encoding="utf-8") as target:
                    target.write(value)


def _remove_cgroup_root(cgroup_root):
    for hierarchy in _cgroup_hierarchies(unified=True):
        top = hierarchy + cgroup_root
        if not os.path.isdir(top):
            continue
        for base, _dirs, _files in sorted(os.walk(top), key=lambda item: -item[0].count(os.sep)):
            try:
                os.rmdir(base)
            except OSError:
                pass


def _kernel_overrides(node):
    """Write the wanted value of every kernel setting whose machine value differs; return their names."""
    os.makedirs(node.kernel_dir, exist_ok=True)
    overrides = []
    for entry, value in sorted(node_config.KERNEL_SETTINGS.items()):
        with open("/proc/sys/" + entry, encoding="utf-8") as handle:
            if handle.read().strip() == value:
                continue
        with open(os.path.join(node.kernel_dir, entry.replace("/", ".")), "w", encoding="utf-8") as handle:
            handle.write(value + "\n")
        overrides.append(entry)
    return overrides


# ---------------------------------------------------------------- start

def _ctr(node, *args):
    done = subprocess.run(["ctr", "--address", node.socket, "--namespace", "k8s.io"] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, check=False)
    if done.returncode != 0:
        raise NodeError("ctr %s failed: %s" % (" ".join(args), done.stdout.strip()[-2000:]))
    return done.stdout


def _version(argv, pattern):
    done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    match = re.search(pattern, done.stdout)
    return match.group(1) if match else done.stdout.strip()[:80]


def start(layout, node, bins, server, start_process):
    """Start the node on cluster-1 (its network made by ``prepare_network``); returns env.json's ``node``.

    ``start_process(name, argv, ready_description, ready_check, timeout, env)`` starts and records one process.
    """
    packages = ensure_packages()
    consumer_bins = build.ensure_consumer()
    cluster = layout.cluster(state.FIRST_CLUSTER)
    for path in (node.base, node.containerd_root, node.containerd_state, node.kubelet_root, node.cni_conf_dir, node.cni_ipam_dir, node.images,
                 node.static_pods):
        os.makedirs(path, mode=0o700, exist_ok=True)
    made = images.write_images(consumer_bins, node.images, {"kube-apiserver": os.path.join(bins, "kube-apiserver"),
                                                            build.KMS_BINARY: build.ensure_kms()})
    refs = {name: reference for name, (reference, _path) in made.items()}
    with open(node.containerd_config, "w", encoding="utf-8") as handle:
        handle.write(node_config.containerd_config(node, refs["pause"]))
    node_config.write_json(os.path.join(node.cni_conf_dir, "10-secretops.conflist"), node_config.cni_config(node))
    ports = {"kubelet": processes.free_port(), "kubelet_healthz": processes.free_port()}
    node_config.write_json(node.kubelet_config, node_config.kubelet_config(node, cluster.pki, ports))
    pki.ensure_client_cert(cluster.pki, "node", "system:node:" + node_config.NODE_NAME, "system:nodes")
    pki.ensure_serving_cert(cluster.pki, "kubelet-serving", node_config.NODE_NAME, [node_config.NODE_NAME], [node.gateway])
    control_plane.write_kubeconfig(cluster.kubeconfig("kubelet"), server, cluster.pki, "node", cluster.context)
    created_dirs = [path for path in node_config.PRIVATE_DIRS if not os.path.isdir(path)]
    for path in created_dirs:
        os.makedirs(path)
    _make_cgroup_root(node)
    record = {"cgroup_root": node.cgroup_root, "bridge": node.bridge, "subnet": node.subnet, "created_dirs": created_dirs}
    node_config.write_json(node.record, record)
    with open(node.setup_script, "w", encoding="utf-8") as handle:
        handle.write(node_config.namespace_script(node, _kernel_overrides(node)))
    containerd = start_process(CONTAINERD_RECORD, ["unshare", "--mount", "--propagation", "private", "sh", node.setup_script],
                               "containerd socket", lambda: _ctr(node, "version") is not None, 60, None)
    record["mnt_ns"] = os.readlink("/proc/%d/ns/mnt" % containerd["pid"])
    node_config.write_json(node.record, record)
    for _name, (_reference, path) in sorted(made.items()):
        _ctr(node, "images", "import", path)
    api = cluster_api.ClusterApi(server, cluster.pki)
    kubelet = os.path.join(bins, "kubelet")
    argv = ["nsenter", "--mount=/proc/%d/ns/mnt" % containerd["pid"], "--"] + node_config.kubelet_argv(kubelet, node, cluster.kubeconfig("kubelet"))
    taint = (node_config.TAINT["key"], node_config.TAINT["value"], node_config.TAINT["effect"])
    start_process(KUBELET_RECORD, argv, "node %s Ready" % node_config.NODE_NAME,
                  lambda: api.node_ready(node_config.NODE_NAME, [taint]), 120, None)
    return {
        "name": node_config.NODE_NAME, "address": node.gateway, "subnet": node.subnet, "bridge": node.bridge,
        "label": {node_config.LABEL: "true"}, "taint": node_config.TAINT, "images": refs,
        "containerd_socket": node.socket, "kubelet_port": ports["kubelet"], "static_pod_path": node.static_pods,
        "runtime": {"packages": packages, "kubelet": _version([kubelet, "--version"], r"(v\S+)"),
                    "containerd": _version(["containerd", "--version"], r"containerd \S+ (\S+)"),
                    "runc": _version(["runc", "--version"], r"runc version (\S+)")},
    }


def problems(description, api_server, pki_dir):
    """Why the described node is not usable (empty when it is)."""
    if not description:
        return []
    taint = (node_config.TAINT["key"], node_config.TAINT["value"], node_config.TAINT["effect"])
    try:
        if cluster_api.ClusterApi(api_server, pki_dir).node_ready(description["name"], [taint]):
            return []
    except Exception as exc:  # pylint: disable=broad-except
        return ["node %s: %s" % (description["name"], exc)]
    return ["node %s is not Ready" % description["name"]]


# ---------------------------------------------------------------- stop

def _namespace_pids(namespace):
    pids = []
    for pid in processes.pids():
        try:
            if os.readlink("/proc/%d/ns/mnt" % pid) == namespace:
                pids.append(pid)
        except OSError:
            pass
    return pids


def _ours(node, pids):
    """Whether a process of these runs for this node (containerd, a shim, the kubelet name its files): a
    namespace's id is reused once it is gone, and a stale record must never point at another one."""
    for pid in pids:
        try:
            with open("/proc/%d/cmdline" % pid, "rb") as handle:
                if node.base.encode() in handle.read():
                    return True
        except OSError:
            pass
    return False


def _descendants(roots):
    children = {}
    for pid in processes.pids():
        parent = processes.parent_of(pid)
        if parent is not None:
            children.setdefault(parent, []).append(pid)
    found, queue = set(), list(roots)
    while queue:
        pid = queue.pop()
        if pid not in found:
            found.add(pid)
            queue.extend(children.get(pid, []))
    return found


def stop(layout, records, timeout=10.0):
    """Stop the node: the kubelet, then every process in its mount namespace (containerd, shims) and
    what they run (containers live in namespaces of their own), then the bridge, the cgroups and the
    directories it created. Safe to call when nothing of the node runs."""
    node = NodeLayout(layout.root)
    record = state.read_json(node.record) or {}
    for item in records:
        if item["name"] == KUBELET_RECORD:
            processes.stop(item)
    namespace = record.get("mnt_ns")
    if namespace and _ours(node, _namespace_pids(namespace)):
        deadline = time.monotonic() + timeout
        while True:
            pids = set(pid for pid in _descendants(_namespace_pids(namespace)) if processes.parent_of(pid) is not None)
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            for pid in pids:
                try:
                    os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    pass
            if time.monotonic() > deadline:
                raise NodeError("processes of the node's namespace survive SIGKILL: %s" % sorted(pids))
            time.sleep(0.1)
    for item in records:
        if item["name"] == CONTAINERD_RECORD:
            processes.stop(item)
    # The bridge's name is derived from this state directory: it is this environment's, even when an
    # `up` failed before writing node.json.
    if shutil.which("ip"):
        _ip("link", "del", record.get("bridge") or node.bridge, check=False)
    _remove_cgroup_root(record.get("cgroup_root") or node.cgroup_root)
    for path in record.get("created_dirs") or []:
        try:
            os.rmdir(path)
        except OSError:
            pass
