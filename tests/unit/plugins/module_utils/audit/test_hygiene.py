"""Hygiene findings from objects alone: each category, and no value in any finding."""

import base64
import datetime
import json

from ansible_collections.secretops.provisioning.plugins.module_utils.audit import hygiene

NOW = datetime.datetime(2026, 12, 7, 12, 0, 0, tzinfo=datetime.timezone.utc)
DAY = 86400


def secret(name="db", type_="Opaque", annotations=None, data=None, managed=None):
    metadata = {"name": name, "namespace": "shop", "annotations": annotations or {}, "managedFields": managed or []}
    return {"type": type_, "data": data or {}, "metadata": metadata}


def consumer(*vias, **kwargs):
    return dict({"kind": "Deployment", "name": "web", "uses": [{"via": via} for via in vias]}, **kwargs)


def test_unused_leaves_out_tokens_and_the_collection_s_own():
    assert hygiene.unused(secret(), [], [])["category"] == hygiene.UNUSED
    assert hygiene.unused(secret(), [consumer("volume")], []) is None
    assert hygiene.unused(secret(), [], [consumer("env")]) is None
    assert hygiene.unused(secret(type_="kubernetes.io/service-account-token"), [], []) is None
    assert hygiene.unused(secret(name="secretops-content-key"), [], []) is None


def test_env_and_subpath_uses_are_not_updated_in_place():
    web = {"kind": "Deployment", "metadata": {"name": "web"}, "spec": {"template": {"spec": {
        "volumes": [{"name": "s", "secret": {"secretName": "db"}}],
        "containers": [{"name": "app", "volumeMounts": [{"name": "s", "mountPath": "/x", "subPath": "password"}]}]}}}}
    found = hygiene.static_uses(secret(), [consumer("env", "volume")], {("Deployment", "web"): web})
    assert found["consumers"] == [{"kind": "Deployment", "name": "web", "via": ["env", "subPath"]}]
    assert hygiene.static_uses(secret(), [consumer("volume")], {}) is None


def test_not_rotated_by_recorded_rotation_or_managed_fields():
    old = secret(managed=[{"manager": "m", "time": "2026-01-01T00:00:00Z"}])
    assert hygiene.not_rotated(old, 90 * DAY, NOW)["source"] == "managed_fields"
    assert hygiene.not_rotated(old, 400 * DAY, NOW) is None
    assert hygiene.not_rotated(old, None, NOW) is None
    recorded = secret(annotations={"secretops.io/vault-last-rotation": "2026-12-01T00:00:00.5Z"}, managed=old["metadata"]["managedFields"])
    assert hygiene.not_rotated(recorded, 30 * DAY, NOW) is None


def test_expiring_from_annotations_and_bootstrap_tokens():
    cert = secret(annotations={"secretops.io/pki-not-after": "2026-12-09T12:00:00Z"})
    found = hygiene.expiring(cert, 7 * DAY, NOW)
    assert found["what"] == "certificate" and found["days_left"] == 2 and found["expired"] is False
    assert hygiene.expiring(cert, DAY, NOW) is None
    lease = secret(annotations={"secretops.io/vault-lease-end": "2026-12-06T12:00:00Z"})
    assert hygiene.expiring(lease, 0, NOW)["expired"] is True
    data = {"expiration": base64.b64encode(b"2026-12-08T00:00:00Z").decode(), "token-secret": base64.b64encode(b"abcdef0123456789").decode()}
    token = secret(type_="bootstrap.kubernetes.io/token", data=data)
    found = hygiene.expiring(token, 7 * DAY, NOW)
    assert found["what"] == "bootstrap_token" and "abcdef0123456789" not in json.dumps(found)


def test_legacy_tokens_and_writers():
    token = secret(type_="kubernetes.io/service-account-token", annotations={"kubernetes.io/service-account.name": "build"})
    assert hygiene.legacy_token(token)["service_account"] == "build" and hygiene.legacy_token(secret()) is None
    two = secret(managed=[{"manager": "a", "fieldsV1": {"f:data": {}}}, {"manager": "b", "fieldsV1": {"f:data": {"f:x": {}}}},
                          {"manager": "c", "fieldsV1": {"f:metadata": {}}}])
    assert hygiene.multiple_writers(two)["writers"] == ["a", "b"]
    assert hygiene.multiple_writers(secret(managed=two["metadata"]["managedFields"][:1])) is None


def test_secret_like_configmap_keys_by_name_and_entropy_never_values():
    config_map = {"metadata": {"name": "app", "namespace": "shop"}, "data": {
        "API_KEY": "x", "blob": "q8Zr2LxV9mKp4TbW7nYc1HsD6fJg3Ae", "text": "a long sentence with spaces in it", "aaaa": "a" * 40}}
    found = hygiene.secret_like_configmap(config_map)
    assert found["keys"] == [{"key": "API_KEY", "reasons": ["name"]}, {"key": "blob", "reasons": ["entropy"]}]
    assert "q8Zr2" not in json.dumps(found)
    assert hygiene.secret_like_configmap({"metadata": {"name": "kube-root-ca.crt"}, "data": {"ca.crt": "x"}}) is None
    assert hygiene.entropy_bits("") == 0.0 and hygiene.entropy_bits("ab") == 1.0


def test_summary_counts_each_category():
    counts = hygiene.summary([{"category": hygiene.UNUSED}, {"category": hygiene.UNUSED}])
    assert counts[hygiene.UNUSED] == 2 and counts[hygiene.EXPIRING] == 0 and counts["total"] == 2
