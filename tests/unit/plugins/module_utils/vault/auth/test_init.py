"""The auth method registry (vault/auth/__init__.py)."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import auth, options
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.auth import token


def test_registry_knows_every_method_and_rejects_others():
    assert sorted(auth.METHODS) == ["approle", "jwt", "kubernetes", "token"]
    assert auth.method_for(None) is token
    with pytest.raises(SecretOpsError) as error:
        auth.method_for("ldap")
    assert "approle, jwt, kubernetes, token" in str(error.value)


def test_every_method_option_is_a_declared_auth_option():
    for method in auth.METHODS.values():
        assert set(method.OPTIONS) <= set(options.AUTH_OPTIONS), method.NAME
