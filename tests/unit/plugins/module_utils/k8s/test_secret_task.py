"""The k8s_secret module's body (k8s/secret_task.py) against a fake of K8sClient.request: what it
reads (one GET for one Secret, one LIST per namespace in bulk), what it writes, check mode, and
failures that name the item and never a value."""

import base64

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import secret_task
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.content_key import KEY_SECRET_NAME
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.secret_service import APPLY_PATCH, SECRET, SECRETS
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets import reconcile
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.checksum import content_mac

from .fakes import FakeApiServer, session_of

PASSWORD = "Hunter2-correct-horse"


def b64(text):
    return base64.b64encode(text.encode()).decode()


@pytest.fixture
def api(monkeypatch):
    server = FakeApiServer()
    monkeypatch.setattr(secret_task, "k8s_session", session_of(server))
    return server


def run(params, check_mode=False, diff_mode=False):
    warnings = []
    result = secret_task.SecretTask(params, check_mode=check_mode, diff_mode=diff_mode, warn=warnings.append).run()
    return result, warnings


def secret_calls(api, method=None):
    """Requests for the Secrets under test, not for the namespace's content key."""
    return [call for call in api.sent(method) if call[3] != KEY_SECRET_NAME]


def test_one_secret_is_read_once_created_and_summarised_without_values(api):
    result, warnings = run({"name": "db", "namespace": "demo", "string_data": {"user": "app", "password": PASSWORD}})
    assert result["changed"] and result["action"] == reconcile.CREATE and warnings == []
    assert api.secrets[("demo", "db")]["data"] == {"user": b64("app"), "password": b64(PASSWORD)}
    assert [call[:2] for call in secret_calls(api)] == [("GET", SECRET), ("PATCH", SECRET)]
    assert secret_calls(api, "PATCH")[0][4] == APPLY_PATCH
    summary = result["secret"]
    assert summary["data_keys"] == ["password", "user"] and summary["resource_version"] == api.secrets[("demo", "db")]["metadata"]["resourceVersion"]
    key = base64.b64decode(api.secrets[("demo", KEY_SECRET_NAME)]["data"]["key"])  # the namespace's key, made on first use
    assert summary["checksum"] == content_mac(key, "db", api.secrets[("demo", "db")]["data"])
    assert PASSWORD not in repr(result) and b64(PASSWORD) not in repr(result)


def test_a_second_run_writes_nothing(api):
    params = {"name": "db", "namespace": "demo", "string_data": {"password": PASSWORD}}
    first, _warnings = run(params)
    api.calls[:] = []
    again, _warnings = run(params)
    assert not again["changed"] and again["action"] == reconcile.UNCHANGED
    assert api.writes() == []
    assert again["secret"]["checksum"] == first["secret"]["checksum"]


def test_content_stamp_off_makes_no_key_and_computes_no_checksum(api):
    for params in ({"name": "db", "namespace": "kube-system", "string_data": {"password": PASSWORD}, "content_stamp": False},
                   {"secrets": [{"name": "a", "namespace": "one", "string_data": {"k": "1"}}], "content_stamp": False}):
        result, warnings = run(params)
        for item in result.get("results", [result]):
            assert item["changed"] and item["secret"]["checksum"] is None
        assert warnings == []
    assert [call for call in api.sent() if call[3] == KEY_SECRET_NAME] == []
    assert sorted(api.secrets) == [("kube-system", "db"), ("one", "a")]


def test_check_mode_writes_nothing_not_even_the_content_key(api):
    result, _warnings = run({"name": "db", "namespace": "demo", "string_data": {"password": PASSWORD}}, check_mode=True, diff_mode=True)
    assert result["changed"] and result["action"] == reconcile.CREATE
    assert api.writes() == [] and api.secrets == {}
    assert result["secret"]["checksum"] is None and result["secret"]["data_keys"] == ["password"]
    assert "diff" in result and PASSWORD not in repr(result)


def test_keys_another_writer_added_are_removed(api):
    api.secrets[("demo", "db")] = {"metadata": {"name": "db", "namespace": "demo", "resourceVersion": "1"},
                                   "type": "Opaque", "data": {"password": b64("old"), "extra": b64("theirs")}}
    result, _warnings = run({"name": "db", "namespace": "demo", "string_data": {"password": PASSWORD}})
    assert result["changed"]
    assert api.secrets[("demo", "db")]["data"] == {"password": b64(PASSWORD)}
    assert PASSWORD not in repr(result) and "theirs" not in repr(result)


