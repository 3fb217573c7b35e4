"""Run one command and measure its wall time, CPU time and peak memory.

The command runs under a small wrapper interpreter (``WRAPPER``) that starts it, waits for it and
reports the kernel's accounting for the whole process tree it started (ansible-playbook forks a
worker per task, and the worker runs the module in a third process):
  * ``peak_rss_mib``: the largest resident set reached by any single process of the tree, exact:
    ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` in the wrapper, the maximum over every reaped
    descendant. The wrapper exists because a child forked from this harness (which has kubernetes,
    hvac and cryptography loaded) is charged the harness's resident set until it calls exec, which
    would put a floor of ~80 MiB under every measurement; the wrapper is a bare ``python -S``.
  * ``peak_tree_rss_mib``: the largest sum of the resident sets of all processes of the tree at one
    moment (wrapper excluded), sampled from /proc every ``SAMPLE_SECONDS``; a very short peak can
    be missed.
  * ``cpu_seconds``: user + system CPU time of the tree (the client side only: the API server's
    work is not in it); less sensitive than wall time to other load on the machine.
  * ``seconds``: wall time, taken in the wrapper around the command alone.
"""

import json
import os
import signal
import subprocess
import sys
import threading

SAMPLE_SECONDS = 0.1
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")

# argv: result-file command...; writes {"returncode", "seconds", "maxrss_kib", "cpu_seconds"}
WRAPPER = """
import json, resource, subprocess, sys, time
started = time.monotonic()
returncode = subprocess.call(sys.argv[2:])
seconds = time.monotonic() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as handle:
    json.dump({"returncode": returncode, "seconds": seconds, "maxrss_kib": usage.ru_maxrss,
               "cpu_seconds": usage.ru_utime + usage.ru_stime}, handle)
"""


class Measurement(object):
    def __init__(self, returncode, seconds, peak_rss_mib, peak_tree_rss_mib, cpu_seconds):
        self.returncode = returncode
        self.seconds = seconds
        self.peak_rss_mib = peak_rss_mib
        self.peak_tree_rss_mib = peak_tree_rss_mib
        self.cpu_seconds = cpu_seconds

    def as_dict(self):
        return {"returncode": self.returncode, "seconds": round(self.seconds, 3), "cpu_seconds": round(self.cpu_seconds, 2),
                "peak_rss_mib": round(self.peak_rss_mib, 1), "peak_tree_rss_mib": round(self.peak_tree_rss_mib, 1)}


def _process_table():
    """pid -> (ppid, rss bytes) for every process visible in /proc."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry, "rb") as handle:
                stat = handle.read().decode("ascii", "replace")
        except OSError:
            continue
        # the command name (field 2) may hold spaces and parentheses: split after its last ')'
        fields = stat[stat.rindex(")") + 2:].split()
        table[int(entry)] = (int(fields[1]), int(fields[21]) * PAGE_SIZE)
    return table


def descendants_rss(root_pid):
    """Sum of the resident set sizes of all descendants of ``root_pid`` (not itself), in bytes."""
    table = _process_table()
    children = {}
    for pid, (ppid, _rss) in table.items():
        children.setdefault(ppid, []).append(pid)
    total, pending = 0, list(children.get(root_pid, ()))
    while pending:
        pid = pending.pop()
        if pid in table:
            total += table[pid][1]
        pending.extend(children.get(pid, ()))
    return total


def run(command, env=None, cwd=None, log_path=None, timeout=3600):
    """Run ``command`` (argv list) to completion; stdout and stderr go to ``log_path`` (or are dropped)."""
    result_path = os.path.join(cwd or ".", ".measure-%d.json" % os.getpid())
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # pylint: disable=consider-using-with
    peak_tree = [0]
    done = threading.Event()
    try:
        proc = subprocess.Popen([sys.executable, "-S", "-c", WRAPPER, result_path] + list(command),  # pylint: disable=consider-using-with
                                env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

        def sample():
            while not done.wait(SAMPLE_SECONDS):
                peak_tree[0] = max(peak_tree[0], descendants_rss(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            proc.wait(timeout=timeout)
        except BaseException:  # timed out, or the harness was interrupted: nothing may outlive it
            os.killpg(proc.pid, signal.SIGKILL)  # the whole tree: it runs in its own session
            proc.wait()
            raise
        finally:
            done.set()
            sampler.join()
    finally:
        if log_path:
            log.close()
    with open(result_path) as handle:
        result = json.load(handle)
    os.unlink(result_path)
    return Measurement(result["returncode"], result["seconds"], result["maxrss_kib"] / 1024.0,
                       peak_tree[0] / (1024.0 * 1024.0), result["cpu_seconds"])
