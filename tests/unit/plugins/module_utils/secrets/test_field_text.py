"""secrets/field_text.py: Vault KV field values (JSON) as Secret text."""

import json

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.field_text import field_text


@pytest.mark.parametrize("value, text", [
    ("hunter2", "hunter2"),
    ("", ""),
    ("True", "True"),  # a string is never re-encoded
    (u"pässwörd", u"pässwörd"),
    (True, "true"),
    (False, "false"),
    (None, "null"),
    (0, "0"),
    (5432, "5432"),
    (-7, "-7"),
    (12345678901234567890, "12345678901234567890"),
    (1.5, "1.5"),
    ({"b": 1, "a": [True, None, "x"]}, '{"a":[true,null,"x"],"b":1}'),
    ([1, "two", {"k": False}], '[1,"two",{"k":false}]'),
    ({"ünï": "cödé"}, u'{"ünï":"cödé"}'),
])
def test_values_are_strings_or_their_compact_json_text(value, text):
    assert field_text(value) == text


def test_never_python_spelling():
    for value in (True, False, None, {"a": 1}, ["a"]):
        text = field_text(value)
        assert text != str(value) and json.loads(text) == value
