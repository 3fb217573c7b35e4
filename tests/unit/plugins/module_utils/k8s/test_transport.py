"""The urllib3 transport under ``K8sClient``, against a local HTTPS server that checks client
certificates: kubeconfig certificate data, in-cluster tokens that rotate, TLS verification, proxies
from the environment, request encoding, the lazy ``kubernetes`` fallback and its install hint."""

import base64
import datetime
import http.server
import ipaddress
import json
import os
import ssl
import stat
import subprocess
import sys
import threading

import pytest
import urllib3
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import client as client_module, configuration, transport
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import build_client

TOKEN = "tok3n-Body-that-must-never-show"


def _certificate(subject, issuer_name, issuer_key, key, ca=False, server=False):
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
               .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_name)]))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if server:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    elif not ca:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def _key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption())


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    directory = tmp_path_factory.mktemp("pki")
    ca_key, server_key, client_key = (ec.generate_private_key(ec.SECP256R1()) for _role in range(3))
    files = {
        "ca.crt": _certificate("test-ca", "test-ca", ca_key, ca_key, ca=True),
        "server.crt": _certificate("127.0.0.1", "test-ca", ca_key, server_key, server=True),
        "server.key": _key_pem(server_key),
        "client.crt": _certificate("it-admin", "test-ca", ca_key, client_key),
        "client.key": _key_pem(client_key),
    }
    for name, data in files.items():
        (directory / name).write_bytes(data)
    return directory


class _Handler(http.server.BaseHTTPRequestHandler):
    seen = []

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        peer = self.connection.getpeercert()
        subject = dict(item[0] for item in peer["subject"]) if peer else {}
        _Handler.seen.append({"method": self.command, "path": self.path, "authorization": self.headers.get("Authorization"),
                              "content_type": self.headers.get("Content-Type"), "client": subject.get("commonName"),
                              "body": self.rfile.read(length) if length else None})
        status, payload = (404, {"kind": "Status", "message": "not here"}) if self.path.startswith("/missing") else (200, {"kind": "Ok"})
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_PATCH = do_POST = _answer  # noqa: N815 - http.server's naming

    def log_message(self, *args):
        pass


@pytest.fixture
def https_server(pki):
    """An HTTPS server on loopback (certificate by the test CA) that records each request and the client certificate's CN."""
    _Handler.seen = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(pki / "server.crt"), str(pki / "server.key"))
    context.load_verify_locations(str(pki / "ca.crt"))
    context.verify_mode = ssl.CERT_OPTIONAL
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "https://127.0.0.1:%d" % server.server_address[1], _Handler.seen
    server.shutdown()
    server.server_close()


def _b64(path):
    return base64.b64encode(path.read_bytes()).decode()


def write_kubeconfig(path, server, cluster, user):
    path.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "it",
        "clusters": [{"name": "it", "cluster": dict(cluster, server=server)}],
        "users": [{"name": "it", "user": user}],
        "contexts": [{"name": "it", "context": {"cluster": "it", "user": "it"}}],
    }))
    return str(path)


def test_a_kubeconfig_with_certificate_data_authenticates_with_the_client_certificate(pki, https_server, tmp_path):
    url, seen = https_server
    path = write_kubeconfig(tmp_path / "config", url, {"certificate-authority-data": _b64(pki / "ca.crt")},
                            {"client-certificate-data": _b64(pki / "client.crt"), "client-key-data": _b64(pki / "client.key")})
    client = build_client({"kubeconfig": path})
    try:
        assert isinstance(client.api_client, transport.NativeApiClient)
        assert client.request("GET", "/api/v1/namespaces/{namespace}/secrets", path_params={"namespace": "demo"}) == {"kind": "Ok"}
        private = os.path.dirname(client.ca_cert_path)
        with open(client.ca_cert_path, "rb") as handle:
            assert handle.read() == (pki / "ca.crt").read_bytes()  # callers read the CA through this path
        assert stat.S_IMODE(os.stat(private).st_mode) == 0o700
        assert all(stat.S_IMODE(os.stat(os.path.join(private, name)).st_mode) == 0o600 for name in os.listdir(private))
    finally:
        client.close()
    assert not os.path.exists(private)  # the key written for urllib3 is gone with the client
    assert seen[0]["client"] == "it-admin" and seen[0]["authorization"] is None


def test_certificate_files_relative_to_the_kubeconfig_and_a_token(pki, https_server, tmp_path):
    url, seen = https_server
    for name in ("ca.crt", "client.crt", "client.key"):
        (tmp_path / name).write_bytes((pki / name).read_bytes())
    path = write_kubeconfig(tmp_path / "config", url, {"certificate-authority": "ca.crt"},
                            {"client-certificate": "client.crt", "client-key": "client.key", "token": TOKEN + "\n"})
    with client_module.k8s_session({"kubeconfig": path}) as client:
        client.request("GET", "/api")
    assert (seen[0]["client"], seen[0]["authorization"]) == ("it-admin", "Bearer " + TOKEN)


