"""The local test environment: a real Kubernetes control plane with a kwok fake node, OpenBao and HashiCorp Vault dev servers, and PostgreSQL.

Commands (run with the project's virtualenv Python):

    localenv.py up       build binaries if needed, start everything, wait until usable (no-op when healthy)
    localenv.py down     stop every process this tool started and remove the state directory
    localenv.py status   report each process and the health of the apiserver, OpenBao and Vault (exit 1 if unhealthy)
    localenv.py env      print ``export KUBECONFIG=... VAULT_ADDR=... VAULT_TOKEN=...`` for ``eval``
    localenv.py env --json   print env.json (kubeconfig, api_server, ca_cert, vault_addr, vault_token, vault_servers, ...)

State (certificates, kubeconfigs, logs, pids, etcd data) lives in ``$SECRETOPS_ENV_DIR`` or
``~/.cache/secretops/env``. ``env.json`` there describes a healthy environment to its clients.
"""

import argparse
import contextlib
import fcntl
import json
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import build  # noqa: E402  pylint: disable=wrong-import-position
import cluster_api  # noqa: E402  pylint: disable=wrong-import-position
import pki  # noqa: E402  pylint: disable=wrong-import-position
import postgres  # noqa: E402  pylint: disable=wrong-import-position
import processes  # noqa: E402  pylint: disable=wrong-import-position
import vault_server  # noqa: E402  pylint: disable=wrong-import-position

CLUSTER_DIR = os.path.dirname(os.path.abspath(__file__))
KWOK_STAGES_DIR = os.path.join(CLUSTER_DIR, "kwok", "stages")
VAULT_TOKEN = "secretops-root"
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


class Layout:
    """Where every piece of state lives."""

    def __init__(self, root=None):
        self.root = root or os.environ.get("SECRETOPS_ENV_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "secretops", "env")
        self.pki = os.path.join(self.root, "pki")
        self.logs = os.path.join(self.root, "logs")
        self.etcd_data = os.path.join(self.root, "etcd-data")
        self.env_json = os.path.join(self.root, "env.json")
        self.processes_json = os.path.join(self.root, "processes.json")

    @contextlib.contextmanager
    def locked(self):
        """Serialize up/down across processes (parallel test sessions, make targets) sharing this state."""
        os.makedirs(os.path.dirname(self.root), exist_ok=True)
        # A sibling file, because `down` deletes the state directory itself.
        with open(self.root.rstrip(os.sep) + ".lock", "w", encoding="utf-8") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def kubeconfig(self, component):
        return os.path.join(self.root, "%s.kubeconfig" % component)

    def work_dir(self, component):
        path = os.path.join(self.root, "work", component)
        os.makedirs(path, exist_ok=True)
        return path


# ---------------------------------------------------------------- state files

def _read_json(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def _write_json(path, data):
    partial = path + ".partial"
    with open(partial, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
    os.replace(partial, path)


def recorded_processes(layout):
    return _read_json(layout.processes_json) or []


def _record(layout, record):
    _write_json(layout.processes_json, recorded_processes(layout) + [record])


def read_env(layout=None):
    """The env.json of the environment, or None if it was never completely started."""
    return _read_json((layout or Layout()).env_json)


# ---------------------------------------------------------------- kubeconfigs

def write_kubeconfig(path, server, pki_dir, identity):
    """A kubeconfig with the CA and client certificate embedded, so it can be copied anywhere."""
    user = {
        "client-certificate-data": cluster_api.b64_file(pki.path(pki_dir, identity, "crt")),
        "client-key-data": cluster_api.b64_file(pki.path(pki_dir, identity, "key")),
    }
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "secretops-local", "cluster": {
            "server": server, "certificate-authority-data": cluster_api.b64_file(pki.path(pki_dir, "ca", "crt"))}}],
        "users": [{"name": identity, "user": user}],
        "contexts": [{"name": "secretops-local", "context": {"cluster": "secretops-local", "user": identity}}],
        "current-context": "secretops-local",
    }
    # JSON is valid YAML, and every Kubernetes client reads it.
    _write_json(path, config)
    os.chmod(path, 0o600)


# ---------------------------------------------------------------- component command lines

