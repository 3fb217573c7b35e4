"""The module runner: exits with the result, translates SecretOpsError once."""

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run


class FakeModule(object):
    """Records exit_json/fail_json like AnsibleModule (which would exit the process)."""

    def __init__(self):
        self.exited = None
        self.failed = None

    def exit_json(self, **result):
        self.exited = result

    def fail_json(self, **result):
        self.failed = result


def test_runner_exits_with_the_result():
    module = FakeModule()
    run(module, lambda: {"secret": {"name": "x"}})
    assert module.exited == {"secret": {"name": "x"}, "changed": False}


def test_runner_translates_the_error_once():
    def boom():
        raise SecretOpsError("cannot do it: fix this", status=403, msg="ignored", changed=True)

    module = FakeModule()
    run(module, boom)
    assert module.failed == {"msg": "cannot do it: fix this", "status": 403, "changed": True}
    assert module.exited is None


def test_runner_prunes_no_log_values_only_with_its_own_invocation():
    module = FakeModule()
    module.no_log_values = {"present-value", "absent-value", 'needs "escaping"'}
    run(module, lambda: {"invocation": {"module_args": {}}, "note": "has present-value inside"})
    assert module.no_log_values == {"present-value", 'needs "escaping"'}
    echoing = FakeModule()
    echoing.no_log_values = {"absent-value"}
    run(echoing, lambda: {"note": "x"})
    assert echoing.no_log_values == {"absent-value"}  # Ansible will echo every argument: keep them all


# --- no_log pruning: speed never comes from weaker masking ---------------------------------------
#
# The runner leaves out of ``no_log_values`` what cannot occur in the output, because Ansible's
# masking compares every output string with every value. The tests below prove the output is the
# same as with the whole set: first against Ansible's own ``remove_values`` on crafted outputs,
# then end to end through a real ``AnsibleModule`` whose body puts values where they must not be
# (result, warnings, diffs, failures), and check that no value reaches what it prints.

import json  # noqa: E402  pylint: disable=wrong-import-position

import pytest  # noqa: E402  pylint: disable=wrong-import-position

from ansible.module_utils import basic  # noqa: E402  pylint: disable=wrong-import-position
from ansible.module_utils.ansible_release import __version__ as ansible_version  # noqa: E402  pylint: disable=wrong-import-position
from ansible.module_utils.compat.version import LooseVersion  # noqa: E402  pylint: disable=wrong-import-position
from ansible.module_utils.common.parameters import remove_values  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.secretops.provisioning.plugins.module_utils import module_runner  # noqa: E402  pylint: disable=wrong-import-position

VALUES = ["s3cr3t-password-0001", "svc-0001", "pw", "a********", "quote\"d", "line\nbreak", "ünïcode-välue", "4711", "0.25"]


def _pruned(values, result, warnings=()):
    module = FakeModule()
    module.no_log_values = set(values)
    if warnings:
        old = module_runner.get_warning_messages
        module_runner.get_warning_messages = lambda: tuple(warnings)
        try:
            module_runner._prune_no_log_values(module, result)
        finally:
            module_runner.get_warning_messages = old
    else:
        module_runner._prune_no_log_values(module, result)
    return module.no_log_values


OUTPUTS = [
    {"invocation": {"module_args": {}}, "msg": "whole value", "value": "s3cr3t-password-0001"},
    {"invocation": {"module_args": {}}, "note": "inside: user=svc-0001;"},
    {"invocation": {"module_args": {}}, "svc-0001": "a value used as a dict key"},
    {"invocation": {"module_args": {}}, "resource_version": 47110, "ratio": 0.25},
    {"invocation": {"module_args": {}}, "cascade": "asecret"},  # masking "secret" leaves "a********"
    {"invocation": {"module_args": {}}, "diff": [{"before": "key: pw", "after": {"data": ["s3cr3t-password-0001"]}}]},
    {"invocation": {"module_args": {}}, "results": [{"name": "x", "msg": "text with quote\"d and ünïcode-välue"}]},
    {"invocation": {"module_args": {}}, "keys": ["line\nbreak", ("tuple", "pw")], "set": set(["svc-0001"])},
]


