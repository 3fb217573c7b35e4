"""The real node's configuration, rendered without I/O: where its files live, its private network,
and the containerd, CNI and kubelet configurations (tools/cluster/node.py starts it with them).

Every choice here serves one rule: the node leaves the machine as it found it. It runs in a mount
namespace of its own (private /run, /var/log, /var/lib/cni; the kernel settings the kubelet insists
on are files bind-mounted over their /proc/sys entries there), touches no iptables, keeps its
cgroups under one directory of its own, and its pods live on a bridge of their own on a private
subnet, named after the environment's state directory so that two environments never collide.
"""

import hashlib
import ipaddress
import json
import os

NODE_NAME = "secretops-node-0"
LABEL = "secretops.io/real-node"
# Pods land on the real node only if they select the label and tolerate the taint; kwok keeps the rest.
TAINT = {"key": LABEL, "value": "true", "effect": "NoSchedule"}
CNI_BIN_DIR = "/usr/lib/cni"
# What the kubelet wants these kernel settings to be (pkg/kubelet/cm setupKernelTunables), and what the CNI
# bridge plugin sets for a gateway: inside the node's mount namespace a file with the wanted value is
# bind-mounted over each entry whose machine value differs, so the machine's values never change.
KERNEL_SETTINGS = {
    "vm/overcommit_memory": "1", "vm/panic_on_oom": "0", "kernel/panic": "10", "kernel/panic_on_oops": "1",
    "kernel/keys/root_maxkeys": "1000000", "kernel/keys/root_maxbytes": "25000000", "net/ipv4/ip_forward": "1",
}
# Emptied (tmpfs) inside the node's mount namespace: what containerd, runc, the kubelet and CNI write there
# by fixed paths stays private and disappears with the namespace.
PRIVATE_DIRS = ("/run", "/var/log", "/var/lib/cni")


def _digest(root):
    return hashlib.sha256(os.path.abspath(root).encode("utf-8")).hexdigest()


def preferred_subnet_index(root):
    return int(_digest(root)[:4], 16) % 200 + 20


def free_subnet_index(root, networks_in_use):
    """The first index from the preferred one on whose ``10.250.<index>.0/24`` no address of
    ``networks_in_use`` (ipaddress networks of the machine's interfaces) lies."""
    preferred = preferred_subnet_index(root)
    for offset in range(200):
        index = (preferred - 20 + offset) % 200 + 20
        candidate = ipaddress.ip_network("10.250.%d.0/24" % index)
        if not any(candidate.overlaps(network) for network in networks_in_use):
            return index
    raise ValueError("no free /24 in 10.250.20.0-10.250.219.255 for the pod bridge")


class NodeLayout:
    """Where the node's files live (under ``<state root>/node``) and its private network."""

    def __init__(self, root, subnet_index=None):
        self.base = os.path.join(root, "node")
        self.containerd_root = os.path.join(self.base, "containerd", "root")
        self.containerd_state = os.path.join(self.base, "containerd", "state")
        self.containerd_config = os.path.join(self.base, "containerd.toml")
        self.socket = os.path.join(self.base, "containerd.sock")
        self.kubelet_root = os.path.join(self.base, "kubelet")
        self.kubelet_config = os.path.join(self.base, "kubelet-config.json")
        self.cni_conf_dir = os.path.join(self.base, "cni", "net.d")
        self.cni_ipam_dir = os.path.join(self.base, "cni", "ipam")
        self.kernel_dir = os.path.join(self.base, "proc-sys")
        self.images = os.path.join(self.base, "images")
        # The kubelet's static Pod directory (kubeadm's /etc/kubernetes/manifests), private to this environment.
        self.static_pods = os.path.join(self.base, "manifests")
        self.setup_script = os.path.join(self.base, "namespace.sh")
        self.record = os.path.join(self.base, "node.json")
        # The subnet's third octet: derived from the state directory unless prepare_network had to pick another.
        self.subnet_index = preferred_subnet_index(root) if subnet_index is None else subnet_index
        self.bridge = "secretops%04x" % (int(_digest(root)[4:8], 16))
        self.subnet = "10.250.%d.0/24" % self.subnet_index
        self.gateway = "10.250.%d.1" % self.subnet_index
        self.prefix_length = 24
        self.cgroup_root = "/secretops-node-" + _digest(root)[:10]


