"""env_file errors name the line (and a variable only when it is recognisable), never the line's text."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.envfile import parse_env_file


PASSWORD = "Hunter2-correct-horse"


def _error(content):
    with pytest.raises(SecretOpsError) as caught:
        parse_env_file(content, source="env_file /tmp/app.env")
    return caught.value


@pytest.mark.parametrize("line", [
    "password: %s=x" % PASSWORD,          # a YAML line pasted into an env file
    "%s/%s+==" % (PASSWORD, PASSWORD),    # a wrapped base64 line: its text before '=' is a value
    "DB PASSWORD=%s" % PASSWORD,
    "%s=value" % PASSWORD[::-1].replace("-", " "),
])
def test_a_bad_name_before_equals_names_the_line_only(line):
    error = _error("A=1\n# comment\n%s\n" % line)
    assert str(error).startswith("env_file /tmp/app.env line 3: the text before '=' is not a valid variable name")
    assert error.details == {"line": 3}
    for fragment in (PASSWORD, PASSWORD[:8], PASSWORD[::-1][:8], "password:", "DB PASSWORD"):
        assert fragment not in str(error)


def test_a_line_without_equals_names_the_line_only():
    error = _error("A=1\n%s value\n" % PASSWORD)
    assert str(error).startswith("env_file /tmp/app.env line 2: it has no '='")
    assert PASSWORD not in str(error) and PASSWORD[:8] not in str(error)


def test_export_prefix_and_space_before_equals_name_the_variable_only():
    exported = str(_error("export DB_PASSWORD=%s\n" % PASSWORD))
    assert "line 1: variable DB_PASSWORD has a shell 'export' before it: drop it" in exported
    spaced = str(_error("DB_PASSWORD = %s\n" % PASSWORD))
    assert "line 1: variable DB_PASSWORD is followed by whitespace before '='" in spaced
    for message in (exported, spaced):
        assert PASSWORD not in message and PASSWORD[:8] not in message


def test_a_long_value_like_line_is_not_echoed_even_in_part():
    secret = "s3cr3t" * 20
    message = str(_error("%s:%s=1\n" % (secret, secret)))
    assert "s3cr3t" not in message


def test_a_name_with_a_trailing_newline_inside_a_crlf_file_is_still_a_name():
    assert parse_env_file("A=1\r\nB=2\r\n") == {"A": "1", "B": "2"}


# env files: the same results as kubectl create secret generic --from-env-file (checked against kubectl 1.32)
def test_env_file_follows_kubectl_rules():
    content = b"\xef\xbb\xbfA=1\r\n  B= two \n#comment\n\n   # indented comment\nC\nD=x=y\nE=\"quoted\"\n"
    assert parse_env_file(content, environ={"C": "fromenv"}) == {"A": "1", "B": " two ", "C": "fromenv", "D": "x=y", "E": "\"quoted\""}


def test_env_file_line_without_value_and_no_environment_is_empty():
    assert parse_env_file("LONELY\n") == {"LONELY": ""}


def test_env_file_rejects_a_bad_name_without_echoing_a_stray_value():
    with pytest.raises(SecretOpsError) as caught:
        parse_env_file("A=1\ns3cr3t value\n", source="env_file /tmp/x.env")
    assert "env_file /tmp/x.env line 2" in str(caught.value)
    assert "s3cr3t" not in str(caught.value)
    assert caught.value.details["line"] == 2


def test_env_file_names_the_line_of_a_bad_key_before_equals_but_not_the_key():
    with pytest.raises(SecretOpsError, match=r"line 1: the text before '=' is not a valid variable name") as caught:
        parse_env_file("1BAD=value\n")
    assert "1BAD" not in str(caught.value)


def test_env_file_rejects_duplicates_and_invalid_utf8():
    with pytest.raises(SecretOpsError, match="key 'A' is given twice"):
        parse_env_file("A=1\nA=2\n")
    with pytest.raises(SecretOpsError, match="not valid UTF-8"):
        parse_env_file(b"A=\xff\n")
