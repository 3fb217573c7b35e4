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
