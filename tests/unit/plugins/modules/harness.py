"""Runs a module's ``main()`` in the test process, in the style of community.hashi_vault's per-module
tests: the task's arguments as Ansible hands them over, the clients replaced by the one fake of each
(``module_utils/k8s/fakes.py``, ``module_utils/vault/fakes.py``), and ``exit_json``/``fail_json``
caught, so a test reads the result the module would print."""

import contextlib
import json

from ansible.module_utils import basic

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19
    @contextlib.contextmanager
    def patch_module_args(args=None):
        saved = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args or {}}).encode()
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved


class ModuleExit(Exception):
    """How a module ended: ``result`` as it would print it, ``failed`` for ``fail_json``."""

    def __init__(self, result, failed):
        super(ModuleExit, self).__init__(result.get("msg"))
        self.result = result
        self.failed = failed


def _exit(self, **result):
    raise ModuleExit(result, failed=False)


def _fail(self, msg, **result):
    raise ModuleExit(dict(result, msg=msg), failed=True)


def run_module(module_file, args, monkeypatch, check_mode=False):
    """``module_file.main()`` with ``args``; returns the ``ModuleExit`` it ended with."""
    monkeypatch.setattr(basic.AnsibleModule, "exit_json", _exit)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", _fail)
    monkeypatch.setattr(basic.AnsibleModule, "_log_invocation", lambda self: None)
    args = dict(args, _ansible_check_mode=check_mode)
    with patch_module_args(args):
        try:
            module_file.main()
        except ModuleExit as ended:
            return ended
    raise AssertionError("the module ended without exit_json or fail_json")


def session_of(client):
    """A stand-in for ``k8s_session`` / ``vault_session`` that yields ``client`` (whatever the params)."""
    @contextlib.contextmanager
    def session(*_args, **_kwargs):
        yield client
    return session
