"""The approle auth method, and jwt that logs in the same way."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.auth import approle, jwt

from ..fakes import FakeVaultApi
from .fakes import SECRET


def test_approle_and_jwt_methods():
    with pytest.raises(SecretOpsError):
        approle.validate({"secret_id": SECRET})
    client = FakeVaultApi()
    approle.login(client, {"role_id": "rid", "secret_id": SECRET})
    assert client.logins[-1] == ("approle", {"role_id": "rid", "secret_id": SECRET})
    with pytest.raises(SecretOpsError) as error:
        jwt.validate({})
    assert "jwt" in str(error.value)
    jwt.login(client, {"jwt": SECRET, "auth_mount_path": "oidc"})
    assert client.logins[-1] == ("oidc", {"jwt": SECRET})
