"""The local test environment: real Kubernetes control planes with a kwok fake node each (cluster-1 also
with a real node: containerd and a kubelet, tools/cluster/node.py), OpenBao and HashiCorp Vault dev servers,
and PostgreSQL.

Commands (run with the project's virtualenv Python):

    localenv.py up       build binaries if needed, start everything, wait until usable (no-op when healthy)
    localenv.py up --clusters N   the same with N independent clusters (cluster-1 ... cluster-N) sharing the
                         Vault servers and PostgreSQL; on a healthy environment it starts only the missing clusters
    localenv.py down     stop every process this tool started and remove the state directory
    localenv.py status   report each process and the health of every apiserver, OpenBao and Vault (exit 1 if unhealthy)
    localenv.py env      print ``export KUBECONFIG=... VAULT_ADDR=... VAULT_TOKEN=...`` for ``eval`` (cluster-1's kubeconfig)
    localenv.py env --json   print env.json (kubeconfig, api_server, ca_cert, vault_addr, vault_token, vault_servers,
                         clusters: [{name, kubeconfig, api_server, ca_cert, pki_dir, encryption_config, etcd_url, etcd_ca_cert,
                         etcd_client_cert, etcd_client_key}], node: {name, address,
                         images, runtime, ...}, ...)

``SECRETOPS_REAL_NODE=0`` leaves the real node out (quicker, for work that needs no running pod).

State (certificates, kubeconfigs, logs, pids, etcd data) lives in ``$SECRETOPS_ENV_DIR`` or
``~/.cache/secretops/env``. ``env.json`` there describes a healthy environment to its clients; its
top-level kubeconfig, api_server, ca_cert and pki_dir are cluster-1's (tools/cluster/state.py says
where each cluster's files live, tools/cluster/control_plane.py how a cluster starts).
"""

import argparse
import glob
import json
import os
import signal
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import build  # noqa: E402  pylint: disable=wrong-import-position
import cluster_api  # noqa: E402  pylint: disable=wrong-import-position
import control_plane  # noqa: E402  pylint: disable=wrong-import-position
import node  # noqa: E402  pylint: disable=wrong-import-position
import postgres  # noqa: E402  pylint: disable=wrong-import-position
import processes  # noqa: E402  pylint: disable=wrong-import-position
import state  # noqa: E402  pylint: disable=wrong-import-position
import vault_server  # noqa: E402  pylint: disable=wrong-import-position
from state import Layout, recorded_processes  # noqa: E402  pylint: disable=wrong-import-position

VAULT_TOKEN = "secretops-root"


def read_env(layout=None):
    """The env.json of the environment, or None if it was never completely started."""
    return state.read_json((layout or Layout()).env_json)


# ---------------------------------------------------------------- shared servers' command lines

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

def _start(layout, name, argv, ready_description, ready_check, timeout, env=None, log_dir=None):
    """Start, record and wait for one process; ``name`` is its processes.json name (``cluster-2/etcd``),
    its log is ``<log_dir>/<last part of name>.log``."""
    started = time.monotonic()
    record = processes.start(name.rsplit("/", 1)[-1], argv, log_dir or layout.logs, env=env)
    record["name"] = name
    state.record(layout, record)
    processes.wait_for(ready_description, ready_check, record=record, timeout=timeout)
    print("up: %-36s ready in %.1fs (pid %d)" % (name, time.monotonic() - started, record["pid"]), flush=True)
    return record


def _cluster_starter(layout, cluster):
    return lambda name, *args: _start(layout, name, *args, log_dir=cluster.logs)


def _shared_ports():
    return {name: processes.free_port() for name in ["vault"] + ([vault_server.PORT] if vault_server.wanted() else [])}


