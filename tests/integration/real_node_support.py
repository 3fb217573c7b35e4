"""Pods of the consumer app (tools/cluster/consumer) on the local environment's real node, and what
tests read back from them: its counters, and the keyed digests it reports of what it read.

The consumer reports, per source (``env``, ``volume``, ``args``), HMAC-SHA256 over
``"<name>=<hex sha256 of value>\\n"`` for every name in order, keyed by ``DIGEST_KEY``; ``digest``
computes the same from a Secret's data, so a test compares without any value leaving the pod.
"""

import hashlib
import hmac
import json
import secrets
import socket
import ssl
import threading
import time
import urllib.request

from cryptography import x509
from kubernetes import client as k8s_client

COUNTERS_PORT = 8080
HTTPS_PORT = 8443
ENV_PREFIX = "SECRET_"
VOLUME_PATH = "/secret"


def digest(key, values):
    """The consumer's digest of ``values`` (name -> bytes or str)."""
    text = "".join("%s=%s\n" % (name, hashlib.sha256(_bytes(values[name])).hexdigest()) for name in sorted(values))
    return hmac.new(_bytes(key), text.encode(), hashlib.sha256).hexdigest()


def _bytes(value):
    return value.encode() if isinstance(value, str) else value


def new_digest_key():
    return secrets.token_hex(16)


def consumer_pod(name, node, secret_name, keys, digest_key, env=True, volume=True, args=True, tls=False, postgres=None,
                 db_credentials="volume", labels=None):
    """A Pod manifest of the consumer on the real node, reading ``keys`` of ``secret_name`` through the
    chosen ways; ``postgres`` (env.json's description) makes it log in every 200 ms with ``username``
    and ``password`` from ``db_credentials`` (volume, env or args), ready only while that works."""
    container_args = ["--interval=200ms"]
    container_env = [{"name": "DIGEST_KEY", "value": digest_key}]
    if env or args:
        container_env += [{"name": ENV_PREFIX + key, "valueFrom": {"secretKeyRef": {"name": secret_name, "key": key}}} for key in keys]
    if env:
        container_args.append("--env-prefix=" + ENV_PREFIX)
    if args:
        for key in keys:
            container_args += ["--arg", "%s=$(%s%s)" % (key, ENV_PREFIX, key)]
    mounts, volumes = [], []
    if volume or tls:
        mounts.append({"name": "secret", "mountPath": VOLUME_PATH, "readOnly": True})
        volumes.append({"name": "secret", "secret": {"secretName": secret_name}})
        container_args.append("--volume=" + VOLUME_PATH)
    if tls:
        container_args += ["--tls-dir=" + VOLUME_PATH, "--https-port=%d" % HTTPS_PORT]
    if postgres:
        container_args += ["--db-host=" + postgres["pod_host"], "--db-port=%d" % postgres["port"],
                           "--db-name=" + postgres["database"], "--db-credentials=" + db_credentials]
    taint = node["taint"]
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "labels": dict(labels or {}, app=name)},
        "spec": {
            "nodeSelector": dict(node["label"]),
            "tolerations": [{"key": taint["key"], "operator": "Equal", "value": taint["value"], "effect": taint["effect"]}],
            "terminationGracePeriodSeconds": 1,
            "containers": [{
                "name": "consumer", "image": node["images"]["consumer"], "imagePullPolicy": "Never",
                "args": container_args, "env": container_env, "volumeMounts": mounts,
                "readinessProbe": {"httpGet": {"path": "/readyz", "port": COUNTERS_PORT}, "periodSeconds": 1},
            }],
            "volumes": volumes,
        },
    }


def run_pod(k8s_api, namespace, manifest, ready=True, timeout=60):
    """Create the Pod and wait until it runs on the real node (and, with ``ready``, is Ready); returns the Pod."""
    core = k8s_client.CoreV1Api(k8s_api)
    core.create_namespaced_pod(namespace, manifest)
    name = manifest["metadata"]["name"]
    deadline = time.monotonic() + timeout
    pod = None
    while time.monotonic() < deadline:
        pod = core.read_namespaced_pod(name, namespace)
        conditions = {condition.type: condition.status for condition in pod.status.conditions or []}
        if pod.status.pod_ip and pod.status.phase == "Running" and (not ready or conditions.get("Ready") == "True"):
            return pod
        time.sleep(0.2)
    wanted = "Ready" if ready else "Running"
    raise AssertionError("pod %s/%s did not become %s in %ds: %s" % (namespace, name, wanted, timeout, pod.status if pod else None))


