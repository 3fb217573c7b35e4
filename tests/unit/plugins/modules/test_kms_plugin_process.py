"""kms_plugin_process's main(): the plugin's Vault credentials are one of a token file or an AppRole."""

from ansible_collections.secretops.provisioning.plugins.modules import kms_plugin_process as module_file
from tests.unit.plugins.modules.harness import run_module

PROCESS = {"binary": "/usr/local/bin/kms-plugin", "socket": "/run/kms.sock", "vault_addr": "https://vault:8200", "key": "etcd",
           "pid_file": "/run/kms.pid", "log_file": "/var/log/kms.log"}


def test_a_token_file_or_an_approle_is_required_and_not_both(monkeypatch):
    neither = run_module(module_file, PROCESS, monkeypatch)
    assert neither.failed and "one of the following is required: token_file, role_id_file" in neither.result["msg"]
    both = run_module(module_file, dict(PROCESS, token_file="/t", role_id_file="/r", secret_id_file="/s"), monkeypatch)
    assert both.failed and "mutually exclusive" in both.result["msg"]
    half = run_module(module_file, dict(PROCESS, role_id_file="/r"), monkeypatch)
    assert half.failed and "parameters are required together: role_id_file, secret_id_file" in half.result["msg"]
