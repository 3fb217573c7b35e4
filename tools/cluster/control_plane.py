"""One Kubernetes control plane of the local environment: etcd, kube-apiserver,
kube-controller-manager, kube-scheduler and a kwok fake node, with their own PKI and kubeconfigs.

Every cluster is independent: its own CA and service-account signing key (so a ServiceAccount
token of one cluster is refused by every other), its own etcd data and ports. All use the default
service-account issuer, as real clusters do: what tells their tokens apart is the signing key.
``ClusterLayout`` (tools/cluster/state.py) says where one cluster's files live.
"""

import os

import cluster_api
import state
import pki
import processes

CLUSTER_DIR = os.path.dirname(os.path.abspath(__file__))
KWOK_STAGES_DIR = os.path.join(CLUSTER_DIR, "kwok", "stages")
SERVICE_ACCOUNT_ISSUER = "https://kubernetes.default.svc.cluster.local"
SERVICE_CLUSTER_IP_RANGE = "10.0.0.0/24"
POD_CIDR = "10.244.0.0/16"
NODE_NAME = "kwok-node-0"
KWOK_NODE_ANNOTATION = "kwok.x-k8s.io/node"
ADMISSION_PLUGINS = [
    "NamespaceLifecycle", "LimitRanger", "ServiceAccount", "DefaultStorageClass", "DefaultTolerationSeconds",
    "NodeRestriction", "MutatingAdmissionWebhook", "ValidatingAdmissionWebhook", "ResourceQuota",
]
# components that connect to the apiserver -> the client identity (see pki.CLIENT_IDENTITIES) they use
KUBECONFIG_USERS = {"admin": "admin", "kube-controller-manager": "kube-controller-manager",
                    "kube-scheduler": "kube-scheduler", "kwok": "admin"}
PORT_NAMES = ("etcd", "etcd_peer", "apiserver", "controller_manager", "scheduler")
# The apiserver's EncryptionConfiguration (in the cluster's directory): identity only when first
# written, then the encryption_at_rest role's to change; reloaded without a restart.
ENCRYPTION_CONFIG = "encryption-config.yaml"
ENCRYPTION_CONFIG_POLL_INTERVAL = "2s"
IDENTITY_ONLY = """# Written by tools/cluster/control_plane.py: plaintext until the encryption_at_rest role switches it.
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- resources: [secrets]
  providers:
  - identity: {}
"""


def allocate_ports():
    """Free loopback ports for one cluster's components."""
    return {name: processes.free_port() for name in PORT_NAMES}


def api_server(ports):
    return "https://127.0.0.1:%d" % ports["apiserver"]


# ---------------------------------------------------------------- kubeconfigs

def write_kubeconfig(path, server, pki_dir, identity, context="secretops-local"):
    """A kubeconfig with the CA and client certificate embedded, so it can be copied anywhere."""
    user = {
        "client-certificate-data": cluster_api.b64_file(pki.path(pki_dir, identity, "crt")),
        "client-key-data": cluster_api.b64_file(pki.path(pki_dir, identity, "key")),
    }
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": context, "cluster": {
            "server": server, "certificate-authority-data": cluster_api.b64_file(pki.path(pki_dir, "ca", "crt"))}}],
        "users": [{"name": identity, "user": user}],
        "contexts": [{"name": context, "context": {"cluster": context, "user": identity}}],
        "current-context": context,
    }
    # JSON is valid YAML, and every Kubernetes client reads it.
    state.write_json(path, config)
    os.chmod(path, 0o600)


def write_kubeconfigs(cluster, server):
    for component, identity in KUBECONFIG_USERS.items():
        write_kubeconfig(cluster.kubeconfig(component), server, cluster.pki, identity, cluster.context)


# ---------------------------------------------------------------- component command lines

def etcd_url(ports):
    return "https://127.0.0.1:%d" % ports["etcd"]


def etcd_argv(bins, cluster, ports):
    # Clients over mutual TLS with etcd's own CA, as on a kubeadm host; the one member has no peer to talk to.
    client_url = etcd_url(ports)
    peer_url = "http://127.0.0.1:%d" % ports["etcd_peer"]
    files = pki.etcd_files(cluster.pki)
    return [os.path.join(bins, "etcd"), "--name=default", "--data-dir=" + cluster.etcd_data,
            "--listen-client-urls=" + client_url, "--advertise-client-urls=" + client_url,
            "--cert-file=" + files["server_cert"], "--key-file=" + files["server_key"],
            "--trusted-ca-file=" + files["ca_cert"], "--client-cert-auth=true",
            "--listen-peer-urls=" + peer_url, "--initial-advertise-peer-urls=" + peer_url,
            "--initial-cluster=default=" + peer_url, "--log-level=warn",
            # Test data is disposable: skipping fsync makes every write much faster.
            "--unsafe-no-fsync=true"]


