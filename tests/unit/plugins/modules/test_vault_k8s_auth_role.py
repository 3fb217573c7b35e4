"""vault_k8s_auth_role's main(): argument spec and its main path against the fake of ``VaultClient.request``."""

from ansible_collections.secretops.provisioning.plugins.module_utils import list_form
from ansible_collections.secretops.provisioning.plugins.modules import vault_k8s_auth_role as module_file
from tests.unit.plugins.module_utils.vault.fakes import FakeVaultApi, denied
from tests.unit.plugins.modules.harness import run_module, session_of

VAULT = {"url": "https://vault.example.test:8200", "token": "s.TOKEN"}
ROLE = {"bound_service_account_names": ["app"], "bound_service_account_namespaces": ["shop"], "audience": "vault"}


def test_every_item_option_is_inherited_or_identifies_the_item():
    assert list_form.unclassified(module_file.item_argument_spec(), module_file.INHERITED, (), item_only=("name",)) == []


def test_name_and_roles_exclude_each_other_and_one_is_required(monkeypatch):
    both = run_module(module_file, dict(VAULT, name="app", roles=[{"name": "b"}]), monkeypatch)
    assert both.failed and "mutually exclusive" in both.result["msg"]
    neither = run_module(module_file, VAULT, monkeypatch)
    assert neither.failed and "one of the following is required: name, roles" in neither.result["msg"]


def test_a_role_is_written_at_the_default_mount(monkeypatch):
    api = FakeVaultApi()
    monkeypatch.setattr(module_file, "vault_session", session_of(api))
    ended = run_module(module_file, dict(VAULT, name="app", **ROLE), monkeypatch)
    assert not ended.failed and ended.result["changed"] is True
    assert [(method, path) for method, path, _data in api.writes()] == [("POST", "auth/kubernetes/role/app")]


def test_a_failed_role_of_the_list_does_not_stop_the_others(monkeypatch):
    api = FakeVaultApi({("POST", "auth/kubernetes/role/b"): denied("auth/kubernetes/role/b")})
    monkeypatch.setattr(module_file, "vault_session", session_of(api))
    ended = run_module(module_file, dict(VAULT, roles=[{"name": "a"}, {"name": "b"}, {"name": "c"}], **ROLE), monkeypatch)
    assert ended.failed and ended.result["msg"].startswith("1 of 3 roles failed: roles[1] (role b): permission denied")
    assert [result.get("failed", False) for result in ended.result["results"]] == [False, True, False]
    assert [path for _method, path, _data in api.writes()] == ["auth/kubernetes/role/%s" % name for name in "abc"]