@pytest.mark.parametrize("output", OUTPUTS)
def test_pruned_set_masks_exactly_as_the_whole_set(output):
    values = VALUES + ["secret"]
    pruned = _pruned(values, output)
    assert remove_values(output, pruned) == remove_values(output, set(values))


def test_pruning_keeps_every_value_that_occurs_and_drops_the_rest():
    output = {"invocation": {"module_args": {}}, "results": [{"name": "app", "note": "svc-0001"}], "n": 4711}
    pruned = _pruned(["svc-0001", "4711", "absent-value-xyz", "abc"], output)
    assert pruned == {"svc-0001", "4711"}


def test_values_in_warnings_are_kept():
    output = {"invocation": {"module_args": {}}, "changed": False}
    assert _pruned(["s3cr3t-password-0001", "other-value"], output, warnings=["careful: s3cr3t-password-0001"]) == {"s3cr3t-password-0001"}


def test_a_value_with_an_asterisk_is_always_kept():
    # "a********" is not in the output, but masking "secret" in "asecret" writes it
    assert "a********" in _pruned(["secret", "a********"], {"invocation": {"module_args": {}}, "x": "asecret"})


def test_short_values_and_values_longer_than_any_string():
    output = {"invocation": {"module_args": {}}, "x": "ab"}
    assert _pruned(["ab", "b", "abc", "zz"], output) == {"ab", "b"}


def test_failures_are_not_pruned():
    module = FakeModule()
    module.no_log_values = {"value-a", "value-b"}

    def boom():
        raise SecretOpsError("cannot apply Secret demo/x", status=422)

    run(module, boom)
    assert module.no_log_values == {"value-a", "value-b"}
    assert module.failed["msg"] == "cannot apply Secret demo/x"


# --- end to end through AnsibleModule ----------------------------------------------------------

SECRET_VALUES = ["pa55-word-%04d-leak" % index for index in range(50)] + ["short1", "p*ss*word-with-stars", "multi\nline-value"]


def _run_module(body, check_invocation_log=None, extra_args=None, prune=True):
    """Run a real ListFormModule with ``secrets`` holding every value in SECRET_VALUES (no_log
    sub-options), ``body(module)`` as the module's work; return (parsed output, raw stdout).
    ``prune=False`` runs it with the pruning turned off, for comparison."""
    from ansible.module_utils.common import warnings as warning_store
    try:
        from ansible.module_utils import _internal
    except ImportError:  # ansible-core < 2.19: no controller routing of warnings
        _internal = type("NoInternal", (), {"is_controller": False})
    warning_store._global_warnings.clear()
    warning_store._global_deprecations.clear()
    # warnings go to the controller's display once controller code was imported (other unit tests
    # do): run as a module process does
    old_is_controller, _internal.is_controller = _internal.is_controller, False
    spec = {
        "secrets": {"type": "list", "elements": "dict", "no_log": False,
                    "options": {"name": {"type": "str"}, "data": {"type": "dict", "no_log": True}}},
        "token": {"type": "str", "no_log": True},
    }
    items = [{"name": "app-%d" % index, "data": {"password": value}} for index, value in enumerate(SECRET_VALUES)]
    args = dict({"secrets": items, "token": "tok-3n-value", "_ansible_check_mode": False, "_ansible_no_log": False,
                 "_ansible_diff": True}, **(extra_args or {}))
    old_args, old_profile = basic._ANSIBLE_ARGS, getattr(basic, "_ANSIBLE_PROFILE", None)
    basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode()
    basic._ANSIBLE_PROFILE = "legacy"
    logged = []
    old_log = basic.AnsibleModule.log
    basic.AnsibleModule.log = lambda self, msg, log_args=None: logged.append(msg)
    import io
    import sys
    captured = io.StringIO()
    old_stdout, old_prune = sys.stdout, module_runner._prune_no_log_values
    sys.stdout = captured
    if not prune:
        module_runner._prune_no_log_values = lambda module, result: None
    try:
        module = module_runner.ListFormModule("secrets", argument_spec=spec, supports_check_mode=True)
        with pytest.raises(SystemExit):
            run(module, lambda: body(module))
    finally:
        sys.stdout, module_runner._prune_no_log_values = old_stdout, old_prune
        basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE = old_args, old_profile
        basic.AnsibleModule.log = old_log
        _internal.is_controller = old_is_controller
    if check_invocation_log is not None:
        check_invocation_log(logged)
    text = captured.getvalue()
    return json.loads(text.strip().splitlines()[-1]), text