def _start_first(layout, bins):
    """cluster-1 and the shared servers; returns env.json's content."""
    first = layout.cluster(state.FIRST_CLUSTER)
    ports = control_plane.allocate_ports()
    control_plane.prepare(first, ports)
    cluster = control_plane.start(first, bins, ports, _cluster_starter(layout, first))
    ports.update(_shared_ports())
    vault_addr = "http://127.0.0.1:%d" % ports["vault"]
    _start(layout, "openbao", bao_argv(ports), "OpenBao /v1/sys/health",
           lambda: cluster_api.http_json(vault_addr + "/v1/sys/health").get("sealed") is False, 30, env=bao_env(layout))
    if vault_server.PORT in ports:
        _start(layout, vault_server.NAME, vault_server.argv(build.vault_binary(), ports, VAULT_TOKEN), "HashiCorp Vault /v1/sys/health",
               lambda: vault_server.unsealed(vault_server.address(ports)), vault_server.READY_TIMEOUT,
               env=vault_server.environment(layout.work_dir(vault_server.NAME)))
    env = dict(state.env_cluster_fields(cluster), vault_addr=vault_addr, vault_token=VAULT_TOKEN,
               vault_servers=vault_server.servers(vault_addr, ports, VAULT_TOKEN), logs_dir=layout.logs, ports=ports)
    del env["name"]
    env["clusters"] = [cluster]
    return env


def is_healthy(layout=None, verbose=False):
    """True when env.json exists, every recorded process runs, every apiserver is ready and OpenBao unsealed."""
    layout = layout or Layout()
    env = read_env(layout)
    if not env:
        return False
    unlisted = state.unlisted_cluster_records(recorded_processes(layout), env)
    problems = [record["name"] + " is not running" for record in recorded_processes(layout)
                if record not in unlisted and not processes.is_running(record)]
    if not problems:
        problems += _endpoint_problems(env)
    for problem in problems:
        if verbose:
            print("status: " + problem)
    return not problems


def _endpoint_problems(env):
    problems = []
    for cluster in state.described_clusters(env):
        problems += control_plane.problems(cluster)
    try:
        if cluster_api.http_json(env["vault_addr"] + "/v1/sys/health").get("sealed") is not False:
            problems.append("OpenBao is sealed")
    except Exception as exc:  # pylint: disable=broad-except
        problems.append("OpenBao unreachable: %s" % exc)
    problems += postgres.problems(env.get("postgres"))
    problems += node.problems(env.get("node"), env["api_server"], env["pki_dir"])
    return problems + vault_server.problems(env)


def up(layout=None, clusters=1):
    layout = layout or Layout()
    with layout.locked():
        return _up(layout, clusters)


def _up(layout, clusters):
    started = time.monotonic()
    if is_healthy(layout):
        try:
            _add_postgres_if_missing(layout)
            _add_vault_if_missing(layout)
            _add_node_if_missing(layout)
            _add_missing_clusters(layout, clusters)
        except (processes.StartError, postgres.PostgresError, build.BuildError, node.NodeError, OSError) as exc:
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
    try:
        network = node.prepare_network(layout) if node.wanted() else None
        env = _start_first(layout, bins)
        env["postgres"] = postgres.start(layout, lambda *args: _start(layout, *args),
                                         (network.gateway, network.subnet) if network else None)
        if network:
            env["node"] = node.start(layout, network, bins, env["api_server"], lambda *args: _start(layout, *args))
    except (processes.StartError, postgres.PostgresError, node.NodeError, build.BuildError) as exc:
        _report_start_failure(exc)
        _down(layout, quiet=True)
        return 1
    except BaseException:
        _down(layout, quiet=True)  # never leave half an environment running, even on Ctrl-C or a bug
        raise
    state.write_json(layout.env_json, env)
    try:
        _add_missing_clusters(layout, clusters, bins)
    except (processes.StartError, OSError) as exc:
        _report_start_failure(exc)
        return 1
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
    state.write_json(layout.env_json, env)


