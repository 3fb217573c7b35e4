"""The Kubernetes connection options, their doc fragment and the client builder stay in step."""

import os

import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.secretops.provisioning.plugins.doc_fragments.k8s_connection import ModuleDocFragment
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.connection import (
    ALIASES, CONNECTION_OPTIONS, PROXY_HEADERS, connection_argument_spec, connection_params, lookup_proxy_headers, resolve,
)


def test_doc_fragment_matches_the_argument_spec():
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    sources = yaml.safe_load(ModuleDocFragment.PLUGINS)["options"]
    assert set(sources) == set(documented)
    spec = connection_argument_spec()
    assert set(documented) == set(spec)
    for name, entry in spec.items():
        doc = documented[name]
        assert doc["type"] == entry["type"], name
        assert doc.get("default") == entry.get("default"), name
        assert doc.get("aliases", []) == entry.get("aliases", []), name
        if name == "proxy_headers":  # one variable per suboption, read by the fallback (modules) and lookup_proxy_headers
            assert "env" not in sources[name]
            for option, (variable, no_log) in PROXY_HEADERS.items():
                assert "Defaults to E(%s)." % variable in doc["suboptions"][option]["description"], option
                assert bool(entry["options"][option].get("no_log")) == no_log, option
            assert sorted(variable for variable, _no_log in PROXY_HEADERS.values()) == sorted(CONNECTION_OPTIONS[name][1])
            continue
        assert [env["name"] for env in sources[name]["env"]] == CONNECTION_OPTIONS[name][1], name
        assert "Defaults to E(%s)." % CONNECTION_OPTIONS[name][1][0] in doc["description"], name
        assert bool(entry.get("no_log")) == CONNECTION_OPTIONS[name][2], name
    assert set(ALIASES) <= set(spec)


def test_connection_params_from_a_mapping_or_a_getter():
    params = {"kubeconfig": "/k", "context": "c", "unrelated": 1}
    picked = connection_params(params)
    assert set(picked) == set(CONNECTION_OPTIONS) and picked["kubeconfig"] == "/k" and picked["host"] is None
    assert connection_params(params.get) == picked


# --- issue 23: the job environment never mixes into a task's own connection ----------------------

AWX_ENV = {"K8S_AUTH_HOST": "https://one-cluster.example.test:6443", "K8S_AUTH_API_KEY": "awx-token",
           "K8S_AUTH_SSL_CA_CERT": "/runner/ca.pem", "K8S_AUTH_VERIFY_SSL": "True"}


