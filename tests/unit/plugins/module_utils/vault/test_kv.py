"""vault/kv.py: a deleted or destroyed current KV v2 version counts as missing, and a check-and-set
failure caused by it says which version to name and how to recover."""

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import kv


DELETED = {"version": 3, "deletion_time": "2026-01-01T00:00:00Z", "destroyed": False}


class SoftDeletedStore(object):
    """KV v2 at mount ``secret`` holding ``app/db`` whose versions are ``versions``; records writes."""

    def __init__(self, versions, current, readable=True):
        self.versions = versions
        self.current = current
        self.readable = readable
        self.writes = []

    def read(self, path):
        if path.startswith("sys/internal/ui/mounts/"):
            return {"data": {"path": "secret/", "type": "kv", "options": {"version": "2"}}}
        if not self.readable:
            raise SecretOpsError("permission denied on %s" % path, status=403)
        if path == "secret/metadata/app/db":
            return {"data": {"current_version": self.current, "versions": self.versions}}
        if path == "secret/data/app/db":
            latest = dict(self.versions[str(self.current)], version=self.current)
            return {"data": {"data": None, "metadata": latest}}  # what a 404 with a body gives
        return None

    def write(self, path, data, action=None):
        self.writes.append((path, data))
        return {"data": {"version": self.current + 1}}


def test_not_live_states():
    assert kv.not_live(DELETED) == "deleted"
    assert kv.not_live({"deletion_time": "2026-01-01T00:00:00Z", "destroyed": True}) == "destroyed"
    assert kv.not_live({"deletion_time": "", "destroyed": False}) is None
    assert kv.not_live(None) is None


def test_create_cas_names_the_current_version_when_it_is_not_live():
    assert kv.create_cas(None) == 0
    assert kv.create_cas({"data": None, "metadata": DELETED}) == 3


def test_only_if_missing_writes_over_a_soft_deleted_current_version_with_its_cas():
    store = SoftDeletedStore({"3": DELETED}, 3)
    result = kv.write_secret(store, "secret/app/db", {"password": "new"}, only_if_missing=True)
    assert store.writes == [("secret/data/app/db", {"data": {"password": "new"}, "options": {"cas": 3}})]
    assert result["changed"] is True and result["version"] == 4
    assert result["replaced_version"] == {"version": 3, "state": "deleted"}


def test_the_hint_says_which_version_and_how_to_recover():
    hint = kv.cas_mismatch_hint(SoftDeletedStore({"3": DELETED}, 3), "secret/data/app/db")
    assert "the current version 3 of secret/app/db is deleted" in hint and "cas=3" in hint
    assert "vault kv undelete -versions=3 secret/app/db" in hint and "delete_all_versions=true" in hint


def test_a_destroyed_version_cannot_be_undeleted():
    hint = kv.cas_mismatch_hint(SoftDeletedStore({"3": dict(DELETED, destroyed=True)}, 3), "secret/data/app/db")
    assert "is destroyed" in hint and "undelete" not in hint


def test_no_hint_when_the_current_version_is_live_or_cannot_be_read():
    live = {"3": {"deletion_time": "", "destroyed": False}}
    assert kv.cas_mismatch_hint(SoftDeletedStore(live, 3), "secret/data/app/db") == ""
    assert kv.cas_mismatch_hint(SoftDeletedStore({"3": DELETED}, 3, readable=False), "secret/data/app/db") == ""
    assert kv.cas_mismatch_hint(SoftDeletedStore({"3": DELETED}, 3), "secret/metadata/app/db") == ""


def test_kv_diff_shows_keys_never_values():
    change = kv._key_diff({"user": "app", "password": "old-secret"}, {"user": "app", "password": "new-secret", "token": "t0ken"})
    text = repr(change)
    for value in ("old-secret", "new-secret", "t0ken"):
        assert value not in text
    assert change["changed_keys"] == ["password", "token"]
    assert change["before"] == {"password": kv.HIDDEN, "user": kv.HIDDEN}
    assert change["after"]["user"] == kv.HIDDEN


def test_kv_api_paths_per_version():
    assert kv.KvPath("secret", "app/db", 2).api() == "secret/data/app/db"
    assert kv.KvPath("secret", "app/db", 2).api("metadata") == "secret/metadata/app/db"
    assert kv.KvPath("kv1", "app/db", 1).api() == "kv1/app/db"
