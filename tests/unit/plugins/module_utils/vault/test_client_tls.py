"""build_client's TLS options reach the requests hvac sends: validate_certs, ca_cert, client_cert/client_key.

hvac replaces a ``verify`` (and a ``cert``) argument with the session's own when the session sets one,
and a new ``requests.Session`` always has ``verify=True``: the options must be set on the session.
"""

import http.server
import ssl
import subprocess
import threading

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import build_client


def _self_signed(directory, name):
    cert, key = directory / (name + ".crt"), directory / (name + ".key")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + name,
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return str(cert), str(key)


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        peer = self.connection.getpeercert()
        body = b'{"data": {"client_cert": %s}}' % (b"true" if peer else b"false")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def tls_server(tmp_path):
    """An HTTPS server on 127.0.0.1 with a certificate of a private CA (itself); it asks for a client cert."""
    server_cert, server_key = _self_signed(tmp_path, "server")
    client_cert, client_key = _self_signed(tmp_path, "client")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(server_cert, server_key)
    context.verify_mode = ssl.CERT_OPTIONAL
    context.load_verify_locations(client_cert)
    server = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": "https://127.0.0.1:%d" % server.server_address[1], "ca_cert": server_cert,
           "client_cert": client_cert, "client_key": client_key}
    server.shutdown()
    server.server_close()


def _get(params):
    client = build_client(dict(params, retries=0, timeout=5))
    try:
        return client.request("GET", "sys/health")["data"]
    finally:
        client.close()


def test_a_private_ca_fails_the_check_by_default(tls_server):
    with pytest.raises(SecretOpsError) as error:
        _get({"url": tls_server["url"]})
    assert "SSLError" in str(error.value)


def test_validate_certs_false_skips_the_check(tls_server):
    assert _get({"url": tls_server["url"], "validate_certs": False}) == {"client_cert": False}


def test_ca_cert_trusts_the_private_ca(tls_server):
    assert _get({"url": tls_server["url"], "ca_cert": tls_server["ca_cert"]}) == {"client_cert": False}


def test_ca_cert_is_ignored_when_validate_certs_is_false(tls_server, tmp_path):
    other_ca, _key = _self_signed(tmp_path, "other")
    assert _get({"url": tls_server["url"], "ca_cert": other_ca, "validate_certs": False}) == {"client_cert": False}


def test_client_cert_and_key_are_presented(tls_server):
    params = {"url": tls_server["url"], "ca_cert": tls_server["ca_cert"],
              "client_cert": tls_server["client_cert"], "client_key": tls_server["client_key"]}
    assert _get(params) == {"client_cert": True}