def _module_connection(task, env, monkeypatch):
    """What a module of the collection connects with: its argument spec validated against ``task``
    with ``env`` as the job environment (as module_defaults from ``secretops_kubernetes`` give it)."""
    for name in list(os.environ):
        if name.startswith("K8S_AUTH_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    validated = ArgumentSpecValidator(connection_argument_spec()).validate(dict(task))
    assert validated.error_messages == []
    warnings = []
    return connection_params(validated.validated_parameters, warn=warnings.append), warnings


def test_a_hosts_kubeconfig_is_not_overridden_by_the_jobs_credential(monkeypatch):
    """Before: K8S_AUTH_HOST/API_KEY of an attached AWX credential replaced every fleet host's kubeconfig."""
    params, warnings = _module_connection({"kubeconfig": "/clusters/eu-1.yml"}, AWX_ENV, monkeypatch)
    assert params["kubeconfig"] == "/clusters/eu-1.yml"
    assert params["host"] is None and params["api_key"] is None and params["ca_cert"] is None and params["validate_certs"] is None
    assert len(warnings) == 1
    assert warnings[0].startswith("the task gives its own Kubernetes connection (kubeconfig), so K8S_AUTH_HOST, K8S_AUTH_API_KEY, "
                                  "K8S_AUTH_SSL_CA_CERT, K8S_AUTH_VERIFY_SSL from the job environment are ignored")
    assert "awx-token" not in warnings[0]


def test_a_host_alone_in_the_environment_does_not_redirect_a_kubeconfig(monkeypatch):
    """Before: with K8S_AUTH_HOST alone each cluster's kubeconfig token went to that server."""
    params, warnings = _module_connection({"kubeconfig": "/clusters/eu-1.yml"}, {"K8S_AUTH_HOST": "http://127.0.0.1:9"}, monkeypatch)
    assert params["host"] is None and params["kubeconfig"] == "/clusters/eu-1.yml"
    assert ["K8S_AUTH_HOST" in warning for warning in warnings] == [True]


def test_a_task_host_is_not_given_the_environments_token(monkeypatch):
    params, warnings = _module_connection({"host": "https://eu-1.example.test:6443"}, AWX_ENV, monkeypatch)
    assert params["host"] == "https://eu-1.example.test:6443" and params["api_key"] is None
    assert "K8S_AUTH_API_KEY" in warnings[0] and "K8S_AUTH_HOST" not in warnings[0]


def test_the_environments_kubeconfig_gives_way_to_the_tasks_without_a_warning(monkeypatch):
    params, warnings = _module_connection({"kubeconfig": "/clusters/eu-1.yml"}, {"K8S_AUTH_KUBECONFIG": "/ci/kubeconfig"}, monkeypatch)
    assert params["kubeconfig"] == "/clusters/eu-1.yml" and warnings == []


def test_the_environment_alone_is_used_as_a_whole(monkeypatch):
    params, warnings = _module_connection({}, AWX_ENV, monkeypatch)
    assert (params["host"], params["api_key"], params["ca_cert"], params["validate_certs"]) == (
        "https://one-cluster.example.test:6443", "awx-token", "/runner/ca.pem", True)
    assert warnings == []
    params, warnings = _module_connection({"validate_certs": False, "request_timeout": 5}, AWX_ENV, monkeypatch)
    assert params["host"] == "https://one-cluster.example.test:6443" and params["validate_certs"] is False and warnings == []


@pytest.mark.parametrize("env, named", [
    ({"K8S_AUTH_KUBECONFIG": "/ci/kubeconfig", "K8S_AUTH_HOST": "https://other.example.test"}, "K8S_AUTH_KUBECONFIG and K8S_AUTH_HOST"),
    ({"K8S_AUTH_CONTEXT": "prod", "K8S_AUTH_HOST": "https://h.test", "K8S_AUTH_API_KEY": "t"}, "K8S_AUTH_CONTEXT and K8S_AUTH_HOST and "
                                                                                               "K8S_AUTH_API_KEY"),
])
def test_a_kubeconfig_and_a_host_or_token_both_from_the_environment_are_refused(env, named, monkeypatch):
    with pytest.raises(SecretOpsError) as caught:
        _module_connection({}, env, monkeypatch)
    assert str(caught.value).startswith("the job environment sets both %s: a kubeconfig's credentials go only to its own server" % named)
    assert "t" != str(caught.value) and "/ci/kubeconfig" not in str(caught.value)


def test_a_token_from_the_environment_without_its_host_is_refused(monkeypatch):
    with pytest.raises(SecretOpsError) as caught:
        _module_connection({}, {"K8S_AUTH_API_KEY": "awx-token"}, monkeypatch)
    assert str(caught.value).startswith("the job environment sets K8S_AUTH_API_KEY without K8S_AUTH_HOST")
    assert "awx-token" not in str(caught.value)


def test_an_option_the_task_gives_is_not_taken_for_an_earlier_validations_fallback(monkeypatch):
    _module_connection({}, {"K8S_AUTH_HOST": "https://env.example.test"}, monkeypatch)
    spec = connection_argument_spec()
    monkeypatch.setenv("K8S_AUTH_HOST", "https://env.example.test")
    validated = ArgumentSpecValidator(spec).validate({"host": "https://task.example.test", "api_key": "task-token"})
    params = connection_params(validated.validated_parameters, warn=pytest.fail)
    assert params["host"] == "https://task.example.test" and params["api_key"] == "task-token"


def test_a_lookup_names_the_environments_options_itself():
    values = {"kubeconfig": "/clusters/eu-1.yml", "host": "https://one-cluster.example.test:6443"}
    params, warnings = resolve(values, {"host": "K8S_AUTH_HOST"})
    assert params["host"] is None and params["kubeconfig"] == "/clusters/eu-1.yml" and "K8S_AUTH_HOST" in warnings[0]
    assert resolve(values, {}) == (dict(connection_params(values, from_environment={}), **values), [])


# --- issue 22: kubernetes.core's option names and environment variables --------------------------

@pytest.mark.parametrize("alias, option", [("cert_file", "client_cert"), ("key_file", "client_key"),
                                           ("ssl_ca_cert", "ca_cert"), ("verify_ssl", "validate_certs")])
def test_kubernetes_core_aliases_are_accepted(alias, option, monkeypatch):
    value = False if option == "validate_certs" else "/etc/k8s/%s.pem" % alias
    params, _warnings = _module_connection({"host": "https://k8s.example.test", alias: value}, {}, monkeypatch)
    assert params[option] == value


@pytest.mark.parametrize("variable, option, text, value", [
    ("K8S_AUTH_PROXY", "proxy", "http://proxy.example.test:3128", "http://proxy.example.test:3128"),
    ("K8S_AUTH_NO_PROXY", "no_proxy", "localhost,.cluster.local", "localhost,.cluster.local"),
    ("K8S_AUTH_IMPERSONATE_USER", "impersonate_user", "alice", "alice"),
    ("K8S_AUTH_IMPERSONATE_GROUPS", "impersonate_groups", "dev,ops", ["dev", "ops"]),
])
def test_the_new_options_come_from_kubernetes_cores_variables(variable, option, text, value, monkeypatch):
    env = dict(AWX_ENV, **{variable: text})
    params, warnings = _module_connection({}, env, monkeypatch)
    assert params[option] == value and warnings == []


def test_an_explicit_option_wins_over_its_variable(monkeypatch):
    env = dict(AWX_ENV, K8S_AUTH_IMPERSONATE_USER="env-user", K8S_AUTH_PROXY="http://env-proxy:3128")
    params, _warnings = _module_connection({"impersonate_user": "task-user", "proxy": "http://task-proxy:3128"}, env, monkeypatch)
    assert params["impersonate_user"] == "task-user" and params["proxy"] == "http://task-proxy:3128"
    assert params["host"] == AWX_ENV["K8S_AUTH_HOST"]  # the rest of the environment's connection stays


def test_the_environments_impersonation_is_not_mixed_into_a_tasks_own_connection(monkeypatch):
    """A task that names its own cluster does not act as a user the job environment names for another."""
    params, warnings = _module_connection({"kubeconfig": "/clusters/eu-1.yml"}, {"K8S_AUTH_IMPERSONATE_USER": "env-user"},
                                          monkeypatch)
    assert params["impersonate_user"] is None and "K8S_AUTH_IMPERSONATE_USER" in warnings[0]


def test_proxy_headers_come_from_kubernetes_cores_variables_for_modules_and_lookups(monkeypatch):
    env = dict(AWX_ENV, K8S_AUTH_PROXY_HEADERS_PROXY_BASIC_AUTH="user:proxy-pass", K8S_AUTH_PROXY_HEADERS_USER_AGENT="deploy/1.0")
    params, warnings = _module_connection({}, env, monkeypatch)
    assert params["proxy_headers"] == {"proxy_basic_auth": "user:proxy-pass", "basic_auth": None, "user_agent": "deploy/1.0"}
    assert warnings == []
    given = {"proxy_headers": {"user_agent": "task/2.0"}}
    assert lookup_proxy_headers(given.get, {}) == (given.get, {})
    get, sources = lookup_proxy_headers({}.get, {})
    assert get("proxy_headers") == {"proxy_basic_auth": "user:proxy-pass", "user_agent": "deploy/1.0"} and get("host") is None
    assert sources == {"proxy_headers": "K8S_AUTH_PROXY_HEADERS_PROXY_BASIC_AUTH"}
