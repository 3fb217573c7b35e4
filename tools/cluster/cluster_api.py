"""The few Kubernetes API calls the environment itself needs, over plain HTTPS with the admin client cert.

Kept to the standard library so that ``localenv.py up`` depends on nothing but ``cryptography``.
"""

import base64
import json
import ssl
import urllib.error
import urllib.request

import pki

TIMEOUT = 5


def b64_file(path):
    with open(path, "rb") as handle:
        return base64.b64encode(handle.read()).decode("ascii")


def http_json(url, context=None):
    """GET a JSON endpoint (OpenBao over HTTP, etcd over mutual TLS with ``context``); a non-2xx answer with a
    JSON body is returned too."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT, context=context) as response:
            return json.load(response)
    except urllib.error.HTTPError as exc:
        return json.load(exc)


def etcd_context(pki_dir):
    """TLS to the cluster's etcd: its own CA, and the apiserver's etcd client certificate (etcd wants one)."""
    files = pki.etcd_files(pki_dir)
    context = ssl.create_default_context(cafile=files["ca_cert"])
    context.load_cert_chain(files["client_cert"], files["client_key"])
    return context


def https_ok(url):
    """True when an HTTPS health endpoint with a self-signed certificate answers 200 "ok"."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the component's own throwaway serving cert; only liveness matters
    with urllib.request.urlopen(url, timeout=TIMEOUT, context=context) as response:
        return response.status == 200 and response.read().strip() == b"ok"


class ClusterApi:
    """Admin access to the local apiserver."""

    def __init__(self, server, pki_dir):
        self.server = server
        self.context = ssl.create_default_context(cafile=pki.path(pki_dir, "ca", "crt"))
        self.context.load_cert_chain(pki.path(pki_dir, "admin", "crt"), pki.path(pki_dir, "admin", "key"))

    def request(self, method, path, body=None):
        """Return (status, parsed JSON or text) for one API call; HTTP errors are returned, not raised."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.server + path, data=data, method=method, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT, context=self.context) as response:
                return response.status, _decode(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, _decode(exc.read())

    def readyz(self):
        status, text = self.request("GET", "/readyz")
        return status == 200 and text == "ok"

    def ensure_kwok_node(self, name, annotation):
        """Create the fake node kwok manages. It has no taint, so ordinary pods schedule onto it."""
        node = {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {
                "name": name,
                "annotations": {annotation: "fake", "node.alpha.kubernetes.io/ttl": "0"},
                "labels": {"type": "kwok", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64"},
            },
            "status": {
                "allocatable": {"cpu": "32", "memory": "256Gi", "pods": "110"},
                "capacity": {"cpu": "32", "memory": "256Gi", "pods": "110"},
            },
        }
        status, body = self.request("POST", "/api/v1/nodes", node)
        if status not in (201, 409):
            raise RuntimeError("creating node %s failed: HTTP %d %s" % (name, status, body))

    def node_schedulable(self, name):
        """True once the node reports Ready and carries no taint (the not-ready taint is gone)."""
        status, node = self.request("GET", "/api/v1/nodes/" + name)
        if status != 200:
            return False
        ready = any(c["type"] == "Ready" and c["status"] == "True" for c in node.get("status", {}).get("conditions", []))
        return ready and not node.get("spec", {}).get("taints")

    def node_ready(self, name, taints=()):
        """True once the node reports Ready and carries no taint but ``taints`` (its own, wanted ones)."""
        status, node = self.request("GET", "/api/v1/nodes/" + name)
        if status != 200:
            return False
        ready = any(c["type"] == "Ready" and c["status"] == "True" for c in node.get("status", {}).get("conditions", []))
        present = [(taint["key"], taint.get("value", ""), taint["effect"]) for taint in node.get("spec", {}).get("taints") or []]
        return ready and all(taint in taints for taint in present)

    def service_account_exists(self, namespace, name):
        status, _body = self.request("GET", "/api/v1/namespaces/%s/serviceaccounts/%s" % (namespace, name))
        return status == 200


def _decode(raw):
    text = raw.decode("utf-8", "replace")
    try:
        return json.loads(text)
    except ValueError:
        return text.strip()