def _assert_same_as_unpruned(body):
    """Run ``body`` with and without pruning: the outputs are identical, and hold no value."""
    output, text = _run_module(body)
    _unpruned_output, unpruned_text = _run_module(body, prune=False)
    assert text == unpruned_text
    _assert_no_value(text)
    return output


def _assert_no_value(text):
    for value in SECRET_VALUES + ["tok-3n-value"]:
        for shown in (value, json.dumps(value)[1:-1]):
            assert shown not in text, "a no_log value reached the output"


def _invocation(module):
    return {"module_args": {"secrets": "%d items" % len(module.params["secrets"])}}


def test_a_leaking_result_is_masked_after_pruning():
    def body(module):
        return {"invocation": _invocation(module), "changed": True,
                "results": [{"name": item["name"], "oops": "value=%s" % item["data"]["password"]} for item in module.params["secrets"]],
                "n": 4711}

    output = _assert_same_as_unpruned(body)
    assert output["results"][0]["oops"] == "value=********"
    assert output["results"][0]["name"] == "app-0"  # names stay readable


def test_a_leaking_warning_is_masked_after_pruning():
    def body(module):
        warn = module_runner.masked_warn(module)
        warn("Secret app-3 looks weak: %s" % SECRET_VALUES[3])
        warn("stars: %s" % SECRET_VALUES[-2])
        return {"invocation": _invocation(module), "changed": False}

    output = _assert_same_as_unpruned(body)
    assert "Secret app-3 looks weak: ********" in json.dumps(output["warnings"])


def test_a_leaking_diff_is_masked_after_pruning():
    def body(module):
        return {"invocation": _invocation(module), "changed": True,
                "diff": [{"before": {"password": SECRET_VALUES[0]}, "after": "password: %s" % SECRET_VALUES[1]}]}

    output = _assert_same_as_unpruned(body)
    assert output["diff"][0]["before"]["password"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def test_a_leaking_failure_is_masked():
    def body(module):
        raise SecretOpsError("cannot apply Secret app-2: value %s rejected" % SECRET_VALUES[2],
                             results=[{"name": "app-2", "msg": SECRET_VALUES[2], "token": "tok-3n-value"}])

    output = _assert_same_as_unpruned(body)
    assert output["failed"] is True and "********" in output["msg"]


def test_a_result_without_its_own_invocation_is_masked():
    def body(module):
        return {"changed": False, "leak": SECRET_VALUES[5]}

    output = _assert_same_as_unpruned(body)
    if LooseVersion(ansible_version) >= LooseVersion("2.21"):
        # ansible-core 2.21 no longer adds an invocation to a result that has none: nothing to mask there
        assert "invocation" not in output
    else:
        assert output["invocation"]["module_args"]["secrets"][0]["data"] == {"password": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"}


@pytest.mark.skipif(LooseVersion(ansible_version) < LooseVersion("2.19"), reason="ansible-core before 2.19 returned warnings as masked strings")
def test_plain_module_warn_is_not_masked_by_ansible_so_modules_use_masked_warn():
    """Why ``masked_warn`` exists: ansible-core passes a module's warnings through unmasked (2.19),
    pruned or not. If that changes, this test says masked_warn may go."""
    def body(module):
        module.warn("raw: %s" % SECRET_VALUES[4])
        return {"invocation": _invocation(module), "changed": False}

    _output, text = _run_module(body, prune=False)
    assert SECRET_VALUES[4] in text


def test_the_invocation_log_gives_the_item_count_not_the_items():
    def check(logged):
        assert logged and "secrets=%d items" % len(SECRET_VALUES) in logged[0]
        assert "app-0" not in logged[0]
        _assert_no_value("\n".join(logged))

    def body(module):
        assert isinstance(module.params["secrets"], list)  # restored after the log
        return {"invocation": _invocation(module), "changed": False}

    _run_module(body, check_invocation_log=check)
