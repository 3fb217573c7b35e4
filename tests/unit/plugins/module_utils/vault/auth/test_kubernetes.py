"""The kubernetes auth method."""

import os

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.auth import kubernetes

from ..fakes import FakeVaultApi
from .fakes import SECRET


def test_kubernetes_method_needs_a_role_and_a_jwt(tmp_path):
    with pytest.raises(SecretOpsError) as error:
        kubernetes.validate({"jwt": SECRET})
    assert "auth_role" in str(error.value)
    missing = str(tmp_path / "absent")
    with pytest.raises(SecretOpsError) as error:
        kubernetes.validate({"auth_role": "app", "jwt_file": missing})
    assert missing in str(error.value) and SECRET not in str(error.value)
    jwt_file = tmp_path / "token"
    jwt_file.write_text(SECRET + "\n")
    client = FakeVaultApi()
    kubernetes.login(client, {"auth_role": "app", "jwt_file": str(jwt_file), "auth_mount_path": "/k8s-prod/"})
    assert client.logins == [("/k8s-prod/", {"role": "app", "jwt": SECRET})]  # VaultClient.login strips the slashes


def test_kubernetes_method_defaults_to_the_pod_token():
    if os.path.exists(kubernetes.IN_CLUSTER_TOKEN):
        pytest.skip("this test describes a host outside a pod")
    with pytest.raises(SecretOpsError) as error:
        kubernetes.validate({"auth_role": "app"})
    assert kubernetes.IN_CLUSTER_TOKEN in str(error.value) and "inside a Kubernetes pod" in str(error.value)