def _add_node_if_missing(layout):
    """Start the real node beside an environment started without it, rather than restarting the
    servers other sessions use; PostgreSQL alone restarts once (a fast shutdown, its data kept) to
    listen on the node's bridge too, so that pods can log in."""
    env = read_env(layout)
    if not node.wanted() or "node" in env:
        return
    bins = build.ensure_built(vault=False, quiet=True)
    network = node.prepare_network(layout)
    if not env["postgres"].get("pod_host"):
        record = [item for item in recorded_processes(layout) if item["name"] == "postgres"]
        state.forget(layout, record)
        env["postgres"] = postgres.listen_for_pods(layout, env["postgres"], record[0], (network.gateway, network.subnet),
                                                   lambda *args: _start(layout, *args))
        state.write_json(layout.env_json, env)
    env["node"] = node.start(layout, network, bins, env["api_server"], lambda *args: _start(layout, *args))
    state.write_json(layout.env_json, env)


def _add_vault_if_missing(layout):
    """Start HashiCorp Vault beside an environment started without it (make demo starts OpenBao only)
    when this caller wants it, rather than restarting the servers other sessions use."""
    env = read_env(layout)
    if not vault_server.wanted() or vault_server.PORT in env["ports"]:
        return
    build.ensure_built(kubernetes=False, vault=True)
    ports = dict(env["ports"], **{vault_server.PORT: processes.free_port()})
    _start(layout, vault_server.NAME, vault_server.argv(build.vault_binary(), ports, VAULT_TOKEN), "HashiCorp Vault /v1/sys/health",
           lambda: vault_server.unsealed(vault_server.address(ports)), vault_server.READY_TIMEOUT,
           env=vault_server.environment(layout.work_dir(vault_server.NAME)))
    env["ports"] = ports
    env["vault_servers"] = vault_server.servers(env["vault_addr"], ports, VAULT_TOKEN)
    state.write_json(layout.env_json, env)


def _add_missing_clusters(layout, count, bins=None):
    """Start the clusters up to ``count`` that env.json does not list, beside the running ones (other
    sessions use those). A cluster that fails to start is stopped and removed; the others keep running."""
    env = read_env(layout)
    for name in sorted(set(record["name"].split("/", 1)[0] for record in state.unlisted_cluster_records(recorded_processes(layout), env))):
        _discard_cluster(layout, layout.cluster(name))  # what an `up` that died while starting it left behind
    missing = state.missing_clusters(env, count)
    if not missing:
        return
    bins = bins or build.ensure_built(vault=False, quiet=True)
    env["clusters"] = state.described_clusters(env)
    for name in missing:
        cluster = layout.cluster(name)
        shutil.rmtree(cluster.base, ignore_errors=True)  # a fresh PKI: never a CA an earlier cluster of this name had
        try:
            ports = control_plane.allocate_ports()
            control_plane.prepare(cluster, ports)
            env["clusters"].append(control_plane.start(cluster, bins, ports, _cluster_starter(layout, cluster)))
        except BaseException:
            _discard_cluster(layout, cluster)
            raise
        state.write_json(layout.env_json, env)


def _discard_cluster(layout, cluster):
    """Stop an extra cluster's processes and delete its state (never cluster-1's: that is the whole environment)."""
    owned = [record for record in recorded_processes(layout) if cluster.owns(record)]
    for record in reversed(owned):
        processes.stop(record)
    state.forget(layout, owned)
    if not cluster.first:
        shutil.rmtree(cluster.base, ignore_errors=True)


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
    _stop_kms_plugins(layout)
    node.stop(layout, records)
    for record in reversed(records):
        (postgres.stop if record["name"] == "postgres" else processes.stop)(record)
    postgres.remove_state(layout)
    if _looks_like_state_dir(layout):
        shutil.rmtree(layout.root, ignore_errors=True)
    if not quiet:
        print("down: stopped %d processes and removed %s in %.1fs" % (len(records), layout.root, time.monotonic() - started))
    return 0


