"""The jwt auth method: a JWT (given or from a file) and the role when one is set, posted to its mount."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.auth import jwt

from ..fakes import FakeVaultApi
from .fakes import SECRET


def test_login_sends_the_jwt_and_the_role_to_the_mount_given():
    client = FakeVaultApi()
    jwt.login(client, {"jwt": SECRET, "auth_role": "ci", "auth_mount_path": "gitlab"})
    assert client.logins == [("gitlab", {"jwt": SECRET, "role": "ci"})]


def test_without_a_role_the_mount_default_role_applies_and_the_mount_defaults_to_jwt(tmp_path):
    token = tmp_path / "jwt"
    token.write_text(SECRET + "\n")
    client = FakeVaultApi()
    jwt.login(client, {"jwt_file": str(token), "auth_role": None, "auth_mount_path": None})
    assert client.logins == [("jwt", {"jwt": SECRET})]
    assert jwt.LOGIN_MAKES_TOKEN and set(jwt.OPTIONS) == {"auth_role", "auth_mount_path", "jwt", "jwt_file"}


def test_validate_refuses_a_task_without_a_jwt_before_any_login(tmp_path):
    with pytest.raises(SecretOpsError, match="auth_method jwt needs a JWT"):
        jwt.validate({"auth_role": "ci"})
    with pytest.raises(SecretOpsError, match="auth_method jwt: the JWT file .* does not exist"):
        jwt.validate({"jwt_file": str(tmp_path / "absent")})
    jwt.validate({"jwt": SECRET})
