"""Fault injection for the rotation tests, against the real servers.

- ``BackgroundPlaybook``: ``ansible-playbook`` in its own process group, so a test can SIGKILL the
  whole play (workers and module processes) at a precise point.
- ``AdmissionHook``: a validating admission webhook that the real apiserver calls on every UPDATE
  of a Secret or Deployment in one namespace. The hook sees each write the play makes before it is
  stored, so a test acts exactly between two steps of the play: kill the play, pause Vault, kill
  the apiserver, or write the object concurrently (a real 409 follows).
- ``PrivateEnv``: a whole local environment of its own (``SECRETOPS_ENV_DIR``) for the tests that
  stop a server; the shared one is never touched.
- The invariants every fault test checks: nothing lost (the value the pods use, told by their
  keyed stamp, and the value the Secret holds are both versions Vault still has) and converged
  (Secret == Vault's current version, every consumer's stamp current).
"""

import base64
import contextlib
import http.server
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time

import hvac
from kubernetes import client as k8s_client
from kubernetes import config as k8s_config

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.content_key import KEY_DATA_KEY, KEY_SECRET_NAME
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.checksum import content_mac
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads.annotations import RESTARTED_AT_ANNOTATION, checksum_annotation
from tests.conftest import REPO_ROOT
from tests.integration.ansible_run import PlaybookRun, ansible_env, run_tasks
from tests.integration.conftest import LOCALENV, VAULT_FLAVORS, LocalEnv

COMPONENTS = os.path.join(REPO_ROOT, "tools", "cluster", "components.py")
SECRETS = ("db", "config")
WRITER_ANNOTATION = "secretops.test/other-writer"


# ---------------------------------------------------------------- playbooks

class BackgroundPlaybook(object):
    """``ansible-playbook secretops.provisioning.<name> -e @vars [extra_args]`` started in the background,
    in its own process group; ``wait()`` returns a PlaybookRun with ``report_dir`` and ``killed``."""

    def __init__(self, name, extra_vars, env, extra_args=()):
        self.workdir = tempfile.mkdtemp(prefix="secretops-fault-run-")
        self.report_dir = os.path.join(self.workdir, "reports")
        self.results_path = os.path.join(self.workdir, "results.jsonl")
        vars_path = os.path.join(self.workdir, "vars.json")
        with open(vars_path, "w") as handle:
            json.dump(extra_vars, handle)
        run_env = ansible_env(dict(env, SECRETOPS_REPORT_DIR=self.report_dir, SECRETOPS_RESULTS_FILE=self.results_path))
        self.stdout = open(os.path.join(self.workdir, "stdout"), "w+")
        self.stderr = open(os.path.join(self.workdir, "stderr"), "w+")
        command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,", "-c", "local",
                   "secretops.provisioning.%s" % name, "-e", "@" + vars_path] + list(extra_args)
        self.process = subprocess.Popen(command, env=run_env, cwd=REPO_ROOT, stdout=self.stdout, stderr=self.stderr,
                                        start_new_session=True)
        self.killed = False

    def kill(self):
        """SIGKILL the play and everything it started, as a lost runner would: ansible-playbook's workers
        call setsid, so killing the play's process group would leave a module running on."""
        self.killed = True
        kill_tree(self.process.pid)

    def wait(self, timeout=600):
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            self.process.wait(30)
            raise AssertionError("the play did not end within %ss" % timeout)
        outputs = []
        for handle in (self.stdout, self.stderr):
            handle.seek(0)
            outputs.append(handle.read())
            handle.close()
        results = []
        if os.path.exists(self.results_path):
            with open(self.results_path) as handle:
                results = [json.loads(line) for line in handle if line.strip()]
        run = PlaybookRun(self.process.returncode, outputs[0], outputs[1], results)
        run.report_dir = self.report_dir
        run.killed = self.killed
        return run


