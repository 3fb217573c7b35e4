# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Password generation from rules (length, which character classes, at least one of each)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import string

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

DEFAULT_SYMBOLS = "!#%+-.:=@^_~"
CLASSES = (
    ("lowercase", string.ascii_lowercase, True),
    ("uppercase", string.ascii_uppercase, True),
    ("digits", string.digits, True),
    ("symbols", DEFAULT_SYMBOLS, False),
)
RULE_NAMES = ("length", "lowercase", "uppercase", "digits", "symbols", "symbol_set", "exclude")
DEFAULT_LENGTH = 32


def normalize_rules(rules, field="generate"):
    """Fill defaults into ``rules`` (a dict, or True for all defaults) and check them."""
    if rules is True or rules is None:
        rules = {}
    if not isinstance(rules, dict):
        raise SecretOpsError("%s must be a mapping of password rules (%s) or true" % (field, ", ".join(RULE_NAMES)))
    unknown = sorted(set(rules) - set(RULE_NAMES))
    if unknown:
        raise SecretOpsError("%s has unknown rule(s) %s: use %s" % (field, ", ".join(unknown), ", ".join(RULE_NAMES)))
    result = {"length": rules.get("length", DEFAULT_LENGTH), "symbol_set": rules.get("symbol_set") or DEFAULT_SYMBOLS,
              "exclude": rules.get("exclude") or ""}
    for name, _alphabet, default in CLASSES:
        result[name] = bool(rules.get(name, default))
    try:
        result["length"] = int(result["length"])
    except (TypeError, ValueError):
        raise SecretOpsError("%s.length must be an integer" % field)
    enabled = [name for name, _alphabet, _default in CLASSES if result[name]]
    if not enabled:
        raise SecretOpsError("%s enables no character class: set lowercase, uppercase, digits or symbols" % field)
    if result["length"] < max(len(enabled), 8) or result["length"] > 1024:
        raise SecretOpsError("%s.length must be between %d and 1024" % (field, max(len(enabled), 8)))
    return result


def _alphabets(rules):
    alphabets = []
    for name, alphabet, _default in CLASSES:
        if rules[name]:
            if name == "symbols":
                alphabet = rules["symbol_set"]
            alphabet = "".join(char for char in alphabet if char not in rules["exclude"])
            if not alphabet:
                raise SecretOpsError("every %s character is excluded: shorten exclude" % name)
            alphabets.append(alphabet)
    return alphabets


def generate_password(rules=None, rng=None):
    """A random password that follows ``rules`` and holds at least one character of each enabled class."""
    rules = normalize_rules(rules)
    rng = rng or random.SystemRandom()
    alphabets = _alphabets(rules)
    everything = "".join(alphabets)
    chars = [rng.choice(alphabet) for alphabet in alphabets]
    chars += [rng.choice(everything) for _index in range(rules["length"] - len(chars))]
    rng.shuffle(chars)
    return "".join(chars)
