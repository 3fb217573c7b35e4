"""k8s_rollout_restart's verdict over the service results: what fails the task and what is reported."""

import contextlib

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.modules import k8s_rollout_restart as module_file


class FakeModule(object):
    check_mode = False

    def __init__(self, **params):
        self.params = dict({"namespace": "shop", "workloads": None, "secrets": ["db"], "checksum": False, "wait": True,
                            "wait_timeout": 30, "fail_on_rollout_failure": True, "restart": "all",
                            "max_concurrent_restarts": 10}, **params)


def result(kind, name, outcome, restarted=True, reason="why"):
    return {"kind": kind, "name": name, "namespace": "shop", "secrets": ["db"], "restarted": restarted, "outcome": outcome,
            "reason": reason, "generation": 2, "patched_at": 0.0}


@pytest.fixture
def fake_service(monkeypatch):
    state = {"results": [], "wait": None}
    monkeypatch.setattr(module_file, "k8s_session", lambda params: contextlib.nullcontext(object()))
    monkeypatch.setattr(module_file.service, "list_workloads", lambda client, namespace: [])
    monkeypatch.setattr(module_file.service, "list_service_accounts", lambda client, namespace: {})
    monkeypatch.setattr(module_file.service, "restart", lambda *args: state["results"])

    def wait(client, namespace, pending, timeout):
        if state["wait"]:
            state["wait"](pending)

    monkeypatch.setattr(module_file.service, "wait_for_rollouts", wait)
    return state


def test_on_delete_deleted_and_skipped_are_reported_and_are_not_failed_rollouts(fake_service):
    fake_service["results"] = [result("StatefulSet", "db", "on_delete"), result("Deployment", "gone", "deleted", restarted=False),
                               result("Rollout", "web", "skipped", restarted=False), result("Deployment", "web", "restarted")]
    fake_service["wait"] = lambda pending: pending[0].update(outcome="complete")
    outcome = module_file.restart(FakeModule())
    assert outcome["failed_rollouts"] == []
    assert [(r["name"], r["outcome"]) for r in outcome["results"]] == [("db", "on_delete"), ("gone", "deleted"), ("web", "skipped"), ("web", "complete")]
    assert outcome["restarted"] == ["StatefulSet/db", "Deployment/web"]
    assert all("generation" not in r and "patched_at" not in r for r in outcome["results"])


def test_forbidden_patch_fails_the_task_after_the_others_were_restarted_and_waited(fake_service):
    fake_service["results"] = [result("Deployment", "web", "forbidden", restarted=False, reason="cannot patch Deployment shop/web: ..."),
                               result("Deployment", "api", "restarted")]
    fake_service["wait"] = lambda pending: pending[0].update(outcome="complete")
    with pytest.raises(SecretOpsError) as raised:
        module_file.restart(FakeModule(fail_on_rollout_failure=False))
    assert "cannot patch Deployment shop/web" in str(raised.value)
    details = raised.value.details
    assert details["restarted"] == ["Deployment/api"]
    assert [(r["name"], r["outcome"]) for r in details["results"]] == [("web", "forbidden"), ("api", "complete")]


def test_error_while_waiting_keeps_what_was_restarted_in_the_failure(fake_service):
    fake_service["results"] = [result("Deployment", "web", "restarted")]

    def server_gone(pending):
        pending[0].update(outcome="unknown", reason="the API server became unreachable while waiting")
        raise SecretOpsError("the API server at https://k8s:6443 became unreachable while waiting for the rollouts of Deployment/web")

    fake_service["wait"] = server_gone
    with pytest.raises(SecretOpsError, match="Deployment/web") as raised:
        module_file.restart(FakeModule())
    assert raised.value.details["restarted"] == ["Deployment/web"]
    assert raised.value.details["results"][0]["outcome"] == "unknown" and "generation" not in raised.value.details["results"][0]


def test_failed_rollout_fails_unless_the_caller_handles_it(fake_service):
    fake_service["results"] = [result("Deployment", "web", "restarted")]
    fake_service["wait"] = lambda pending: pending[0].update(outcome="failed", reason="ProgressDeadlineExceeded")
    with pytest.raises(SecretOpsError, match="rollout did not complete for Deployment/web: ProgressDeadlineExceeded"):
        module_file.restart(FakeModule())
    fake_service["results"] = [result("Deployment", "web", "restarted")]
    assert module_file.restart(FakeModule(fail_on_rollout_failure=False))["failed_rollouts"] == ["Deployment/web"]


def test_a_negative_max_concurrent_restarts_is_refused(fake_service):
    with pytest.raises(SecretOpsError, match="max_concurrent_restarts must be 0 .no limit. or more, not -1"):
        module_file.restart(FakeModule(max_concurrent_restarts=-1))


def test_the_restart_choice_and_pacing_reach_the_service(monkeypatch, fake_service):
    seen = {}

    def restart_consumers(*args, **kwargs):
        seen.update(kwargs)
        return []

    monkeypatch.setattr(module_file.service, "restart_consumers", restart_consumers)
    outcome = module_file.restart(FakeModule(restart="not_in_place", max_concurrent_restarts=3))
    assert seen == {"restart_mode": "not_in_place", "max_concurrent": 3} and outcome["in_place"] == []