def apiserver_argv(bins, cluster, ports):
    p = cluster.pki
    etcd = pki.etcd_files(p)
    return [os.path.join(bins, "kube-apiserver"),
            "--etcd-servers=" + etcd_url(ports), "--etcd-cafile=" + etcd["ca_cert"],
            "--etcd-certfile=" + etcd["client_cert"], "--etcd-keyfile=" + etcd["client_key"],
            "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", "--secure-port=%d" % ports["apiserver"],
            # The lease reconciler refuses a loopback advertise address; nothing here needs the
            # `kubernetes` Service's endpoints, since no pod really runs.
            "--endpoint-reconciler-type=none",
            "--cert-dir=" + cluster.work_dir("kube-apiserver"),
            "--tls-cert-file=" + pki.path(p, "apiserver", "crt"), "--tls-private-key-file=" + pki.path(p, "apiserver", "key"),
            "--client-ca-file=" + pki.path(p, "ca", "crt"),
            "--authorization-mode=Node,RBAC",
            # bootstrap.kubernetes.io/token Secrets authenticate, as on a kubeadm cluster (tests prove tokens work)
            "--enable-bootstrap-token-auth",
            "--service-account-issuer=" + SERVICE_ACCOUNT_ISSUER,
            "--service-account-key-file=" + pki.path(p, "sa", "pub"),
            "--service-account-signing-key-file=" + pki.path(p, "sa", "key"),
            "--api-audiences=" + SERVICE_ACCOUNT_ISSUER,
            "--service-cluster-ip-range=" + SERVICE_CLUSTER_IP_RANGE,
            "--enable-admission-plugins=" + ",".join(ADMISSION_PLUGINS),
            # Exec, logs and port-forward on the real node (tools/cluster/node.py): the apiserver proves itself
            # with a client certificate, and checks the kubelet's serving certificate against the CA.
            "--kubelet-client-certificate=" + pki.path(p, "kubelet-client", "crt"),
            "--kubelet-client-key=" + pki.path(p, "kubelet-client", "key"),
            "--kubelet-certificate-authority=" + pki.path(p, "ca", "crt"),
            "--kubelet-preferred-address-types=InternalIP,Hostname",
            "--allow-privileged=true", "--profiling=false"] + encryption_argv(cluster)


def encryption_config_path(cluster):
    return os.path.join(cluster.base, ENCRYPTION_CONFIG)


def encryption_argv(cluster):
    # The poll interval is our build's flag (tools/cluster/kubernetes/cmd/kube-apiserver): upstream re-reads
    # the file every minute, which the collection's wait allows for; tests need not wait that long.
    return ["--encryption-provider-config=" + encryption_config_path(cluster), "--encryption-provider-config-automatic-reload=true",
            "--encryption-provider-config-poll-interval=%s" % ENCRYPTION_CONFIG_POLL_INTERVAL]


def write_initial_encryption_config(cluster):
    """An identity-only configuration, unless one is there (the role's, kept across restarts)."""
    path = encryption_config_path(cluster)
    if not os.path.exists(path):
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(IDENTITY_ONLY)
        os.chmod(path, 0o600)


def controller_manager_argv(bins, cluster, ports):
    p = cluster.pki
    return [os.path.join(bins, "kube-controller-manager"),
            "--kubeconfig=" + cluster.kubeconfig("kube-controller-manager"),
            "--bind-address=127.0.0.1", "--secure-port=%d" % ports["controller_manager"],
            "--cert-dir=" + cluster.work_dir("kube-controller-manager"),
            "--controllers=*", "--leader-elect=false",
            "--use-service-account-credentials=true",
            "--service-account-private-key-file=" + pki.path(p, "sa", "key"),
            "--root-ca-file=" + pki.path(p, "ca", "crt"),
            "--cluster-signing-cert-file=" + pki.path(p, "ca", "crt"),
            "--cluster-signing-key-file=" + pki.path(p, "ca", "key"),
            "--service-cluster-ip-range=" + SERVICE_CLUSTER_IP_RANGE,
            # Lifts the node's not-ready taint within a second of kwok reporting it Ready (default 5s).
            "--node-monitor-period=1s",
            # On 2 busy cores kwok's heartbeat can lapse for tens of seconds; past the grace period the
            # node controller marks every pod NotReady, which kwok never undoes, and Deployments stall.
            "--node-monitor-grace-period=10m",
            "--profiling=false"]


