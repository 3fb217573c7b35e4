"""Helpers for the role, rotation and rollout tests: workloads on the real cluster, playbook runs, a Vault proxy."""

import http.client
import http.server
import json
import os
import socketserver
import tempfile
import threading
import time
import urllib.parse

import yaml
from kubernetes import client as k8s_client

from tests.conftest import REPO_ROOT
from tests.integration.ansible_run import run_ansible_playbook


def deployment(namespace, name, pod_spec, replicas=1, **spec):
    labels = {"app": name}
    body = {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": namespace},
        "spec": dict({"replicas": replicas, "selector": {"matchLabels": labels},
                      "template": {"metadata": {"labels": labels}, "spec": pod_spec}}, **spec),
    }
    return body


def container(**fields):
    return dict({"name": "app", "image": "example.test/app:1"}, **fields)


def create(k8s_api, body):
    """Create any object from its dict through the typed APIs."""
    kind = body["kind"]
    namespace = body["metadata"].get("namespace")
    apps = k8s_client.AppsV1Api(k8s_api)
    batch = k8s_client.BatchV1Api(k8s_api)
    core = k8s_client.CoreV1Api(k8s_api)
    creators = {
        "Deployment": lambda: apps.create_namespaced_deployment(namespace, body),
        "StatefulSet": lambda: apps.create_namespaced_stateful_set(namespace, body),
        "DaemonSet": lambda: apps.create_namespaced_daemon_set(namespace, body),
        "CronJob": lambda: batch.create_namespaced_cron_job(namespace, body),
        "Job": lambda: batch.create_namespaced_job(namespace, body),
        "Pod": lambda: core.create_namespaced_pod(namespace, body),
        "ServiceAccount": lambda: core.create_namespaced_service_account(namespace, body),
        "Secret": lambda: core.create_namespaced_secret(namespace, body),
    }
    return creators[kind]()


def wait_available(k8s_api, namespace, name, timeout=60):
    apps = k8s_client.AppsV1Api(k8s_api)
    deadline = time.time() + timeout
    while time.time() < deadline:
        item = apps.read_namespaced_deployment(name, namespace)
        status = item.status
        if (status.observed_generation or 0) >= item.metadata.generation and (status.available_replicas or 0) == item.spec.replicas \
                and (status.updated_replicas or 0) == item.spec.replicas:
            return item
        time.sleep(0.5)
    raise AssertionError("Deployment %s/%s did not become available" % (namespace, name))


def make_rollouts_fail(k8s_api, namespace, name):
    """New pods of the Deployment never become available: their template selects a node that does
    not exist, and the progress deadline is a few seconds. The running pods stay available."""
    patch = {"spec": {"progressDeadlineSeconds": 5, "template": {"spec": {"nodeSelector": {"secretops.test/no-such-node": "true"}}}}}
    k8s_client.AppsV1Api(k8s_api).patch_namespaced_deployment(name, namespace, patch)


def run_collection_playbook(name, extra_vars, env, timeout=600):
    """``ansible-playbook secretops.provisioning.<name> -e @vars`` as a user runs it, with the default
    (human) output; returns a PlaybookRun whose ``report_dir`` holds the run's audit reports."""
    report_dir = tempfile.mkdtemp(prefix="secretops-reports-")
    with open(os.path.join(REPO_ROOT, ".build", "vars-%s-%s.yml" % (name, os.getpid())), "w") as handle:
        yaml.safe_dump(extra_vars, handle)
        path = handle.name
    try:
        run = run_ansible_playbook("secretops.provisioning.%s" % name, ["-e", "@" + path],
                                   env=dict(env or {}, SECRETOPS_REPORT_DIR=report_dir), timeout=timeout, cwd=REPO_ROOT)
    finally:
        os.unlink(path)
    run.report_dir = report_dir
    return run


def recap(run):
    """``{"ok": n, "changed": n, "failed": n, ...}`` from the PLAY RECAP line of localhost."""
    for line in run.stdout.splitlines():
        if line.startswith("localhost") and "ok=" in line:
            return dict((key, int(value)) for key, value in (part.split("=") for part in line.split(":", 1)[1].split()))
    raise AssertionError("no PLAY RECAP in the output:\n" + run.output[-3000:])


def kv_current(vault_client, path):
    """(version, data) of the latest version of a KV v2 secret under the ``secret`` mount."""
    response = vault_client.secrets.kv.v2.read_secret_version(path=path, mount_point="secret", raise_on_deleted_version=True)
    return response["data"]["metadata"]["version"], response["data"]["data"]


def secret_data(k8s_api, namespace, name):
    secret = k8s_client.CoreV1Api(k8s_api).read_namespaced_secret(name, namespace)
    return secret.data or {}, secret.metadata


class WriteRefusingProxy(object):
    """An HTTP proxy in front of Vault that forwards reads and drops every write to a KV ``data/``
    path (the connection is closed with no answer): Vault becomes unreachable exactly when a new
    value is about to be written."""

    def __init__(self, upstream):
        self.upstream = urllib.parse.urlparse(upstream)
        self.refused = 0
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output clean
                pass

            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                if self.command in ("POST", "PUT") and "/data/" in self.path:
                    proxy.refused += 1
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                upstream = http.client.HTTPConnection(proxy.upstream.hostname, proxy.upstream.port, timeout=30)
                headers = dict((key, value) for key, value in self.headers.items() if key.lower() not in ("host", "connection"))
                upstream.request(self.command, self.path, body=body, headers=headers)
                response = upstream.getresponse()
                payload = response.read()
                self.send_response(response.status)
                for key, value in response.getheaders():
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_LIST = _forward

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def report_files(run):
    names = sorted(os.listdir(run.report_dir))
    assert len(names) == 2, "expected one JSON report and one summary, found %s\n%s" % (names, run.output[-3000:])
    return [os.path.join(run.report_dir, name) for name in names]


def report_of(run):
    """The audit report the rotate playbook wrote."""
    with open(report_files(run)[0]) as handle:
        return json.load(handle)


def summary_of(run):
    with open(report_files(run)[1]) as handle:
        return handle.read()


def sample_app(namespace, auth_mount="kubernetes"):
    """Vars for the playbooks: one application in ``namespace`` with a basic-auth and an Opaque Secret."""
    return {
        "secretops_auth_mount_path": auth_mount,
        "secretops_applications": [{
            "name": namespace,
            "namespace": namespace,
            "service_account": "app",
            "secrets": [
                {"name": "db", "type": "basic-auth", "vault_path": "it/%s/db" % namespace,
                 "values": {"username": "user-" + namespace}, "generate": {"password": {"length": 20}}},
                {"name": "config", "vault_path": "it/%s/config" % namespace, "generate": {"API_KEY": {}},
                 "values": {"MODE": "test"}},
            ],
        }],
    }


def consumer_deployment(namespace, name="web"):
    """A Deployment that uses both Secrets of ``sample_app`` (env and envFrom)."""
    pod = {"serviceAccountName": "app", "containers": [container(
        env=[{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}],
        envFrom=[{"secretRef": {"name": "config"}}])]}
    return deployment(namespace, name, pod, replicas=2)
