"""Generated passwords follow the rules and every default class."""

import random
import string

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.passwords import DEFAULT_SYMBOLS, generate_password, normalize_rules


def test_default_password_has_every_default_class_and_length():
    for _attempt in range(20):
        value = generate_password()
        assert len(value) == 32
        assert any(c in string.ascii_lowercase for c in value)
        assert any(c in string.ascii_uppercase for c in value)
        assert any(c in string.digits for c in value)
        assert not any(c in DEFAULT_SYMBOLS for c in value)


def test_password_rules_symbols_length_exclude():
    value = generate_password({"length": 12, "symbols": True, "uppercase": False, "exclude": "0Oo1l"}, rng=random.Random(7))
    assert len(value) == 12
    assert any(c in DEFAULT_SYMBOLS for c in value)
    assert not any(c in string.ascii_uppercase or c in "0Oo1l" for c in value)
    assert set(generate_password({"digits": True, "lowercase": False, "uppercase": False, "length": 10})) <= set(string.digits)


def test_password_rules_are_checked():
    for rules in ({"length": 4}, {"lowercase": False, "uppercase": False, "digits": False}, {"colour": "red"}, {"length": "x"}, "long"):
        with pytest.raises(SecretOpsError):
            normalize_rules(rules)
    with pytest.raises(SecretOpsError, match="excluded"):
        generate_password({"digits": True, "lowercase": False, "uppercase": False, "exclude": string.digits})
    assert normalize_rules(True)["length"] == 32
