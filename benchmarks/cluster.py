"""The benchmark's side channel to the local cluster: start it, make and remove namespaces, and check
what a tool left behind. None of this is timed."""

import base64
import json
import os
import shutil
import subprocess
import time

from kubernetes import client as k8s_client, config as k8s_config
from kubernetes.client.rest import ApiException

import secretset

LOCALENV = os.path.join("tools", "cluster", "localenv.py")
BUILD = os.path.join("tools", "cluster", "build.py")


def ensure_local_env(python, repo_root, log):
    """Start the local environment unless it is healthy (``localenv.py up`` is a no-op then); return env.json."""
    log("local environment: %s up" % LOCALENV)
    subprocess.check_call([python, LOCALENV, "up"], cwd=repo_root)
    return json.loads(subprocess.check_output([python, LOCALENV, "env", "--json"], cwd=repo_root))


def kubectl_binary(python, repo_root, log):
    """``(path, note)``: kubectl of the server's own version, built from the same Kubernetes pins as
    the control plane (``build.py --only kubectl``, cached beside the server binaries); if that
    build fails, the machine's kubectl with a note saying so (None when it is the built one)."""
    log("kubectl: %s --only kubectl (built once from the Kubernetes pins, then cached)" % BUILD)
    result = subprocess.run([python, BUILD, "--only", "kubectl"], cwd=repo_root, stdout=subprocess.PIPE, text=True, check=False)
    lines = result.stdout.strip().splitlines()
    if result.returncode == 0 and lines and os.access(lines[-1], os.X_OK):
        return lines[-1], None
    fallback = shutil.which("kubectl")
    if not fallback:
        raise RuntimeError("kubectl could not be built (%s exit %d) and none is on PATH" % (BUILD, result.returncode))
    note = ("kubectl of the server's version could not be built (%s exit %d): the peers ran the machine's %s, "
            "whose version may differ from the server's" % (BUILD, result.returncode, fallback))
    log("NOTE: " + note)
    return fallback, note


class Kube(object):
    def __init__(self, kubeconfig):
        configuration = k8s_client.Configuration()
        k8s_config.load_kube_config(config_file=kubeconfig, client_configuration=configuration)
        self.core = k8s_client.CoreV1Api(k8s_client.ApiClient(configuration))

    def create_namespace(self, name):
        self.core.create_namespace(k8s_client.V1Namespace(metadata=k8s_client.V1ObjectMeta(name=name)))

    def delete_namespace(self, name):
        # One DELETE-collection now, so the namespace controller does not delete a thousand Secrets
        # one by one while the next tool is being measured.
        try:
            self.core.delete_collection_namespaced_secret(name)
            self.core.delete_namespace(name)
        except ApiException as exc:
            if exc.status != 404:
                raise

    def timed_list(self, namespace):
        """``(seconds, count)``: one LIST of the namespace's Secrets, as a client does it (the whole
        JSON read and parsed), timed alone."""
        started = time.monotonic()
        response = self.core.list_namespaced_secret(namespace, _preload_content=False)
        listed = json.loads(response.data)
        return time.monotonic() - started, len(listed["items"])

    def check_secrets(self, namespace, specs):
        """None when ``namespace`` holds exactly the Secrets of ``specs`` (names, types, decoded
        content); otherwise a short description of the first differences (never a value)."""
        listed = self.core.list_namespaced_secret(namespace, label_selector=",".join("%s=%s" % item for item in secretset.LABELS.items()))
        live = {item.metadata.name: item for item in listed.items}
        problems = []
        missing = [spec["name"] for spec in specs if spec["name"] not in live]
        if missing:
            problems.append("%d missing (e.g. %s)" % (len(missing), missing[0]))
        extra = set(live) - set(spec["name"] for spec in specs)
        if extra:
            problems.append("%d unexpected" % len(extra))
        for spec in specs:
            secret = live.get(spec["name"])
            if secret is None:
                continue
            if secret.type != secretset.K8S_TYPES[spec["kind"]]:
                problems.append("%s has type %s" % (spec["name"], secret.type))
            elif _decoded(secret.data or {}) != _comparable(secretset.plain_data(spec)):
                problems.append("%s content differs" % spec["name"])
            if len(problems) >= 3:
                break
        return "; ".join(problems) or None


def _comparable(data):
    # the docker config JSON may be serialised with other spacing or key order: compare it parsed
    return {key: json.loads(value) if key in (".dockerconfigjson", ".dockercfg") else value for key, value in data.items()}


def _decoded(data):
    return _comparable({key: base64.b64decode(value).decode("utf-8") for key, value in data.items()})
