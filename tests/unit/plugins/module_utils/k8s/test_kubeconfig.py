"""The kubeconfig reader handles the common cases itself and leaves everything else to the library
(``resolve`` returns None), so no user loses a capability and a broken file keeps the library's message."""

import os

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import kubeconfig


def document(current="main", clusters=None, users=None, contexts=None):
    return {
        "apiVersion": "v1", "kind": "Config", "current-context": current,
        "clusters": [{"name": name, "cluster": cluster} for name, cluster in (clusters or {}).items()],
        "users": [{"name": name, "user": user} for name, user in (users or {}).items()],
        "contexts": [{"name": name, "context": context} for name, context in (contexts or {}).items()],
    }


MAIN = document(
    clusters={"main": {"server": "https://k8s.example.test:6443/", "certificate-authority": "ca.crt"}},
    users={"admin": {"client-certificate": "admin.crt", "client-key": "/abs/admin.key"}},
    contexts={"main": {"cluster": "main", "user": "admin", "namespace": "demo"}},
)


def resolve(*documents, **kwargs):
    return kubeconfig.resolve(kubeconfig.merge(list(documents)), kwargs.get("context"))


def test_a_client_certificate_context_with_paths_relative_to_its_file():
    settings = resolve(("/etc/kube", MAIN))
    assert settings == {
        "host": "https://k8s.example.test:6443", "token": None, "token_file": None,
        "ca_file": "/etc/kube/ca.crt", "ca_data": None, "cert_file": "/etc/kube/admin.crt", "cert_data": None,
        "key_file": "/abs/admin.key", "key_data": None, "verify_ssl": True,
    }


def test_token_data_and_insecure_skip_tls_verify():
    doc = document(clusters={"c": {"server": "https://h:1", "certificate-authority-data": "Q0E=", "insecure-skip-tls-verify": True}},
                   users={"u": {"token": "abc", "client-certificate-data": "Q0VSVA==", "client-key-data": "S0VZ"}},
                   contexts={"main": {"cluster": "c", "user": "u"}})
    settings = resolve(("/d", doc))
    assert settings["token"] == "abc" and settings["verify_ssl"] is False
    assert (settings["ca_data"], settings["cert_data"], settings["key_data"]) == ("Q0E=", "Q0VSVA==", "S0VZ")


def test_a_token_file_is_resolved_against_the_kubeconfig_directory():
    doc = document(clusters={"c": {"server": "https://h:1"}}, users={"u": {"tokenFile": "token"}}, contexts={"main": {"cluster": "c", "user": "u"}})
    assert resolve(("/home/me/.kube", doc))["token_file"] == "/home/me/.kube/token"


def test_several_files_merge_as_client_go_first_file_wins_per_name_and_for_current_context():
    first = document(current="", clusters={"main": {"server": "https://first:1"}}, users={}, contexts={})
    second = document(current="main",
                      clusters={"main": {"server": "https://second:1"}, "other": {"server": "https://other:1"}},
                      users={"admin": {"token": "second"}},
                      contexts={"main": {"cluster": "main", "user": "admin"}, "o": {"cluster": "other", "user": "admin"}})
    third = document(current="o", users={"admin": {"token": "third"}})
    settings = resolve(("/a", first), ("/b", second), ("/c", third))
    assert (settings["host"], settings["token"]) == ("https://first:1", "second")
    assert resolve(("/a", first), ("/b", second), ("/c", third), context="o")["host"] == "https://other:1"


def test_an_explicit_context_wins_over_current_context():
    doc = document(clusters={"a": {"server": "https://a:1"}, "b": {"server": "https://b:1"}},
                   contexts={"main": {"cluster": "a"}, "other": {"cluster": "b"}})
    assert resolve(("/d", doc))["host"] == "https://a:1"
    assert resolve(("/d", doc), context="other")["host"] == "https://b:1"


@pytest.mark.parametrize("user", [
    {"exec": {"command": "aws", "apiVersion": "client.authentication.k8s.io/v1beta1"}},
    {"auth-provider": {"name": "oidc"}},
    {"username": "u", "password": "p"},
    {"token": "t", "as": "someone"},
    {"token": "t", "tokenFile": "f"},
    {"client-key": "k", "client-key-data": "S0VZ"},
    {"token": ["not", "a", "string"]},
    {"client-certificate-data": "not base64!", "client-key-data": "S0VZ"},
], ids=["exec", "auth-provider", "basic-auth", "impersonation", "token-and-token-file", "key-file-and-data", "bad-token", "bad-base64"])
def test_users_this_reader_does_not_handle_go_to_the_library(user):
    doc = document(clusters={"c": {"server": "https://h:1"}}, users={"u": user}, contexts={"main": {"cluster": "c", "user": "u"}})
    assert resolve(("/d", doc)) is None