def test_several_kubeconfig_files_first_wins(pki, https_server, tmp_path, monkeypatch):
    url, seen = https_server
    first = write_kubeconfig(tmp_path / "first", url, {"certificate-authority": str(pki / "ca.crt")}, {"token": "first"})
    second = write_kubeconfig(tmp_path / "second", "https://127.0.0.1:1", {}, {"token": "second"})
    monkeypatch.setenv("KUBECONFIG", os.pathsep.join([str(tmp_path / "absent"), first, second]))
    with client_module.k8s_session({}) as client:
        client.request("GET", "/api")
    assert seen[0]["authorization"] == "Bearer first"


def test_the_server_certificate_is_verified_unless_the_kubeconfig_says_insecure(https_server, tmp_path):
    url, seen = https_server
    path = write_kubeconfig(tmp_path / "config", url, {}, {"token": TOKEN})
    with client_module.k8s_session({"kubeconfig": path, "request_timeout": 5}) as client:
        with pytest.raises(SecretOpsError) as caught:
            client.request("GET", "/api", action="read the API")
    assert str(caught.value).startswith("cannot read the API: the Kubernetes API server at %s is unreachable (SSLError)" % url)
    assert caught.value.details == {"unreachable": True} and TOKEN not in str(caught.value)
    path = write_kubeconfig(tmp_path / "config", url, {"insecure-skip-tls-verify": True}, {"token": TOKEN})
    with client_module.k8s_session({"kubeconfig": path}) as client:
        assert client.request("GET", "/api") == {"kind": "Ok"}
    assert len(seen) == 1


def test_in_cluster_token_is_read_again_when_it_rotates_and_checked_each_time(pki, https_server, tmp_path, monkeypatch):
    url, seen = https_server
    service_account = tmp_path / "serviceaccount"
    service_account.mkdir()
    token_file = service_account / "token"
    token_file.write_text(TOKEN + "\n")
    (service_account / "ca.crt").write_bytes((pki / "ca.crt").read_bytes())
    host, port = url[len("https://"):].split(":")
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", host)
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", port)
    monkeypatch.setattr(configuration, "IN_CLUSTER_TOKEN", str(token_file))
    with client_module.k8s_session({}) as client:
        assert isinstance(client.api_client, transport.NativeApiClient)
        client.request("GET", "/api")
        token_file.write_text(TOKEN + "-rotated\n")
        os.utime(str(token_file), ns=(1, 1))  # a new stamp even within the file system's time granularity
        client.request("GET", "/api")
        token_file.write_text(TOKEN + "\r\nbroken")
        with pytest.raises(SecretOpsError) as caught:
            client.request("GET", "/api")
    assert [request["authorization"] for request in seen] == ["Bearer " + TOKEN, "Bearer " + TOKEN + "-rotated"]
    assert str(caught.value).startswith("the service-account token in %s contains a line break" % token_file)
    assert TOKEN not in str(caught.value)


def test_a_missing_token_file_is_named_without_a_traceback(tmp_path):
    path = write_kubeconfig(tmp_path / "config", "https://127.0.0.1:1", {}, {"tokenFile": "absent"})
    with pytest.raises(SecretOpsError, match="^cannot read the user token of kubeconfig %s: No such file or directory$" % path):
        build_client({"kubeconfig": path})


def test_path_query_and_body_are_encoded_as_the_library_encoded_them(pki, https_server):
    url, seen = https_server
    with client_module.k8s_session({"host": url, "api_key": TOKEN, "ca_cert": str(pki / "ca.crt")}) as client:
        client.request("PATCH", "/api/v1/namespaces/{namespace}/secrets/{name}", path_params={"namespace": "demo", "name": "a/b c"},
                       query={"fieldManager": "secretops", "force": True}, body={"data": {"k": "dg=="}}, content_type="application/apply-patch+yaml")
        with pytest.raises(SecretOpsError) as caught:
            client.request("GET", "/missing", action="read the missing thing")
    assert seen[0]["path"] == "/api/v1/namespaces/demo/secrets/a%2Fb%20c?fieldManager=secretops&force=true"
    assert (seen[0]["content_type"], json.loads(seen[0]["body"])) == ("application/apply-patch+yaml", {"data": {"k": "dg=="}})
    assert str(caught.value) == "cannot read the missing thing: not here (HTTP 404); it does not exist"


