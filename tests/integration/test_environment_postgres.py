"""PostgreSQL in the local environment: started by ``up``, described in env.json, stopped by ``down``
even while a client holds a session (as Vault's connection pool does), and nothing left behind.

Runs its own environment in a private state directory: the shared one must never be stopped.
"""

import json
import os
import subprocess
import sys
import time

from tests.integration.conftest import LOCALENV
from tests.integration.database_it_helpers import can_log_in, query


def _localenv(state_dir, *args, timeout=600):
    env = dict(os.environ, SECRETOPS_ENV_DIR=state_dir)
    return subprocess.run([sys.executable, LOCALENV] + list(args), env=env, capture_output=True, text=True, check=False, timeout=timeout)


def _pids_using(data_dir):
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as handle:
                command = handle.read().decode("utf-8", "replace")
        except OSError:
            continue
        if data_dir in command:
            found.append(int(entry))
    return found


def test_postgres_starts_with_up_and_down_stops_it_with_sessions_open(tmp_path):
    state_dir = str(tmp_path / "env")
    try:
        started = _localenv(state_dir, "up")
        assert started.returncode == 0, started.stdout + started.stderr
        described = json.loads(_localenv(state_dir, "env", "--json").stdout)["postgres"]
        assert set(described) >= {"host", "port", "superuser", "password", "database"} and described["host"] == "127.0.0.1"
        assert described["password"] not in started.stdout + started.stderr
        assert can_log_in(described, described["superuser"], described["password"])
        assert not can_log_in(described, described["superuser"], described["password"] + "x")
        # ... and on the real node's bridge address, for its pods (tools/cluster/node.py), when the node runs.
        node = json.loads(_localenv(state_dir, "env", "--json").stdout).get("node")
        assert described.get("pod_host") == (node["address"] if node else None)
        assert query(described, "SHOW listen_addresses") == ",".join(["127.0.0.1"] + ([node["address"]] if node else []))
        status = _localenv(state_dir, "status")
        assert status.returncode == 0 and "postgres" in status.stdout, status.stdout
        # A session that would hold a smart shutdown open for a minute.
        holder = subprocess.Popen([os.path.join(described["bin_dir"], "psql"), "-h", described["host"], "-p", str(described["port"]),
                                   "-U", described["superuser"], "-d", described["database"], "-c", "SELECT pg_sleep(60)"],
                                  env=dict(os.environ, PGPASSWORD=described["password"]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)
        assert len(_pids_using(described["data_dir"])) >= 1
        began = time.monotonic()
        stopped = _localenv(state_dir, "down")
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr
        # A smart shutdown (SIGTERM) would wait for the session until processes.stop kills the postmaster after 10 s.
        assert time.monotonic() - began < 8, "down waited for the client session"
        holder.wait(timeout=30)
        assert _pids_using(described["data_dir"]) == []
        assert not os.path.exists(os.path.dirname(described["data_dir"])) and not os.path.exists(state_dir)
    finally:
        _localenv(state_dir, "down")
