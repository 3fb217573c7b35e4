"""Validators match whole strings: a trailing newline (which a pattern ending in "$" accepts) is refused."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets import validation


@pytest.mark.parametrize("check, args, message", [
    (validation.validate_name, ("db\n",), "is not a valid Secret name"),
    (validation.validate_name, ("db.example\n",), "is not a valid Secret name"),
    (validation.validate_namespace, ("demo\n",), "is not valid"),
    (validation.validate_key, ("password\n",), "is not a valid Secret key"),
    (validation.validate_metadata, ({"app\n": "web"}, {}), "labels key 'app\\\\n' is not valid"),
    (validation.validate_metadata, ({"example.com\n/app": "web"}, {}), "has an invalid prefix"),
    (validation.validate_metadata, ({"app": "web\n"}, {}), "labels value of 'app' is not valid"),
    (validation.validate_metadata, ({}, {"owner\n": "team"}), "annotations key 'owner\\\\n' is not valid"),
])
def test_a_trailing_newline_is_refused(check, args, message):
    with pytest.raises(SecretOpsError, match=message):
        check(*args)


def test_the_same_strings_without_the_newline_pass():
    validation.validate_name("db.example")
    validation.validate_namespace("demo")
    validation.validate_key("password")
    validation.validate_metadata({"example.com/app": "web", "empty": ""}, {"owner": "team"})
