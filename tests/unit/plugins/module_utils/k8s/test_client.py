"""The client never sends (or shows) a bearer token an HTTP header cannot carry, and
``K8sClient.request`` turns every API and transport failure into one ``SecretOpsError``.

A token with CR or LF used to reach http.client, which refused it with the whole header in the
message (``Invalid header value b'Bearer <token>'``), printed past no_log. The servers here are
local stand-ins on loopback that record what they receive; the error translation is tested with a
fake of urllib3's pool manager under the library's own REST client.
"""

import http.server
import io
import json
import socket
import threading

import pytest
import urllib3
import yaml
from kubernetes import config as k8s_config
from kubernetes.config.incluster_config import InClusterConfigLoader
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError, ReadTimeoutError

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import client as client_module, configuration, content_key, tokens
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import build_client, k8s_session
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.configuration import bearer_token_problem
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.secret_service import SecretService
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import service as workloads, service_accounts


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


def kubeconfig(tmp_path, user, server="https://127.0.0.1:1"):
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "it",
        "clusters": [{"name": "it", "cluster": {"server": server}}],
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
    # an explicit host (the kubeconfig's server, spelled otherwise) stays, also after the library's token refresh hook ran
    client = build_client({"kubeconfig": kubeconfig(tmp_path, user, server=url), "host": url + "/", "request_timeout": 5})
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
    monkeypatch.setattr(configuration, "IN_CLUSTER_TOKEN", str(token_file))
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


@pytest.mark.parametrize("user", [{"token": TOKEN}, {"tokenFile": "TOKEN_FILE"}], ids=["token", "tokenFile"])
def test_a_kubeconfig_token_is_never_sent_to_another_server(user, tmp_path, recorder):
    """Issue 23: host given with a kubeconfig sent the kubeconfig's token to that host."""
    if "tokenFile" in user:
        token_file = tmp_path / "token"
        token_file.write_text(TOKEN)
        user = {"tokenFile": str(token_file)}
    url, seen = recorder
    path = kubeconfig(tmp_path, user, server="https://kubeconfig-server.example.test:6443")
    with pytest.raises(SecretOpsError) as caught:
        client = build_client({"kubeconfig": path, "host": url, "request_timeout": 5})
        try:
            client.request("GET", "/api")
        finally:
            client.close()
    assert seen == []
    assert str(caught.value).startswith("host %s is not the server of kubeconfig %s (https://kubeconfig-server.example.test:6443): "
                                        "the kubeconfig's token would be sent to another server" % (url, path))
    assert_hidden(caught.value)


def test_the_same_server_spelled_otherwise_is_the_kubeconfig_server(tmp_path, recorder):
    url, seen = recorder
    client = build_client({"kubeconfig": kubeconfig(tmp_path, {"token": TOKEN}, server=url + "/"), "host": url.upper().replace("HTTP", "http")})
    try:
        client.request("GET", "/api")
    finally:
        client.close()
    assert seen == ["Bearer " + TOKEN]


# --- K8sClient.request: the one place API and transport errors become SecretOpsError -------------

HOST = "https://k8s.example.test:6443"


SECRET = "/api/v1/namespaces/{namespace}/secrets/{name}"


DB = {"namespace": "demo", "name": "db"}


def status_body(code, message):
    return json.dumps({"kind": "Status", "apiVersion": "v1", "status": "Failure", "message": message, "code": code}).encode()


