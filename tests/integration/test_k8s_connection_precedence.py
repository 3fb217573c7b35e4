"""Issue 23: the job environment's K8S_AUTH_* variables never redirect a host's own kubeconfig.

In a fleet each inventory host names its cluster in ``secretops_kubernetes`` (given to the modules
as ``module_defaults``), while an attached AWX Kubernetes credential or a CI variable sets
``K8S_AUTH_HOST`` / ``K8S_AUTH_API_KEY`` for the whole job. Before the fix the environment's host
replaced every kubeconfig's server, and the kubeconfig's token went with it. Here the environment's
host is a plain listener on loopback that records every byte it receives: nothing may reach it,
while the tasks read from the real apiserver their kubeconfig names.
"""

import socket
import threading

import pytest
import yaml

from tests.integration.ansible_run import run_playbook
from tests.integration.test_k8s_input_safety import kubectl, service_account_token, token_like

K8S_GROUP = "group/secretops.provisioning.k8s"


class Listener(object):
    """A TCP listener on 127.0.0.1 that accepts connections and keeps what each one sent."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.received = []
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.sock.getsockname()[1]

    def _serve(self):
        while self.running:
            try:
                conn, _address = self.sock.accept()
            except socket.timeout:
                continue
            conn.settimeout(2)
            data = b""
            try:
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
            except OSError:
                pass
            self.received.append(data.decode("latin-1"))
            conn.close()  # no answer: the client fails, which is what a wrong server would look like at best

    def close(self):
        self.running = False
        self.thread.join(5)
        self.sock.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def token_kubeconfig(local_env, namespace, tmp_path):
    """A kubeconfig whose user is a bearer token (a service account that may read Secrets in ``namespace``)."""
    token = service_account_token(local_env, namespace)
    path = tmp_path / "cluster-kubeconfig"
    path.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "it",
        "clusters": [{"name": "it", "cluster": {"server": local_env.api_server, "certificate-authority": local_env.ca_cert}}],
        "users": [{"name": "reader", "user": {"token": token}}],
        "contexts": [{"name": "it", "context": {"cluster": "it", "user": "reader"}}],
    }))
    return str(path), token


def job_env(local_env, **variables):
    """A job environment without any kubeconfig variable, plus ``variables`` (what a credential injects)."""
    env = dict((key, value) for key, value in local_env.env.items() if "KUBECONFIG" not in key)
    env["KUBECONFIG"] = "/nonexistent"
    env.update(variables)
    return env


def play(namespace, kubeconfig, **extra_task_options):
    lookup = "{{ lookup('secretops.provisioning.k8s_secret', 'db', namespace='%s', key='password', kubeconfig='%s') }}" % (
        namespace, kubeconfig)
    module_args = dict({"name": "db", "namespace": namespace}, **extra_task_options)
    return [{
        "name": "fleet host", "hosts": "localhost", "gather_facts": False,
        "module_defaults": {K8S_GROUP: {"kubeconfig": kubeconfig}},  # as the playbooks give secretops_kubernetes
        "tasks": [
            {"name": "module", "secretops.provisioning.k8s_secret_info": module_args, "ignore_errors": True},
            {"name": "lookup", "ansible.builtin.set_fact": {"value": lookup}, "ignore_errors": True},
        ],
    }]


@pytest.mark.parametrize("credential", ["host only", "host and api_key"])
def test_the_jobs_k8s_auth_variables_never_take_a_hosts_kubeconfig_elsewhere(local_env, namespace, tmp_path, listener, credential):
    kubectl(local_env, "-n", namespace, "create", "secret", "generic", "db", "--from-literal=password=stored-value")
    kubeconfig, token = token_kubeconfig(local_env, namespace, tmp_path)
    variables = {"K8S_AUTH_HOST": listener.url}
    if credential == "host and api_key":
        variables.update(K8S_AUTH_API_KEY=token_like(), K8S_AUTH_VERIFY_SSL="False")
    result = run_playbook(play(namespace, kubeconfig), env=job_env(local_env, **variables))
    result.assert_ok()
    # before the fix: both tasks went to the listener, with the kubeconfig's token (host only) or the job's
    assert listener.received == []
    module = result.task("module")
    assert not module.get("failed"), module.get("msg")
    assert [secret["data_keys"] for secret in module["secrets"]] == [["password"]]
    assert any("K8S_AUTH_HOST" in warning and "ignored" in warning for warning in module.get("warnings", []))
    lookup = result.task("lookup")
    assert not lookup.get("failed"), lookup.get("msg")
    assert lookup["ansible_facts"]["value"] == "stored-value"
    assert "K8S_AUTH_HOST" in result.output and "from the job environment" in result.output  # the lookup's warning
    assert token not in result.output


def test_an_explicit_host_that_is_not_the_kubeconfigs_server_is_refused(local_env, namespace, tmp_path, listener):
    kubeconfig, token = token_kubeconfig(local_env, namespace, tmp_path)
    result = run_playbook(play(namespace, kubeconfig, host=listener.url), env=job_env(local_env))
    assert listener.received == []
    assert [entry["status"] for entry in result.results if entry["task"] == "module"] == ["failed"]
    failure = result.task("module")
    assert failure["msg"].startswith("host %s is not the server of kubeconfig %s (%s): the kubeconfig's token would be sent to "
                                     "another server" % (listener.url, kubeconfig, local_env.api_server))
    assert token not in result.output