@pytest.mark.parametrize("doc", [
    document(clusters={"c": {"server": "https://h:1", "proxy-url": "http://proxy:3128"}}, contexts={"main": {"cluster": "c"}}),
    document(clusters={"c": {"server": "https://h:1", "tls-server-name": "k8s"}}, contexts={"main": {"cluster": "c"}}),
    document(clusters={"c": {"server": "https://h:1", "insecure-skip-tls-verify": "yes"}}, contexts={"main": {"cluster": "c"}}),
    document(clusters={"c": {"server": "https://h:1"}}, contexts={"other": {"cluster": "c"}}),
    document(clusters={"c": {"server": "https://h:1"}}, contexts={"main": {"cluster": "missing"}}),
    document(clusters={"c": {"server": "https://h:1"}}, contexts={"main": {"cluster": "c", "user": "missing"}}),
    document(clusters={"c": {}}, contexts={"main": {"cluster": "c"}}),
    {"clusters": "not a list"},
    ["not", "a", "mapping"],
], ids=["proxy-url", "tls-server-name", "insecure-not-bool", "no-current-context", "unknown-cluster", "unknown-user", "no-server",
        "clusters-not-a-list", "not-a-mapping"])
def test_clusters_and_files_this_reader_does_not_handle_go_to_the_library(doc):
    assert resolve(("/d", doc)) is None


def test_an_empty_file_in_the_list_is_skipped():
    assert resolve(("/e", None), ("/etc/kube", MAIN))["host"] == "https://k8s.example.test:6443"


def test_kubeconfig_paths_split_the_option_or_kubeconfig_and_default_to_the_home_file():
    sep = os.pathsep
    assert kubeconfig.kubeconfig_paths("/a%s%s/b" % (sep, sep), {"KUBECONFIG": "/x"}, "/home/me") == ["/a", "/b"]
    assert kubeconfig.kubeconfig_paths(None, {"KUBECONFIG": "/x%s/y" % sep}, "/home/me") == ["/x", "/y"]
    assert kubeconfig.kubeconfig_paths(None, {}, "/home/me") == ["/home/me/.kube/config"]


def test_in_cluster_needs_the_service_host_port_token_and_ca():
    environ = {"KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"}
    settings = kubeconfig.in_cluster(environ, "/sa/token", "/sa/ca.crt", lambda path: True)
    assert (settings["host"], settings["token_file"], settings["ca_file"]) == ("https://10.0.0.1:443", "/sa/token", "/sa/ca.crt")
    assert kubeconfig.in_cluster(dict(environ, KUBERNETES_SERVICE_HOST="fd00::1"), "/t", "/c", lambda path: True)["host"] == "https://[fd00::1]:443"
    assert kubeconfig.in_cluster({"KUBERNETES_SERVICE_HOST": "10.0.0.1"}, "/t", "/c", lambda path: True) is None
    assert kubeconfig.in_cluster(environ, "/t", "/c", lambda path: path != "/c") is None


@pytest.mark.parametrize("url, other, same", [
    ("https://k8s.example.test:6443", "https://K8S.example.test:6443/", True),
    ("https://k8s.example.test", "https://k8s.example.test:443", True),
    ("https://k8s.example.test:6443", "http://k8s.example.test:6443", False),
    ("https://k8s.example.test:6443", "https://k8s.example.test:6444", False),
    ("https://k8s.example.test:6443", "https://evil.example.test:6443", False),
    ("https://k8s.example.test:6443/proxy", "https://k8s.example.test:6443", False),
    ("https://k8s.example.test:notaport", "https://k8s.example.test:notaport", False),
    ("", "", False),
    (None, "https://k8s.example.test", False),
])
def test_same_server_compares_scheme_host_port_and_path(url, other, same):
    assert kubeconfig.same_server(url, other) is same


def test_the_namespace_of_the_context_in_use():
    merged = kubeconfig.merge([("/etc/kube", MAIN), ("/etc/kube", document(contexts={"bare": {"cluster": "main"}}))])
    assert kubeconfig.context_namespace(merged) == "demo"
    assert kubeconfig.context_namespace(merged, "bare") is None
    assert kubeconfig.context_namespace(merged, "unknown") is None
    assert kubeconfig.context_namespace(None) is None
