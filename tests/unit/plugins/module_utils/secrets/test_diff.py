"""Secret diffs mark keys and never show values."""

import base64
import hashlib
import json

from ansible_collections.secretops.provisioning.plugins.module_utils.secrets import reconcile
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.checksum import Fingerprinter
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.diff import secret_diff, text_fingerprints
# The Secret builders of the reconcile tests: diffs are computed from the same plans.
from tests.unit.plugins.module_utils.secrets.test_reconcile import MANAGER, b64, desired, server


def test_diff_marks_keys_and_never_shows_values():
    fingerprinter = Fingerprinter()
    current = server({"same": "keep-me-1", "old": "drop-me-2", "chg": "before-3"}, labels={"app": "v1", "team": "ops"},
                     annotations={reconcile.LAST_APPLIED: '{"data":{"same":"a2VlcC1tZS0x"}}'})
    plan = reconcile.plan_secret(desired({"same": "keep-me-1", "chg": "after-4", "new": "added-5"}, labels={"app": "v2"}), current, MANAGER)
    diff = secret_diff(plan, fingerprinter, MANAGER)
    text = json.dumps(diff)
    for value in ("keep-me-1", "drop-me-2", "before-3", "after-4", "added-5"):
        assert value not in text and b64(value) not in text
    before, after = diff["before"], diff["after"]
    assert before["data"]["old"].endswith("(removed)") and "old" not in after["data"]
    assert after["data"]["new"].endswith("(added)") and after["data"]["chg"].endswith("(changed)")
    assert before["data"]["same"] == after["data"]["same"]
    assert before["metadata"]["labels"] == {"app": "v1"} and after["metadata"]["labels"] == {"app": "v2"}
    assert "(removed)" in before["metadata"]["annotations"][reconcile.LAST_APPLIED]
    assert diff["before_header"] == "Secret demo/db"


def test_diff_for_create_and_delete():
    created = secret_diff(reconcile.plan_secret(desired({"a": "1"}), None, MANAGER), Fingerprinter(), MANAGER)
    assert created["before"] == {} and created["after"]["data"]["a"].endswith("(added)")
    deleted = secret_diff(reconcile.plan_secret(desired(state="absent"), server({"a": "1"}), MANAGER), Fingerprinter(), MANAGER)
    assert deleted["after"] == {} and deleted["before"]["data"]["a"].endswith("(removed)")


def test_report_fingerprints_are_keyed_per_run_and_match_the_diff():
    run = Fingerprinter()
    prints = text_fingerprints(run, {"password": "secret", "user": "app", "port": 5432}, ["password", "port", "missing"])
    assert set(prints) == {"password", "port", "missing"} and prints["missing"] is None
    assert prints["password"] == text_fingerprints(run, {"password": "secret"})["password"], "comparable within one run"
    assert prints["password"] != text_fingerprints(run, {"password": "secret2"})["password"]
    assert prints["password"] != text_fingerprints(Fingerprinter(), {"password": "secret"})["password"], "never across runs"
    assert prints["password"] == run.fingerprint("password", base64.b64encode(b"secret").decode()), "the diff's fingerprint"
    unsalted = hashlib.sha256(b"secret").hexdigest()
    assert prints["password"].startswith("hmac:") and len(prints["password"]) == 17 and prints["password"][5:] not in unsalted


def test_update_diff_of_a_key_by_key_write_marks_keys_and_never_shows_values():
    from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.diff import update_diff

    fingerprinter = Fingerprinter()
    managed = {"secretops.io/vault-path": "secret/shop/db", "secretops.io/vault-version": "3"}
    current = {"type": "Opaque", "metadata": {"name": "db", "namespace": "shop", "annotations": {
        "secretops.io/vault-version": "2", "secretops.io/checksum": hashlib.sha256(b"old-1").hexdigest(),
        reconcile.LAST_APPLIED: '{"data":{"a":"b2xkLTE="}}', "other": "x"}},
        "data": {"password": b64("old-1"), "user": b64("same-2"), "gone": b64("gone-3"), "theirs": b64("kept-4")}}
    body = {"type": "Opaque", "metadata": {"name": "db", "namespace": "shop", "annotations": dict(managed, other="x")},
            "data": {"password": b64("new-5"), "user": b64("same-2"), "theirs": b64("kept-4"), "added": b64("added-6")}}
    diff = update_diff(fingerprinter, current, body, managed)
    text = json.dumps(diff)
    for value in ("old-1", "same-2", "gone-3", "kept-4", "new-5", "added-6"):
        assert value not in text and b64(value) not in text
    assert hashlib.sha256(b"old-1").hexdigest() not in text and "other" not in text
    before, after = diff["before"], diff["after"]
    assert before["data"]["gone"].endswith("(removed)") and "gone" not in after["data"]
    assert after["data"]["password"].endswith("(changed)") and after["data"]["added"].endswith("(added)")
    assert after["data"]["user"] == before["data"]["user"] and after["data"]["theirs"] == before["data"]["theirs"]
    assert after["metadata"]["annotations"] == managed
    assert before["metadata"]["annotations"]["secretops.io/vault-version"] == "2"
    assert "(removed)" in before["metadata"]["annotations"][reconcile.LAST_APPLIED]
    assert diff["before_header"] == "Secret shop/db"
    created = update_diff(fingerprinter, None, body, managed)
    assert created["before"] == {} and all(mark.endswith("(added)") for mark in created["after"]["data"].values())