def _stop_kms_plugins(layout):
    """Stop the KMS v2 plugins the encryption_at_rest role started inside the environment (make demo's
    kms-demo/): the role records each in <its directory>/plugin.pid; only a process that is the plugin is signalled."""
    for pid_file in glob.glob(os.path.join(layout.root, "*", "plugin.pid")):
        try:
            with open(pid_file, encoding="utf-8") as handle:
                pid = int(handle.read().strip())
            with open("/proc/%d/cmdline" % pid, "rb") as handle:
                if build.KMS_BINARY.encode() in handle.read():
                    os.kill(pid, signal.SIGTERM)
        except (OSError, ValueError):
            continue


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
        state_text = "running" if processes.is_running(record) else "NOT RUNNING"
        print("%-36s pid %-8d %s  log: %s" % (record["name"], record["pid"], state_text, record["log"]))
    if not env:
        print("status: no complete environment in %s (run: localenv.py up)" % layout.root)
        return 1
    healthy = is_healthy(layout, verbose=True)
    postgres_port = (env.get("postgres") or {}).get("port")
    vault_address = vault_server.address(env["ports"]) if vault_server.PORT in env["ports"] else "-"
    clusters = ", ".join("%s %s" % (cluster["name"], cluster["api_server"]) for cluster in state.described_clusters(env))
    real_node = env.get("node")
    node_text = "-"
    if real_node:
        runtime = real_node["runtime"]
        node_text = "%s %s (kubelet %s, containerd %s)" % (real_node["name"], real_node["address"], runtime["kubelet"], runtime["containerd"])
    print("status: %s  apiservers: %s  openbao %s  vault %s  postgres %s  real node %s"
          % ("healthy" if healthy else "UNHEALTHY", clusters, env["vault_addr"], vault_address, postgres_port, node_text))
    return 0 if healthy else 1


def link_kubeconfigs(layout, clusters):
    """``<root>/kubeconfigs/<cluster>.kubeconfig`` for every cluster: the directory a fleet inventory
    reads (examples/fleet/inventory.yml, SECRETOPS_KUBECONFIG_DIR). Returns the directory."""
    directory = os.path.join(layout.root, "kubeconfigs")
    os.makedirs(directory, mode=0o700, exist_ok=True)
    for cluster in clusters:
        link = os.path.join(directory, "%s.kubeconfig" % cluster["name"])
        if os.path.realpath(link) != os.path.realpath(cluster["kubeconfig"]):
            partial = link + ".partial"
            if os.path.lexists(partial):
                os.unlink(partial)
            os.symlink(cluster["kubeconfig"], partial)
            os.replace(partial, link)
    return directory


def print_env(layout=None, as_json=False):
    layout = layout or Layout()
    env = read_env(layout)
    if not env:
        print("echo 'secretops local environment is not running (run: localenv.py up)' >&2; false")
        return 1
    env["clusters"] = state.described_clusters(env)
    env["kubeconfig_dir"] = link_kubeconfigs(layout, env["clusters"])
    if as_json:
        print(json.dumps(env, indent=2, sort_keys=True))
        return 0
    print("export KUBECONFIG=%s K8S_AUTH_KUBECONFIG=%s VAULT_ADDR=%s VAULT_TOKEN=%s SECRETOPS_KUBECONFIG_DIR=%s"
          % (env["kubeconfig"], env["kubeconfig"], env["vault_addr"], env["vault_token"], env["kubeconfig_dir"]))
    return 0


def _cluster_count(text):
    count = int(text)
    if count < 1:
        raise argparse.ArgumentTypeError("at least 1 cluster")
    return count


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["up", "down", "status", "env"])
    parser.add_argument("--json", action="store_true", help="env: print env.json instead of shell exports")
    parser.add_argument("--clusters", type=_cluster_count, default=1, metavar="N",
                        help="up: run N independent Kubernetes clusters (default 1); starts only those missing")
    args = parser.parse_args(argv)
    if args.command == "env":
        return print_env(as_json=args.json)
    if args.command == "up":
        return up(clusters=args.clusters)
    return {"down": down, "status": status}[args.command]()


if __name__ == "__main__":
    sys.exit(main())
