"""rotation/task_results.py: reading registered task results."""

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import task_results


def test_loop_results_a_list_and_a_single_result_all_read_as_a_list():
    assert task_results.results(None) == [] and task_results.results({}) == []
    assert task_results.results({"results": [{"a": 1}], "changed": True}) == [{"a": 1}]
    assert task_results.results({"changed": True}) == [{"changed": True}]
    assert task_results.results(({"a": 1},)) == [{"a": 1}]


def test_the_loop_item_is_read_under_its_loop_var():
    assert task_results.loop_item({"ansible_loop_var": "target", "target": {"secret": "db"}}) == {"secret": "db"}
    assert task_results.loop_item({"item": {"secret": "db"}}) == {"secret": "db"}
    assert task_results.loop_item({"item": "db"}) == {} and task_results.loop_item({}) == {}
