"""vault/kv.py: a deleted or destroyed current KV v2 version counts as missing, and a check-and-set
failure caused by it says which version to name and how to recover."""

from ansible_collections.secretops.provisioning.plugins.module_utils.vault import kv

from .fakes import FakeKv2, denied


DELETED = {"version": 3, "deletion_time": "2026-01-01T00:00:00Z", "destroyed": False}


def soft_deleted(destroyed=False, readable=True):
    """KV v2 at mount ``secret`` holding three versions of ``app/db``, the current one deleted (and destroyed);
    not ``readable``: the token may look the mount up, nothing more."""
    denials = dict((("GET", path), denied(path)) for path in ("secret/metadata/app/db", "secret/data/app/db")) if not readable else None
    vault = FakeKv2(answers=denials)
    for number in (1, 2, 3):
        vault.put("app/db", {"password": "v%d" % number})
    vault.delete_latest("app/db")
    if destroyed:
        vault.destroy("app/db", 3)
    return vault


def live():
    vault = FakeKv2()
    for number in (1, 2, 3):
        vault.put("app/db", {"password": "v%d" % number})
    return vault


def test_not_live_states():
    assert kv.not_live(DELETED) == "deleted"
    assert kv.not_live({"deletion_time": "2026-01-01T00:00:00Z", "destroyed": True}) == "destroyed"
    assert kv.not_live({"deletion_time": "", "destroyed": False}) is None
    assert kv.not_live(None) is None


def test_create_cas_names_the_current_version_when_it_is_not_live():
    assert kv.create_cas(None) == 0
    assert kv.create_cas({"data": None, "metadata": DELETED}) == 3


def test_only_if_missing_writes_over_a_soft_deleted_current_version_with_its_cas():
    store = soft_deleted()
    result = kv.write_secret(store, "secret/app/db", {"password": "new"}, only_if_missing=True)
    assert [(path, data) for _method, path, data in store.writes()] == [("secret/data/app/db", {"data": {"password": "new"}, "options": {"cas": 3}})]
    assert result["changed"] is True and result["version"] == 4
    assert result["replaced_version"] == {"version": 3, "state": "deleted"}


def test_the_hint_says_which_version_and_how_to_recover():
    hint = kv.cas_mismatch_hint(soft_deleted(), "secret/data/app/db")
    assert "the current version 3 of secret/app/db is deleted" in hint and "cas=3" in hint
    assert "vault kv undelete -versions=3 secret/app/db" in hint and "delete_all_versions=true" in hint


def test_a_destroyed_version_cannot_be_undeleted():
    hint = kv.cas_mismatch_hint(soft_deleted(destroyed=True), "secret/data/app/db")
    assert "is destroyed" in hint and "undelete" not in hint


def test_no_hint_when_the_current_version_is_live_or_cannot_be_read():
    assert kv.cas_mismatch_hint(live(), "secret/data/app/db") == ""
    assert kv.cas_mismatch_hint(soft_deleted(readable=False), "secret/data/app/db") == ""
    assert kv.cas_mismatch_hint(soft_deleted(), "secret/metadata/app/db") == ""


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
