"""vault/hcl_policy.py: HCL strings read as Vault reads them, typed values, rendering of rules."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import hcl_policy as policy


@pytest.mark.parametrize("literal, text", [
    (r'"a\ab"', "a\ab"), (r'"\b\f\n\r\t\v"', "\b\f\n\r\t\v"), (r'"q\"q\\"', 'q"q\\'), (r'"\x41\101"', "AA"),
    (r'"\u00e9\U0001F600"', u"\u00e9\U0001F600"), (r'"secret/${identity.entity.id}/*"', "secret/${identity.entity.id}/*"),
    (r'"keep\n${a\b}"', "keep\n${a\\b}"),
])
def test_hcl_escapes_are_decoded(literal, text):
    assert policy.unquote(literal) == text


@pytest.mark.parametrize("literal", [r'"\q"', r'"\'"', r'"\x4"', r'"\400"', r'"\ud800"', '"a\nb"', r'"${open"'])
def test_invalid_strings_are_syntax_errors(literal):
    with pytest.raises(policy.HclSyntaxError):
        policy.unquote(literal)


def test_a_valid_escape_does_not_crash_the_normaliser():
    text = 'path "secret/data/bell\\a" {\n  capabilities = ["read"]\n}\n'
    assert policy.normalize(text) == {"paths": [{"path": "secret/data/bell\a", "rules": {"capabilities": ["read"]}}], "other": []}
    assert policy.equivalent(text, 'path "secret/data/bell\\x07" { capabilities = ["read"] }')


def test_an_invalid_escape_falls_back_to_text_comparison():
    text = 'path "a\\qb" { capabilities = ["read"] }'
    assert policy.normalize(text) == {"text": text}


def test_numbers_and_strings_are_different_values():
    number = 'path "a" { allowed_parameters = { "ttl" = [1] } }'
    string = 'path "a" { allowed_parameters = { "ttl" = ["1"] } }'
    assert not policy.equivalent(number, string)
    assert policy.equivalent(number, number.replace("[1]", "[ 1 ]"))
    assert not policy.equivalent(number, number.replace("[1]", "[1.0]"))
    assert not policy.equivalent('path "a" { required_parameters = [1] }', 'path "a" { required_parameters = ["1"] }')


def test_mixed_lists_do_not_crash_sorting():
    rules = policy.normalize('path "a" { capabilities = ["read", 1, "read", true] }')["paths"][0]["rules"]
    assert rules["capabilities"] == ["read", 1, True]


def test_whitespace_inside_strings_counts_in_the_text_fallback():
    left = 'path "a  b" <<EOF\nx\nEOF'
    assert policy.normalize(left) == {"text": 'path "a  b" <<EOF x EOF'}
    assert not policy.equivalent(left, left.replace("a  b", "a b"))
    assert policy.equivalent(left, left.replace("\n", " \n  "))


def test_whitespace_inside_parsed_strings_counts():
    assert not policy.equivalent('path "a  b" { capabilities = ["read"] }', 'path "a b" { capabilities = ["read"] }')


def test_a_string_required_parameters_is_one_name():
    text = policy.render_rules([{"path": "a", "capabilities": ["read"], "required_parameters": "ttl"}])
    assert 'required_parameters = ["ttl"]' in text
    assert policy.normalize(text)["paths"][0]["rules"]["required_parameters"] == ["ttl"]


POLICY = """
# application secrets
path "secret/data/app/*" {
  capabilities = ["read", "list"]
}

path "secret/metadata/app/*" {
  capabilities = ["list"]
}
"""


SAME_POLICY_REFORMATTED = """path "secret/metadata/app/*" { capabilities = ["list"] }
/* block comment */
path "secret/data/app/*" {
    // reordered capabilities
    capabilities = [ "list", "read", ]
}"""


def test_whitespace_comments_and_ordering_do_not_matter():
    assert policy.equivalent(POLICY, SAME_POLICY_REFORMATTED)


def test_a_different_capability_matters():
    assert not policy.equivalent(POLICY, POLICY.replace('"read", ', ""))


def test_a_different_path_matters():
    assert not policy.equivalent(POLICY, POLICY.replace("app/*", "other/*", 1))


def test_parameters_and_wrapping_ttls_compare_by_meaning():
    left = """
path "auth/approle/role/*" {
  capabilities = ["create", "update"]
  allowed_parameters = {
    "token_ttl" = ["1h", "2h"]
    "*" = []
  }
  denied_parameters = { "policies" = [] }
  required_parameters = ["token_ttl", "bind_secret_id"]
  min_wrapping_ttl = "1m"
  max_wrapping_ttl = "1h"
}
"""
    right = """
