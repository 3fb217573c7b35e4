"""Where the local environment keeps its state, and which clusters its env.json describes.

The root directory holds what the whole environment shares: env.json, processes.json, the lock
(a sibling file), and the logs and work directories of the shared servers (OpenBao, HashiCorp
Vault, PostgreSQL). Each Kubernetes cluster has its own PKI, kubeconfigs, etcd data, logs and work
directories: ``cluster-1``, the cluster the environment always had, keeps them directly in the root
(so every client of an older environment finds them where it did), every further cluster under
``clusters/<name>/``.
"""

import contextlib
import fcntl
import json
import os

CLUSTER_PREFIX = "cluster-"
FIRST_CLUSTER = CLUSTER_PREFIX + "1"
# The keys of a cluster's entry that reach its etcd (over mutual TLS), named as the collection's etcd options.
ETCD_OPTIONS = ("etcd_url", "etcd_ca_cert", "etcd_client_cert", "etcd_client_key")
# The keys of one entry of env.json's ``clusters``.
CLUSTER_KEYS = ("name", "kubeconfig", "api_server", "ca_cert", "pki_dir", "encryption_config") + ETCD_OPTIONS


def cluster_names(count):
    """``cluster-1`` ... ``cluster-<count>``."""
    return [CLUSTER_PREFIX + str(index) for index in range(1, count + 1)]


class ClusterLayout:
    """Where one cluster's state lives."""

    def __init__(self, root, name):
        self.name = name
        self.first = name == FIRST_CLUSTER
        self.base = root if self.first else os.path.join(root, "clusters", name)
        self.pki = os.path.join(self.base, "pki")
        self.logs = os.path.join(self.base, "logs")
        self.etcd_data = os.path.join(self.base, "etcd-data")
        # The kubeconfig's cluster and context name; cluster-1 keeps the one it always had.
        self.context = "secretops-local" if self.first else "secretops-" + name

    def kubeconfig(self, component):
        return os.path.join(self.base, "%s.kubeconfig" % component)

    def work_dir(self, component):
        path = os.path.join(self.base, "work", component)
        os.makedirs(path, exist_ok=True)
        return path

    def record_name(self, component):
        """The component's name in processes.json: bare for cluster-1 (as before), ``<cluster>/<component>`` otherwise."""
        return component if self.first else "%s/%s" % (self.name, component)

    def owns(self, record):
        """Whether a processes.json record is one of this cluster's processes (never for cluster-1,
        whose records are not told apart from the shared servers'; it is never stopped alone)."""
        return not self.first and record["name"].startswith(self.name + "/")


class Layout:
    """Where the environment's shared state lives; ``cluster(name)`` gives each cluster's."""

    def __init__(self, root=None):
        self.root = root or os.environ.get("SECRETOPS_ENV_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "secretops", "env")
        self.logs = os.path.join(self.root, "logs")
        self.env_json = os.path.join(self.root, "env.json")
        self.processes_json = os.path.join(self.root, "processes.json")

    def cluster(self, name):
        return ClusterLayout(self.root, name)

    @contextlib.contextmanager
    def locked(self):
        """Serialize up/down across processes (parallel test sessions, make targets) sharing this state."""
        os.makedirs(os.path.dirname(self.root), exist_ok=True)
        # A sibling file, because `down` deletes the state directory itself.
        with open(self.root.rstrip(os.sep) + ".lock", "w", encoding="utf-8") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def work_dir(self, component):
        """The work directory of a shared server (OpenBao's and Vault's HOME)."""
        path = os.path.join(self.root, "work", component)
        os.makedirs(path, exist_ok=True)
        return path


# ---------------------------------------------------------------- state files

def read_json(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def write_json(path, data):
    partial = path + ".partial"
    with open(partial, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
    os.replace(partial, path)


def recorded_processes(layout):
    return read_json(layout.processes_json) or []


def record(layout, process):
    write_json(layout.processes_json, recorded_processes(layout) + [process])


def forget(layout, processes):
    """Remove these records from processes.json (their processes are stopped)."""
    gone = [(process["name"], process["pid"]) for process in processes]
    write_json(layout.processes_json, [item for item in recorded_processes(layout) if (item["name"], item["pid"]) not in gone])


# ---------------------------------------------------------------- the clusters env.json describes

def described_clusters(env):
    """env.json's ``clusters``; an env.json written before there were several clusters describes
    its one cluster in the top-level keys, which are cluster-1's."""
    if env.get("clusters"):
        return env["clusters"]
    return [dict(env_cluster_fields(env), name=FIRST_CLUSTER)]


def env_cluster_fields(description):
    """The entry of env.json's ``clusters`` for a cluster ``description`` (which may carry more)."""
    return {key: description[key] for key in CLUSTER_KEYS if key in description}


def etcd_options(cluster):
    """The collection's etcd options (``etcd_url`` and its TLS files) for one entry of env.json's ``clusters``."""
    return {key: cluster[key] for key in ETCD_OPTIONS}


def missing_clusters(env, count):
    """The names of the clusters ``up --clusters count`` must start beside those env.json lists, in order."""
    present = set(cluster["name"] for cluster in described_clusters(env))
    return [name for name in cluster_names(count) if name not in present]


def unlisted_cluster_records(records, env):
    """The records of processes.json that belong to a cluster env.json does not list: what an
    ``up`` that died while starting an extra cluster left behind. They do not count for health and
    are stopped before clusters are added."""
    listed = set(cluster["name"] for cluster in described_clusters(env))
    return [record for record in records if "/" in record["name"] and record["name"].split("/", 1)[0] not in listed]
