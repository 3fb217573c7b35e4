"""The drift audit's Vault reads: one mount lookup per mount, KV metadata only, a missing mount is a missing path."""

from ansible_collections.secretops.provisioning.plugins.module_utils.audit.drift_service import VaultVersions, selection
from ansible_collections.secretops.provisioning.plugins.module_utils.audit.inventory import Namespace


class FakeVault(object):
    def __init__(self):
        self.reads = []

    def read(self, path):
        self.reads.append(path)
        if path.startswith("sys/internal/ui/mounts/"):
            if path.startswith("sys/internal/ui/mounts/secret/"):
                return {"data": {"path": "secret/", "type": "kv", "options": {"version": "2"}}}
            return None
        if path == "secret/metadata/shop/db":
            return {"data": {"current_version": 3, "versions": {"3": {"created_time": "2026-12-07T09:00:00Z", "deletion_time": ""}}}}
        return None


def test_one_mount_lookup_for_every_path_under_it_and_no_data_read():
    vault = FakeVault()
    versions = VaultVersions(vault)
    assert versions.current("secret/shop/db") == (3, True, "2026-12-07T09:00:00Z")
    assert versions.current("secret/shop/gone") == (None, False, None)
    assert versions.current("shop/db", "secret") == (3, True, "2026-12-07T09:00:00Z")
    assert versions.current("nowhere/x") == (None, False, None)
    assert [path for path in vault.reads if path.startswith("sys/")] == ["sys/internal/ui/mounts/secret/shop/db", "sys/internal/ui/mounts/nowhere/x"]
    assert not any("/data/" in path for path in vault.reads)


def test_selection_is_the_managed_secrets_unless_named():
    secrets = {"db": {"metadata": {"name": "db", "annotations": {"secretops.io/vault-path": "secret/shop/db"}}},
               "plain": {"metadata": {"name": "plain"}}}
    namespace = Namespace("shop", secrets, [], {})
    assert selection(namespace) == [("db", None, None)]
    assert selection(namespace, ["plain"]) == [("plain", None, None)]
    assert selection(namespace, None, [{"name": "db", "vault_path": "shop/db", "mount_point": "secret"}]) == [("db", "shop/db", "secret")]


def test_prefetch_reads_each_path_once_and_keeps_errors_for_their_secret():
    vault = FakeVault()
    original = vault.read

    def read(path):
        if path == "secret/metadata/shop/denied":
            from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
            raise SecretOpsError("permission denied on secret/metadata/shop/denied", status=403)
        return original(path)

    vault.read = read
    versions = VaultVersions(vault)
    versions.prefetch([("secret/shop/db", None), ("secret/shop/gone", None), ("secret/shop/denied", None), ("secret/shop/db", None)])
    reads = list(vault.reads)
    assert versions.current("secret/shop/db")[0] == 3 and versions.current("secret/shop/gone")[0] is None
    try:
        versions.current("secret/shop/denied")
        raise AssertionError("the error was lost")
    except Exception as error:  # pylint: disable=broad-except
        assert "permission denied" in str(error)
    assert vault.reads == reads, "nothing read twice"
    assert len([path for path in reads if path.startswith("sys/")]) == 1, "one mount lookup"