path "auth/approle/role/*" {
  max_wrapping_ttl = "3600s"
  min_wrapping_ttl = "60s"
  required_parameters = ["bind_secret_id", "token_ttl"]
  denied_parameters { "policies" = [] }
  allowed_parameters = { "*" = [], "token_ttl" = ["2h", "1h"] }
  capabilities = ["update", "create"]
}
"""
    assert policy.equivalent(left, right)
    assert not policy.equivalent(left, right.replace('"2h", ', ""))


def test_unparseable_text_falls_back_to_whitespace_insensitive_text():
    weird = 'path "a" <<EOF\nstuff\nEOF'
    assert policy.normalize(weird) == {"text": 'path "a" <<EOF stuff EOF'}
    assert policy.equivalent(weird, weird.replace("\n", "  \n"))
    assert not policy.equivalent(weird, weird + " more")


def test_escaped_strings_are_decoded():
    assert policy.tokenize(r'path "a\"b" {}')[1] == ("string", 'a"b')


def test_rendered_rules_parse_back_to_the_same_policy():
    rules = [
        {"path": "secret/data/app/*", "capabilities": ["read", "list"]},
        {"path": "secret/metadata/app/*", "capabilities": ["list"]},
    ]
    text = policy.render_rules(rules)
    assert 'path "secret/data/app/*" {\n  capabilities = ["read", "list"]\n}' in text
    assert policy.equivalent(text, POLICY)


def test_rendered_rules_with_every_field():
    text = policy.render_rules([{
        "path": "sys/*", "capabilities": ["update"], "allowed_parameters": {"b": ["x"], "a": []},
        "denied_parameters": {"c": None}, "required_parameters": ["a"], "min_wrapping_ttl": "1m", "max_wrapping_ttl": 3600,
    }])
    assert '"a" = []' in text and '"b" = ["x"]' in text
    assert 'min_wrapping_ttl = "60s"' in text and 'max_wrapping_ttl = "3600s"' in text
    normalized = policy.normalize(text)["paths"][0]["rules"]
    assert normalized["allowed_parameters"] == {"a": [], "b": ['"x"']}
    assert normalized["min_wrapping_ttl"] == 60


@pytest.mark.parametrize("rules, message", [
    ([], "non-empty list"),
    ([{"capabilities": ["read"]}], "needs a path"),
    ([{"path": "a"}], "capabilities"),
    ([{"path": "a", "capabilities": ["read"], "capability": ["x"]}], "unknown keys capability"),
])
def test_bad_rules_say_what_is_wrong(rules, message):
    with pytest.raises(SecretOpsError) as error:
        policy.render_rules(rules)
    assert message in str(error.value)


@pytest.mark.parametrize("value", ['a"b', "a\\b", "line\nbreak", "tab\tand\x01bell", "x${y}z", "$${a}", "caf\u00e9", "{{identity.entity.id}}",
                                   'x" { capabilities = ["read"] } path "sys/policies/acl/*" { capabilities = ["sudo"] } path "y'])
def test_quoted_values_read_back_as_exactly_themselves(value):
    text = policy.render_rules([{"path": value, "capabilities": ["read"], "allowed_parameters": {value: [value]}}])
    assert policy.path_blocks(text) == [(value, policy.rule_shape({"capabilities": ["read"], "allowed_parameters": {value: [value]}}))]
    assert len(text.splitlines()) == 6  # path, capabilities, allowed_parameters {, the parameter, }, }: no line of the value's own


def test_an_interpolation_opener_is_escaped():
    # In HCL a quote inside ${ ... } does not end the string, so ${ would let a value run on past its closing quote.
    assert policy.quote('a${"}') == '"a\\u0024{\\"}"' and policy.unquote(policy.quote('a${"}')) == 'a${"}'


def test_rule_shape_matches_what_a_rendering_parses_to():
    rule = {"path": "a", "capabilities": ["update", "read"], "allowed_parameters": {"lease_id": ["x/*"], "increment": []},
            "denied_parameters": {"k": "v"}, "required_parameters": "ttl", "min_wrapping_ttl": "1m", "max_wrapping_ttl": 3600}
    assert policy.path_blocks(policy.render_rules([rule])) == [("a", policy.rule_shape(rule))]


def test_path_blocks_refuse_other_statements():
    with pytest.raises(policy.HclSyntaxError):
        policy.path_blocks('path "a" { capabilities = ["read"] }\nname = "x"')
