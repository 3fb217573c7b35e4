"""check_header_value names the option and the problem, never the value."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.headers import check_header_value

TOKEN = "s.HEADER-TOKEN-VALUE"


@pytest.mark.parametrize("value, problem", [
    (TOKEN + "\n", "a line break (CR or LF)"),
    (TOKEN + " \r", "a line break (CR or LF)"),
    (" " + TOKEN, "a space or tab"),
    (TOKEN + "\x00", "a control character"),
    (TOKEN + "\u00e9", "a non-ASCII character"),
])
def test_a_value_a_header_cannot_carry_is_refused_without_echoing_it(value, problem):
    with pytest.raises(SecretOpsError) as caught:
        check_header_value(value, "token (VAULT_TOKEN)")
    assert str(caught.value).startswith("token (VAULT_TOKEN) contains %s, which cannot be sent in an HTTP header" % problem)
    assert TOKEN not in str(caught.value)


def test_a_clean_value_and_none_pass():
    check_header_value(TOKEN, "token")
    check_header_value(None, "token")
