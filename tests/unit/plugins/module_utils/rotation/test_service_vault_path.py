"""rotation/service.py (secret_sync, secret_rotation): a vault_path or mount_point that could rewrite the application's policy
or reach another path is refused, naming the secret and the option, before Vault or Kubernetes is touched."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import service

from ..vault.fakes import FakeVaultApi

INJECTED = 'x" { capabilities = ["read"] } path "sys/policies/acl/*" { capabilities = ["sudo"] } path "y'


def _spec(vault_path):
    return {"name": "db", "vault_path": vault_path, "type": "opaque", "fields": {"k": {"value": "v"}}, "mapping": {}, "keep_previous": False}


@pytest.mark.parametrize("vault_path, mount_point, option", [
    (INJECTED, "secret", "vault_path"), ("it/../../sys/x", "secret", "vault_path"), ("it/*", None, "vault_path"),
    ("it/a\nb", "secret", "vault_path"), ("it/db", 'secret" {', "mount_point"), ("it/db", "secret/..", "mount_point"),
])
def test_provision_rotate_and_roll_back_refuse_the_path_before_any_request(vault_path, mount_point, option):
    for call in (lambda vault: service.provision(vault, None, _spec(vault_path), "shop", mount_point),
                 lambda vault: service.plan_rotation(vault, _spec(vault_path), "shop", {}, mount_point),
                 lambda vault: service.roll_back(vault, None, _spec(vault_path), "shop", 1, mount_point)):
        vault = FakeVaultApi()
        with pytest.raises(SecretOpsError) as error:
            call(vault)
        assert str(error.value).startswith("secret db: %s" % option) and vault.sent == []
