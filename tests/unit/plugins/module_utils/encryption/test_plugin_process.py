"""encryption/plugin_process.py: the KMS plugin's command line (file paths, never values), what runs
according to the pid file and /proc, the decision to start, restart, stop or leave it, and a start
that fails (the plugin exits, or never opens its socket) reported with its log. The plugin here is a
short shell script started in the test's directory, stopped by its pid."""

import os
import sys
import time

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption import plugin_process
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

BASE = {"binary": "/usr/local/bin/kms-plugin", "socket": "/run/kms/kms.sock", "vault_addr": "https://vault:8200", "mount": "transit",
        "key": "etcd", "vault_ca_cert": None, "token_file": "/var/lib/kms/token", "approle_mount": "approle", "role_id_file": None,
        "secret_id_file": None}


def test_the_command_line_names_credential_files_for_a_token_or_an_approle():
    assert plugin_process.plugin_argv(BASE) == ["/usr/local/bin/kms-plugin", "--listen=/run/kms/kms.sock", "--vault-addr=https://vault:8200",
                                                "--transit-mount=transit", "--key=etcd", "--token-file=/var/lib/kms/token"]
    approle = dict(BASE, token_file=None, role_id_file="/var/lib/kms/role-id", secret_id_file="/var/lib/kms/secret-id",
                   vault_ca_cert="/etc/kms/ca.pem")
    assert plugin_process.plugin_argv(approle)[5:] == ["--vault-cacert=/etc/kms/ca.pem", "--approle-mount=approle",
                                                       "--role-id-file=/var/lib/kms/role-id", "--secret-id-file=/var/lib/kms/secret-id"]


def test_what_runs_is_read_from_the_pid_file_and_proc(tmp_path):
    pid_file = tmp_path / "kms.pid"
    assert plugin_process.running_argv(str(pid_file)) == (None, None)
    pid_file.write_text("not a pid\n")
    assert plugin_process.running_argv(str(pid_file)) == (None, None)
    pid_file.write_text("%d\n" % os.getpid())
    pid, argv = plugin_process.running_argv(str(pid_file))
    assert pid == os.getpid() and argv == [part.decode() for part in open("/proc/self/cmdline", "rb").read().split(b"\0") if part]
    pid_file.write_text("%d\n" % (2 ** 22 + 1))  # above pid_max: no such process
    assert plugin_process.running_argv(str(pid_file)) == (None, None)


class Host(object):
    """The three actions of ensure_process, recorded: what runs (pid, argv), stop, start."""

    def __init__(self, monkeypatch, pid=None, argv=None):
        self.actions = []
        monkeypatch.setattr(plugin_process, "running_argv", lambda pid_file: (pid, argv))
        monkeypatch.setattr(plugin_process, "stop", lambda stopped: self.actions.append(("stop", stopped)))
        monkeypatch.setattr(plugin_process, "start", lambda started, params: self.actions.append(("start", started)) or 4242)


def wanted(state="started"):
    return dict(BASE, state=state, pid_file="/run/kms/kms.pid")


@pytest.mark.parametrize("pid, argv, state, changed, actions", [
    (None, None, "stopped", False, []),
    (17, ["old"], "stopped", True, [("stop", 17)]),
    (17, plugin_process.plugin_argv(BASE), "started", False, []),
    (17, plugin_process.plugin_argv(BASE), "restarted", True, [("stop", 17), ("start", plugin_process.plugin_argv(BASE))]),
    (17, plugin_process.plugin_argv(BASE)[:-1], "started", True, [("stop", 17), ("start", plugin_process.plugin_argv(BASE))]),
    (None, None, "started", True, [("start", plugin_process.plugin_argv(BASE))]),
])
def test_ensure_process_starts_restarts_stops_or_leaves_the_plugin(monkeypatch, pid, argv, state, changed, actions):
    host = Host(monkeypatch, pid, argv)
    result = plugin_process.ensure_process(wanted(state))
    assert result["changed"] is changed and host.actions == actions and result["socket"] == BASE["socket"]
    if state != "stopped":
        assert result["pid"] == (4242 if changed else pid)
    checked = Host(monkeypatch, pid, argv)
    assert plugin_process.ensure_process(wanted(state), check_mode=True)["changed"] is changed and checked.actions == []


def plugin(tmp_path, body):
    """A stand-in plugin: a shell script; ``--listen=<socket>`` reaches it as $1."""
    script = tmp_path / "plugin.sh"
    script.write_text("#!/bin/sh\nsocket=${1#--listen=}\n" + body + "\n")
    script.chmod(0o755)
    return [str(script), "--listen=" + str(tmp_path / "run" / "kms.sock")]


def start_params(tmp_path, timeout):
    return {"socket": str(tmp_path / "run" / "kms.sock"), "pid_file": str(tmp_path / "run" / "kms.pid"),
            "log_file": str(tmp_path / "log" / "kms.log"), "start_timeout": timeout}


def gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_started_plugin_runs_detached_until_stopped(tmp_path):
    params = start_params(tmp_path, 10)
    pid = plugin_process.start(plugin(tmp_path, 'echo listening >&2\ntouch "$socket"\nexec sleep 30'), params)
    try:
        assert open(params["pid_file"]).read() == "%d\n" % pid and os.getsid(pid) == pid  # its own session
        assert plugin_process.exit_code(pid) is None
        assert os.stat(str(tmp_path / "run")).st_mode & 0o777 == 0o700 and os.stat(params["log_file"]).st_mode & 0o777 == 0o600
    finally:
        plugin_process.stop(pid, timeout=5)
    assert gone(pid) or plugin_process.exit_code(pid) is not None
    assert "listening" in open(params["log_file"]).read()


def test_a_plugin_that_exits_at_startup_is_reported_with_its_log(tmp_path):
    argv = plugin(tmp_path, 'echo "vault: permission denied on transit/encrypt/etcd" >&2\nexit 3')
    with pytest.raises(SecretOpsError) as raised:
        plugin_process.start(argv, start_params(tmp_path, 10))
    assert str(raised.value) == "the KMS plugin exited at startup (exit 3): vault: permission denied on transit/encrypt/etcd"


def test_a_plugin_that_never_opens_its_socket_is_stopped_at_the_timeout(tmp_path):
    params = start_params(tmp_path, 0.5)
    started = time.monotonic()
    with pytest.raises(SecretOpsError, match=r"did not open .*kms.sock within 0.5s: waiting") as raised:
        plugin_process.start(plugin(tmp_path, "echo waiting >&2\nexec sleep 30"), params)
    pid = int(open(params["pid_file"]).read())
    # stop() reaps its own child: it does not wait out its timeout (10s) on a zombie
    assert time.monotonic() - started < 5, "stop() waited %.1fs for a plugin it had already ended" % (time.monotonic() - started)
    assert gone(pid)
    assert "kms.sock" in str(raised.value) and sys.executable not in str(raised.value)
