"""Pure Vault logic: durations by value and policy HCL rendering and normalization."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import hcl_policy as policy
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.durations import same_duration, to_seconds


@pytest.mark.parametrize("value, seconds", [
    (3600, 3600), ("3600", 3600), ("1h", 3600), ("60m", 3600), ("3600s", 3600), ("1h30m", 5400),
    ("1d", 86400), ("1.5h", 5400), (" 90S ", 90), (0, 0), ("0s", 0), ("500ms", 0),
])
def test_durations_are_seconds(value, seconds):
    assert to_seconds(value) == seconds


def test_equal_durations_in_any_spelling():
    assert same_duration("1h", 3600)
    assert same_duration("60m", "3600s")
    assert not same_duration("1h", "1m")


def test_none_is_unmanaged():
    assert to_seconds(None) is None


@pytest.mark.parametrize("value", ["1 hour", "h", "1x", "", True, -5, "1h-"])
def test_bad_durations_name_the_option(value):
    with pytest.raises(SecretOpsError) as error:
        to_seconds(value, "token_ttl")
    assert "token_ttl" in str(error.value)


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
