"""The token auth method."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.auth import token

from ..fakes import FakeVaultApi
from .fakes import SECRET


def test_token_method_uses_the_option_then_the_cli_file(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(SecretOpsError) as error:
        token.validate({})
    assert "VAULT_TOKEN" in str(error.value)
    (tmp_path / ".vault-token").write_text(SECRET + "\n")
    client = FakeVaultApi()
    token.login(client, {})
    assert client.token == SECRET
    token.login(client, {"token": "explicit"})
    assert client.token == "explicit"
