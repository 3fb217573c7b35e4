"""The client never sends (or shows) a bearer token an HTTP header cannot carry.

A token with CR or LF used to reach http.client, which refused it with the whole header in the
message (``Invalid header value b'Bearer <token>'``), printed past no_log. The servers here are
local stand-ins on loopback that record what they receive.
"""

import http.server
import socket
import threading

import pytest
import yaml
from kubernetes import config as k8s_config
from kubernetes.config.incluster_config import InClusterConfigLoader

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import client as client_module
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import bearer_token_problem, build_client

TOKEN = "tok3n-Body-that-must-never-show"


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen = []

    def do_GET(self):  # noqa: N802 - http.server's naming
        _Recorder.seen.append(self.headers.get("Authorization"))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def recorder():
    """An HTTP server on loopback that answers {} and records each Authorization header."""
    _Recorder.seen = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % server.server_address[1], _Recorder.seen
    server.shutdown()
    server.server_close()


@pytest.fixture
def silent_port():
    """A port that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield listener.getsockname()[1]
    listener.close()


def kubeconfig(tmp_path, user):
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "it",
        "clusters": [{"name": "it", "cluster": {"server": "https://127.0.0.1:1"}}],
        "users": [{"name": "it", "user": user}],
        "contexts": [{"name": "it", "context": {"cluster": "it", "user": "it"}}],
    }))
    return str(path)


def assert_hidden(error):
    text = str(error) + repr(error) + repr(error.details)
    assert TOKEN not in text and TOKEN[:10] not in text
    assert error.__context__ is None and error.__cause__ is None  # no traceback chains back to the text


@pytest.mark.parametrize("token, problem", [
    (TOKEN + "\n", "ends with a line break"),
    (TOKEN + "\r\n", "ends with a line break"),
    (TOKEN[:5] + "\r" + TOKEN[5:], "contains a line break"),
    (TOKEN[:5] + "\n" + TOKEN[5:], "contains a line break"),
    (TOKEN[:5] + " " + TOKEN[5:], "contains a space or a tab"),
    (TOKEN[:5] + "\x00" + TOKEN[5:], "contains a control character"),
    (TOKEN[:5] + "\u2603" + TOKEN[5:], "contains a non-ASCII character"),
])
def test_an_api_key_an_http_header_cannot_carry_is_refused_without_the_value(token, problem, silent_port):
    with pytest.raises(SecretOpsError) as caught:
        build_client({"host": "http://127.0.0.1:%d" % silent_port, "api_key": token, "request_timeout": 2})
    assert str(caught.value).startswith("api_key (K8S_AUTH_API_KEY) %s, which an HTTP Authorization header cannot carry: remove it" % problem)
    assert_hidden(caught.value)


def test_good_tokens_pass():
    for token in (TOKEN, "abcdef.0123456789abcdef", "eyJhbGciOi.eyJpc3Mi.c2ln-_+/=="):
        assert bearer_token_problem(token) is None


def test_a_token_that_slips_into_the_configuration_fails_the_request_without_the_value(silent_port):
    client = build_client({"host": "http://127.0.0.1:%d" % silent_port, "api_key": "valid", "request_timeout": 2})
    client.api_client.configuration.api_key = {"authorization": "Bearer " + TOKEN + "\n"}
    try:
        with pytest.raises(SecretOpsError) as caught:
            client.request("GET", "/api/v1/namespaces/{namespace}/secrets/{name}", path_params={"namespace": "d", "name": "s"})
    finally:
        client.close()
    assert "the request could not be built (ValueError)" in str(caught.value)
    assert_hidden(caught.value)


@pytest.mark.parametrize("user", [
    {"token": TOKEN + "\n"},
    {"token": "  " + TOKEN + "\r\n"},
    {"tokenFile": "TOKEN_FILE"},
])
def test_a_kubeconfig_token_with_surrounding_whitespace_is_trimmed_as_client_go_trims_token_files(user, tmp_path, recorder):
    if "tokenFile" in user:
        token_file = tmp_path / "token"
        token_file.write_text(TOKEN + "\n")  # what `echo "$TOKEN" > token` writes
        user = {"tokenFile": str(token_file)}
    url, seen = recorder
    # an explicit host wins over the kubeconfig's, also after the library's token refresh hook ran
    client = build_client({"kubeconfig": kubeconfig(tmp_path, user), "host": url, "request_timeout": 5})
    try:
        assert client.request("GET", "/api") == {}
        assert client.request("GET", "/api") == {}
    finally:
        client.close()
    assert seen == ["Bearer " + TOKEN] * 2


def test_a_kubeconfig_token_with_a_line_break_inside_is_refused_naming_the_kubeconfig(tmp_path):
    path = kubeconfig(tmp_path, {"token": TOKEN[:5] + "\n" + TOKEN[5:]})
    with pytest.raises(SecretOpsError) as caught:
        build_client({"kubeconfig": path})
    assert str(caught.value).startswith("the user token of kubeconfig %s contains a line break" % path)
    assert_hidden(caught.value)


def test_an_in_cluster_token_file_is_trimmed_also_when_the_library_rereads_it(tmp_path, monkeypatch, recorder):
    url, seen = recorder
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    ca_file = tmp_path / "ca.crt"
    ca_file.write_text("not used over http")
    host, port = url[len("http://"):].split(":")
    loaders = []

    def load_incluster_config(client_configuration):
        loader = InClusterConfigLoader(token_filename=str(token_file), cert_filename=str(ca_file),
                                       environ={"KUBERNETES_SERVICE_HOST": host, "KUBERNETES_SERVICE_PORT": port})
        loader.load_and_set(client_configuration)
        loader.host = client_configuration.host = url  # the library assumes https; the recorder speaks http
        loaders.append(loader)

    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(client_module, "IN_CLUSTER_TOKEN", str(token_file))
    monkeypatch.setattr(k8s_config, "load_incluster_config", load_incluster_config)
    client = build_client({})
    try:
        assert client.request("GET", "/api") == {}
        token_file.write_text(TOKEN + "-rotated\n")
        loaders[0].token_expires_at = loaders[0].token_expires_at.replace(year=2000)  # the next request re-reads the file
        assert client.request("GET", "/api") == {}
        token_file.write_text(TOKEN + "\nbroken")
        loaders[0].token_expires_at = loaders[0].token_expires_at.replace(year=2000)
        with pytest.raises(SecretOpsError) as caught:
            client.request("GET", "/api")
    finally:
        client.close()
    assert seen == ["bearer " + TOKEN, "bearer " + TOKEN + "-rotated"]
    assert str(caught.value).startswith("the service-account token in %s contains a line break" % token_file)
    assert TOKEN not in str(caught.value)


def test_an_api_key_wins_over_a_kubeconfig_token_also_after_a_refresh(tmp_path, recorder):
    url, seen = recorder
    client = build_client({"kubeconfig": kubeconfig(tmp_path, {"token": "from-kubeconfig"}), "host": url, "api_key": TOKEN})
    try:
        client.request("GET", "/api")
        client.request("GET", "/api")
    finally:
        client.close()
    assert seen == ["Bearer " + TOKEN] * 2
