"""The drift audit's Vault reads: one mount lookup per mount, KV metadata only, a missing mount is a missing path."""

from ansible_collections.secretops.provisioning.plugins.module_utils.audit.drift_service import VaultVersions, selection
from ansible_collections.secretops.provisioning.plugins.module_utils.audit.inventory import Namespace

from ..vault.fakes import FakeKv2, denied


def kv2(answers=None):
    """KV v2 at ``secret/`` holding three versions of shop/db, the last written at 09:00."""
    vault = FakeKv2(answers=answers)
    for number in (1, 2, 3):
        vault.put("shop/db", {"password": "v%d" % number}, created_time="2026-12-07T0%d:00:00Z" % (number + 6))
    return vault


def reads(vault):
    return [path for method, path, _data in vault.sent if method == "GET"]


def test_one_mount_lookup_for_every_path_under_it_and_no_data_read():
    vault = kv2()
    versions = VaultVersions(vault)
    assert versions.current("secret/shop/db") == (3, True, "2026-12-07T09:00:00Z")
    assert versions.current("secret/shop/gone") == (None, False, None)
    assert versions.current("shop/db", "secret") == (3, True, "2026-12-07T09:00:00Z")
    assert versions.current("nowhere/x") == (None, False, None)
    assert [path for path in reads(vault) if path.startswith("sys/")] == ["sys/internal/ui/mounts/secret/shop/db", "sys/internal/ui/mounts/nowhere/x"]
    assert not any("/data/" in path for path in reads(vault))


def test_selection_is_the_managed_secrets_unless_named():
    secrets = {"db": {"metadata": {"name": "db", "annotations": {"secretops.io/vault-path": "secret/shop/db"}}},
               "plain": {"metadata": {"name": "plain"}}}
    namespace = Namespace("shop", secrets, [], {})
    assert selection(namespace) == [("db", None, None)]
    assert selection(namespace, ["plain"]) == [("plain", None, None)]
    assert selection(namespace, None, [{"name": "db", "vault_path": "shop/db", "mount_point": "secret"}]) == [("db", "shop/db", "secret")]


def test_prefetch_reads_each_path_once_and_keeps_errors_for_their_secret():
    vault = kv2(answers={("GET", "secret/metadata/shop/denied"): denied("secret/metadata/shop/denied")})
    versions = VaultVersions(vault)
    versions.prefetch([("secret/shop/db", None), ("secret/shop/gone", None), ("secret/shop/denied", None), ("secret/shop/db", None)])
    read = reads(vault)
    assert versions.current("secret/shop/db")[0] == 3 and versions.current("secret/shop/gone")[0] is None
    try:
        versions.current("secret/shop/denied")
        raise AssertionError("the error was lost")
    except Exception as error:  # pylint: disable=broad-except
        assert "permission denied" in str(error)
    assert reads(vault) == read, "nothing read twice"
    assert len([path for path in read if path.startswith("sys/")]) == 1, "one mount lookup"