def _children():
    """``{parent pid: [child pids]}`` of every process, from /proc."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as handle:
                parent = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # ended meanwhile
        children.setdefault(parent, []).append(int(entry))
    return children


def kill_tree(root):
    """SIGKILL ``root`` and all its descendants, whatever session they moved to. Each is stopped first
    (a stopped process forks no more, and a parent killed first would hand its children to init), until
    the tree stops growing; then all are killed."""
    stopped = set()
    while True:
        children = _children()
        tree, todo = [], [root]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(children.get(pid, []))
        fresh = [pid for pid in tree if pid not in stopped]
        if not fresh:
            break
        for pid in fresh:
            try:
                os.kill(pid, signal.SIGSTOP)
            except ProcessLookupError:
                pass
            stopped.add(pid)
    for pid in stopped:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def stamp_consumers(env, namespace, secrets=SECRETS):
    """Restart the consumers once with stamps, as an earlier successful run left them."""
    run_tasks([{"name": "stamp", "secretops.provisioning.k8s_rollout_restart": {
        "namespace": namespace, "secrets": list(secrets), "checksum": True, "wait": True, "wait_timeout": 120}}], env=env).assert_ok()


# ---------------------------------------------------------------- admission hook

def review_object(request, which="object"):
    return request.get(which) or {}


def template_annotations(obj):
    return (((obj.get("spec") or {}).get("template") or {}).get("metadata") or {}).get("annotations") or {}


def is_restart_of(request, name):
    """The write is a rollout restart of Deployment ``name`` (its restartedAt annotation changes)."""
    if request.get("kind", {}).get("kind") != "Deployment" or request.get("name") != name:
        return False
    return template_annotations(review_object(request)).get(RESTARTED_AT_ANNOTATION) != \
        template_annotations(review_object(request, "oldObject")).get(RESTARTED_AT_ANNOTATION)


def is_data_write_of(request, name):
    """The write changes the data of Secret ``name`` (a rotation, a resume or a roll-back)."""
    if request.get("kind", {}).get("kind") != "Secret" or request.get("name") != name:
        return False
    return review_object(request).get("data") != review_object(request, "oldObject").get("data")


def is_from_writer(request):
    """The write comes from the test's concurrent writer (it bumps WRITER_ANNOTATION)."""
    def marker(which):
        return ((review_object(request, which).get("metadata") or {}).get("annotations") or {}).get(WRITER_ANNOTATION)
    return marker("object") != marker("oldObject")


def pki_dir(local_env):
    """The environment's PKI directory (its CA certificate lives there)."""
    return os.path.dirname(local_env.ca_cert)


