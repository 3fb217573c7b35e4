"""The local environment's PostgreSQL: a real server on 127.0.0.1 (and on the real node's bridge
address, for its pods) whose superuser Vault's database secrets engine manages in the tests.

The server is the machine's Debian PostgreSQL (``/usr/lib/postgresql/<version>/bin``); on a machine
without it, ``apt-get install postgresql`` runs first (as root). PostgreSQL refuses to run as
root, so when this tool runs as root the server runs as the ``postgres`` user the package creates:
``initdb`` through ``runuser`` and the server through ``setpriv``, which execs it (so the recorded
pid is the postmaster itself and a SIGTERM to its process group reaches every backend). Its files
(data, socket directory, password file) must be reachable by that user, and root's home is not,
so they live in a directory of their own under the system temporary directory, named after the
environment's state directory; as any other user they live inside the state directory.

The superuser password is random per environment and written to ``env.json`` (next to the Vault
root token), never to a command line. Data is disposable: fsync is off.
"""

import glob
import hashlib
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
import time

import packages
import processes

SERVER_USER = "postgres"  # the OS account the Debian package creates
SUPERUSER = "postgres"
DATABASE = "postgres"
HOST = "127.0.0.1"
DEBIAN_BIN_GLOB = "/usr/lib/postgresql/*/bin"
# Test data is disposable: skipping fsync makes every write much faster.
SERVER_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "max_connections": "200"}


class PostgresError(Exception):
    """PostgreSQL cannot be installed or prepared; the message says what to do."""


def _version_key(bin_dir):
    version = os.path.basename(os.path.dirname(bin_dir))
    return [int(part) if part.isdigit() else 0 for part in version.split(".")]


def find_bin_dir():
    """The bin directory of the newest installed Debian PostgreSQL, or None."""
    found = [path for path in glob.glob(DEBIAN_BIN_GLOB) if os.path.exists(os.path.join(path, "postgres"))]
    return max(found, key=_version_key) if found else None


def ensure_installed():
    """The PostgreSQL bin directory, installing the Debian package first when it is missing."""
    bin_dir = find_bin_dir()
    if bin_dir:
        return bin_dir
    try:
        packages.apt_install(["postgresql"], lambda: not find_bin_dir())
    except packages.PackageError as error:
        raise PostgresError("PostgreSQL is not installed (no %s/postgres): %s" % (DEBIAN_BIN_GLOB, error))
    bin_dir = find_bin_dir()
    if not bin_dir:
        raise PostgresError("apt-get installed postgresql but no %s/postgres exists" % DEBIAN_BIN_GLOB)
    return bin_dir


def _as_root():
    return os.geteuid() == 0


def state_dir(layout):
    """Where the server's files live (see the module docstring for why not always in the state directory)."""
    if not _as_root():
        return os.path.join(layout.root, "postgres")
    digest = hashlib.sha256(os.path.abspath(layout.root).encode("utf-8")).hexdigest()[:12]
    return os.path.join(tempfile.gettempdir(), "secretops-postgres-" + digest)


def _server_account():
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise PostgresError("there is no %r user to run PostgreSQL as (PostgreSQL refuses to run as root); "
                            "reinstall the postgresql package, which creates it" % SERVER_USER) from None


def _as_server_user(argv):
    """``argv`` run as the server's user when we are root (initdb and pg_ctl refuse root)."""
    return ["runuser", "-u", SERVER_USER, "--"] + argv if _as_root() else argv


def _exec_as_server_user(argv):
    """``argv`` exec'd as the server's user: setpriv replaces itself, so the pid we record is the server's."""
    if not _as_root():
        return argv
    return ["setpriv", "--reuid=" + SERVER_USER, "--regid=" + SERVER_USER, "--init-groups", "--"] + argv


def _make_private_dir(path, account):
    os.makedirs(path, mode=0o700)
    if account is not None:
        os.chown(path, account.pw_uid, account.pw_gid)


