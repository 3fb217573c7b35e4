"""Session fixtures that connect integration tests to the REAL local environment (tools/cluster/localenv.py).

``local_env`` reuses an environment that is already running and healthy, and otherwise starts one for
the session and stops it at the end (set ``SECRETOPS_KEEP_ENV=1`` to keep it running for the next run).
Every test collected under tests/integration is marked ``integration``.

The environment runs two Vault-API servers, OpenBao and HashiCorp Vault (``VAULT_FLAVORS``). Every
test that uses ``vault_server`` (directly, through ``vault_client``, or with
``@pytest.mark.usefixtures("vault_server")`` when it only needs ``local_env.env``) runs once per
server, with the server in its id (``test_x[openbao]``, ``test_x[vault]``); its ``local_env``
points ``vault_addr``, ``vault_token`` and ``env`` (``VAULT_ADDR``, ``VAULT_TOKEN``) at that server.
Tests that never touch Vault run once, with OpenBao as ``local_env``'s server.
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
from tests.integration.dynamic_roles_support import drop_engines, make_engines

LOCALENV = os.path.join(REPO_ROOT, "tools", "cluster", "localenv.py")
INTEGRATION_DIR = os.path.dirname(os.path.abspath(__file__))
# The Vault-API servers of the environment (env.json's vault_servers); the first is the default.
# SECRETOPS_VAULT_FLAVORS narrows them, as it narrows what localenv.py starts (tools/cluster/vault_server.py):
# make test's newest-ansible-core leg runs against OpenBao only.
VAULT_FLAVORS = tuple(flavor for flavor in ("openbao", "vault")
                      if flavor in os.environ.get("SECRETOPS_VAULT_FLAVORS", "openbao,vault").split(","))


class VaultServer(object):
    """One Vault-API server of the environment: ``flavor`` (one of VAULT_FLAVORS), ``address``, root ``token``."""

    def __init__(self, flavor, address, token):
        self.flavor = flavor
        self.address = address
        self.token = token

    def __repr__(self):
        return "VaultServer(%s at %s)" % (self.flavor, self.address)


class LocalEnv(object):
    """What a test needs to reach the local apiserver and one of the Vault servers (OpenBao unless
    ``flavor`` says otherwise), read from the environment's env.json."""

    def __init__(self, description, flavor=VAULT_FLAVORS[0]):
        self.kubeconfig = description["kubeconfig"]
        self.api_server = description["api_server"]
        self.ca_cert = description["ca_cert"]
        self.vault_servers = dict((server["flavor"], VaultServer(**server)) for server in description.get("vault_servers") or [])
        if flavor not in self.vault_servers:
            pytest.fail("the local environment has no %s server (env.json lists %s): restart it with localenv.py down, then up"
                        % (flavor, ", ".join(sorted(self.vault_servers))), pytrace=False)
        self.vault_server = self.vault_servers[flavor]
        self.vault_addr = self.vault_server.address
        self.vault_token = self.vault_server.token
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


def pytest_generate_tests(metafunc):
    # vault_flavor is session-scoped, so pytest runs every [openbao] test, then every [vault] one.
    if "vault_server" in metafunc.fixturenames:
        metafunc.parametrize("vault_flavor", VAULT_FLAVORS, indirect=True, scope="session")


# SECRETOPS_TEST_SELECTION narrows a session to the tests that run against a Vault server
# ("vault-server": the ones parametrized by vault_flavor) or to every other test ("no-vault-server",
# unit tests included): make test runs the oldest leg's two halves at different times, the second once
# HashiCorp Vault is built (tools/run_tests.py).
# SECRETOPS_INTEGRATION_SHARD=K/N keeps, of the integration tests that run against no Vault server, the
# files whose place in the sorted list of such files is K modulo N (tests against a Vault server and
# unit tests are all kept): make test's two legs each run one half of them (tools/run_tests.py).
TEST_SELECTIONS = ("vault-server", "no-vault-server")


def uses_vault_server(item):
    return "vault_flavor" in getattr(getattr(item, "callspec", None), "params", {})


def is_integration(item):
    return str(item.fspath).startswith(INTEGRATION_DIR + os.sep)


