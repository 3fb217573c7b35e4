"""plugin_utils/filters.py: the one wrapper every filter file uses."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.plugin_utils.filters import filters


def sample_filter(value, suffix="!"):
    """A filter that refuses an empty value."""
    if not value:
        raise SecretOpsError("nothing to work on")
    return value + suffix


def test_the_map_names_each_filter_by_its_function_and_passes_arguments_through():
    mapped = filters(sample_filter)
    assert list(mapped) == ["sample_filter"]
    assert mapped["sample_filter"]("a") == "a!"
    assert mapped["sample_filter"]("a", suffix="?") == "a?"
    assert mapped["sample_filter"].__doc__ == sample_filter.__doc__


def test_the_collection_errors_become_filter_errors_named_after_the_filter():
    with pytest.raises(AnsibleFilterError, match="^sample_filter: nothing to work on$"):
        filters(sample_filter)["sample_filter"]("")


def test_other_errors_are_left_alone():
    with pytest.raises(TypeError):
        filters(sample_filter)["sample_filter"](None, 1, 2)


def test_every_filter_file_uses_the_wrapper():
    import glob
    import os
    root = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, os.pardir, os.pardir, "plugins", "filter")
    files = sorted(glob.glob(os.path.join(root, "*.py")))
    assert files
    for path in files:
        with open(path) as handle:
            text = handle.read()
        assert "return filters(" in text and "AnsibleFilterError" not in text, path