def test_bulk_lists_each_namespace_once_and_keeps_input_order(api):
    params = {"secrets": [{"name": "b", "namespace": "two", "string_data": {"k": "2"}}, {"name": "a", "namespace": "one", "string_data": {"k": "1"}},
                          {"name": "c", "namespace": "two", "string_data": {"k": "3"}}], "concurrency": 1}
    result, _warnings = run(params)
    assert [(item["namespace"], item["name"], item["action"]) for item in result["results"]] == [
        ("two", "b", reconcile.CREATE), ("one", "a", reconcile.CREATE), ("two", "c", reconcile.CREATE)]
    lists = [call[2] for call in api.calls if call[:2] == ("GET", SECRETS)]
    assert lists == ["one", "two"]
    assert [call for call in secret_calls(api, "GET") if call[1] == SECRET] == []
    assert result["invocation"]["module_args"]["secrets"] == "3 items (see results)"


def test_a_refused_write_fails_its_item_and_the_others_are_written(api):
    api.failures[("PATCH", "demo", "b")] = [403]
    params = {"secrets": [{"name": "a", "namespace": "demo", "string_data": {"password": PASSWORD}},
                          {"name": "b", "namespace": "demo", "string_data": {"password": PASSWORD}}], "concurrency": 1}
    with pytest.raises(SecretOpsError) as caught:
        run(params)
    error = caught.value
    assert str(error).startswith("1 of 2 Secrets failed: secrets[1] (demo/b): cannot apply Secret demo/b: Forbidden (HTTP 403)")
    results = error.details["results"]
    assert results[0]["changed"] and not results[0].get("failed")
    assert results[1]["failed"] and results[1]["status"] == 403 and results[1]["item"] == 1
    assert error.details["changed"] is True
    assert ("demo", "a") in api.secrets and ("demo", "b") not in api.secrets
    assert PASSWORD not in repr(error.details) and PASSWORD not in str(error)


def test_a_bad_item_fails_the_task_before_any_request(api):
    params = {"secrets": [{"name": "a", "namespace": "demo", "string_data": {"password": PASSWORD}},
                          {"name": "b", "namespace": "demo", "string_data": {"bad/key": PASSWORD}}]}
    with pytest.raises(SecretOpsError, match=r"^secrets\[1\] \(demo/b\): ") as caught:
        run(params)
    assert caught.value.details["item"] == 1 and PASSWORD not in str(caught.value)
    assert api.calls == []


def test_the_same_secret_twice_is_refused(api):
    params = {"secrets": [{"name": "a", "namespace": "demo", "string_data": {"k": "1"}}, {"name": "a", "string_data": {"k": "2"}}], "namespace": "demo"}
    with pytest.raises(SecretOpsError, match=r"secrets\[1\] \(demo/a\): the same Secret is already given by secrets\[0\]"):
        run(params)
    assert api.calls == []


def test_a_content_key_this_identity_may_not_read_leaves_the_checksum_out_with_a_warning(api):
    api.failures[("GET", "demo", KEY_SECRET_NAME)] = [403]
    result, warnings = run({"name": "db", "namespace": "demo", "string_data": {"password": PASSWORD}})
    assert result["changed"] and result["secret"]["checksum"] is None
    assert len(warnings) == 1 and warnings[0].startswith("no checksum returned for Secrets in namespace demo: cannot read Secret demo/")
    assert ("demo", "db") in api.secrets


def test_absent_deletes_once(api):
    api.secrets[("demo", "db")] = {"metadata": {"name": "db", "namespace": "demo", "resourceVersion": "1"}, "type": "Opaque",
                                   "data": {"password": b64(PASSWORD)}}
    result, _warnings = run({"name": "db", "namespace": "demo", "state": "absent"})
    assert result["changed"] and result["action"] == reconcile.DELETE and result["secret"] == {"name": "db", "namespace": "demo"}
    assert ("demo", "db") not in api.secrets
    again, _warnings = run({"name": "db", "namespace": "demo", "state": "absent"})
    assert not again["changed"] and again["secret"] == {}


def test_a_service_account_token_for_a_missing_account_is_refused_before_writing(api):
    with pytest.raises(SecretOpsError, match="ServiceAccount demo/robot does not exist: create it first"):
        run({"name": "robot-token", "namespace": "demo", "type": "service-account-token", "service_account": "robot"})
    assert secret_calls(api, "PATCH") == []


