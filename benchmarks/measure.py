"""Run one command and measure its wall time and peak memory.

Peak memory is measured two ways, both over the whole process tree the command starts
(ansible-playbook forks a worker per task and the worker runs the module in a third process):
  * ``peak_rss_mib``: the largest resident set of any single process in the tree, exact, from the
    kernel's accounting (``os.wait4`` returns the rusage of the child and every descendant it reaped;
    ``ru_maxrss`` is the maximum over them, in KiB on Linux);
  * ``peak_tree_rss_mib``: the largest sum of the resident sets of all processes in the tree at one
    moment, sampled from /proc every ``SAMPLE_SECONDS`` (so a very short peak can be missed).
"""

import os
import subprocess
import threading
import time

SAMPLE_SECONDS = 0.1
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


class Measurement(object):
    def __init__(self, returncode, seconds, peak_rss_mib, peak_tree_rss_mib):
        self.returncode = returncode
        self.seconds = seconds
        self.peak_rss_mib = peak_rss_mib
        self.peak_tree_rss_mib = peak_tree_rss_mib

    def as_dict(self):
        return {"returncode": self.returncode, "seconds": round(self.seconds, 3),
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


def tree_rss(root_pid):
    """Sum of the resident set sizes of ``root_pid`` and all its descendants, in bytes."""
    table = _process_table()
    children = {}
    for pid, (ppid, _rss) in table.items():
        children.setdefault(ppid, []).append(pid)
    total, pending = 0, [root_pid]
    while pending:
        pid = pending.pop()
        if pid in table:
            total += table[pid][1]
        pending.extend(children.get(pid, ()))
    return total


def run(command, env=None, cwd=None, log_path=None, timeout=3600):
    """Run ``command`` (argv list) to completion; stdout and stderr go to ``log_path`` (or are dropped)."""
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # pylint: disable=consider-using-with
    peak_tree = [0]
    done = threading.Event()
    try:
        started = time.monotonic()
        proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)  # pylint: disable=consider-using-with

        def sample():
            while not done.wait(SAMPLE_SECONDS):
                peak_tree[0] = max(peak_tree[0], tree_rss(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        _pid, status, usage = os.wait4(proc.pid, 0)  # blocks; rusage covers the child and its reaped descendants
        killer.cancel()
        seconds = time.monotonic() - started
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if log_path:
            log.close()
    return Measurement(proc.returncode, seconds, usage.ru_maxrss / 1024.0, peak_tree[0] / (1024.0 * 1024.0))
