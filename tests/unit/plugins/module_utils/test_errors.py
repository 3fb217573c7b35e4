"""errors.py: the one exception type, its message as the user reads it and its value-free details."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError


def test_the_message_is_what_str_gives_and_the_details_are_kept_apart():
    error = SecretOpsError("cannot read Secret shop/db", status=403, vault_path="secret/data/app")
    assert str(error) == error.message == "cannot read Secret shop/db"
    assert error.details == {"status": 403, "vault_path": "secret/data/app"}
    assert error.args == ("cannot read Secret shop/db",)  # the details never reach the text


def test_without_details_the_details_are_empty_and_it_is_an_ordinary_exception():
    with pytest.raises(Exception) as raised:
        raise SecretOpsError("give data to write secret/app")
    assert isinstance(raised.value, SecretOpsError) and raised.value.details == {}
