"""revocation/record.py: a credential is recorded as issued before the Secret has it, becomes current once it
does, and the one it replaced waits; a run that died between the steps is repaired by the next."""

from ansible_collections.secretops.provisioning.plugins.module_utils.revocation import record


def _credential(name):
    return record.credential(name, "database/creds/app")


def test_issue_then_delivery_makes_the_new_credential_current_and_the_old_one_pending():
    book = record.empty("shop", "db")
    book = record.delivered(record.note_issued(book, _credential("a")), "a", "2026-12-07T10:00:00Z")
    assert book["current"]["id"] == "a" and book["pending"] == [] and book["issued"] == []
    book = record.delivered(record.note_issued(book, _credential("b")), "b", "2026-12-07T11:00:00Z")
    assert book["current"]["id"] == "b" and record.pending_ids(book) == ["a"]
    assert book["pending"][0]["replaced_at"] == "2026-12-07T11:00:00Z"


def test_a_delivery_of_something_never_issued_changes_nothing():
    book = record.empty("shop", "db")
    assert record.delivered(book, "planted", "2026-12-07T10:00:00Z") == book


def test_reconcile_records_a_delivered_credential_and_queues_one_that_never_reached_the_secret():
    book = record.delivered(record.note_issued(record.empty("shop", "db"), _credential("a")), "a", "t0")
    died_after_write = record.note_issued(book, _credential("b"))
    repaired, notes = record.reconcile(died_after_write, "b", "t1")
    assert repaired["current"]["id"] == "b" and repaired["pending"] == [dict(_credential("a"), replaced_at="t1")] and notes
    died_before_write = record.note_issued(book, _credential("c"))
    repaired, notes = record.reconcile(died_before_write, "a", "t1")
    assert repaired["current"]["id"] == "a" and repaired["pending"] == [dict(_credential("c"), replaced_at=None)]
    assert "stopped before writing it" in notes[0] and repaired["issued"] == []


def test_only_the_recorded_current_credential_counts_as_the_secrets():
    book = record.delivered(record.note_issued(record.empty("shop", "db"), _credential("a")), "a", "t0")
    assert record.holds_current(book, "a") and not record.holds_current(book, "planted")
    assert not record.holds_current(record.empty("shop", "db"), "a") and not record.holds_current(book, None)


def test_undelivered_and_without_pending_drop_entries():
    book = record.note_issued(record.empty("shop", "db"), _credential("a"))
    assert record.undelivered(book, "a")["issued"] == []
    book["pending"] = [dict(_credential("x"), replaced_at="t"), dict(_credential("y"), replaced_at="t")]
    assert record.pending_ids(record.without_pending(book, ["x"])) == ["y"]
