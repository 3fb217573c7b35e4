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
import subprocess
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


def stop(pid, timeout=10):
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)


def _log_tail(path, lines=10):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return "".join(handle.readlines()[-lines:]).strip()
    except FileNotFoundError:
        return ""


def start(argv, params):
    for path in (params["socket"], params["pid_file"], params["log_file"]):
        os.makedirs(os.path.dirname(os.path.abspath(path)), mode=0o700, exist_ok=True)
    with open(params["log_file"], "a", encoding="utf-8") as log:
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                   close_fds=True)
    with open(params["pid_file"], "w", encoding="utf-8") as handle:
        handle.write("%d\n" % process.pid)
    deadline = time.monotonic() + params["start_timeout"]
    while time.monotonic() < deadline:
        if process.poll() is not None:
            # The plugin probes encrypt and decrypt at startup: a token without them fails here, loudly.
            raise SecretOpsError("the KMS plugin exited at startup (exit %d): %s" % (process.returncode, _log_tail(params["log_file"])))
        if os.path.exists(params["socket"]):
            return process.pid
        time.sleep(0.1)
    stop(process.pid)
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