class FakePool(object):
    """Stands in for urllib3's pool manager under the library's REST client: each request gets the
    next answer, ``(status, reason, body bytes)``, or raises it when it is an exception."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.seen = []

    def request(self, method, url, **kwargs):
        self.seen.append((method, url, dict((name.lower(), value) for name, value in (kwargs.get("headers") or {}).items())))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, reason, body = answer
        return urllib3.HTTPResponse(body=io.BytesIO(body), status=status, reason=reason, preload_content=False,
                                    headers={"Content-Type": "application/json"})

    def clear(self):
        """Closing the client clears the pool."""


@pytest.fixture
def fake_http():
    """A real ``K8sClient`` (api_key TOKEN) whose HTTP exchanges are answered by a ``FakePool``."""
    client = build_client({"host": HOST, "api_key": TOKEN, "request_timeout": 5})

    def answer(*answers):
        pool = FakePool(*answers)
        client.api_client.rest_client.pool_manager = pool
        return pool

    yield client, answer
    client.close()


def refused():
    pool = urllib3.HTTPSConnectionPool("k8s.example.test", 6443)
    cause = NewConnectionError(pool, "Failed to establish a new connection: [Errno 111] Connection refused")
    return MaxRetryError(pool, "/api/v1/namespaces/demo/secrets/db", reason=cause)


def read_db(client):
    with pytest.raises(SecretOpsError) as caught:
        client.request("GET", SECRET, path_params=DB, action="read Secret demo/db")
    assert_hidden(caught.value)
    return caught.value


def test_a_2xx_answer_is_the_json_body_and_carries_the_token(fake_http):
    client, answer = fake_http
    pool = answer((200, "OK", b'{"metadata": {"name": "db"}}'), (200, "OK", b""))
    assert client.request("GET", SECRET, path_params=DB) == {"metadata": {"name": "db"}}
    assert client.request("DELETE", SECRET, path_params=DB) == {}
    method, url, headers = pool.seen[0]
    assert (method, url) == ("GET", HOST + "/api/v1/namespaces/demo/secrets/db")
    assert headers["authorization"] == "Bearer " + TOKEN  # sent, so the checks below prove it is not shown


def test_404_is_translated_once_with_its_status_and_secret_service_reads_it_as_missing(fake_http):
    client, answer = fake_http
    answer((404, "Not Found", status_body(404, 'secrets "db" not found')))
    error = read_db(client)
    assert str(error) == 'cannot read Secret demo/db: secrets "db" not found (HTTP 404); it does not exist'
    assert error.details == {"status": 404}
    answer((404, "Not Found", status_body(404, 'secrets "db" not found')))
    assert SecretService(client).get("demo", "db") is None


def test_409_has_its_status_for_callers_that_retry(fake_http):
    client, answer = fake_http
    answer((409, "Conflict", status_body(409, 'Operation cannot be fulfilled on secrets "db": the object has been modified')))
    error = read_db(client)
    assert error.details["status"] == 409
    assert str(error).endswith("the object has been modified (HTTP 409); it was changed or created concurrently")


def test_missing_ok_answers_none_for_a_404_and_exists_ok_an_empty_dict_for_a_409(fake_http):
    client, answer = fake_http
    answer((404, "Not Found", status_body(404, 'secrets "db" not found')),
           (409, "Conflict", status_body(409, 'secrets "db" already exists')),
           (404, "Not Found", status_body(404, 'secrets "db" not found')),
           (409, "Conflict", status_body(409, 'secrets "db" already exists')))
    assert client.request("GET", SECRET, path_params=DB, missing_ok=True) is None
    assert client.request("POST", SECRET, path_params=DB, body={}, exists_ok=True) == {}
    # each tolerates its own status only
    with pytest.raises(SecretOpsError) as missing:
        client.request("GET", SECRET, path_params=DB, exists_ok=True)
    assert missing.value.details == {"status": 404}
    with pytest.raises(SecretOpsError) as conflict:
        client.request("POST", SECRET, path_params=DB, body={}, missing_ok=True)
    assert conflict.value.details == {"status": 409}


def test_missing_ok_and_exists_ok_leave_other_failures_raised(fake_http):
    client, answer = fake_http
    answer((403, "Forbidden", status_body(403, "forbidden")), refused())
    with pytest.raises(SecretOpsError) as forbidden:
        client.request("GET", SECRET, path_params=DB, missing_ok=True, exists_ok=True)
    assert forbidden.value.details == {"status": 403}
    with pytest.raises(SecretOpsError) as unreachable:
        client.request("GET", SECRET, path_params=DB, missing_ok=True, exists_ok=True)
    assert unreachable.value.details == {"unreachable": True}


def test_403_keeps_the_api_servers_message_and_adds_the_rbac_hint(fake_http):
    client, answer = fake_http
    message = 'secrets "db" is forbidden: User "bob" cannot get resource "secrets" in API group "" in the namespace "demo"'
    answer((403, "Forbidden", status_body(403, message)))
    error = read_db(client)
    assert str(error) == "cannot read Secret demo/db: %s (HTTP 403); the identity lacks RBAC permission for this" % message
    assert error.details == {"status": 403}


def test_500_keeps_the_message_without_a_hint(fake_http):
    client, answer = fake_http
    answer((500, "Internal Server Error", status_body(500, "etcdserver: request timed out")))
    error = read_db(client)
    assert str(error) == "cannot read Secret demo/db: etcdserver: request timed out (HTTP 500)"
    assert error.details == {"status": 500}


def test_an_error_body_without_json_gives_the_reason_not_the_body(fake_http):
    client, answer = fake_http
    answer((502, "Bad Gateway", b"<html><body>upstream said " + TOKEN.encode() + b"</body></html>"))
    error = read_db(client)
    assert str(error) == "cannot read Secret demo/db: Bad Gateway (HTTP 502)"
    assert error.details == {"status": 502}


def test_a_2xx_body_without_json_names_the_server_and_what_to_check(fake_http):
    client, answer = fake_http
    answer((200, "OK", b"<html>a login page " + TOKEN.encode() + b"</html>"))
    error = read_db(client)
    assert str(error).startswith("cannot read Secret demo/db: the Kubernetes API server at %s answered with a body that is not JSON" % HOST)


UNREACHABLE = "cannot read Secret demo/db: the Kubernetes API server at %s is unreachable (%s): check host (K8S_AUTH_HOST)"


@pytest.mark.parametrize("failure, cause", [
    (refused(), "NewConnectionError"),
    (NewConnectionError(None, "Failed to establish a new connection: [Errno 111] Connection refused"), "NewConnectionError"),
    (ProtocolError("Connection aborted.", ConnectionResetError(104, "Connection reset by peer")), "ProtocolError"),
    (ReadTimeoutError(None, "/api/v1/namespaces/demo/secrets/db", "Read timed out. (read timeout=5)"), "ReadTimeoutError"),
    (urllib3.exceptions.SSLError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"), "SSLError"),
])
def test_no_answer_is_one_wording_naming_the_server_and_the_cause(fake_http, failure, cause):
    client, answer = fake_http
    answer(failure)
    error = read_db(client)
    assert str(error).startswith(UNREACHABLE % (HOST, cause))
    assert error.details == {"unreachable": True}


def test_without_an_action_the_request_is_named_by_method_and_path(fake_http):
    client, answer = fake_http
    answer(refused())
    with pytest.raises(SecretOpsError, match="^cannot GET /api/v1/namespaces/demo/secrets/db: the Kubernetes API server at"):
        client.request("GET", SECRET, path_params=DB)


def test_every_service_reports_an_unreachable_server_in_the_one_wording(fake_http):
    client, answer = fake_http
    calls = {
        "read Secret demo/db": lambda: SecretService(client).get("demo", "db"),
        "read Deployment demo/web": lambda: workloads.read_workload(client, "demo", "Deployment", "web"),
        "list Deployments in namespace demo": lambda: workloads.find_consumers(client, "demo", ["db"]),
        "request a token for service account demo/app": lambda: tokens.request_token(client, "demo", "app"),
        "read ServiceAccount demo/app": lambda: service_accounts.ensure_identity(client, "demo", "app", create_namespace=False),
        "read Secret demo/secretops-content-key (the key of the content stamps)": lambda: content_key.namespace_key(client, "demo"),
    }
    for action, call in calls.items():
        answer(refused())
        with pytest.raises(SecretOpsError) as caught:
            call()
        assert str(caught.value).startswith("cannot %s: the Kubernetes API server at %s is unreachable (NewConnectionError): " % (action, HOST))
        assert caught.value.details == {"unreachable": True}


def test_k8s_session_closes_the_client_however_the_block_ends():
    closed = []
    with pytest.raises(SecretOpsError, match="inside"):
        with k8s_session({"host": HOST, "api_key": TOKEN}) as client:
            client.close = lambda: closed.append(True)
            raise SecretOpsError("inside")
    assert closed == [True]


def test_build_client_with_explicit_host_and_pool_size(tmp_path):
    client = build_client({"host": "https://127.0.0.1:1", "api_key": "t", "validate_certs": False, "request_timeout": 5}, pool_size=64)
    try:
        configuration = client.api_client.configuration
        assert client.host == "https://127.0.0.1:1"
        assert configuration.connection_pool_maxsize >= 64
        assert configuration.api_key == {"authorization": "Bearer t"}
        assert configuration.verify_ssl is False and client.request_timeout == 5
    finally:
        client.close()


# --- issue 22: impersonation and the context's namespace, as kubernetes.core ------------------------

class _HeaderRecorder(http.server.BaseHTTPRequestHandler):
    seen = []

    def do_GET(self):  # noqa: N802 - http.server's naming
        _HeaderRecorder.seen.append((self.headers.get_all("Impersonate-User"), self.headers.get_all("Impersonate-Group")))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def header_recorder():
    _HeaderRecorder.seen = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _HeaderRecorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % server.server_address[1], _HeaderRecorder.seen
    server.shutdown()
    server.server_close()


def test_impersonation_sends_one_header_per_group(header_recorder):
    url, seen = header_recorder
    params = {"host": url, "api_key": TOKEN, "impersonate_user": "alice", "impersonate_groups": ["dev", "ops"]}
    with k8s_session(params) as client:
        client.request("GET", "/api")
    with k8s_session({"host": url, "api_key": TOKEN}) as client:
        client.request("GET", "/api")
    assert seen == [(["alice"], ["dev", "ops"]), (None, None)]


def test_impersonation_through_the_library_sends_the_user_and_one_group(tmp_path, header_recorder):
    url, seen = header_recorder
    exec_user = {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": "true"}}
    params = {"kubeconfig": kubeconfig(tmp_path, exec_user, server=url), "api_key": TOKEN, "impersonate_user": "alice",
              "impersonate_groups": ["dev"]}
    with k8s_session(params) as client:
        assert not isinstance(client.api_client, client_module.transport.NativeApiClient)
        client.request("GET", "/api")
    assert seen == [(["alice"], ["dev"])]
    with pytest.raises(SecretOpsError, match="more than one group"):
        build_client(dict(params, impersonate_groups=["dev", "ops"]))


def test_groups_without_a_user_are_refused_before_anything_is_sent():
    with pytest.raises(SecretOpsError, match="impersonate_groups needs impersonate_user"):
        build_client({"host": "https://127.0.0.1:1", "api_key": TOKEN, "impersonate_groups": ["dev"]})


def test_the_context_namespace_is_the_kubeconfigs_and_none_for_an_explicit_host(tmp_path, monkeypatch):
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "it",
        "clusters": [{"name": "it", "cluster": {"server": "https://127.0.0.1:1"}}],
        "users": [{"name": "it", "user": {"token": TOKEN}}],
        "contexts": [{"name": "it", "context": {"cluster": "it", "user": "it", "namespace": "team-a"}},
                     {"name": "bare", "context": {"cluster": "it", "user": "it"}}],
    }))
    assert configuration.context_namespace({"kubeconfig": str(path)}) == "team-a"
    assert configuration.context_namespace({"kubeconfig": str(path), "context": "bare"}) is None
    monkeypatch.setenv("KUBECONFIG", str(path))
    assert configuration.context_namespace({}) == "team-a"
    assert configuration.context_namespace({"host": "https://127.0.0.1:1", "api_key": TOKEN}) is None


def test_the_namespace_defaults_to_the_kubeconfig_contexts_and_an_explicit_one_wins(monkeypatch):
    monkeypatch.setattr(configuration, "context_namespace", lambda connection: "team-a")
    assert configuration.namespace_or_default(None, {}) == "team-a"
    assert configuration.namespace_or_default("demo", {}) == "demo"
    monkeypatch.setattr(configuration, "context_namespace", lambda connection: None)
    with pytest.raises(SecretOpsError, match="namespace is required"):
        configuration.namespace_or_default(None, {})
