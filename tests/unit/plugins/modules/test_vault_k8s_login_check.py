"""vault_k8s_login_check's main(): its required options (role, service_account, service_account_namespace) are checked before anything is read or written."""

from ansible_collections.secretops.provisioning.plugins.modules import vault_k8s_login_check as module_file
from tests.unit.plugins.modules.harness import run_module


def test_the_required_options_are_checked_before_anything_is_read_or_written(monkeypatch):
    ended = run_module(module_file, {}, monkeypatch)
    assert ended.failed and ended.result["msg"] == 'missing required arguments: role, service_account, service_account_namespace'