class AdmissionHook(object):
    """A validating webhook for UPDATEs of Secrets and Deployments in ``namespace`` (and the other
    ``secret_operations`` of Secrets, e.g. CREATE).

    ``decide(request)`` runs inside the apiserver's write, before the object is stored; it returns
    None to let the write through or a message to refuse it. The hook serves HTTPS with the
    environment's apiserver certificate (its SANs include 127.0.0.1), which the apiserver trusts
    through the environment's CA.
    """

    PROBE = "secretops-webhook-probe"

    def __init__(self, k8s_api, local_env, namespace, decide, secret_operations=("UPDATE",)):
        self.k8s_api = k8s_api
        self.secret_operations = sorted(set(secret_operations) | {"UPDATE"})  # the probe is an UPDATE
        self.namespace = namespace
        self.decide = decide
        self.name = "secretops-test-%s" % namespace
        self.seen_probe = threading.Event()
        self.errors = []
        hook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output clean
                pass

            def do_POST(self):  # noqa: N802 - the http.server API
                review = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                request = review.get("request") or {}
                message = None
                if request.get("name") == hook.PROBE:
                    hook.seen_probe.set()
                else:
                    try:
                        message = hook.decide(request)
                    except Exception as exc:  # pylint: disable=broad-except  # reported by the test, not lost in a thread
                        hook.errors.append(repr(exc))
                response = {"uid": request.get("uid"), "allowed": message is None}
                if message is not None:
                    response["status"] = {"code": 403, "message": message}
                body = json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "response": response}).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the caller is gone (the hook killed the apiserver)
                    pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(os.path.join(pki_dir(local_env), "apiserver.crt"), os.path.join(pki_dir(local_env), "apiserver.key"))
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        with open(local_env.ca_cert, "rb") as handle:
            self.ca_bundle = base64.b64encode(handle.read()).decode()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _configuration(self):
        rules = [{"apiGroups": [""], "apiVersions": ["v1"], "resources": ["secrets"], "operations": self.secret_operations},
                 {"apiGroups": ["apps"], "apiVersions": ["v1"], "resources": ["deployments"], "operations": ["UPDATE"]}]
        return {
            "apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration", "metadata": {"name": self.name},
            "webhooks": [{
                "name": "faults.secretops.test", "rules": rules, "sideEffects": "None", "admissionReviewVersions": ["v1"],
                "failurePolicy": "Fail", "timeoutSeconds": 15,
                "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": self.namespace}},
                "clientConfig": {"url": "https://127.0.0.1:%d/" % self.server.server_address[1], "caBundle": self.ca_bundle},
            }],
        }

    def __enter__(self):
        self.thread.start()
        k8s_client.AdmissionregistrationV1Api(self.k8s_api).create_validating_webhook_configuration(self._configuration())
        core = k8s_client.CoreV1Api(self.k8s_api)
        core.create_namespaced_secret(self.namespace, {"metadata": {"name": self.PROBE}, "data": {}})
        deadline = time.time() + 30
        attempt = 0
        while not self.seen_probe.is_set():  # the apiserver picks the configuration up asynchronously
            assert time.time() < deadline, "the apiserver never called the admission hook"
            attempt += 1
            core.patch_namespaced_secret(self.PROBE, self.namespace, {"metadata": {"annotations": {"probe": str(attempt)}}})
            self.seen_probe.wait(0.2)
        return self

    def close(self):
        """Remove the webhook configuration (idempotent), so the re-run writes freely."""
        try:
            k8s_client.AdmissionregistrationV1Api(self.k8s_api).delete_validating_webhook_configuration(self.name)
        except k8s_client.ApiException as exc:
            if exc.status != 404:
                raise

    def __exit__(self, *exc):
        try:
            self.close()
        finally:
            self.server.shutdown()
            self.server.server_close()
        assert not self.errors, "the admission hook failed: %s" % self.errors


def concurrent_writer(k8s_api, namespace, secret):
    """A decide() that writes ``secret`` concurrently whenever the play writes it: each of the play's
    writes then fails with a real 409 Conflict from the apiserver."""
    core = k8s_client.CoreV1Api(k8s_api)
    count = [0]

    def decide(request):
        if request.get("kind", {}).get("kind") == "Secret" and request.get("name") == secret and not is_from_writer(request):
            count[0] += 1
            core.patch_namespaced_secret(secret, namespace, {"metadata": {"annotations": {WRITER_ANNOTATION: str(count[0])}}})
        return None

    decide.count = count
    return decide


# ---------------------------------------------------------------- a restricted identity

