"""vault_policy's main(): argument spec (the single and the list form kept apart) and its main path
against the fake of ``VaultClient.request``."""

from ansible_collections.secretops.provisioning.plugins.modules import vault_policy as module_file

from tests.unit.plugins.module_utils.vault.fakes import FakeVaultApi
from tests.unit.plugins.modules.harness import run_module, session_of

VAULT = {"url": "https://vault.example.test:8200", "token": "s.TOKEN"}
RULES = [{"path": "secret/data/app/*", "capabilities": ["read"]}]


def test_the_single_and_the_list_form_exclude_each_other_and_one_is_required(monkeypatch):
    both = run_module(module_file, dict(VAULT, name="app", rules=RULES, policies=[{"name": "b"}]), monkeypatch)
    assert both.failed and "mutually exclusive" in both.result["msg"]
    neither = run_module(module_file, VAULT, monkeypatch)
    assert neither.failed and "one of the following is required: name, policies" in neither.result["msg"]
    text_and_rules = run_module(module_file, dict(VAULT, name="app", rules=RULES, policy='path "x" {}'), monkeypatch)
    assert text_and_rules.failed and "mutually exclusive" in text_and_rules.result["msg"]


def test_a_new_policy_is_written_and_check_mode_writes_nothing(monkeypatch):
    api = FakeVaultApi()
    monkeypatch.setattr(module_file, "vault_session", session_of(api))
    checked = run_module(module_file, dict(VAULT, name="app", rules=RULES), monkeypatch, check_mode=True)
    assert not checked.failed and checked.result["changed"] is True and api.writes() == []
    written = run_module(module_file, dict(VAULT, name="app", rules=RULES), monkeypatch)
    assert not written.failed and written.result["changed"] is True
    assert [(method, path) for method, path, _data in api.writes()] == [("POST", "sys/policies/acl/app")]
    assert 'path "secret/data/app/*"' in api.writes()[0][2]["policy"]


def test_the_list_form_refuses_rules_at_task_level_before_any_request(monkeypatch):
    api = FakeVaultApi()
    monkeypatch.setattr(module_file, "vault_session", session_of(api))
    refused = run_module(module_file, dict(VAULT, rules=RULES, policies=[{"name": "a"}]), monkeypatch)
    assert refused.failed and refused.result["msg"].startswith("rules cannot be set at task level beside policies")
    assert api.sent == []
