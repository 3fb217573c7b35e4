"""plan_secret: what changes between a Secret on the server and the desired one."""

import base64
import json

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets import reconcile
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.builder import DesiredSecret


MANAGER = "secretops"


def b64(text):
    return base64.b64encode(text.encode()).decode()


def desired(data=None, **kwargs):
    kwargs.setdefault("secret_type", "Opaque")
    return DesiredSecret("db", "demo", data=dict((k, b64(v)) for k, v in (data or {}).items()), **kwargs)


def server(data=None, secret_type="Opaque", labels=None, annotations=None, immutable=None, managed=None):
    metadata = {"name": "db", "namespace": "demo", "resourceVersion": "7"}
    if labels:
        metadata["labels"] = labels
    if annotations:
        metadata["annotations"] = annotations
    if managed:
        metadata["managedFields"] = managed
    secret = {"metadata": metadata, "type": secret_type, "data": dict((k, b64(v)) for k, v in (data or {}).items())}
    if immutable is not None:
        secret["immutable"] = immutable
    return secret


def applied(fields):
    return [{"manager": MANAGER, "operation": "Apply", "fieldsV1": fields}, {"manager": "kubectl", "operation": "Update", "fieldsV1": {}}]


def test_create_and_unchanged():
    plan = reconcile.plan_secret(desired({"a": "1"}), None, MANAGER)
    assert plan.action == "created" and plan.changed and plan.writes and plan.key_changes["added"] == ["a"]
    same = reconcile.plan_secret(desired({"a": "1"}), server({"a": "1"}), MANAGER)
    assert same.action == "unchanged" and not same.changed and not same.writes


def test_exact_key_set_removes_and_reports_changes():
    plan = reconcile.plan_secret(desired({"a": "1", "c": "3"}), server({"a": "0", "b": "2"}), MANAGER)
    assert plan.action == "updated"
    assert plan.key_changes == {"added": ["c"], "removed": ["b"], "changed": ["a"]}
    assert sorted(plan.target_data) == ["a", "c"]
    assert plan.body()["data"] == plan.target_data


def test_merge_checks_the_1_mib_limit_on_the_merged_data():
    half = "x" * (512 * 1024)
    current = server({"a": half, "b": "2"})
    with pytest.raises(SecretOpsError) as raised:
        reconcile.plan_secret(desired({"c": half}), current, MANAGER, merge_data=True)
    assert str(raised.value).startswith("the Secret's values merged with the keys already in it (merge_data) total 1048577 bytes, more than")
    assert "xxxx" not in str(raised.value)
    assert reconcile.plan_secret(desired({"c": half}), current, MANAGER).action == reconcile.UPDATE, "the exact key set fits"


def test_merge_keeps_other_keys():
    plan = reconcile.plan_secret(desired({"a": "1"}), server({"a": "1", "b": "2"}), MANAGER, merge_data=True)
    assert plan.action == "unchanged" and sorted(plan.target_data) == ["a", "b"]


def test_type_change_recreates_or_refuses():
    plan = reconcile.plan_secret(desired({"a": "1"}, secret_type="example.com/x"), server({"a": "1"}), MANAGER)
    assert plan.action == "recreated" and "type changes from Opaque to example.com/x" in plan.reasons[0]
    with pytest.raises(SecretOpsError, match="allow_recreate is false"):
        reconcile.plan_secret(desired({"a": "1"}, secret_type="example.com/x"), server({"a": "1"}), MANAGER, allow_recreate=False)


def test_immutable_rules():
    assert reconcile.plan_secret(desired({"a": "2"}, immutable=True), server({"a": "1"}, immutable=True), MANAGER).action == "recreated"
    assert reconcile.plan_secret(desired({"a": "1"}), server({"a": "1"}, immutable=True), MANAGER).action == "recreated"
    assert reconcile.plan_secret(desired({"a": "1"}, immutable=True), server({"a": "1"}), MANAGER).action == "updated"
    labels_only = reconcile.plan_secret(desired({"a": "1"}, immutable=True, labels={"x": "y"}), server({"a": "1"}, immutable=True), MANAGER)
    assert labels_only.action == "updated"


def test_metadata_changes_and_owned_labels():
    assert reconcile.plan_secret(desired({"a": "1"}, labels={"app": "x"}), server({"a": "1"}), MANAGER).action == "updated"
    foreign = server({"a": "1"}, labels={"team": "ops"})
    assert reconcile.plan_secret(desired({"a": "1"}), foreign, MANAGER).action == "unchanged"
    ours = server({"a": "1"}, labels={"old": "x"}, managed=applied({"f:metadata": {"f:labels": {"f:old": {}}}}))
    assert reconcile.owned_fields(ours, MANAGER, "metadata", "labels") == {"old"}
    assert reconcile.plan_secret(desired({"a": "1"}), ours, MANAGER).action == "updated"


def test_last_applied_annotation_forces_an_update():
    leaky = server({"a": "1"}, annotations={reconcile.LAST_APPLIED: json.dumps({"data": {"a": b64("1")}})})
    assert reconcile.plan_secret(desired({"a": "1"}), leaky, MANAGER).action == "updated"


def test_service_account_controller_keys_are_ignored():
    wanted = desired(secret_type="kubernetes.io/service-account-token", annotations={"kubernetes.io/service-account.name": "ci"})
    current = server({"token": "jwt", "ca.crt": "pem", "namespace": "demo"}, secret_type="kubernetes.io/service-account-token",
                     annotations={"kubernetes.io/service-account.name": "ci", "kubernetes.io/service-account.uid": "u"})
    plan = reconcile.plan_secret(wanted, current, MANAGER)
    assert plan.action == "unchanged" and plan.target_data == {}


def test_generated_bootstrap_secret_is_kept():
    wanted = desired({"token-id": "abcdef", "token-secret": "newnewnewnewnewn"}, secret_type="bootstrap.kubernetes.io/token",
                     generated_keys=["token-secret"])
    current = server({"token-id": "abcdef", "token-secret": "oldoldoldoldoldo"}, secret_type="bootstrap.kubernetes.io/token")
    plan = reconcile.plan_secret(wanted, current, MANAGER)
    assert plan.action == "unchanged"
    assert base64.b64decode(plan.target_data["token-secret"]) == b"oldoldoldoldoldo"


def test_absent():
    gone = desired(state="absent")
    assert reconcile.plan_secret(gone, None, MANAGER).action == "unchanged"
    assert reconcile.plan_secret(gone, server({"a": "1"}), MANAGER).action == "deleted"