def restricted_kubeconfig(k8s_api, local_env, namespace, path):
    """A kubeconfig for a ServiceAccount that may read everything in ``namespace`` and write Secrets,
    but may not patch workloads: the restart of a rotation gets a real 403."""
    core = k8s_client.CoreV1Api(k8s_api)
    rbac = k8s_client.RbacAuthorizationV1Api(k8s_api)
    core.create_namespaced_service_account(namespace, {"metadata": {"name": "rotator"}})
    rbac.create_namespaced_role(namespace, {"metadata": {"name": "rotator"}, "rules": [
        {"apiGroups": ["*"], "resources": ["*"], "verbs": ["get", "list", "watch"]},
        {"apiGroups": [""], "resources": ["secrets"], "verbs": ["create", "update", "patch"]},
    ]})
    rbac.create_namespaced_role_binding(namespace, {
        "metadata": {"name": "rotator"}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "rotator"},
        "subjects": [{"kind": "ServiceAccount", "name": "rotator", "namespace": namespace}]})
    token = core.create_namespaced_service_account_token("rotator", namespace, {"spec": {"expirationSeconds": 3600}}).status.token
    with open(local_env.ca_cert, "rb") as handle:
        ca_data = base64.b64encode(handle.read()).decode()
    config = {
        "apiVersion": "v1", "kind": "Config", "current-context": "rotator",
        "clusters": [{"name": "local", "cluster": {"server": local_env.api_server, "certificate-authority-data": ca_data}}],
        "users": [{"name": "rotator", "user": {"token": token}}],
        "contexts": [{"name": "rotator", "context": {"cluster": "local", "user": "rotator", "namespace": namespace}}],
    }
    with open(path, "w") as handle:
        json.dump(config, handle)
    os.chmod(path, 0o600)
    return path


# ---------------------------------------------------------------- a private environment

