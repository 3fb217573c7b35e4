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
