"""The token auth method."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.auth import token


SECRET = "s.SECRET-TOKEN-VALUE"


class RecordingClient(object):
    """Stands in for VaultClient to see what a method would send (the methods are pure apart from that)."""

    def __init__(self):
        self.logins = []
        self.token = None

    def login(self, mount, data):
        self.logins.append((mount, data))

    def set_token(self, value):
        self.token = value


def test_token_method_uses_the_option_then_the_cli_file(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(SecretOpsError) as error:
        token.validate({})
    assert "VAULT_TOKEN" in str(error.value)
    (tmp_path / ".vault-token").write_text(SECRET + "\n")
    client = RecordingClient()
    token.login(client, {})
    assert client.token == SECRET
    token.login(client, {"token": "explicit"})
    assert client.token == "explicit"
