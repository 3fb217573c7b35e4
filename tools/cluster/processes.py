"""Starting, checking and stopping the environment's background processes.

Each process runs in its own session (so its process group can be stopped as a whole, children
included) with stdout and stderr going to one log file. A process is identified by pid plus its
start time, so a recycled pid never gets signalled by mistake.
"""

import os
import signal
import socket
import subprocess
import time


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(name, argv, log_dir, env=None):
    """Start ``argv`` in the background; return its record (name, pid, argv, log)."""
    log_path = os.path.join(log_dir, name + ".log")
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True, env=env, close_fds=True)
    return {"name": name, "pid": proc.pid, "started": _start_time(proc.pid), "argv": argv, "log": log_path}


def is_running(record):
    """True while the recorded process exists, is not a zombie and is the very process we started."""
    fields = _stat_fields(record["pid"])
    return bool(fields) and fields[0] != b"Z" and int(fields[19]) == record["started"]


def _start_time(pid):
    # Field 22 of /proc/PID/stat (index 19 after the command name): start time in clock ticks since boot.
    fields = _stat_fields(pid)
    return int(fields[19]) if fields else None


def _reap(pid):
    # Our own children (started by this `up` run) linger as zombies until waited for.
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def stop(record, timeout=10.0):
    """SIGTERM the process group, then SIGKILL whatever is left after ``timeout`` seconds."""
    if not is_running(record):
        return
    pgid = record["pid"]  # started with start_new_session, so pid == pgid
    try:
        os.killpg(pgid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _reap(pgid)
        if not _group_alive(pgid):
            return
        time.sleep(0.1)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        return
    while _group_alive(pgid):
        _reap(pgid)
        time.sleep(0.05)


def _group_alive(pgid):
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    # A group made only of zombies of ours still answers signal 0.
    return any(_pgid_of(pid) == pgid and not _is_zombie(pid) for pid in _pids())


def pids():
    """Every process id on the machine right now."""
    return _pids()


def parent_of(pid):
    """The parent's pid of ``pid``, or None when it is gone."""
    fields = _stat_fields(pid)
    return int(fields[1]) if fields else None


def _pids():
    return [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]


def _stat_fields(pid):
    try:
        with open("/proc/%d/stat" % pid, "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _pgid_of(pid):
    fields = _stat_fields(pid)
    return int(fields[2]) if fields else None


def _is_zombie(pid):
    fields = _stat_fields(pid)
    return fields is None or fields[0] == b"Z"


def log_tail(record, lines=40):
    """The last ``lines`` lines of a process's log, for error messages."""
    try:
        with open(record["log"], "rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - 64 * 1024))
            text = handle.read().decode("utf-8", "replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def wait_for(description, check, record=None, timeout=60.0, interval=0.25):
    """Poll ``check()`` until it returns a truthy value; fail early if ``record``'s process died."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        if record is not None and not is_running(record):
            raise StartError("%s exited while waiting for %s" % (record["name"], description), record)
        try:
            result = check()
            if result:
                return result
        except Exception as exc:  # pylint: disable=broad-except  # any failure just means "not yet"
            last_error = exc
        time.sleep(interval)
    raise StartError("timed out after %.0fs waiting for %s (last error: %s)" % (timeout, description, last_error), record)


class StartError(Exception):
    """A component failed to start; carries the record whose log explains why."""

    def __init__(self, message, record=None):
        super().__init__(message)
        self.record = record