def scheduler_argv(bins, cluster, ports):
    return [os.path.join(bins, "kube-scheduler"),
            "--kubeconfig=" + cluster.kubeconfig("kube-scheduler"),
            "--bind-address=127.0.0.1", "--secure-port=%d" % ports["scheduler"],
            "--cert-dir=" + cluster.work_dir("kube-scheduler"),
            "--leader-elect=false", "--profiling=false"]


def kwok_argv(bins, cluster):
    # The bare kwok controller has no built-in stages; kwok/stages/ holds the ones kwokctl uses by default.
    stages = sorted(os.path.join(KWOK_STAGES_DIR, name) for name in os.listdir(KWOK_STAGES_DIR) if name.endswith(".yaml"))
    return [os.path.join(bins, "kwok"), "--kubeconfig=" + cluster.kubeconfig("kwok"), "--config=" + ",".join(stages),
            "--manage-all-nodes=false", "--manage-nodes-with-annotation-selector=%s=fake" % KWOK_NODE_ANNOTATION,
            "--cidr=" + POD_CIDR, "--node-ip=127.0.0.1"]


# ---------------------------------------------------------------- start

def prepare(cluster, ports):
    """The cluster's directories, PKI and kubeconfigs (the PKI is kept when it exists)."""
    for path in (cluster.base, cluster.logs):
        os.makedirs(path, mode=0o700, exist_ok=True)
    pki.ensure_pki(cluster.pki)
    write_kubeconfigs(cluster, api_server(ports))
    write_initial_encryption_config(cluster)


def start(cluster, bins, ports, start_process):
    """Start the cluster's components one after the other, each once the previous one serves;
    returns the cluster's entry of env.json's ``clusters``.

    ``start_process(name, argv, ready_description, ready_check, timeout)`` starts and records one
    process (``name`` as processes.json lists it) and waits until it is ready.
    """
    server = api_server(ports)
    api = cluster_api.ClusterApi(server, cluster.pki)
    name = cluster.record_name
    start_process(name("etcd"), etcd_argv(bins, cluster, ports), "etcd /health",
                  lambda: cluster_api.http_json(etcd_url(ports) + "/health", cluster_api.etcd_context(cluster.pki)).get("health") == "true", 60)
    start_process(name("kube-apiserver"), apiserver_argv(bins, cluster, ports), "apiserver /readyz", api.readyz, 120)
    start_process(name("kube-controller-manager"), controller_manager_argv(bins, cluster, ports), "controller-manager /healthz",
                  lambda: cluster_api.https_ok("https://127.0.0.1:%d/healthz" % ports["controller_manager"]), 60)
    start_process(name("kube-scheduler"), scheduler_argv(bins, cluster, ports), "scheduler /healthz",
                  lambda: cluster_api.https_ok("https://127.0.0.1:%d/healthz" % ports["scheduler"]), 60)
    api.ensure_kwok_node(NODE_NAME, KWOK_NODE_ANNOTATION)
    start_process(name("kwok"), kwok_argv(bins, cluster), "node %s Ready and untainted" % NODE_NAME,
                  lambda: api.node_schedulable(NODE_NAME), 90)
    processes.wait_for("ServiceAccount default/default in %s" % cluster.name,
                       lambda: api.service_account_exists("default", "default"), timeout=60)
    return description(cluster, server, ports)


def description(cluster, server, ports):
    """The cluster's entry of env.json's ``clusters``."""
    etcd = pki.etcd_files(cluster.pki)
    return {"name": cluster.name, "kubeconfig": cluster.kubeconfig("admin"), "api_server": server,
            "ca_cert": pki.path(cluster.pki, "ca", "crt"), "pki_dir": cluster.pki,
            "encryption_config": encryption_config_path(cluster), "etcd_url": etcd_url(ports), "etcd_ca_cert": etcd["ca_cert"],
            "etcd_client_cert": etcd["client_cert"], "etcd_client_key": etcd["client_key"]}


def problems(description_of_cluster):
    """Why the described cluster's apiserver is not usable (empty when it is)."""
    name = description_of_cluster["name"]
    if not description_of_cluster.get("etcd_ca_cert"):
        # An environment an older localenv.py started serves etcd over plain HTTP, unlike a kubeadm host.
        return ["%s: etcd does not serve over mutual TLS (started by an older localenv.py)" % name]
    try:
        if not cluster_api.ClusterApi(description_of_cluster["api_server"], description_of_cluster["pki_dir"]).readyz():
            return ["%s: apiserver /readyz is not ok" % name]
    except Exception as exc:  # pylint: disable=broad-except
        return ["%s: apiserver unreachable: %s" % (name, exc)]
    return []
