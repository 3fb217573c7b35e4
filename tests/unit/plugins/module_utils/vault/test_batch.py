"""Single and list forms: results in input order, diffs and warnings collected."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.batch import apply_items, apply_single_or_list


def test_batch_keeps_input_order_and_collects_diffs_and_warnings():
    def apply_one(item):
        return {"changed": item == "b", "name": item, "diff": {"before": None, "after": item}, "warnings": ["w-" + item]}

    outcome = apply_items(["a", "b", "c"], apply_one, lambda item: "item " + item)
    assert [result["name"] for result in outcome["results"]] == ["a", "b", "c"]
    assert outcome["changed"] is True
    assert [change["before_header"] for change in outcome["diff"]] == ["item a", "item b", "item c"]
    assert outcome["warnings"] == ["w-a", "w-b", "w-c"]
    assert "diff" not in outcome["results"][0]


def test_batch_failure_names_the_item_and_keeps_earlier_results():
    def apply_one(item):
        if item == "bad":
            raise SecretOpsError("permission denied on sys/policies/acl/bad", status=403)
        return {"changed": True, "name": item}

    with pytest.raises(SecretOpsError) as error:
        apply_items(["ok", "bad", "never"], apply_one, lambda item: "policy " + item)
    assert str(error.value).startswith("item 1 (policy bad): permission denied")
    assert error.value.details["failed_item"] == 1
    assert error.value.details["status"] == 403
    assert [result["name"] for result in error.value.details["results"]] == ["ok"]


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
