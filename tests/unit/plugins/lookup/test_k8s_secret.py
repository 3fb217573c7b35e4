"""The k8s_secret lookup's run() against a fake of K8sClient.request: decoded values, one key or
all, and errors that name keys, never values."""

import base64

import pytest
from ansible.errors import AnsibleError

from ansible_collections.secretops.provisioning.plugins.lookup import k8s_secret
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import secret_info

from ..module_utils.k8s.fakes import FakeApiServer, session_of

PASSWORD = "Hunter2-correct-horse"


def b64(text):
    return base64.b64encode(text.encode()).decode()


@pytest.fixture
def api(monkeypatch):
    server = FakeApiServer({"metadata": {"name": "db", "namespace": "demo"}, "data": {"user": b64("app"), "password": b64(PASSWORD)}})
    monkeypatch.setattr(secret_info, "k8s_session", session_of(server))
    return server


def test_all_keys_or_one_key_decoded(api, run_lookup):
    assert run_lookup(k8s_secret.LookupModule, ["db"], namespace="demo") == [{"user": "app", "password": PASSWORD}]
    assert run_lookup(k8s_secret.LookupModule, ["db", "db"], namespace="demo", key="password") == [PASSWORD, PASSWORD]
    assert api.writes() == []


def test_a_missing_key_names_the_keys_not_the_values(api, run_lookup):
    with pytest.raises(AnsibleError) as caught:
        run_lookup(k8s_secret.LookupModule, ["db"], namespace="demo", key="pasword")
    assert str(caught.value) == "Secret demo/db has no key 'pasword': its keys are password, user"
    assert PASSWORD not in str(caught.value) and b64(PASSWORD) not in str(caught.value)


def test_a_missing_secret_is_an_error_that_says_what_to_check(api, run_lookup):
    with pytest.raises(AnsibleError, match="Secret demo/nope does not exist: check the name and namespace"):
        run_lookup(k8s_secret.LookupModule, ["nope"], namespace="demo")


def test_a_refused_read_is_an_ansible_error(api, run_lookup):
    api.failures[("GET", "demo", "db")] = [403]
    with pytest.raises(AnsibleError, match="cannot read Secret demo/db: Forbidden \\(HTTP 403\\); the identity lacks RBAC permission"):
        run_lookup(k8s_secret.LookupModule, ["db"], namespace="demo")
