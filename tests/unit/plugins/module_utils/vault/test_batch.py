"""Single and list forms: results in input order, diffs and warnings collected."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.batch import apply_items, apply_single_or_list


def test_batch_keeps_input_order_and_collects_diffs_and_warnings():
    def apply_one(item):
        return {"changed": item == "b", "name": item, "diff": {"before": None, "after": item}, "warnings": ["w-" + item]}

    outcome = apply_items(["a", "b", "c"], apply_one, lambda item: "item " + item, "policies")
    assert [result["name"] for result in outcome["results"]] == ["a", "b", "c"]
    assert outcome["changed"] is True
    assert [change["before_header"] for change in outcome["diff"]] == ["item a", "item b", "item c"]
    assert outcome["warnings"] == ["w-a", "w-b", "w-c"]
    assert "diff" not in outcome["results"][0]
    assert outcome["failures"] == []


def test_a_failed_item_does_not_stop_the_others_and_is_named_in_its_result():
    applied = []

    def apply_one(item):
        applied.append(item)
        if item == "bad":
            raise SecretOpsError("permission denied on sys/policies/acl/bad", status=403)
        return {"changed": True, "name": item}

    outcome = apply_items(["ok", "bad", "after"], apply_one, lambda item: "policy " + item, "policies")
    assert applied == ["ok", "bad", "after"]
    assert outcome["failures"] == ["policies[1] (policy bad): permission denied on sys/policies/acl/bad"]
    failed = outcome["results"][1]
    assert failed == {"status": 403, "item": 1, "failed": True, "changed": False, "msg": outcome["failures"][0]}
    assert [result.get("name") for result in outcome["results"]] == ["ok", None, "after"]
    assert outcome["changed"] is True


def test_the_list_form_fails_at_the_end_naming_the_failed_items_with_every_result():
    def apply_one(item):
        if item["name"].startswith("bad"):
            raise SecretOpsError("permission denied", status=403)
        return {"changed": True, "name": item["name"]}

    module = _FakeModule({"name": None, "state": "present", "policies": [{"name": "bad-1"}, {"name": "ok"}, {"name": "bad-2"}]})
    with pytest.raises(SecretOpsError) as error:
        apply_single_or_list(module, "policies", apply_one, lambda item: "policy " + item["name"], inherited=("state",))
    assert str(error.value) == ("2 of 3 policies failed: policies[0] (policy bad-1): permission denied; "
                                "policies[2] (policy bad-2): permission denied")
    assert error.value.details["changed"] is True
    assert [result.get("failed", False) for result in error.value.details["results"]] == [True, False, True]


def test_the_single_form_fails_with_the_items_own_error():
    def apply_one(item):
        raise SecretOpsError("permission denied", status=403)

    with pytest.raises(SecretOpsError) as error:
        apply_single_or_list(_FakeModule({"name": "bad", "policies": None}), "policies", apply_one, lambda item: "policy " + item["name"])
    assert str(error.value) == "permission denied" and error.value.details == {"status": 403}


class _FakeModule(object):
    def __init__(self, params):
        self.params = params
        self.warnings = []

    def warn(self, text):
        self.warnings.append(text)


def _apply_with_diff(item):
    return {"changed": item["name"] == "b", "name": item["name"], "diff": {"before": "", "after": item["name"]}, "warnings": ["w-" + item["name"]]}


def test_single_form_returns_the_item_result_with_its_diff():
    module = _FakeModule({"name": "b", "policies": None})
    result = apply_single_or_list(module, "policies", _apply_with_diff, lambda item: "policy " + item["name"])
    assert result == {"changed": True, "name": "b", "diff": {"before": "", "after": "b", "before_header": "policy b", "after_header": "policy b"}}
    assert module.warnings == ["w-b"]


def test_list_form_returns_results_in_order_and_all_diffs():
    module = _FakeModule({"name": None, "policies": [{"name": "a"}, {"name": "b"}]})
    result = apply_single_or_list(module, "policies", _apply_with_diff, lambda item: "policy " + item["name"])
    assert result["changed"] is True
    assert [entry["name"] for entry in result["results"]] == ["a", "b"]
    assert [change["after"] for change in result["diff"]] == ["a", "b"]
    assert module.warnings == ["w-a", "w-b"]
