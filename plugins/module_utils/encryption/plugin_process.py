# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs the KMS v2 plugin as a plain background process (hosts without systemd, the local
environment): started when not running or when its command line changed, stopped on request.
The pid file and the process's own command line (/proc) say what runs, so a re-run changes nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import signal
import time

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError


def plugin_argv(params):
    """The plugin's command line (credentials are file paths, never values)."""
    argv = [params["binary"], "--listen=" + params["socket"], "--vault-addr=" + params["vault_addr"],
            "--transit-mount=" + params["mount"], "--key=" + params["key"]]
    if params.get("vault_ca_cert"):
        argv.append("--vault-cacert=" + params["vault_ca_cert"])
    if params.get("token_file"):
        argv.append("--token-file=" + params["token_file"])
    else:
        argv += ["--approle-mount=" + params["approle_mount"], "--role-id-file=" + params["role_id_file"],
                 "--secret-id-file=" + params["secret_id_file"]]
    return argv


def running_argv(pid_file):
    """(pid, argv) of the process the pid file names, or (None, None) when it does not run."""
    try:
        with open(pid_file, encoding="utf-8") as handle:
            pid = int(handle.read().strip())
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            argv = [part.decode("utf-8", "replace") for part in handle.read().split(b"\0") if part]
    except (FileNotFoundError, ProcessLookupError, ValueError):
        return None, None
    return (pid, argv) if argv else (None, None)


def _ended(pid):
    """Whether ``pid`` has ended. A child of this process (a plugin ``start`` just gave up on) is
    reaped here: until then it is a zombie, which ``kill(pid, 0)`` still finds."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return True
    except ChildProcessError:  # not our child: its parent reaps it
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def stop(pid, timeout=10):
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _ended(pid):
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    _ended(pid)


def _log_tail(path, lines=10):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return "".join(handle.readlines()[-lines:]).strip()
    except FileNotFoundError:
        return ""


def spawn(argv, log_path):
    """Start ``argv`` detached - its own session, stdin from /dev/null, output appended to ``log_path`` -
    and return its pid. A fork and exec, because AnsibleModule.run_command waits for its command and a
    plugin never ends; the module exits and leaves it running."""
    log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    null = os.open(os.devnull, os.O_RDONLY)
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            os.setsid()
            os.dup2(null, 0)
            os.dup2(log, 1)
            os.dup2(log, 2)
            os.closerange(3, 65536)
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)  # exec failed
    os.close(log)
    os.close(null)
    return pid


def exit_code(pid):
    """The exit code of child ``pid`` once it ended (minus the signal when killed), or None while it runs."""
    done, status = os.waitpid(pid, os.WNOHANG)
    if done == 0:
        return None
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def start(argv, params):
    for path in (params["socket"], params["pid_file"], params["log_file"]):
        os.makedirs(os.path.dirname(os.path.abspath(path)), mode=0o700, exist_ok=True)
    pid = spawn(argv, params["log_file"])
    with open(params["pid_file"], "w", encoding="utf-8") as handle:
        handle.write("%d\n" % pid)
    deadline = time.monotonic() + params["start_timeout"]
    while time.monotonic() < deadline:
        code = exit_code(pid)
        if code is not None:
            # The plugin probes encrypt and decrypt at startup: a token without them fails here, loudly.
            raise SecretOpsError("the KMS plugin exited at startup (exit %d): %s" % (code, _log_tail(params["log_file"])))
        if os.path.exists(params["socket"]):
            return pid
        time.sleep(0.1)
    stop(pid)
    raise SecretOpsError("the KMS plugin did not open %s within %ss: %s" % (params["socket"], params["start_timeout"], _log_tail(params["log_file"])))


def ensure_process(params, check_mode=False):
    pid, argv = running_argv(params["pid_file"])
    wanted = plugin_argv(params)
    result = {"changed": False, "socket": params["socket"]}
    if params["state"] == "stopped":
        if pid is not None:
            result["changed"] = True
            if not check_mode:
                stop(pid)
        return result
    if pid is not None and argv == wanted and params["state"] != "restarted":
        result["pid"] = pid
        return result
    result["changed"] = True
    if not check_mode:
        if pid is not None:
            stop(pid)
        result["pid"] = start(wanted, params)
    return result