def counters(pod):
    """The consumer's counters, read from its pod IP on the node's bridge."""
    with urllib.request.urlopen("http://%s:%d/counters" % (pod.status.pod_ip, COUNTERS_PORT), timeout=5) as response:
        return json.load(response)


def wait_for_counters(pod, check, timeout=30, interval=0.2):
    """Poll the counters until ``check(counters)`` holds; return them (fail with the last ones)."""
    deadline = time.monotonic() + timeout
    seen = None
    while time.monotonic() < deadline:
        seen = counters(pod)
        if check(seen):
            return seen
        time.sleep(interval)
    raise AssertionError("the consumer's counters never met the condition in %ds; last: %s" % (timeout, seen))


def consumer_deployment(name, node, secret_name, keys, digest_key, replicas=1, **ways):
    """A Deployment whose Pods are ``consumer_pod``'s (``ways`` as there), labelled ``app=<name>``."""
    pod = consumer_pod(name, node, secret_name, keys, digest_key, **ways)
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": pod["metadata"]["labels"]}, "spec": pod["spec"]}},
    }


def ready_pods(k8s_api, namespace, app, count=1, exclude=(), timeout=60):
    """Wait until ``count`` Ready pods labelled ``app=<app>`` whose UIDs are not in ``exclude`` run (and
    no other pod of the app is left); return them."""
    core = k8s_client.CoreV1Api(k8s_api)
    deadline = time.monotonic() + timeout
    pods = []
    while time.monotonic() < deadline:
        pods = core.list_namespaced_pod(namespace, label_selector="app=" + app).items
        ready = [pod for pod in pods if pod.metadata.uid not in exclude and not pod.metadata.deletion_timestamp and pod.status.pod_ip
                 and any(c.type == "Ready" and c.status == "True" for c in pod.status.conditions or [])]
        if len(ready) == count and len(pods) == count:
            return ready
        time.sleep(0.2)
    raise AssertionError("app %s/%s never had %d fresh Ready pods alone in %ds: %s"
                         % (namespace, app, count, timeout, [(pod.metadata.name, pod.status.phase) for pod in pods]))


def served_serial(address):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection((address, HTTPS_PORT), timeout=2) as sock:
        with context.wrap_socket(sock) as tls:
            return x509.load_der_x509_certificate(tls.getpeercert(binary_form=True)).serial_number


def serial_number(text):
    """Vault's ``aa:bb:...`` serial as an integer."""
    return int(text.replace(":", "").replace("-", ""), 16)


class Watch(object):
    """Every 200 ms: the counters of every running consumer pod of ``namespace`` (last seen per pod UID), and
    one TLS handshake with each ready endpoint of the Service ``service`` (when given). A handshake that fails
    counts unless the endpoint stopped being ready meanwhile (a load balancer would have sent the connection
    elsewhere). Use it as a context manager around what it watches."""

    def __init__(self, k8s_api, namespace, service=None):
        self.core = k8s_client.CoreV1Api(k8s_api)
        self.discovery = k8s_client.DiscoveryV1Api(k8s_api)
        self.namespace, self.service = namespace, service
        self.pods = {}  # uid -> (app, last counters)
        self.serials = {}  # serial -> last time served
        self.handshakes, self.handshake_failures = 0, []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _ready_endpoints(self):
        if not self.service:
            return set()
        slices = self.discovery.list_namespaced_endpoint_slice(self.namespace, label_selector="kubernetes.io/service-name=" + self.service).items
        return set(address for item in slices for endpoint in item.endpoints or []
                   if endpoint.conditions.ready and not endpoint.conditions.terminating for address in endpoint.addresses)

    def _run(self):
        while not self.stop.is_set():
            for pod in self.core.list_namespaced_pod(self.namespace).items:
                if pod.status.phase == "Running" and pod.status.pod_ip and not pod.metadata.deletion_timestamp:
                    try:
                        self.pods[pod.metadata.uid] = (pod.metadata.labels.get("app"), counters(pod))
                    except OSError:
                        pass  # not listening yet, or stopping
            for address in self._ready_endpoints():
                try:
                    self.serials[served_serial(address)] = time.time()
                    self.handshakes += 1
                except (OSError, ssl.SSLError) as error:
                    if address in self._ready_endpoints():
                        self.handshake_failures.append("%s: %s" % (address, error))
            time.sleep(0.2)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    def failed_logins(self):
        return dict((uid, seen["logins_failed"]) for uid, (_app, seen) in self.pods.items() if seen["logins_failed"])

    def logins(self):
        return sum(seen["logins_ok"] for _app, seen in self.pods.values())
