"""Rotation pure logic: password rules, ages, field plans, Vault->Secret mapping, fingerprints, report."""

import base64
import datetime
import hashlib
import json
import random
import string

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import age, mapping, plan, report
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.passwords import DEFAULT_SYMBOLS, generate_password, normalize_rules
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.checksum import Fingerprinter
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.diff import text_fingerprints


def test_default_password_has_every_default_class_and_length():
    for _attempt in range(20):
        value = generate_password()
        assert len(value) == 32
        assert any(c in string.ascii_lowercase for c in value)
        assert any(c in string.ascii_uppercase for c in value)
        assert any(c in string.digits for c in value)
        assert not any(c in DEFAULT_SYMBOLS for c in value)


def test_password_rules_symbols_length_exclude():
    value = generate_password({"length": 12, "symbols": True, "uppercase": False, "exclude": "0Oo1l"}, rng=random.Random(7))
    assert len(value) == 12
    assert any(c in DEFAULT_SYMBOLS for c in value)
    assert not any(c in string.ascii_uppercase or c in "0Oo1l" for c in value)
    assert set(generate_password({"digits": True, "lowercase": False, "uppercase": False, "length": 10})) <= set(string.digits)


def test_password_rules_are_checked():
    for rules in ({"length": 4}, {"lowercase": False, "uppercase": False, "digits": False}, {"colour": "red"}, {"length": "x"}, "long"):
        with pytest.raises(SecretOpsError):
            normalize_rules(rules)
    with pytest.raises(SecretOpsError, match="excluded"):
        generate_password({"digits": True, "lowercase": False, "uppercase": False, "exclude": string.digits})
    assert normalize_rules(True)["length"] == 32


def test_parse_age_and_is_due():
    assert age.parse_age("1w2d") == 9 * 86400
    assert age.parse_age("90") == 90 and age.parse_age(30) == 30 and age.parse_age(None) is None
    with pytest.raises(SecretOpsError):
        age.parse_age("3 days")
    now = datetime.datetime(2026, 1, 10, tzinfo=datetime.timezone.utc)
    assert age.is_due("2026-01-01T00:00:00.123456789Z", "7d", now)[0] is True
    assert age.is_due("2026-01-09T12:00:00Z", "7d", now)[0] is False
    assert age.is_due("2026-01-09T12:00:00+02:00", "11h", now)[0] is True
    assert age.is_due("2026-01-09T12:00:00Z", None, now) == (True, "rotation requested")


def test_seed_generates_once_and_writes_given_values_when_different():
    fields = {"username": {"value": "app"}, "password": {"generate": {"length": 16}}}
    data, written = plan.seed("db", fields, {}, generate=lambda rules: "G" * rules["length"])
    assert data == {"username": "app", "password": "G" * 16} and written == ["password", "username"]
    again, written = plan.seed("db", fields, data, generate=lambda rules: "NEW")
    assert again == data and written == []
    changed, written = plan.seed("db", {"username": {"value": "other"}}, dict(data, extra="kept"))
    assert changed["username"] == "other" and changed["extra"] == "kept" and written == ["username"]


def test_field_spec_needs_value_or_generate():
    with pytest.raises(SecretOpsError, match="exactly one"):
        plan.seed("db", {"password": {}}, {})
    with pytest.raises(SecretOpsError, match="exactly one"):
        plan.seed("db", {"password": {"value": "x", "generate": {}}}, {})


def test_rotate_generates_takes_given_values_and_keeps_previous():
    fields = {"username": {"value": "app"}, "password": {"generate": {}}}
    current = {"username": "app", "password": "old", "token_previous": "stale", "token": "t1"}
    data, rotated = plan.rotate("db", fields, current, {"token": "t2"}, keep_previous=True, generate=lambda rules: "new")
    assert rotated == ["password", "token"]
    assert data == {"username": "app", "password": "new", "password_previous": "old", "token": "t2", "token_previous": "t1"}
    data, rotated = plan.rotate("db", fields, data, keep_previous=False, generate=lambda rules: "newer")
    assert data == {"username": "app", "password": "newer", "token": "t2"}
    with pytest.raises(SecretOpsError, match="nothing to rotate"):
        plan.rotate("db", {"username": {"value": "app"}}, current)