def test_a_single_secret_that_fails_to_write_raises_with_its_status(api):
    api.failures[("PATCH", "demo", "db")] = [422]
    with pytest.raises(SecretOpsError, match="cannot apply Secret demo/db: Error \\(HTTP 422\\)") as caught:
        run({"name": "db", "namespace": "demo", "string_data": {"password": PASSWORD}})
    assert caught.value.details["status"] == 422 and PASSWORD not in str(caught.value)


# An immutable Secret's new content (or a type change) deletes and creates again: never loses the Secret.

def frozen(api):
    api.secrets[("demo", "db")] = {"metadata": {"name": "db", "namespace": "demo", "resourceVersion": "1", "uid": "u1",
                                                "labels": {"app": "web"}, "annotations": {"note": "kept"}},
                                   "type": "Opaque", "immutable": True, "data": {"password": b64("old-" + PASSWORD)}}


def test_a_recreation_is_checked_by_a_dry_run_create_before_the_delete(api):
    frozen(api)
    result, _warnings = run({"name": "db", "namespace": "demo", "immutable": True, "string_data": {"password": PASSWORD}})
    assert result["action"] == reconcile.RECREATE and api.secrets[("demo", "db")]["data"] == {"password": b64(PASSWORD)}
    writes = [call[:4] for call in secret_calls(api) if call[0] != "GET"]
    assert writes == [("POST", SECRETS, "demo", None), ("DELETE", SECRET, "demo", "db"), ("PATCH", SECRET, "demo", "db")]


def test_a_recreation_the_dry_run_refuses_deletes_nothing(api):
    frozen(api)
    api.failures[("POST", "demo", None)] = [422]
    with pytest.raises(SecretOpsError, match="cannot check that Secret demo/db can be created again \\(dry run\\)"):
        run({"name": "db", "namespace": "demo", "immutable": True, "string_data": {"password": PASSWORD}})
    assert api.secrets[("demo", "db")]["data"] == {"password": b64("old-" + PASSWORD)}
    assert [call[0] for call in secret_calls(api) if call[0] != "GET"] == ["POST"]


def test_a_create_that_fails_after_the_delete_restores_the_old_secret(api):
    frozen(api)
    api.failures[("PATCH", "demo", "db")] = [500]
    with pytest.raises(SecretOpsError) as caught:
        run({"name": "db", "namespace": "demo", "immutable": True, "string_data": {"password": PASSWORD}})
    message = str(caught.value)
    assert "Secret demo/db was deleted to be created again and the create failed" in message and "the old Secret was restored" in message
    assert caught.value.details["status"] == 500 and PASSWORD not in message and b64(PASSWORD) not in message
    restored = api.secrets[("demo", "db")]
    assert restored["data"] == {"password": b64("old-" + PASSWORD)} and restored["immutable"] is True and restored["type"] == "Opaque"
    assert restored["metadata"]["labels"] == {"app": "web"} and restored["metadata"]["annotations"] == {"note": "kept"}
    assert "uid" not in api.created_bodies[-1]["metadata"] and "resourceVersion" not in api.created_bodies[-1]["metadata"]


def test_a_restore_that_fails_too_says_so(api):
    frozen(api)
    api.failures[("PATCH", "demo", "db")] = [500]
    api.failures[("POST", "demo", "db")] = [503]
    with pytest.raises(SecretOpsError, match="restoring the old Secret failed too .*: fix the cause and re-run, which creates it"):
        run({"name": "db", "namespace": "demo", "immutable": True, "string_data": {"password": PASSWORD}})
    assert ("demo", "db") not in api.secrets


def test_without_a_namespace_the_kubeconfig_contexts_is_used_and_an_explicit_one_wins(api, monkeypatch):
    """Issue 22: as kubectl and kubernetes.core, the context's namespace is the default; a bootstrap token keeps kube-system."""
    monkeypatch.setattr(secret_task, "context_namespace", lambda connection: "team-a")
    params = {"secrets": [{"name": "a", "string_data": {"k": "1"}}, {"name": "b", "namespace": "other", "string_data": {"k": "2"}}],
              "concurrency": 1}
    result, _warnings = run(params)
    assert [(item["namespace"], item["name"]) for item in result["results"]] == [("team-a", "a"), ("other", "b")]
    result, _warnings = run({"name": "c", "string_data": {"k": "3"}})
    assert result["secret"]["namespace"] == "team-a"
    monkeypatch.setattr(secret_task, "context_namespace", lambda connection: None)
    with pytest.raises(SecretOpsError, match="namespace is required"):
        run({"name": "d", "string_data": {"k": "4"}})
