"""Break and mend one component of a local environment, for fault tests.

    components.py kill NAME      SIGKILL the component's process group (it is gone at once, as in a crash)
    components.py start NAME     start a killed component again with its recorded command line
    components.py pause NAME     SIGSTOP it: connections are accepted by the kernel, never answered
    components.py resume NAME    SIGCONT it

NAME is a record of processes.json (etcd, kube-apiserver, kube-controller-manager, kube-scheduler,
kwok, openbao, postgres, node-containerd, node-kubelet). The environment is ``$SECRETOPS_ENV_DIR`` as for localenv.py. Never point this at
the shared environment: other sessions' tests use it. OpenBao runs with ``-dev`` and keeps its data
in memory, so it can be paused but not restarted. PostgreSQL is killed with a fast shutdown (its
backends lead process groups of their own, so a signal to the postmaster's group would miss them and
leave Vault's pooled sessions served) and started again on its data directory.
"""

import argparse
import json
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cluster_api  # noqa: E402  pylint: disable=wrong-import-position
import localenv  # noqa: E402  pylint: disable=wrong-import-position
import postgres  # noqa: E402  pylint: disable=wrong-import-position
import processes  # noqa: E402  pylint: disable=wrong-import-position

# node-kubelet rejoins the running containerd's mount namespace (its argv names it); node-containerd would make a new one.
RESTARTABLE = ("kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok", "postgres", "node-kubelet")


def record_of(layout, name):
    for record in localenv.recorded_processes(layout):
        if record["name"] == name:
            return record
    raise KeyError("no component %r in %s" % (name, layout.processes_json))


def _save_record(layout, record):
    """Replace the record of the same name in processes.json, so ``localenv.py down`` stops the new process."""
    records = [record if item["name"] == record["name"] else item for item in localenv.recorded_processes(layout)]
    partial = layout.processes_json + ".partial"
    with open(partial, "w", encoding="utf-8") as handle:
        json.dump(records, handle, indent=2, sort_keys=True)
    os.replace(partial, layout.processes_json)


def kill(layout, name, timeout=10.0):
    """SIGKILL the component's process group and wait until it is gone."""
    record = record_of(layout, name)
    if not processes.is_running(record):
        return record
    if name == "postgres":
        postgres.stop(record, timeout=timeout)
        return record
    os.killpg(record["pid"], signal.SIGKILL)
    deadline = time.monotonic() + timeout
    while processes.is_running(record) and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        os.waitpid(record["pid"], os.WNOHANG)  # a component this process started is our child: reap it
    except ChildProcessError:
        pass
    return record


def start(layout, name, timeout=120):
    """Start a killed component again with its recorded command line; wait until it serves."""
    if name not in RESTARTABLE:
        raise ValueError("%s cannot be restarted here (OpenBao -dev would lose its data; etcd holds the cluster)" % name)
    record = record_of(layout, name)
    if processes.is_running(record):
        return record
    env = localenv.read_env(layout)
    started = processes.start(name, record["argv"], layout.logs)
    _save_record(layout, started)
    if name == "kube-apiserver":
        api = cluster_api.ClusterApi(env["api_server"], env["pki_dir"])
        processes.wait_for("apiserver /readyz", api.readyz, record=started, timeout=timeout)
    elif name == "postgres":
        processes.wait_for("PostgreSQL login", lambda: postgres.answers(env["postgres"]), record=started, timeout=timeout)
    else:
        processes.wait_for("%s running" % name, lambda: processes.is_running(started), record=started, timeout=timeout)
    return started


def pause(layout, name):
    os.killpg(record_of(layout, name)["pid"], signal.SIGSTOP)


def resume(layout, name):
    os.killpg(record_of(layout, name)["pid"], signal.SIGCONT)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["kill", "start", "pause", "resume"])
    parser.add_argument("name")
    args = parser.parse_args(argv)
    layout = localenv.Layout()
    {"kill": kill, "start": start, "pause": pause, "resume": resume}[args.command](layout, args.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