def test_mapping_typed_secrets():
    vault = {"username": "u", "password": "p", "password_previous": "old"}
    assert mapping.string_data({"name": "s", "type": "basic-auth"}, vault) == ("kubernetes.io/basic-auth", {"username": "u", "password": "p"})
    kind, data = mapping.string_data({"name": "s", "type": "basic-auth", "keep_previous": True}, vault)
    assert data == {"username": "u", "password": "p", "password_previous": "old"}
    assert mapping.string_data({"name": "s", "type": "tls"}, {"cert": "C", "key": "K", "ca": "A"})[1] == {"tls.crt": "C", "tls.key": "K", "ca.crt": "A"}
    assert mapping.string_data({"name": "s"}, {"a": "1", "b": 2}) == ("Opaque", {"a": "1", "b": "2"})
    assert mapping.string_data({"name": "s", "mapping": {"DB_PASS": "password"}}, vault)[1] == {"DB_PASS": "p"}


def test_mapping_dockerconfigjson_is_built_like_kubectl():
    kind, data = mapping.string_data({"name": "r", "type": "dockerconfigjson"}, {"server": "reg.example", "username": "u", "password": "p"})
    assert kind == "kubernetes.io/dockerconfigjson"
    auth = json.loads(data[".dockerconfigjson"])["auths"]["reg.example"]
    assert auth["auth"] == base64.b64encode(b"u:p").decode()
    with pytest.raises(SecretOpsError, match="dockerconfigjson mapping"):
        mapping.string_data({"name": "r", "type": "dockerconfigjson", "mapping": {"token": "x"}}, {})


def test_mapping_errors_name_the_missing_field_not_values():
    with pytest.raises(SecretOpsError) as raised:
        mapping.string_data({"name": "s", "type": "basic-auth", "vault_path": "secret/a"}, {"username": "hunter2"})
    assert "'password'" in str(raised.value) and "hunter2" not in str(raised.value)
    with pytest.raises(SecretOpsError, match="cannot be built"):
        mapping.string_data({"name": "s", "type": "ssh-auth"}, {})


def test_managed_keys_include_previous_twins():
    assert mapping.managed_keys({"name": "s", "type": "basic-auth"}, {}) == ["username", "password", "username_previous", "password_previous"]


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


def test_report_and_summary_hold_no_values():
    rotations = {"results": [
        {"secret": "db", "vault_path": "secret/app/db", "old_version": 1, "new_version": 2, "rotated_fields": ["password"],
         "fingerprints": {"password": {"old": "hmac:aaa", "new": "hmac:bbb"}}, "skipped": False, "duration": 0.2,
         "invocation": {"module_args": {"new_values": {"password": "hunter2"}}}},
        {"secret": "tls", "vault_path": "secret/app/tls", "old_version": 3, "new_version": 3, "skipped": True, "reason": "young"},
    ]}
    restart = {"results": [{"kind": "Deployment", "name": "web", "secrets": ["db"], "restarted": True, "outcome": "failed",
                            "reason": "ProgressDeadlineExceeded", "duration": 9.0}]}
    rollback = {"results": [{"secret": "db", "restored_version": 1, "new_version": 3, "replaced_version": 2}, {"skipped": True}]}
    built = report.build_report(rotations, restart, rollback, None, "t0", "t1", "run-1", "Deployment/web: ProgressDeadlineExceeded")
    assert built["outcome"] == "rolled_back"
    assert built["rollback"]["secrets"] == [{"secret": "db", "restored_version": 1, "new_version": 3, "replaced_version": 2}]
    text = report.render_summary(built)
    assert "hunter2" not in report.to_json(built) + text
    assert "db (secret/app/db): v1 -> v2 [password hmac:aaa -> hmac:bbb]" in text
    assert "Deployment/web: failed (ProgressDeadlineExceeded)" in text and "restored v1 as v3" in text
    assert "skipped (young)" in text


def test_report_outcomes():
    assert report.build_report([])["outcome"] == "nothing_rotated"
    assert report.build_report([{"secret": "a", "old_version": 1, "new_version": 2}])["outcome"] == "rotated"
    failed = report.build_report([{"failed": True, "msg": "cannot reach Vault", "_ansible_item_label": "a"}])
    assert failed["outcome"] == "failed" and failed["secrets"] == [{"secret": "a", "error": "cannot reach Vault"}]


def test_parse_time_refuses_a_trailing_newline():
    with pytest.raises(SecretOpsError, match="cannot read the timestamp"):
        age.parse_time("2026-01-01T00:00:00Z\n")
