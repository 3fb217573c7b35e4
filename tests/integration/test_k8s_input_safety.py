"""Kubernetes input safety against the real apiserver (issue 9): bearer tokens that an HTTP header
cannot carry, bootstrap tokens the apiserver really accepts, and kubectl's last-applied annotation
removed when the collection takes a Secret over.
"""

import base64
import json
import os
import random
import ssl
import string
import subprocess
import urllib.error
import urllib.request
import uuid

import pytest
import yaml
from kubernetes import client as k8s_client

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import build_client
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.secret_service import SecretService
from tests.integration.ansible_run import run_tasks

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
LOOKUP = "secretops.provisioning.k8s_secret"


def b64(text):
    return base64.b64encode(text.encode()).decode()


def kubectl(local_env, *args, stdin=None):
    result = subprocess.run(["kubectl"] + list(args), env=dict(os.environ, **local_env.env), input=stdin,
                            capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def token_like():
    """A long, unique, JWT-looking value: if any part of it shows up in output, it leaked."""
    return "eyJ%s.%s.%s" % (uuid.uuid4().hex, uuid.uuid4().hex, uuid.uuid4().hex)


def no_kubeconfig_env(local_env, **extra):
    """The environment of an AWX job with a bearer-token credential: host, CA and key, no kubeconfig."""
    env = dict((key, value) for key, value in local_env.env.items() if "KUBECONFIG" not in key)
    env.update({"K8S_AUTH_HOST": local_env.api_server, "K8S_AUTH_SSL_CA_CERT": local_env.ca_cert, "KUBECONFIG": "/nonexistent"})
    env.update(extra)
    return env


def assert_token_hidden(output, token):
    for part in [token] + token.split("."):
        assert part not in output, "a part of the bearer token was printed"


def secret_json(k8s_api, namespace, name):
    secret = k8s_client.CoreV1Api(k8s_api).read_namespaced_secret(name, namespace)
    return secret, json.dumps(k8s_api.sanitize_for_serialization(secret))


def service_account_token(local_env, namespace):
    """A real token of a ServiceAccount that may read Secrets in ``namespace``."""
    kubectl(local_env, "-n", namespace, "create", "serviceaccount", "reader")
    kubectl(local_env, "-n", namespace, "create", "role", "reader", "--verb=get,list", "--resource=secrets")
    kubectl(local_env, "-n", namespace, "create", "rolebinding", "reader", "--role=reader", "--serviceaccount=%s:reader" % namespace)
    return kubectl(local_env, "-n", namespace, "create", "token", "reader").strip()


# 1. bearer tokens with a line break -----------------------------------------------------------

@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_a_module_given_a_token_with_a_line_break_fails_naming_it_and_never_prints_it(local_env, namespace, ending):
    token = token_like()
    tasks = [
        {"name": "by option", "secretops.provisioning.k8s_secret": {
            "name": "db", "namespace": namespace, "string_data": {"password": "x"}, "api_key": token + ending,
            "host": local_env.api_server, "ca_cert": local_env.ca_cert}, "ignore_errors": True},
        {"name": "by environment", "secretops.provisioning.k8s_secret_info": {"name": "db", "namespace": namespace},
         "ignore_errors": True},
    ]
    result = run_tasks(tasks, env=no_kubeconfig_env(local_env, K8S_AUTH_API_KEY=token + ending), extra_args=["-vvvv"])
    assert result.returncode == 0, result.output[-3000:]
    for task in ("by option", "by environment"):
        assert [entry["status"] for entry in result.results if entry["task"] == task] == ["failed"]
        failure = result.task(task)
        assert failure["msg"].startswith("api_key (K8S_AUTH_API_KEY) ends with a line break, which an HTTP Authorization header "
                                         "cannot carry: remove it")
    assert_token_hidden(result.output, token)


def test_the_lookup_given_a_token_with_a_line_break_fails_naming_it_and_never_prints_it(local_env, namespace):
    token = token_like()
    tasks = [{"name": "read", "ansible.builtin.debug": {"msg": "{{ lookup('%s', 'db', namespace='%s', key='password') }}" % (LOOKUP, namespace)}}]
    result = run_tasks(tasks, env=no_kubeconfig_env(local_env, K8S_AUTH_API_KEY=token + "\n"), extra_args=["-vvvv"])
    assert result.returncode != 0
    assert "api_key (K8S_AUTH_API_KEY) ends with a line break" in result.output
    assert_token_hidden(result.output, token)


def test_a_kubeconfig_or_token_file_ending_in_a_newline_works_as_with_kubectl(local_env, namespace, tmp_path):
    kubectl(local_env, "-n", namespace, "create", "secret", "generic", "db", "--from-literal=password=stored-value")
    token = service_account_token(local_env, namespace)
    token_file = tmp_path / "token"
    token_file.write_text(token + "\n")  # what `kubectl create token reader > token` writes
    users = {"inline": {"token": token + "\n"}, "file": {"tokenFile": str(token_file)}}
    tasks = []
    for name, user in users.items():
        path = tmp_path / ("kubeconfig-" + name)
        path.write_text(yaml.safe_dump({
            "apiVersion": "v1", "kind": "Config", "current-context": "it",
            "clusters": [{"name": "it", "cluster": {"server": local_env.api_server, "certificate-authority": local_env.ca_cert}}],
            "users": [{"name": "reader", "user": user}],
            "contexts": [{"name": "it", "context": {"cluster": "it", "user": "reader"}}],
        }))
        lookup = "{{ lookup('%s', 'db', namespace='%s', key='password', kubeconfig='%s') }}" % (LOOKUP, namespace, path)
        tasks.append({"name": "lookup " + name, "ansible.builtin.set_fact": {"value_" + name: lookup}})
        module_args = {"name": "db", "namespace": namespace, "kubeconfig": str(path)}
        tasks.append({"name": "module " + name, "secretops.provisioning.k8s_secret_info": module_args})
    result = run_tasks(tasks, env=no_kubeconfig_env(local_env), extra_args=["-vvvv"])
    result.assert_ok()
    for name in users:
        assert result.task("lookup " + name)["ansible_facts"]["value_" + name] == "stored-value"
        assert [secret["data_keys"] for secret in result.task("module " + name)["secrets"]] == [["password"]]
    assert_token_hidden(result.output, token)


# 2. bootstrap tokens the apiserver accepts ---------------------------------------------------

def random_token_id():
    return "".join(random.choice(string.ascii_lowercase + string.digits) for _position in range(6))


def api_status(local_env, bearer):
    """The HTTP status of GET /api with ``Authorization: Bearer <bearer>``."""
    context = ssl.create_default_context(cafile=local_env.ca_cert)
    request = urllib.request.Request(local_env.api_server + "/api", headers={"Authorization": "Bearer " + bearer})
    try:
        with urllib.request.urlopen(request, context=context, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def bootstrap_token_task(*title, **options):
    return {"name": title[0] if title else "token", "secretops.provisioning.k8s_secret": dict(type="bootstrap-token", **options),
            "register": "out"}


def test_bootstrap_tokens_with_a_far_future_expiration_authenticate_and_keep_their_secret(local_env, k8s_api):
    ids = [random_token_id(), random_token_id()]
    expirations = ["2099-01-31T00:00:00Z", "2099-01-31T02:00:00+02:00"]
    tasks = [bootstrap_token_task("token %d" % index, bootstrap_token={"token_id": token_id, "expiration": expiration})
             for index, (token_id, expiration) in enumerate(zip(ids, expirations))]
    core = k8s_client.CoreV1Api(k8s_api)
    try:
        run_tasks(tasks, env=local_env.env).assert_ok()
        secrets = dict((token_id, core.read_namespaced_secret("bootstrap-token-" + token_id, "kube-system")) for token_id in ids)
        for token_id, secret in secrets.items():
            token_secret = base64.b64decode(secret.data["token-secret"]).decode()
            # the bootstrap authenticator accepts it: not 401 (/api is open to every authenticated user)
            assert api_status(local_env, "%s.%s" % (token_id, token_secret)) == 200
            assert api_status(local_env, "%s.%s" % (token_id, "0" * 16)) == 401, "a wrong secret is refused (auth is on)"
        again = run_tasks(tasks, env=local_env.env).assert_ok()
        for index, token_id in enumerate(ids):
            assert again.task("token %d" % index)["changed"] is False
            kept = core.read_namespaced_secret("bootstrap-token-" + token_id, "kube-system").data["token-secret"]
            assert kept == secrets[token_id].data["token-secret"], "the generated token secret is kept, not a new join token"
    finally:
        for token_id in ids:
            run_tasks([bootstrap_token_task(state="absent", bootstrap_token={"token_id": token_id})], env=local_env.env)


def test_expirations_kubernetes_cannot_parse_are_refused_because_the_apiserver_treats_them_as_expired(local_env, k8s_api):
    core = k8s_client.CoreV1Api(k8s_api)
    token_id, token_secret = random_token_id(), "".join(random.choice(string.ascii_lowercase) for _position in range(16))
    name = "bootstrap-token-" + token_id
    # what the module accepted before: written directly, the apiserver treats the token as expired
    body = {"metadata": {"name": name, "namespace": "kube-system"}, "type": "bootstrap.kubernetes.io/token",
            "stringData": {"token-id": token_id, "token-secret": token_secret, "expiration": "2099-01-31T00:00Z",
                           "usage-bootstrap-authentication": "true"}}
    core.create_namespaced_secret("kube-system", body)
    try:
        assert api_status(local_env, "%s.%s" % (token_id, token_secret)) == 401
    finally:
        core.delete_namespaced_secret(name, "kube-system")
    tasks = [bootstrap_token_task(expiration, bootstrap_token={"token_id": token_id, "expiration": expiration})
             for expiration in ("2099-01-31T00:00Z", "2099-01-31T00:00:00+0000")] + [
        bootstrap_token_task("no id", bootstrap_token={"expiration": "2099-01-31T00:00:00Z"})]
    for task in tasks:
        task["ignore_errors"] = True
    try:
        result = run_tasks(tasks, env=local_env.env)
    finally:
        try:
            core.delete_namespaced_secret(name, "kube-system")  # only if the module wrote it (it must not)
        except k8s_client.ApiException as exc:
            if exc.status != 404:
                raise
    for expiration in ("2099-01-31T00:00Z", "2099-01-31T00:00:00+0000"):
        message = result.task(expiration)["msg"]
        assert "bootstrap_token.expiration '%s' is not an RFC 3339 time as Kubernetes reads it" % expiration in message
        assert "2030-01-31T00:00:00Z" in message
    assert "needs a fixed token id" in result.task("no id")["msg"]
    assert [entry["status"] for entry in result.results] == ["failed"] * 3


# 3. kubectl's last-applied annotation ----------------------------------------------------------

def kubectl_apply_secret(local_env, namespace, name, values):
    manifest = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name, "namespace": namespace},
                "data": dict((key, b64(value)) for key, value in values.items())}
    kubectl(local_env, "apply", "-f", "-", stdin=json.dumps(manifest))