def selected(items):
    """The items SECRETOPS_TEST_SELECTION and SECRETOPS_INTEGRATION_SHARD keep, in their order."""
    selection = os.environ.get("SECRETOPS_TEST_SELECTION")
    if selection and selection not in TEST_SELECTIONS:
        raise pytest.UsageError("SECRETOPS_TEST_SELECTION is %r; it may be %s" % (selection, " or ".join(TEST_SELECTIONS)))
    if selection:
        items = [item for item in items if uses_vault_server(item) == (selection == "vault-server")]
    shard = os.environ.get("SECRETOPS_INTEGRATION_SHARD")
    if shard:
        parts = shard.split("/")
        if len(parts) != 2 or not all(part.isdigit() for part in parts) or not 0 <= int(parts[0]) < int(parts[1]):
            raise pytest.UsageError("SECRETOPS_INTEGRATION_SHARD is %r; it must be K/N with 0 <= K < N" % shard)
        index, count = int(parts[0]), int(parts[1])
        sharded = sorted(set(str(item.fspath) for item in items if is_integration(item) and not uses_vault_server(item)))
        kept = set(path for place, path in enumerate(sharded) if place % count == index)
        items = [item for item in items if not is_integration(item) or uses_vault_server(item) or str(item.fspath) in kept]
    return items


def pytest_collection_modifyitems(config, items):
    for item in items:
        if is_integration(item):
            item.add_marker(pytest.mark.integration)
    kept = selected(items)
    if len(kept) != len(items):
        kept_ids = set(id(item) for item in kept)
        config.hook.pytest_deselected(items=[item for item in items if id(item) not in kept_ids])
        items[:] = kept


@pytest.fixture(scope="session")
def local_env_description():
    """The running environment's env.json; started for the session (and stopped after it) if needed."""
    # `up` is a quick no-op on a healthy environment; it serializes with concurrent callers and says
    # "already running" when someone else started it, in which case this session must not stop it.
    result = _localenv("up")
    if result.returncode != 0:
        pytest.fail("the local environment did not start (localenv.py up):\n" + result.stdout, pytrace=False)
    started_here = "already running" not in result.stdout
    described = _localenv("env", "--json")
    if described.returncode != 0:
        pytest.fail("localenv.py env --json failed:\n" + described.stdout, pytrace=False)
    yield json.loads(described.stdout)
    if started_here and os.environ.get("SECRETOPS_KEEP_ENV") != "1":
        _localenv("down")


@pytest.fixture(scope="session")
def fleet_env():
    """env.json's ``clusters`` of an environment of three independent clusters (``localenv.py up
    --clusters 3``: on a running environment it only adds the missing clusters). Kept or stopped
    after the session as ``local_env_description`` decides: stopped only if this session started it."""
    result = _localenv("up", "--clusters", "3")
    if result.returncode != 0:
        pytest.fail("the local environment did not start with 3 clusters (localenv.py up --clusters 3):\n" + result.stdout, pytrace=False)
    started_here = "already running" not in result.stdout
    described = _localenv("env", "--json")
    if described.returncode != 0:
        pytest.fail("localenv.py env --json failed:\n" + described.stdout, pytrace=False)
    yield json.loads(described.stdout)["clusters"]
    if started_here and os.environ.get("SECRETOPS_KEEP_ENV") != "1":
        _localenv("down")


@pytest.fixture(scope="session")
def vault_flavor(request):
    """The Vault server of this test: each of VAULT_FLAVORS for a test that uses vault_server, else OpenBao."""
    return getattr(request, "param", VAULT_FLAVORS[0])


@pytest.fixture(scope="session")
def local_env(local_env_description, vault_flavor):
    return LocalEnv(local_env_description, vault_flavor)


@pytest.fixture(scope="session")
def vault_server(local_env):
    """The Vault-API server this test runs against (``flavor``, ``address``, ``token``); asking for it
    makes the test run once per server."""
    return local_env.vault_server


@pytest.fixture(scope="session")
def k8s_api(local_env):
    """A kubernetes ``ApiClient`` authenticated as cluster admin."""
    api = k8s_config.new_client_from_config(config_file=local_env.kubeconfig)
    yield api
    api.close()


@pytest.fixture(scope="session")
def vault_client(vault_server):
    """An ``hvac.Client`` holding the root token of the test's Vault server (each of OpenBao and HashiCorp Vault)."""
    vault = hvac.Client(url=vault_server.address, token=vault_server.token)
    assert vault.is_authenticated(), "the %s root token was rejected by %s" % (vault_server.flavor, vault_server.address)
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


@pytest.fixture(scope="module")
def engines(local_env, vault_client):
    """A PKI mount (role ``web``) and a database engine wired to the local PostgreSQL (role ``app``), for one test module."""
    if not local_env.postgres:
        pytest.fail("the local environment has no PostgreSQL: restart it with this tree's tools/cluster/localenv.py", pytrace=False)
    made = make_engines(local_env, vault_client)
    yield made
    drop_engines(vault_client, made)