def containerd_config(node, sandbox_image):
    """containerd 1.6's configuration (version 2 TOML) for the node's CRI."""
    return "\n".join([
        "version = 2",
        'root = "%s"' % node.containerd_root,
        'state = "%s"' % node.containerd_state,
        'disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", '
        '"io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper"]',
        "[grpc]",
        '  address = "%s"' % node.socket,
        "[metrics]",
        '  address = ""',
        '[plugins."io.containerd.grpc.v1.cri"]',
        '  sandbox_image = "%s"' % sandbox_image,
        # Root here lacks CAP_SYS_RESOURCE: without this every sandbox fails in runc create.
        "  restrict_oom_score_adj = true",
        "  disable_apparmor = true",
        "  enable_selinux = false",
        '  [plugins."io.containerd.grpc.v1.cri".containerd]',
        '    snapshotter = "overlayfs"',
        '    default_runtime_name = "runc"',
        '    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]',
        '      runtime_type = "io.containerd.runc.v2"',
        '      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]',
        "        SystemdCgroup = false",
        '  [plugins."io.containerd.grpc.v1.cri".cni]',
        '    bin_dir = "%s"' % CNI_BIN_DIR,
        '    conf_dir = "%s"' % node.cni_conf_dir,
        '[plugins."io.containerd.internal.v1.opt"]',
        '  path = "%s"' % os.path.join(node.base, "containerd", "opt"),
        "",
    ])


def cni_config(node):
    """The pod network: a bridge of its own, the node's address its gateway, no masquerading (no iptables)."""
    return {
        "cniVersion": "0.4.0",
        "name": "secretops-node",
        "plugins": [{
            "type": "bridge", "bridge": node.bridge, "isGateway": True, "ipMasq": False, "hairpinMode": True,
            "ipam": {"type": "host-local", "ranges": [[{"subnet": node.subnet, "gateway": node.gateway}]],
                     "dataDir": node.cni_ipam_dir},
        }],
    }


def kubelet_config(node, pki_dir, ports):
    """The KubeletConfiguration (JSON is YAML): no anonymous requests, webhook authorization, the
    facts of this machine (cgroup v1 with cgroupfs, kernel defaults it may not change, no iptables)."""
    return {
        "apiVersion": "kubelet.config.k8s.io/v1beta1",
        "kind": "KubeletConfiguration",
        "address": node.gateway,
        "port": ports["kubelet"],
        "readOnlyPort": 0,
        "healthzBindAddress": "127.0.0.1",
        "healthzPort": ports["kubelet_healthz"],
        "tlsCertFile": os.path.join(pki_dir, "kubelet-serving.crt"),
        "tlsPrivateKeyFile": os.path.join(pki_dir, "kubelet-serving.key"),
        "authentication": {"anonymous": {"enabled": False}, "webhook": {"enabled": True},
                           "x509": {"clientCAFile": os.path.join(pki_dir, "ca.crt")}},
        "authorization": {"mode": "Webhook"},
        "containerRuntimeEndpoint": "unix://" + node.socket,
        "cgroupDriver": "cgroupfs",
        "cgroupRoot": node.cgroup_root,
        "failCgroupV1": False,
        "failSwapOn": False,
        "protectKernelDefaults": False,
        "makeIPTablesUtilChains": False,
        # A mounted Secret is refreshed within 10-15 s (the default 1 min makes volume tests slow).
        "syncFrequency": "10s",
        "registerWithTaints": [TAINT],
        "resolvConf": "",
        "serializeImagePulls": False,
        # The images are imported, never pulled: never collect them, and never evict test pods because
        # other work on the machine fills its disk.
        "imageGCHighThresholdPercent": 100,
        "imageGCLowThresholdPercent": 99,
        "evictionHard": {"memory.available": "1Mi", "nodefs.available": "1%", "imagefs.available": "1%"},
        # Static Pods (kubeadm layouts: tests lay out a kube-apiserver manifest here); the kubelet watches the
        # directory (inotify) and also lists it every fileCheckFrequency.
        "staticPodPath": node.static_pods,
        "fileCheckFrequency": "5s",
        "maxPods": 110,
    }


def kubelet_argv(kubelet, node, kubeconfig):
    return [kubelet, "--config=" + node.kubelet_config, "--kubeconfig=" + kubeconfig, "--root-dir=" + node.kubelet_root,
            "--hostname-override=" + NODE_NAME, "--node-ip=" + node.gateway, "--node-labels=%s=true" % LABEL, "--v=1"]


def namespace_script(node, kernel_overrides, containerd="containerd"):
    """The shell script ``unshare --mount --propagation private`` runs: private directories, kernel
    setting overlays, then it becomes containerd (the kubelet joins this namespace with nsenter).
    ``kernel_overrides`` are the KERNEL_SETTINGS entries whose machine value differs."""
    lines = ["#!/bin/sh", "set -eu"]
    for directory in PRIVATE_DIRS:
        lines.append("mount -t tmpfs -o mode=0755 secretops-node %s" % directory)
    for entry in sorted(kernel_overrides):
        lines.append("mount --bind %s /proc/sys/%s" % (os.path.join(node.kernel_dir, entry.replace("/", ".")), entry))
    lines.append("exec %s --config %s" % (containerd, node.containerd_config))
    return "\n".join(lines) + "\n"


def write_json(path, data):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
