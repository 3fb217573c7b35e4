"""AWX's built-in Kubernetes credential ("OpenShift or Kubernetes API Bearer Token") works with the
collection: every K8S_AUTH_* variable it injects is read, and the client is built from them alone."""

import os

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import build_client
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.connection import (
    CONNECTION_OPTIONS, connection_argument_spec, connection_params,
)

from .awx_rules import kubernetes_bearer_token

HOST = "https://k8s.example.test:6443"
TOKEN = "eyJhbGciOiJSUzI1NiJ9.awx-job.signature"
CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
ENV_TO_OPTION = dict((env, name) for name, (_type, envs, _no_log, _default) in CONNECTION_OPTIONS.items() for env in envs)


def _params(env, monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith("K8S_AUTH_"):
            monkeypatch.delenv(name)
    # A kubeconfig that does not exist: loading any kubeconfig would fail the test.
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "no-such-kubeconfig"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    validated = ArgumentSpecValidator(connection_argument_spec()).validate({})
    assert validated.error_messages == []
    return connection_params(validated.validated_parameters), validated._no_log_values


@pytest.mark.parametrize("inputs", [
    {"host": HOST, "bearer_token": TOKEN, "verify_ssl": True, "ssl_ca_cert": CA},
    {"host": HOST, "bearer_token": TOKEN, "verify_ssl": False},
], ids=["verified", "unverified"])
def test_every_injected_variable_is_honoured(inputs, monkeypatch, tmp_path):
    env = kubernetes_bearer_token(inputs, str(tmp_path))
    for name in env:
        assert name in ENV_TO_OPTION, "AWX injects %s, which no plugin reads" % name
    params, no_log_values = _params(env, monkeypatch, tmp_path)
    assert params["host"] == HOST and params["api_key"] == TOKEN and TOKEN in no_log_values
    assert params["validate_certs"] is inputs["verify_ssl"]
    configuration = build_client(params).api_client.configuration
    assert configuration.host == HOST
    assert configuration.api_key["authorization"] == "Bearer " + TOKEN
    assert configuration.verify_ssl is inputs["verify_ssl"]
    if inputs["verify_ssl"]:
        with open(configuration.ssl_ca_cert) as handle:
            assert handle.read() == CA
    else:
        assert params["ca_cert"] is None


def test_the_injected_set_is_what_awx_sends(tmp_path):
    assert set(kubernetes_bearer_token({"host": HOST, "bearer_token": TOKEN, "verify_ssl": True, "ssl_ca_cert": CA}, str(tmp_path))) == {
        "K8S_AUTH_HOST", "K8S_AUTH_API_KEY", "K8S_AUTH_VERIFY_SSL", "K8S_AUTH_SSL_CA_CERT"}