def prepare(layout, bin_dir):
    """A fresh data directory with a random superuser password; returns ``(paths, password)``."""
    account = _server_account() if _as_root() else None
    root = state_dir(layout)
    remove_state(layout)
    _make_private_dir(root, account)
    paths = {"root": root, "data": os.path.join(root, "data"), "sockets": os.path.join(root, "sockets"),
             "pwfile": os.path.join(root, "pwfile")}
    _make_private_dir(paths["sockets"], account)
    password = secrets.token_urlsafe(24)
    # initdb reads the password from a file the server's user can open (not a pipe of ours).
    with os.fdopen(os.open(paths["pwfile"], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    if account is not None:
        os.chown(paths["pwfile"], account.pw_uid, account.pw_gid)
    initdb = _as_server_user([os.path.join(bin_dir, "initdb"), "-D", paths["data"], "-U", SUPERUSER, "--pwfile=" + paths["pwfile"],
                              "--auth-local=peer", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"])
    done = subprocess.run(initdb, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False, cwd="/")
    os.remove(paths["pwfile"])
    if done.returncode != 0:
        raise PostgresError("initdb failed:\n%s" % done.stdout[-3000:])
    return paths, password


def allow_pods(paths, pod_subnet):
    """Let pods of the real node's subnet log in with a password (scram-sha-256), as from 127.0.0.1."""
    with open(os.path.join(paths["data"], "pg_hba.conf"), "a", encoding="utf-8") as handle:
        handle.write("# the real node's pods (tools/cluster/node.py)\nhost all all %s scram-sha-256\n" % pod_subnet)


def server_argv(bin_dir, paths, port, pod_host=None):
    hosts = HOST + ("," + pod_host if pod_host else "")
    argv = [os.path.join(bin_dir, "postgres"), "-D", paths["data"], "-p", str(port), "-h", hosts, "-k", paths["sockets"]]
    for name, value in sorted(SERVER_SETTINGS.items()):
        argv += ["-c", "%s=%s" % (name, value)]
    return _exec_as_server_user(argv)


def psql(description, sql, user=None, password=None, database=None, timeout=30):
    """Run ``sql`` with psql over TCP as ``user`` (default the superuser); returns the CompletedProcess.

    The password travels in the environment (PGPASSWORD), never on a command line.
    """
    env = dict(os.environ, PGPASSWORD=password if password is not None else description["password"], PGCONNECT_TIMEOUT="5")
    argv = [os.path.join(description["bin_dir"], "psql"), "-h", description["host"], "-p", str(description["port"]),
            "-U", user or description["superuser"], "-d", database or description["database"],
            "-v", "ON_ERROR_STOP=1", "-X", "-A", "-t", "-c", sql]
    return subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False, timeout=timeout)


def answers(description):
    """True when the superuser can log in over TCP and run a query."""
    done = psql(description, "SELECT 1")
    return done.returncode == 0 and done.stdout.strip() == "1"


def start(layout, start_process, pod_network=None):
    """Install if needed, initialise and start the server; returns its env.json description.

    ``pod_network`` is ``(address, subnet)`` of the real node's bridge: the server listens on that
    address too (``pod_host`` in the description) and lets that subnet log in.

    ``start_process(name, argv, ready_description, ready_check, timeout)`` starts and records a
    process the way localenv does for every component (so ``down`` and ``status`` know it).
    """
    bin_dir = ensure_installed()
    paths, password = prepare(layout, bin_dir)
    port = processes.free_port()
    description = {"host": HOST, "port": port, "superuser": SUPERUSER, "password": password, "database": DATABASE,
                   "bin_dir": bin_dir, "data_dir": paths["data"]}
    pod_host = None
    if pod_network:
        pod_host = description["pod_host"] = pod_network[0]
        allow_pods(paths, pod_network[1])
    start_process("postgres", server_argv(bin_dir, paths, port, pod_host), "PostgreSQL login on %s:%d" % (HOST, port),
                  lambda: answers(description), 60)
    return description


def listen_for_pods(layout, description, record, pod_network, start_process):
    """Restart a running server (fast shutdown, same data, same port) listening on the pod bridge too:
    for an environment started before the real node. Sessions drop once; clients reconnect.
    Returns the updated description; the caller records the new process in place of ``record``."""
    stop(record)
    paths = {"data": description["data_dir"], "sockets": os.path.join(state_dir(layout), "sockets")}
    allow_pods(paths, pod_network[1])
    description = dict(description, pod_host=pod_network[0])
    start_process("postgres", server_argv(description["bin_dir"], paths, description["port"], pod_network[0]),
                  "PostgreSQL login on %s:%d" % (description["host"], description["port"]), lambda: answers(description), 60)
    return description


def problems(description):
    """Why the described server is not usable (an empty list when it is)."""
    if not description:
        return []
    try:
        return [] if answers(description) else ["PostgreSQL on port %s does not accept the superuser's login" % description["port"]]
    except (OSError, subprocess.SubprocessError) as exc:
        return ["PostgreSQL unreachable: %s" % exc]


def stop(record, timeout=30.0):
    """Stop the server with a fast shutdown (SIGINT): it ends every session and exits.

    ``processes.stop`` does not fit: each backend is the leader of its own process group (so a
    signal to the postmaster's group misses them), and SIGTERM is a smart shutdown, which waits
    for clients such as Vault's connection pool to hang up.
    """
    if not processes.is_running(record):
        return
    os.kill(record["pid"], signal.SIGINT)
    deadline = time.monotonic() + timeout
    while processes.is_running(record) and time.monotonic() < deadline:
        _reap(record["pid"])
        time.sleep(0.1)
    if processes.is_running(record):
        os.kill(record["pid"], signal.SIGQUIT)  # immediate shutdown: the postmaster still kills its backends
    processes.stop(record)


def _reap(pid):
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def remove_state(layout):
    """Delete the server's files (the server must be stopped). Only a directory this tool names is touched."""
    root = state_dir(layout)
    if os.path.isdir(root) and not os.path.islink(root):
        shutil.rmtree(root, ignore_errors=True)