@pytest.mark.parametrize("environ, expected", [
    ({"HTTPS_PROXY": "http://proxy:3128"}, "http://proxy:3128"),
    ({"https_proxy": "http://lower:3128", "HTTPS_PROXY": "http://upper:3128"}, "http://lower:3128"),
    ({"ALL_PROXY": "http://all:3128"}, "http://all:3128"),
    ({"HTTP_PROXY": "http://plain:3128"}, None),
    ({"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "example.test"}, None),
    ({"HTTPS_PROXY": "http://proxy:3128", "no_proxy": ".example.test"}, None),
    ({"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "k8s.example.test:6443"}, None),
    ({"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "*"}, None),
    ({"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "other.test,10.0.0.0/8"}, "http://proxy:3128"),
])
def test_the_proxy_comes_from_the_environment_as_the_library_took_it(environ, expected):
    assert transport.proxy_for("https://k8s.example.test:6443", environ) == expected


def test_no_proxy_matches_an_ip_network():
    assert transport.proxy_for("https://10.1.2.3:6443", {"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "10.0.0.0/8"}) is None


def test_a_proxy_in_the_environment_is_used(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.test:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("https_proxy", raising=False)
    with client_module.k8s_session({"host": "https://k8s.example.test:6443", "api_key": "t"}, pool_size=40) as client:
        manager = client.api_client.rest_client.pool_manager
        assert isinstance(manager, urllib3.ProxyManager) and manager.proxy.host == "proxy.example.test"
        assert manager.connection_pool_kw["maxsize"] == 40


def test_an_exec_user_goes_through_the_library(tmp_path):
    path = write_kubeconfig(tmp_path / "config", "https://127.0.0.1:1", {},
                            {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": "true", "interactiveMode": "Never"}})
    client = build_client({"kubeconfig": path, "host": "https://127.0.0.1:2"})
    try:
        assert not isinstance(client.api_client, transport.NativeApiClient)
        assert client.host == "https://127.0.0.1:2"
    finally:
        client.close()


def test_without_the_library_such_a_user_is_told_what_to_install(tmp_path, monkeypatch):
    path = write_kubeconfig(tmp_path / "config", "https://127.0.0.1:1", {}, {"auth-provider": {"name": "oidc"}})
    monkeypatch.setitem(sys.modules, "kubernetes", None)  # import kubernetes now raises ImportError
    with pytest.raises(SecretOpsError, match="^the Python library 'kubernetes' is required .* pip install kubernetes"):
        build_client({"kubeconfig": path})
    build_client({"host": "https://127.0.0.1:1", "api_key": "t"}).close()  # the common connections do not need it


def test_the_common_connections_do_not_import_the_kubernetes_library(pki, tmp_path):
    path = write_kubeconfig(tmp_path / "config", "https://127.0.0.1:1", {"certificate-authority": str(pki / "ca.crt")}, {"token": "t"})
    code = ("import sys; from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import build_client; "
            "build_client({'kubeconfig': %r}).close(); print(sorted(m for m in sys.modules if m.split('.')[0] == 'kubernetes'))" % path)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert done.stdout.strip() == "[]"


def test_the_proxy_options_win_over_the_environment():
    environ = {"HTTPS_PROXY": "http://env-proxy:3128", "NO_PROXY": "k8s.example.test"}
    assert transport.proxy_for("https://k8s.example.test:6443", environ, proxy="http://opt:3128") is None  # NO_PROXY still matches
    assert transport.proxy_for("https://k8s.example.test:6443", environ, proxy="http://opt:3128", no_proxy="") == "http://opt:3128"
    assert transport.proxy_for("https://k8s.example.test:6443", {}, proxy="http://opt:3128", no_proxy=".example.test") is None
    assert transport.proxy_for("https://k8s.example.test:6443", environ, no_proxy="other.test") == "http://env-proxy:3128"


def test_the_proxy_option_is_used(monkeypatch):
    for name in ("HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    params = {"host": "https://k8s.example.test:6443", "api_key": "t", "proxy": "http://proxy.example.test:3128"}
    with client_module.k8s_session(params) as client:
        manager = client.api_client.rest_client.pool_manager
        assert isinstance(manager, urllib3.ProxyManager) and manager.proxy.host == "proxy.example.test"
    with client_module.k8s_session(dict(params, no_proxy="k8s.example.test")) as client:
        assert not isinstance(client.api_client.rest_client.pool_manager, urllib3.ProxyManager)


def test_proxy_headers_go_to_the_proxy_as_kubernetes_core_makes_them(monkeypatch):
    for name in ("HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    params = {"host": "https://k8s.example.test:6443", "api_key": "t", "proxy": "http://proxy.example.test:3128",
              "proxy_headers": {"proxy_basic_auth": "user:pass", "basic_auth": None, "user_agent": "deploy/1.0"}}
    with client_module.k8s_session(params) as client:
        headers = client.api_client.rest_client.pool_manager.proxy_headers
    assert headers == urllib3.make_headers(proxy_basic_auth="user:pass", user_agent="deploy/1.0")
    assert transport.proxy_header_map({"basic_auth": None}) is None
