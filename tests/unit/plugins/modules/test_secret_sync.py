"""secret_sync's main(): the single and the list form kept apart before anything is read."""

from ansible_collections.secretops.provisioning.plugins.module_utils import list_form
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import bulk
from ansible_collections.secretops.provisioning.plugins.modules import secret_sync as module_file
from tests.unit.plugins.modules.harness import run_module

CONNECTION = {"host": "https://k8s.example.test:6443", "api_key": "TOKEN"}


def test_name_and_secrets_exclude_each_other_and_one_is_required(monkeypatch):
    both = run_module(module_file, dict(CONNECTION, name="db", namespace="demo", vault_path="app/db",
                                        secrets=[{"name": "x", "vault_path": "app/x"}]), monkeypatch)
    assert both.failed and "mutually exclusive" in both.result["msg"]
    neither = run_module(module_file, CONNECTION, monkeypatch)
    assert neither.failed and "one of the following is required: name, secrets" in neither.result["msg"]


def test_a_named_secret_needs_its_namespace_and_vault_path(monkeypatch):
    ended = run_module(module_file, dict(CONNECTION, name="db"), monkeypatch)
    assert ended.failed and "missing parameter(s) required by 'name': namespace, vault_path" in ended.result["msg"]


def test_an_item_needs_its_name_and_vault_path(monkeypatch):
    ended = run_module(module_file, dict(CONNECTION, namespace="demo", secrets=[{"name": "x"}]), monkeypatch)
    assert ended.failed and "vault_path" in ended.result["msg"] and "secrets" in ended.result["msg"]


def test_every_item_option_is_inherited_or_identifies_the_item():
    spec = module_file.options.argument_spec(item_extra=dict(values=dict(type="dict", no_log=True), seed=dict(type="bool")))
    assert list_form.unclassified(spec["secrets"]["options"], bulk.SYNC_INHERITED, (), bulk.ITEM_ONLY) == []