def assert_taken_over(k8s_api, namespace, name, retired, current):
    secret, text = secret_json(k8s_api, namespace, name)
    assert LAST_APPLIED not in (secret.metadata.annotations or {})
    assert retired not in text and b64(retired) not in text, "the retired value is nowhere in the object"
    assert base64.b64decode(secret.data["password"]).decode() == current


def test_k8s_secret_removes_the_last_applied_annotation_with_the_retired_value(local_env, k8s_api, namespace):
    retired = "retired-" + uuid.uuid4().hex
    kubectl_apply_secret(local_env, namespace, "db", {"password": retired})
    secret, _text = secret_json(k8s_api, namespace, "db")
    assert b64(retired) in secret.metadata.annotations[LAST_APPLIED]  # kubectl stored it there
    current = "current-" + uuid.uuid4().hex
    task = {"name": "apply", "secretops.provisioning.k8s_secret": {"name": "db", "namespace": namespace, "string_data": {"password": current}}}
    first = run_tasks([task], env=local_env.env).assert_ok()
    assert first.task("apply")["changed"] is True
    assert_taken_over(k8s_api, namespace, "db", retired, current)
    assert run_tasks([task], env=local_env.env).assert_ok().task("apply")["changed"] is False


def test_update_keys_removes_the_last_applied_annotation_with_the_retired_value(local_env, k8s_api, namespace):
    retired = "retired-" + uuid.uuid4().hex
    kubectl_apply_secret(local_env, namespace, "db", {"password": retired, "username": "app"})
    assert b64(retired) in secret_json(k8s_api, namespace, "db")[0].metadata.annotations[LAST_APPLIED]
    current = "current-" + uuid.uuid4().hex
    k8s = build_client({"kubeconfig": local_env.kubeconfig})
    try:
        secrets = SecretService(k8s)
        data = {"password": b64(current)}
        outcome = secrets.update_keys(namespace, "db", "Opaque", data, {"secretops.io/vault-version": "2"}, ["password"])
        assert outcome["changed"] is True
        assert secrets.update_keys(namespace, "db", "Opaque", data, {"secretops.io/vault-version": "2"}, ["password"])["changed"] is False
    finally:
        k8s.close()
    assert_taken_over(k8s_api, namespace, "db", retired, current)
    secret, _text = secret_json(k8s_api, namespace, "db")
    assert base64.b64decode(secret.data["username"]).decode() == "app", "keys other writers own stay"
    assert secret.metadata.annotations["secretops.io/vault-version"] == "2"
