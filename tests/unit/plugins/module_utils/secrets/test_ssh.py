"""SSH private keys and known_hosts are checked without echoing them."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.ssh import check_known_hosts, check_private_key


# SSH
def test_ssh_openssh_and_pem_keys(ssh_key, rsa_pem_key):
    info = check_private_key(ssh_key)
    assert info["key_type"] == "ssh-ed25519" and info["fingerprint"].startswith("SHA256:")
    assert check_private_key(rsa_pem_key)["key_type"] == "ssh-rsa"


@pytest.mark.parametrize("text, message", [
    ("garbage", "is not an SSH private key"),
    ("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n", "not a readable SSH private key"),
    ("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----", "must end with a newline"),
])
def test_ssh_bad_keys(text, message):
    with pytest.raises(SecretOpsError, match=message) as caught:
        check_private_key(text)
    assert "AAAA" not in str(caught.value)


def test_ssh_encrypted_key(encrypted_ssh_key):
    with pytest.raises(SecretOpsError, match="is encrypted"):
        check_private_key(encrypted_ssh_key)


def test_known_hosts():
    check_known_hosts("# comment\ngithub.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
                      "@cert-authority *.example.com ecdsa-sha2-nistp256 AAAA\n")
    with pytest.raises(SecretOpsError, match="line 1 is not a known_hosts entry"):
        check_known_hosts("just-a-host\n")
