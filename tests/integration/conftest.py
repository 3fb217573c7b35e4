"""Session fixtures that connect integration tests to the REAL local environment (tools/cluster/localenv.py).

``local_env`` reuses an environment that is already running and healthy, and otherwise starts one for
the session and stops it at the end (set ``SECRETOPS_KEEP_ENV=1`` to keep it running for the next run).
Every test collected under tests/integration is marked ``integration``.
"""

import json
import os
import subprocess
import sys
import uuid

import hvac
import pytest
from kubernetes import client as k8s_client
from kubernetes import config as k8s_config

from tests.conftest import REPO_ROOT

LOCALENV = os.path.join(REPO_ROOT, "tools", "cluster", "localenv.py")
INTEGRATION_DIR = os.path.dirname(os.path.abspath(__file__))


class LocalEnv(object):
    """What a test needs to reach the local apiserver and OpenBao, read from the environment's env.json."""

    def __init__(self, description):
        self.kubeconfig = description["kubeconfig"]
        self.api_server = description["api_server"]
        self.ca_cert = description["ca_cert"]
        self.vault_addr = description["vault_addr"]
        self.vault_token = description["vault_token"]
        self.postgres = description.get("postgres")  # host, port, superuser, password, database, bin_dir
        self.env = {
            "KUBECONFIG": self.kubeconfig,
            "K8S_AUTH_KUBECONFIG": self.kubeconfig,
            "VAULT_ADDR": self.vault_addr,
            "VAULT_TOKEN": self.vault_token,
        }


def _localenv(*args):
    return subprocess.run([sys.executable, LOCALENV] + list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, check=False)


def pytest_collection_modifyitems(items):
    for item in items:
        if str(item.fspath).startswith(INTEGRATION_DIR + os.sep):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def local_env():
    # `up` is a quick no-op on a healthy environment; it serializes with concurrent callers and says
    # "already running" when someone else started it, in which case this session must not stop it.
    result = _localenv("up")
    if result.returncode != 0:
        pytest.fail("the local environment did not start (localenv.py up):\n" + result.stdout, pytrace=False)
    started_here = "already running" not in result.stdout
    described = _localenv("env", "--json")
    if described.returncode != 0:
        pytest.fail("localenv.py env --json failed:\n" + described.stdout, pytrace=False)
    yield LocalEnv(json.loads(described.stdout))
    if started_here and os.environ.get("SECRETOPS_KEEP_ENV") != "1":
        _localenv("down")


@pytest.fixture(scope="session")
def k8s_api(local_env):
    """A kubernetes ``ApiClient`` authenticated as cluster admin."""
    api = k8s_config.new_client_from_config(config_file=local_env.kubeconfig)
    yield api
    api.close()


@pytest.fixture(scope="session")
def vault_client(local_env):
    """An ``hvac.Client`` holding the OpenBao dev server's root token."""
    vault = hvac.Client(url=local_env.vault_addr, token=local_env.vault_token)
    assert vault.is_authenticated(), "the OpenBao root token was rejected by %s" % local_env.vault_addr
    return vault


@pytest.fixture
def namespace(k8s_api):
    """A fresh, uniquely named namespace, deleted after the test."""
    core = k8s_client.CoreV1Api(k8s_api)
    name = "it-" + uuid.uuid4().hex[:10]
    core.create_namespace(k8s_client.V1Namespace(metadata=k8s_client.V1ObjectMeta(name=name, labels={"secretops.test/integration": "true"})))
    yield name
    try:
        core.delete_namespace(name)
    except k8s_client.ApiException as exc:
        if exc.status != 404:
            raise
