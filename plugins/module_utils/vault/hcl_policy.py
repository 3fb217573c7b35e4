# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ACL policies: render ``rules`` to HCL, and normalize HCL so equivalent policies compare equal.

Vault stores a policy's text exactly as written, so comparing strings reports a change for every
re-indent or reordered capability list. A small tokenizer and parser for the HCL that policies use
(``path`` blocks with ``capabilities``, ``allowed_parameters``, ``denied_parameters``,
``required_parameters``, ``min_wrapping_ttl``, ``max_wrapping_ttl``, comments, both ``=`` and
block forms) turns a policy into a canonical structure: whitespace, comments, key order, list
order and duration spelling no longer matter. Text this parser does not understand falls back to a
whitespace-insensitive string comparison, so an exotic policy is never reported unchanged wrongly.
Pure: no I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.durations import to_seconds


class HclSyntaxError(ValueError):
    """The text is outside the HCL subset this module parses."""


_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*|//[^\n]*|/\*.*?\*/)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_.\-]*)
  | (?P<punct>[{}\[\]=,:])
    """,
    re.VERBOSE | re.DOTALL,
)


def tokenize(text):
    """Split HCL ``text`` into (kind, value) tokens, dropping whitespace and comments."""
    tokens = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match:
            raise HclSyntaxError("unexpected character %r at offset %d" % (text[position], position))
        kind = match.lastgroup
        value = match.group(kind)
        position = match.end()
        if kind in ("space", "comment"):
            continue
        if kind == "string":
            value = unquote(value)
        elif kind == "number":
            value = _number(value)
        tokens.append((kind, value))
    return tokens


# Escapes of HCL 1 (Vault parses policies with it): Go's, with only the double quote as quote.
_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\", '"': '"'}
_ESCAPE = re.compile(r"""\\(?:([abfnrtv\\"])|x([0-9A-Fa-f]{2})|([0-7]{3})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))""")


def unquote(literal):
    """The text of a quoted HCL string as Vault reads it; ``HclSyntaxError`` for what HCL rejects.

    ``${...}`` interpolations are kept verbatim (templated policies), as HCL does.
    """
    body = literal[1:-1]
    pieces = []
    position = 0
    while position < len(body):
        char = body[position]
        if body.startswith("${", position):
            end = body.find("}", position)
            if end < 0:
                raise HclSyntaxError("unterminated ${ in a string")
            pieces.append(body[position:end + 1])
            position = end + 1
        elif char == "\\":
            match = _ESCAPE.match(body, position)
            if not match:
                raise HclSyntaxError("invalid escape %r in a string" % body[position:position + 2])
            simple, hex_byte, octal, short, long_ = match.groups()
            if simple:
                pieces.append(_SIMPLE_ESCAPES[simple])
            else:
                code = int(hex_byte or short or long_, 16) if octal is None else int(octal, 8)
                if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or (octal is not None and code > 255):
                    raise HclSyntaxError("invalid escape %r in a string" % match.group(0))
                pieces.append(chr(code))
            position = match.end()
        elif char == "\n":
            raise HclSyntaxError("a line break inside a string")
        else:
            pieces.append(char)
            position += 1
    return "".join(pieces)


def _number(text):
    """An HCL number as its type: ``1`` (int) and ``"1"`` (string) are different parameter values."""
    if re.match(r"-?0\d", text) and "." not in text and "e" not in text.lower():
        raise HclSyntaxError("octal number %s" % text)  # HCL reads these in base 8; too rare to model
    if "." in text or "e" in text.lower():
        return float(text)
    return int(text)


class _Parser(object):
    def __init__(self, tokens):
        self.tokens = tokens
        self.index = 0

    def peek(self):
        return self.tokens[self.index] if self.index < len(self.tokens) else (None, None)

    def take(self, kind=None, value=None):
        token = self.peek()
        if token[0] is None or (kind and token[0] != kind) or (value is not None and token[1] != value):
            raise HclSyntaxError("expected %s but found %r" % (value or kind, token[1]))
        self.index += 1
        return token

    def body(self, closing=None):
        """A list of (keys, value) statements up to ``closing`` (or the end)."""
        statements = []
        while True:
            kind, value = self.peek()
            if kind is None:
                if closing:
                    raise HclSyntaxError("missing %r" % closing)
                return statements
            if kind == "punct" and value == closing:
                self.index += 1
                return statements
            if kind == "punct" and value == ",":
                self.index += 1
                continue
            statements.append(self.statement())

    def statement(self):
        keys = []
        while self.peek()[0] in ("ident", "string"):
            keys.append(self.take()[1])
        if not keys:
            raise HclSyntaxError("expected a key but found %r" % (self.peek()[1],))
        kind, value = self.peek()
        if kind == "punct" and value in ("=", ":"):
            self.index += 1
            return keys, self.value()
        if kind == "punct" and value == "{":
            self.index += 1
            return keys, self.body("}")
        raise HclSyntaxError("expected '=' or '{' after %r" % keys[-1])

    def value(self):
        kind, value = self.take()
        if kind in ("string", "number"):
            return value
        if kind == "ident" and value in ("true", "false"):
            return value == "true"
        if kind == "punct" and value == "[":
            items = []
            while True:
                if self.peek() == ("punct", "]"):
                    self.index += 1
                    return items
                items.append(self.value())
                if self.peek() == ("punct", ","):
                    self.index += 1
        if kind == "punct" and value == "{":
            return self.body("}")
        raise HclSyntaxError("unexpected %r" % (value,))


def parse(text):
    """Parse HCL ``text`` into nested (keys, value) statements; raises ``HclSyntaxError``."""
    return _Parser(tokenize(text)).body()


def _canonical(value):
    """Statements and lists in a stable, order-free form."""
    if isinstance(value, list) and value and isinstance(value[0], tuple):
        return sorted([[list(keys), _canonical(inner)] for keys, inner in value], key=_sort_key)
    if isinstance(value, list):
        return sorted((_canonical(item) for item in value), key=_sort_key)
    return value


def _sort_key(item):
    return json.dumps(item, sort_keys=True)


def _unique_sorted(items):
    """Items without duplicates in a stable order; ``1`` and ``"1"`` stay two items."""
    unique = dict((_sort_key(item), item) for item in items)
    return [unique[key] for key in sorted(unique)]


def _parameter_map(value):
    if not isinstance(value, list):
        raise HclSyntaxError("parameters must be a map")
    result = {}
    for keys, items in value:
        if len(keys) != 1:
            raise HclSyntaxError("parameter names take one key")
        items = items if isinstance(items, list) else [items]
        result[keys[0]] = sorted(set(_sort_key(item) for item in items))
    return result


def _path_rules(statements):
    rules = {}
    for keys, value in statements:
        name = keys[0]
        if len(keys) != 1:
            rules.setdefault("other", []).append([keys, _canonical(value)])
        elif name in ("capabilities", "required_parameters"):
            rules[name] = _unique_sorted(value if isinstance(value, list) else [value])
        elif name in ("allowed_parameters", "denied_parameters"):
            rules[name] = _parameter_map(value)
        elif name in ("min_wrapping_ttl", "max_wrapping_ttl"):
            try:
                rules[name] = to_seconds(value, name)
            except SecretOpsError:
                raise HclSyntaxError("%s is not a duration" % name)
        else:
            rules[name] = _canonical(value)
    return rules


def normalize(text):
    """A canonical, JSON-serializable form of a policy, equal for equivalent policies.

    Unparseable text normalizes to its whitespace-collapsed string, so it still compares exactly.
    """
    try:
        statements = parse(text or "")
        blocks = []
        other = []
        for keys, value in statements:
            if keys[0] == "path" and len(keys) == 2 and isinstance(value, list):
                blocks.append({"path": keys[1], "rules": _path_rules(value)})
            else:
                other.append([keys, _canonical(value)])
        blocks.sort(key=_sort_key)
        other.sort(key=_sort_key)
        return {"paths": blocks, "other": other}
    except HclSyntaxError:
        return {"text": _collapse_whitespace(text or "")}


_STRING_OR_SPACE = re.compile(r'"(?:[^"\\]|\\.)*"|\s+')


def _collapse_whitespace(text):
    """``text`` with each whitespace run outside quoted strings made one space (inside, it is data)."""
    return _STRING_OR_SPACE.sub(lambda match: match.group(0) if match.group(0).startswith('"') else " ", text).strip()


def equivalent(left, right):
    """True when two policy texts grant the same thing (by the normalization above)."""
    return normalize(left) == normalize(right)


def quote(value):
    """``value`` as an HCL string literal Vault reads back as exactly ``value``, whatever it holds.

    Quotes, backslashes and control characters (a line break ends a policy string) are escaped, and
    ``${``, which opens an interpolation in which HCL does not end the string at a quote, is
    written ``\\u0024{``.
    """
    return json.dumps(str(value), ensure_ascii=False).replace("${", "\\u0024{")


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _render_parameters(name, parameters):
    if not isinstance(parameters, dict):
        raise SecretOpsError("%s must be a map of parameter name to a list of allowed values" % name)
    lines = ["  %s = {" % name]
    for key in sorted(parameters):
        values = parameters[key] or []
        if not isinstance(values, list):
            values = [values]
        lines.append("    %s = [%s]" % (quote(key), ", ".join(quote(item) for item in values)))
    lines.append("  }")
    return lines


RULE_KEYS = (
    "path", "capabilities", "allowed_parameters", "denied_parameters", "required_parameters",
    "min_wrapping_ttl", "max_wrapping_ttl",
)


def path_blocks(text):
    """``[(path, rules)]`` of a policy made only of ``path`` blocks, each ``rules`` in the normalized form of
    ``normalize``; ``HclSyntaxError`` when the text does not parse or holds anything else."""
    blocks = []
    for keys, value in parse(text):
        if keys[0] != "path" or len(keys) != 2 or not isinstance(value, list):
            raise HclSyntaxError("a statement other than a path block: %s" % " ".join(str(key) for key in keys))
        blocks.append((keys[1], _path_rules(value)))
    return blocks


def rule_shape(rule):
    """A ``{path, capabilities, ...}`` rule in the normalized form ``path_blocks`` gives its block, built
    from the rule's data (not from its rendered text), to check a rendering against."""
    statements = []
    for name in RULE_KEYS[1:]:
        value = rule.get(name)
        if value is None:
            continue
        if name in ("allowed_parameters", "denied_parameters"):  # as _render_parameters writes them: strings
            value = [([str(key)], [str(item) for item in _as_list(items or [])]) for key, items in value.items()]
        elif name in ("capabilities", "required_parameters"):
            value = [str(item) for item in _as_list(value)]
        elif name in ("min_wrapping_ttl", "max_wrapping_ttl"):
            value = "%ss" % to_seconds(value, name)
        statements.append(([name], value))
    return _path_rules(statements)


def render_rules(rules):
    """Render a list of ``{path, capabilities, ...}`` rules as policy HCL."""
    if not isinstance(rules, list) or not rules:
        raise SecretOpsError("rules must be a non-empty list of {path, capabilities, ...} entries")
    blocks = []
    for index, rule in enumerate(rules):
        if not isinstance(rule, dict) or not rule.get("path"):
            raise SecretOpsError("rules[%d] needs a path" % index)
        unknown = sorted(set(rule) - set(RULE_KEYS))
        if unknown:
            raise SecretOpsError("rules[%d] (%s) has unknown keys %s; allowed: %s" % (index, rule["path"], ", ".join(unknown), ", ".join(RULE_KEYS)))
        capabilities = rule.get("capabilities")
        if not isinstance(capabilities, list) or not capabilities:
            raise SecretOpsError("rules[%d] (%s) needs a non-empty capabilities list" % (index, rule["path"]))
        lines = ["path %s {" % quote(rule["path"])]
        lines.append("  capabilities = [%s]" % ", ".join(quote(item) for item in capabilities))
        for name in ("allowed_parameters", "denied_parameters"):
            if rule.get(name) is not None:
                lines.extend(_render_parameters(name, rule[name]))
        required = rule.get("required_parameters")
        if required is not None:
            required = required if isinstance(required, list) else [required]  # one name, not its characters
            lines.append("  required_parameters = [%s]" % ", ".join(quote(item) for item in required))
        for name in ("min_wrapping_ttl", "max_wrapping_ttl"):
            if rule.get(name) is not None:
                lines.append("  %s = %s" % (name, quote("%ss" % to_seconds(rule[name], name))))
        lines.append("}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
