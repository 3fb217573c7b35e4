"""k8s_encryption_info's main(): a task without an etcd endpoint fails before anything is read or written."""

from ansible_collections.secretops.provisioning.plugins.modules import k8s_encryption_info as module_file
from tests.unit.plugins.modules.harness import run_module


def test_without_an_etcd_endpoint_the_task_fails_saying_what_to_give(monkeypatch):
    ended = run_module(module_file, {}, monkeypatch)
    assert ended.failed and ended.result["msg"] == 'etcd_url is needed to read etcd (for example http://127.0.0.1:2379)'
