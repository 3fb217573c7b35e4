"""k8s/configuration.py: where a connection comes from, the token checks and the impersonation headers,
decided before anything is sent (the requests themselves are test_client.py's and test_transport.py's)."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import configuration


@pytest.fixture
def no_kubeconfig(tmp_path, monkeypatch):
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(configuration, "IN_CLUSTER_TOKEN", str(tmp_path / "no-token"))


def test_an_explicit_host_needs_no_configuration_and_nothing_at_all_is_an_error(no_kubeconfig):
    assert configuration._configuration_source({"host": "https://k8s.example.test:6443"}) == (None, None)
    with pytest.raises(SecretOpsError, match="no Kubernetes connection found"):
        configuration._configuration_source({})


def test_a_named_kubeconfig_must_exist_and_names_the_token_source(no_kubeconfig, tmp_path):
    with pytest.raises(SecretOpsError, match="kubeconfig .*missing.yaml does not exist"):
        configuration._configuration_source({"kubeconfig": str(tmp_path / "missing.yaml")})
    path = tmp_path / "config"
    path.write_text("{}")
    assert configuration._configuration_source({"kubeconfig": str(path)}) == ("kubeconfig", "the user token of kubeconfig %s" % path)


def test_the_pods_token_is_the_last_resort(no_kubeconfig, tmp_path, monkeypatch):
    token = tmp_path / "token"
    token.write_text("t")
    monkeypatch.setattr(configuration, "IN_CLUSTER_TOKEN", str(token))
    assert configuration._configuration_source({}) == ("in-cluster", "the service-account token in %s" % token)


@pytest.mark.parametrize("token, problem", [
    ("", "is empty"), ("abc\n", "ends with a line break"), ("a\nb", "contains a line break"), ("a b", "contains a space or a tab"),
    ("a\x01b", "contains a control character"), ("a\u00e9b", "contains a non-ASCII character"), ("header.payload.sig", None),
])
def test_a_token_an_http_header_cannot_carry_is_refused_without_showing_it(token, problem):
    assert configuration.bearer_token_problem(token) == problem
    if problem:
        with pytest.raises(SecretOpsError) as refused:
            configuration.check_bearer_token(token, "api_key (K8S_AUTH_API_KEY)")
        assert problem in str(refused.value) and (not token.strip() or token.strip() not in str(refused.value))


def test_impersonation_headers_one_group_each_and_groups_need_a_user():
    assert configuration.impersonation_headers({"impersonate_user": "alice", "impersonate_groups": ["dev", "", "ops"]}) == [
        ("Impersonate-User", "alice"), ("Impersonate-Group", "dev"), ("Impersonate-Group", "ops")]
    assert configuration.impersonation_headers({}) == []
    with pytest.raises(SecretOpsError, match="impersonate_groups needs impersonate_user"):
        configuration.impersonation_headers({"impersonate_groups": ["dev"]})
    with pytest.raises(SecretOpsError, match="more than one group cannot be sent through the kubernetes library"):
        configuration.impersonation_headers({"impersonate_user": "alice", "impersonate_groups": ["dev", "ops"]}, library=True)