def etcd_argv(bins, layout, ports):
    client_url = "http://127.0.0.1:%d" % ports["etcd"]
    peer_url = "http://127.0.0.1:%d" % ports["etcd_peer"]
    return [os.path.join(bins, "etcd"), "--name=default", "--data-dir=" + layout.etcd_data,
            "--listen-client-urls=" + client_url, "--advertise-client-urls=" + client_url,
            "--listen-peer-urls=" + peer_url, "--initial-advertise-peer-urls=" + peer_url,
            "--initial-cluster=default=" + peer_url, "--log-level=warn",
            # Test data is disposable: skipping fsync makes every write much faster.
            "--unsafe-no-fsync=true"]


def apiserver_argv(bins, layout, ports):
    p = layout.pki
    return [os.path.join(bins, "kube-apiserver"),
            "--etcd-servers=http://127.0.0.1:%d" % ports["etcd"],
            "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", "--secure-port=%d" % ports["apiserver"],
            # The lease reconciler refuses a loopback advertise address; nothing here needs the
            # `kubernetes` Service's endpoints, since no pod really runs.
            "--endpoint-reconciler-type=none",
            "--cert-dir=" + layout.work_dir("kube-apiserver"),
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
            "--allow-privileged=true", "--profiling=false"]


def controller_manager_argv(bins, layout, ports):
    p = layout.pki
    return [os.path.join(bins, "kube-controller-manager"),
            "--kubeconfig=" + layout.kubeconfig("kube-controller-manager"),
            "--bind-address=127.0.0.1", "--secure-port=%d" % ports["controller_manager"],
            "--cert-dir=" + layout.work_dir("kube-controller-manager"),
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


def scheduler_argv(bins, layout, ports):
    return [os.path.join(bins, "kube-scheduler"),
            "--kubeconfig=" + layout.kubeconfig("kube-scheduler"),
            "--bind-address=127.0.0.1", "--secure-port=%d" % ports["scheduler"],
            "--cert-dir=" + layout.work_dir("kube-scheduler"),
            "--leader-elect=false", "--profiling=false"]


def kwok_argv(bins, layout):
    # The bare kwok controller has no built-in stages; kwok/stages/ holds the ones kwokctl uses by default.
    stages = sorted(os.path.join(KWOK_STAGES_DIR, name) for name in os.listdir(KWOK_STAGES_DIR) if name.endswith(".yaml"))
    return [os.path.join(bins, "kwok"), "--kubeconfig=" + layout.kubeconfig("kwok"), "--config=" + ",".join(stages),
            "--manage-all-nodes=false", "--manage-nodes-with-annotation-selector=%s=fake" % KWOK_NODE_ANNOTATION,
            "--cidr=" + POD_CIDR, "--node-ip=127.0.0.1"]


def bao_argv(ports):
    # The bao console script lives next to the interpreter of the project's virtualenv.
    bao = os.path.join(os.path.dirname(sys.executable), "bao")
    return [bao, "server", "-dev", "-dev-root-token-id=" + VAULT_TOKEN, "-dev-listen-address=127.0.0.1:%d" % ports["vault"]]


def bao_env(layout):
    env = dict(os.environ)
    # `bao server -dev` stores its root token in ~/.vault-token; keep that inside the state directory.
    env["HOME"] = layout.work_dir("bao")
    for name in ("VAULT_ADDR", "VAULT_TOKEN", "BAO_ADDR", "BAO_TOKEN"):
        env.pop(name, None)
    return env


# ---------------------------------------------------------------- up / down / status

def _start(layout, name, argv, ready_description, ready_check, timeout, env=None):
    started = time.monotonic()
    record = processes.start(name, argv, layout.logs, env=env)
    _record(layout, record)
    processes.wait_for(ready_description, ready_check, record=record, timeout=timeout)
    print("up: %-24s ready in %.1fs (pid %d)" % (name, time.monotonic() - started, record["pid"]), flush=True)
    return record


def _allocate_ports():
    names = ["etcd", "etcd_peer", "apiserver", "controller_manager", "scheduler", "vault"] + ([vault_server.PORT] if vault_server.wanted() else [])
    return {name: processes.free_port() for name in names}


def _write_kubeconfigs(layout, server):
    for component, identity in KUBECONFIG_USERS.items():
        write_kubeconfig(layout.kubeconfig(component), server, layout.pki, identity)


def _start_all(layout, bins, ports):
    server = "https://127.0.0.1:%d" % ports["apiserver"]
    api = cluster_api.ClusterApi(server, layout.pki)
    vault_addr = "http://127.0.0.1:%d" % ports["vault"]
    _start(layout, "etcd", etcd_argv(bins, layout, ports), "etcd /health",
           lambda: cluster_api.http_json("http://127.0.0.1:%d/health" % ports["etcd"]).get("health") == "true", 60)
    _start(layout, "kube-apiserver", apiserver_argv(bins, layout, ports), "apiserver /readyz", api.readyz, 120)
    _start(layout, "kube-controller-manager", controller_manager_argv(bins, layout, ports), "controller-manager /healthz",
           lambda: cluster_api.https_ok("https://127.0.0.1:%d/healthz" % ports["controller_manager"]), 60)
    _start(layout, "kube-scheduler", scheduler_argv(bins, layout, ports), "scheduler /healthz",
           lambda: cluster_api.https_ok("https://127.0.0.1:%d/healthz" % ports["scheduler"]), 60)
    api.ensure_kwok_node(NODE_NAME, KWOK_NODE_ANNOTATION)
    _start(layout, "kwok", kwok_argv(bins, layout), "node %s Ready and untainted" % NODE_NAME,
           lambda: api.node_schedulable(NODE_NAME), 90)
    processes.wait_for("ServiceAccount default/default", lambda: api.service_account_exists("default", "default"), timeout=60)
    _start(layout, "openbao", bao_argv(ports), "OpenBao /v1/sys/health",
           lambda: cluster_api.http_json(vault_addr + "/v1/sys/health").get("sealed") is False, 30, env=bao_env(layout))
    if vault_server.PORT in ports:
        _start(layout, vault_server.NAME, vault_server.argv(build.vault_binary(), ports, VAULT_TOKEN), "HashiCorp Vault /v1/sys/health",
               lambda: vault_server.unsealed(vault_server.address(ports)), vault_server.READY_TIMEOUT,
               env=vault_server.environment(layout.work_dir(vault_server.NAME)))
    return {
        "kubeconfig": layout.kubeconfig("admin"),
        "api_server": server,
        "ca_cert": pki.path(layout.pki, "ca", "crt"),
        "vault_addr": vault_addr,
        "vault_token": VAULT_TOKEN,
        "vault_servers": vault_server.servers(vault_addr, ports, VAULT_TOKEN),
        "pki_dir": layout.pki,
        "logs_dir": layout.logs,
        "ports": ports,
    }


def is_healthy(layout=None, verbose=False):
    """True when env.json exists, every recorded process runs, the apiserver is ready and OpenBao unsealed."""
    layout = layout or Layout()
    env = read_env(layout)
    if not env:
        return False
    problems = [record["name"] + " is not running" for record in recorded_processes(layout) if not processes.is_running(record)]
    if not problems:
        problems += _endpoint_problems(env)
    for problem in problems:
        if verbose:
            print("status: " + problem)
    return not problems


def _endpoint_problems(env):
    problems = []
    try:
        if not cluster_api.ClusterApi(env["api_server"], env["pki_dir"]).readyz():
            problems.append("apiserver /readyz is not ok")
    except Exception as exc:  # pylint: disable=broad-except
        problems.append("apiserver unreachable: %s" % exc)
    try:
        if cluster_api.http_json(env["vault_addr"] + "/v1/sys/health").get("sealed") is not False:
            problems.append("OpenBao is sealed")
    except Exception as exc:  # pylint: disable=broad-except
        problems.append("OpenBao unreachable: %s" % exc)
    problems += postgres.problems(env.get("postgres"))
    return problems + vault_server.problems(env)


def up(layout=None):
    layout = layout or Layout()
    with layout.locked():
        return _up(layout)


def _up(layout):
    started = time.monotonic()
    if is_healthy(layout):
        try:
            _add_postgres_if_missing(layout)
        except (processes.StartError, postgres.PostgresError) as exc:
            _report_start_failure(exc)
            return 1
        # tests/integration/conftest.py keys on "already running": keep the wording.
        print("up: environment already running (%s)" % layout.env_json)
        return 0
    if os.path.exists(layout.root):
        print("up: cleaning up a stale or partial environment in %s" % layout.root)
        _down(layout, quiet=True)
    try:
        bins = build.ensure_built(vault=vault_server.wanted())
    except build.BuildError as exc:
        print("up: ERROR: %s" % exc, file=sys.stderr)
        return 1
    for path in (layout.root, layout.logs):
        os.makedirs(path, mode=0o700, exist_ok=True)
    pki.ensure_pki(layout.pki)
    ports = _allocate_ports()
    _write_kubeconfigs(layout, "https://127.0.0.1:%d" % ports["apiserver"])
    try:
        env = _start_all(layout, bins, ports)
        env["postgres"] = postgres.start(layout, lambda *args: _start(layout, *args))
    except (processes.StartError, postgres.PostgresError) as exc:
        _report_start_failure(exc)
        _down(layout, quiet=True)
        return 1
    except BaseException:
        _down(layout, quiet=True)  # never leave half an environment running, even on Ctrl-C or a bug
        raise
    _write_json(layout.env_json, env)
    hint = "%s %s env" % (os.path.relpath(sys.executable), os.path.relpath(__file__))
    print("up: environment ready in %.1fs; use: eval \"$(%s)\"" % (time.monotonic() - started, hint))
    return 0


def _add_postgres_if_missing(layout):
    """Start PostgreSQL beside an environment an older version of this tool started without it,
    rather than restarting the servers other sessions use."""
    env = read_env(layout)
    if "postgres" in env:
        return
    env["postgres"] = postgres.start(layout, lambda *args: _start(layout, *args))
    _write_json(layout.env_json, env)


def _report_start_failure(exc):
    print("up: ERROR: %s" % exc, file=sys.stderr)
    if getattr(exc, "record", None):
        print("---- last lines of %s ----\n%s\n----" % (exc.record["log"], processes.log_tail(exc.record)), file=sys.stderr)


def down(layout=None, quiet=False):
    layout = layout or Layout()
    with layout.locked():
        return _down(layout, quiet)


def _down(layout, quiet=False):
    started = time.monotonic()
    records = recorded_processes(layout)
    for record in reversed(records):
        (postgres.stop if record["name"] == "postgres" else processes.stop)(record)
    postgres.remove_state(layout)
    if _looks_like_state_dir(layout):
        shutil.rmtree(layout.root, ignore_errors=True)
    if not quiet:
        print("down: stopped %d processes and removed %s in %.1fs" % (len(records), layout.root, time.monotonic() - started))
    return 0


def _looks_like_state_dir(layout):
    # Guard against a mistyped SECRETOPS_ENV_DIR: only delete a directory this tool populated.
    if not os.path.isdir(layout.root):
        return False
    entries = set(os.listdir(layout.root))
    return not entries or bool(entries & {"processes.json", "env.json", "pki"})


def status(layout=None):
    layout = layout or Layout()
    env = read_env(layout)
    for record in recorded_processes(layout):
        state = "running" if processes.is_running(record) else "NOT RUNNING"
        print("%-24s pid %-8d %s  log: %s" % (record["name"], record["pid"], state, record["log"]))
    if not env:
        print("status: no complete environment in %s (run: localenv.py up)" % layout.root)
        return 1
    healthy = is_healthy(layout, verbose=True)
    postgres_port = (env.get("postgres") or {}).get("port")
    vault_address = vault_server.address(env["ports"]) if vault_server.PORT in env["ports"] else "-"
    print("status: %s  apiserver %s  openbao %s  vault %s  postgres %s"
          % ("healthy" if healthy else "UNHEALTHY", env["api_server"], env["vault_addr"], vault_address, postgres_port))
    return 0 if healthy else 1


def print_env(layout=None, as_json=False):
    env = read_env(layout or Layout())
    if not env:
        print("echo 'secretops local environment is not running (run: localenv.py up)' >&2; false")
        return 1
    if as_json:
        print(json.dumps(env, indent=2, sort_keys=True))
        return 0
    print("export KUBECONFIG=%s K8S_AUTH_KUBECONFIG=%s VAULT_ADDR=%s VAULT_TOKEN=%s"
          % (env["kubeconfig"], env["kubeconfig"], env["vault_addr"], env["vault_token"]))
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["up", "down", "status", "env"])
    parser.add_argument("--json", action="store_true", help="env: print env.json instead of shell exports")
    args = parser.parse_args(argv)
    if args.command == "env":
        return print_env(as_json=args.json)
    commands = {"up": up, "down": down, "status": status}
    return commands[args.command]()


if __name__ == "__main__":
    sys.exit(main())