class PrivateEnv(object):
    """A local environment in its own state directory, started for the tests that break servers."""

    def __init__(self, flavor=VAULT_FLAVORS[0]):
        self.root = tempfile.mkdtemp(prefix="secretops-private-env-")
        # Only what these tests break: the one Vault server they use, and no real node (no Pod runs).
        self.os_env = dict(os.environ, SECRETOPS_ENV_DIR=os.path.join(self.root, "env"), SECRETOPS_VAULT_FLAVORS=flavor,
                           SECRETOPS_REAL_NODE="0")
        self.local_env = None
        self.flavor = flavor  # the Vault server the tests use (and break): openbao or vault
        self.vault_process = flavor  # its record in processes.json has the flavor's name

    def _tool(self, *argv, check=True):
        result = subprocess.run([sys.executable] + list(argv), env=self.os_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, check=False)
        if check and result.returncode != 0:
            raise AssertionError("%s failed:\n%s" % (" ".join(argv), result.stdout))
        return result.stdout

    def up(self):
        self._tool(LOCALENV, "up")
        self.local_env = LocalEnv(json.loads(self._tool(LOCALENV, "env", "--json")), self.flavor)
        return self

    def down(self):
        for name in (self.vault_process, "kube-apiserver"):  # a paused process would not stop
            self._tool(COMPONENTS, "resume", name, check=False)
        self._tool(LOCALENV, "down", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def component(self, command, name):
        self._tool(COMPONENTS, command, name)


@contextlib.contextmanager
def private_environment(flavor):
    """A started PrivateEnv with ``k8s_api`` and ``vault_client`` (root token) of its own; stopped and removed on exit."""
    env = PrivateEnv(flavor)
    try:
        env.up()
        env.k8s_api = k8s_config.new_client_from_config(config_file=env.local_env.kubeconfig)
        env.vault_client = hvac.Client(url=env.local_env.vault_addr, token=env.local_env.vault_token)
        yield env
        env.k8s_api.close()
    finally:
        env.down()


def make_namespace(k8s_api):
    """A fresh namespace (in a private environment, nothing else uses it)."""
    name = "faults-%d" % int(time.time() * 1000)
    k8s_client.CoreV1Api(k8s_api).create_namespace({"metadata": {"name": name}})
    return name


# ---------------------------------------------------------------- what the tests check

def decoded(data):
    return dict((key, base64.b64decode(value).decode()) for key, value in (data or {}).items())


def vault_versions(vault_client, path):
    """``{version: data}`` of every version of ``path`` that Vault still returns (deleted or destroyed ones left out)."""
    metadata = vault_client.secrets.kv.v2.read_secret_metadata(path=path, mount_point="secret")["data"]
    found = {}
    for version, info in (metadata.get("versions") or {}).items():
        if info.get("destroyed") or info.get("deletion_time"):
            continue
        body = vault_client.secrets.kv.v2.read_secret_version(path=path, version=int(version), mount_point="secret",
                                                              raise_on_deleted_version=True)
        found[int(version)] = body["data"]["data"]
    return found, int(metadata["current_version"])


def content_key(k8s_api, namespace):
    secret = k8s_client.CoreV1Api(k8s_api).read_namespaced_secret(KEY_SECRET_NAME, namespace)
    return base64.b64decode(secret.data[KEY_DATA_KEY])


def stamp(k8s_api, namespace, deployment, secret):
    """The stamp that decides for the Deployment's Pods: its template's, else its own (a consumer whose
    Pods started after the Secret's last write is stamped on its own metadata, not restarted)."""
    item = k8s_client.AppsV1Api(k8s_api).read_namespaced_deployment(deployment, namespace)
    key = checksum_annotation(secret)
    on_template = (item.spec.template.metadata.annotations or {}).get(key)
    return on_template if on_template is not None else (item.metadata.annotations or {}).get(key)


def used_by_pods(k8s_api, namespace, deployment, secret, candidates):
    """Which of ``candidates`` (Secret ``data`` dicts, base64) the pods of ``deployment`` run: the one
    whose keyed MAC is the stamp on their template."""
    key = content_key(k8s_api, namespace)
    current = stamp(k8s_api, namespace, deployment, secret)
    for data in candidates:
        if content_mac(key, secret, data) == current:
            return data
    raise AssertionError("the stamp of %s on Deployment %s matches none of the candidate contents" % (secret, deployment))


def secret_state(k8s_api, namespace, name):
    secret = k8s_client.CoreV1Api(k8s_api).read_namespaced_secret(name, namespace)
    return secret.data or {}, (secret.metadata.annotations or {}).get("secretops.io/vault-version")


def snapshot(k8s_api, namespace, secrets=SECRETS):
    return dict((name, secret_state(k8s_api, namespace, name)[0]) for name in secrets)


def assert_nothing_lost(k8s_api, vault_client, namespace, before, deployment="web"):
    """The value the pods use and the value each Secret holds are versions Vault still has."""
    for name, old_data in before.items():
        versions, current = vault_versions(vault_client, "it/%s/%s" % (namespace, name))
        data, _version = secret_state(k8s_api, namespace, name)
        assert decoded(data) in versions.values(), "Secret %s holds a value Vault does not have" % name
        used = used_by_pods(k8s_api, namespace, deployment, name, [old_data, data])
        assert decoded(used) in (versions.get(current), versions.get(current - 1)), \
            "the pods' value of %s is neither Vault's current version (%d) nor the one before" % (name, current)


def assert_converged(k8s_api, vault_client, namespace, deployments=("web",), secrets=SECRETS):
    """Every Secret holds Vault's current version; every consumer's stamp is that content's."""
    key = content_key(k8s_api, namespace)
    for name in secrets:
        versions, current = vault_versions(vault_client, "it/%s/%s" % (namespace, name))
        data, version = secret_state(k8s_api, namespace, name)
        assert decoded(data) == versions[current] and version == str(current), \
            "Secret %s is at %s, Vault at %s" % (name, version, current)
        for deployment in deployments:
            assert stamp(k8s_api, namespace, deployment, name) == content_mac(key, name, data), \
                "Deployment %s still runs an old %s" % (deployment, name)


def assert_no_value_shown(vault_client, namespace, *runs):
    """No generated value of any version (old, new, restored) is in the plays' output or reports."""
    shown = ""
    for run in runs:
        shown += run.output
        if os.path.isdir(run.report_dir):
            for name in os.listdir(run.report_dir):
                with open(os.path.join(run.report_dir, name)) as handle:
                    shown += handle.read()
    for secret, field in (("db", "password"), ("config", "API_KEY")):
        for data in vault_versions(vault_client, "it/%s/%s" % (namespace, secret))[0].values():
            assert data[field] not in shown, "a value of %s.%s was shown" % (secret, field)
