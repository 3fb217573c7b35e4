"""list_form.py: the one list-form rule (task-level options inherited or refused), and every list-form module follows it."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils import list_form
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import secret_task
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import k8s_auth
from ansible_collections.secretops.provisioning.plugins.modules import k8s_secret, vault_k8s_auth_role, vault_kv, vault_policy


def test_single_form_has_no_items():
    assert list_form.list_items({"secrets": None, "state": "absent", "data": {"a": "b"}}, "secrets", ("state",), ("data",)) is None


def test_task_level_options_fill_what_items_leave_unset():
    params = {"secrets": [{"path": "a"}, {"path": "b", "state": "present"}, {"path": "c", "state": None}], "state": "absent"}
    items = list_form.list_items(params, "secrets", ("state",), ())
    assert [item["state"] for item in items] == ["absent", "present", "absent"]
    assert params["secrets"][0] == {"path": "a"}  # the module's params are left as they were


def test_a_false_or_empty_item_value_is_set_and_kept():
    params = {"secrets": [{"path": "a", "only_if_missing": False, "labels": {}}], "only_if_missing": True, "labels": {"x": "y"}}
    assert list_form.list_items(params, "secrets", ("only_if_missing", "labels"), ())[0] == params["secrets"][0]


def test_refused_options_are_named_and_fail_before_any_item():
    params = {"secrets": [{"path": "a"}], "data": {"password": "hunter2"}, "cas": 0, "destroy_versions": None}
    with pytest.raises(SecretOpsError) as error:
        list_form.list_items(params, "secrets", (), ("data", "cas", "destroy_versions"))
    message = str(error.value)
    assert message.startswith("data, cas cannot be set at task level beside secrets")
    assert "destroy_versions" not in message and "hunter2" not in message
    assert error.value.details["refused_options"] == ["data", "cas"]


def test_refused_options_left_unset_pass():
    assert list_form.list_items({"policies": [{"name": "a"}], "policy": None, "rules": None}, "policies", (), ("policy", "rules")) == [{"name": "a"}]


def test_unclassified_finds_options_in_neither_or_both_lists():
    assert list_form.unclassified(["a", "b", "c", "d"], ("a", "d"), ("b", "d"), item_only=("c",)) == ["d"]
    assert list_form.unclassified(["a", "b", "e"], ("a",), ("b",)) == ["e"]
    assert list_form.unclassified(["a", "b"], ("a",), ("b",)) == []


def test_k8s_secret_follows_the_rule():
    refused = [option for option in k8s_secret.CONTENT_OPTIONS if option != "name"]  # refused by mutually_exclusive
    assert list_form.unclassified(k8s_secret.ITEM_OPTIONS, secret_task.INHERITED, refused, item_only=("name",)) == []


def test_vault_kv_follows_the_rule_and_items_inherit_through_no_defaults():
    assert list_form.unclassified(vault_kv.ITEM_OPTIONS, vault_kv.INHERITED, vault_kv.REFUSED, item_only=("path",)) == []
    assert all("default" not in vault_kv.ITEM_OPTIONS[option] for option in vault_kv.INHERITED)


def test_vault_policy_follows_the_rule():
    assert list_form.unclassified(vault_policy.ITEM_OPTIONS, vault_policy.INHERITED, vault_policy.REFUSED, item_only=("name",)) == []
    assert "default" not in vault_policy.ITEM_OPTIONS["state"]


def test_vault_k8s_auth_role_follows_the_rule():
    item_options = list(k8s_auth.role_argument_spec()) + ["name", "mount_path", "state"]
    assert list_form.unclassified(item_options, vault_k8s_auth_role.INHERITED, (), item_only=("name",)) == []


def test_the_argument_spec_has_each_item_option_at_task_level_with_its_default_and_the_list():
    items = {"name": {"type": "str", "required": True}, "state": {"type": "str", "choices": ["present", "absent"]},
             "generate": {"type": "dict"}}
    spec = list_form.argument_spec("things", items, {"state": "present", "generate": {}}, item_only=("name",))
    assert spec == {
        "name": {"type": "str"},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "generate": {"type": "dict", "default": {}},
        "things": {"type": "list", "elements": "dict", "options": items, "no_log": False},
    }
    assert items["name"] == {"type": "str", "required": True} and "default" not in items["state"], "items keep no defaults"
    again = list_form.argument_spec("things", items, {"generate": {}})
    assert again["generate"]["default"] is not spec["generate"]["default"], "a mutable default is not shared between specs"


def test_failures_name_each_item_and_the_task_names_the_first_five():
    assert list_form.label("policies", 3, "policy team-c") == "policies[3] (policy team-c)"
    messages = ["%s: denied" % list_form.label("roles", index, "role r%d" % index) for index in range(7)]
    error = list_form.failure(messages, 9, "roles", results=["..."])
    assert str(error) == "7 of 9 roles failed: " + "; ".join(messages[:5])
    assert error.details == {"results": ["..."]}


def test_named_item_options_add_name_mount_and_state_without_defaults():
    role = {"ttl": {"type": "str"}}
    options = list_form.named_item_options(role, "mount_point")
    assert options == {"ttl": {"type": "str"}, "name": {"type": "str", "required": True}, "mount_point": {"type": "str"},
                       "state": {"type": "str", "choices": ["present", "absent"]}}
    assert role == {"ttl": {"type": "str"}}  # the role's own options are left as they were
