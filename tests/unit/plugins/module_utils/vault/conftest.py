"""Fixtures of the Vault client unit tests: ``fake_vault``, a scripted HTTP server standing in for Vault on loopback.

Each request is recorded (method, path, token header, body); the answer for ``(method, path)`` is the
next scripted ``(status, body, delay_seconds)``, else 200 with ``{}``.
"""

import http.server
import json
import threading
import time

import pytest


class FakeVault(object):
    def __init__(self):
        self.requests = []
        self.script = {}
        self._lock = threading.Lock()
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"null")
                with fake._lock:
                    fake.requests.append({"method": self.command, "path": self.path, "token": self.headers.get("X-Vault-Token"), "body": body})
                    queue = fake.script.get((self.command, self.path)) or []
                    status, answer, delay = queue.pop(0) if queue else (200, {}, 0)
                if delay:
                    time.sleep(delay)
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_LIST = do_HEAD = do_DELETE = do_PUT = _answer

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def answer(self, method, path, *responses):
        """Script the next answers to ``method /v1/path``: ``(status, body)`` or ``(status, body, delay)``."""
        self.script[(method, "/v1/" + path)] = [tuple(item) + (0,) * (3 - len(item)) for item in responses]

    def sent(self, method=None, path=None):
        return [entry for entry in self.requests
                if (method is None or entry["method"] == method) and (path is None or entry["path"] == "/v1/" + path)]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_vault():
    server = FakeVault()
    yield server
    server.stop()
