"""Proves the local environment behaves like a real cluster where the collection needs it to.

Workloads schedule and roll out on the kwok node, the controller-manager fills service-account token
Secrets, the kubernetes auth method of each Vault server (OpenBao, HashiCorp Vault) logs a service account in through the real TokenReview API,
and RBAC confines a service account to its namespace.
"""

import os
import subprocess
import uuid

import hvac
import pytest
from kubernetes import client as k8s_client

from tests.integration.polling import wait_until

KWOK_NODE = "kwok-node-0"


def kubectl(local_env, *args):
    """Run kubectl, the independent client, as cluster admin."""
    return subprocess.run(["kubectl"] + list(args), env=dict(os.environ, **local_env.env), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, check=False, timeout=180)


def create_service_account(core, namespace, name):
    core.create_namespaced_service_account(namespace, k8s_client.V1ServiceAccount(metadata=k8s_client.V1ObjectMeta(name=name)))


def request_token(core, namespace, service_account, seconds=600):
    """A short-lived token for ``service_account`` from the TokenRequest API (default audiences)."""
    spec = k8s_client.V1TokenRequestSpec(audiences=[], expiration_seconds=seconds)
    response = core.create_namespaced_service_account_token(service_account, namespace, k8s_client.AuthenticationV1TokenRequest(spec=spec))
    return response.status.token


def bearer_client(local_env, token):
    """An ApiClient that authenticates with a service-account token instead of the admin certificate."""
    configuration = k8s_client.Configuration()
    configuration.host = local_env.api_server
    configuration.ssl_ca_cert = local_env.ca_cert
    configuration.api_key = {"authorization": "Bearer " + token}
    return k8s_client.ApiClient(configuration)


def deployment(name, replicas):
    labels = {"app": name}
    container = k8s_client.V1Container(name="app", image="registry.k8s.io/pause:3.10")
    template = k8s_client.V1PodTemplateSpec(metadata=k8s_client.V1ObjectMeta(labels=labels), spec=k8s_client.V1PodSpec(containers=[container]))
    spec = k8s_client.V1DeploymentSpec(replicas=replicas, selector=k8s_client.V1LabelSelector(match_labels=labels), template=template)
    return k8s_client.V1Deployment(metadata=k8s_client.V1ObjectMeta(name=name), spec=spec)


def is_available(apps, namespace, name, replicas):
    status = apps.read_namespaced_deployment(name, namespace).status
    available = any(c.type == "Available" and c.status == "True" for c in status.conditions or [])
    return available and status.ready_replicas == replicas and status.updated_replicas == replicas


def test_deployment_runs_on_kwok_node_and_rolls_out(local_env, k8s_api, namespace):
    apps, core = k8s_client.AppsV1Api(k8s_api), k8s_client.CoreV1Api(k8s_api)
    apps.create_namespaced_deployment(namespace, deployment("web", 2))

    wait_until("Deployment web Available", lambda: is_available(apps, namespace, "web", 2))
    pods = core.list_namespaced_pod(namespace, label_selector="app=web").items
    assert [(p.status.phase, p.spec.node_name) for p in pods] == [("Running", KWOK_NODE)] * 2

    restart = kubectl(local_env, "rollout", "restart", "deployment/web", "-n", namespace)
    assert restart.returncode == 0, restart.stdout
    rollout = kubectl(local_env, "rollout", "status", "deployment/web", "-n", namespace, "--timeout=120s")
    assert rollout.returncode == 0, rollout.stdout

    replica_sets = apps.list_namespaced_replica_set(namespace, label_selector="app=web").items
    assert len(replica_sets) == 2, "rollout restart should create a second ReplicaSet"
    current = max(replica_sets, key=lambda rs: int(rs.metadata.annotations["deployment.kubernetes.io/revision"]))
    assert current.status.ready_replicas == 2
    wait_until("old pods gone", lambda: len(core.list_namespaced_pod(namespace, label_selector="app=web").items) == 2)
    template_hash = current.metadata.labels["pod-template-hash"]
    pods = core.list_namespaced_pod(namespace, label_selector="app=web").items
    assert {(p.metadata.labels["pod-template-hash"], p.status.phase) for p in pods} == {(template_hash, "Running")}


def test_controller_manager_fills_service_account_token_secret(k8s_api, namespace):
    core = k8s_client.CoreV1Api(k8s_api)
    create_service_account(core, namespace, "robot")
    secret = k8s_client.V1Secret(
        metadata=k8s_client.V1ObjectMeta(name="robot-token", annotations={"kubernetes.io/service-account.name": "robot"}),
        type="kubernetes.io/service-account-token")
    core.create_namespaced_secret(namespace, secret)

    def filled_secret():
        current = core.read_namespaced_secret("robot-token", namespace)
        return current if (current.data or {}).get("token") else None

    filled = wait_until("token in Secret robot-token", filled_secret)
    assert set(filled.data) >= {"token", "ca.crt", "namespace"}
    assert filled.metadata.annotations["kubernetes.io/service-account.uid"]


@pytest.fixture
def auth_delegator(k8s_api, namespace):
    """A service account bound to system:auth-delegator, as OpenBao's token reviewer; returns its name."""
    core, rbac = k8s_client.CoreV1Api(k8s_api), k8s_client.RbacAuthorizationV1Api(k8s_api)
    create_service_account(core, namespace, "token-reviewer")
    binding_name = "%s-token-reviewer" % namespace
    rbac.create_cluster_role_binding(k8s_client.V1ClusterRoleBinding(
        metadata=k8s_client.V1ObjectMeta(name=binding_name),
        role_ref=k8s_client.V1RoleRef(api_group="rbac.authorization.k8s.io", kind="ClusterRole", name="system:auth-delegator"),
        subjects=[k8s_client.RbacV1Subject(kind="ServiceAccount", name="token-reviewer", namespace=namespace)]))
    yield "token-reviewer"
    rbac.delete_cluster_role_binding(binding_name)


@pytest.fixture
def kubernetes_auth_mount(vault_client):
    """A freshly enabled kubernetes auth method at a unique path, disabled afterwards."""
    mount = "k8s-" + uuid.uuid4().hex[:8]
    vault_client.sys.enable_auth_method("kubernetes", path=mount)
    yield mount
    vault_client.sys.disable_auth_method(mount)


def test_kubernetes_auth_accepts_bound_service_account_only(local_env, k8s_api, vault_client, namespace, auth_delegator, kubernetes_auth_mount):
    core = k8s_client.CoreV1Api(k8s_api)
    with open(local_env.ca_cert, encoding="utf-8") as handle:
        ca_pem = handle.read()
    # OpenBao runs outside the cluster, so it gets the API address, CA and a reviewer JWT explicitly.
    vault_client.auth.kubernetes.configure(
        kubernetes_host=local_env.api_server, kubernetes_ca_cert=ca_pem,
        token_reviewer_jwt=request_token(core, namespace, auth_delegator, seconds=3600),
        disable_local_ca_jwt=True, mount_point=kubernetes_auth_mount)
    policy = "%s-app-read" % kubernetes_auth_mount
    vault_client.sys.create_or_update_policy(policy, 'path "secret/data/app/*" { capabilities = ["read"] }')
    # `namespace` plays the role of the application namespace ("demo"); it is unique per test run.
    vault_client.auth.kubernetes.create_role(
        "app", bound_service_account_names=["app"], bound_service_account_namespaces=[namespace],
        policies=[policy], mount_point=kubernetes_auth_mount)
    create_service_account(core, namespace, "app")
    create_service_account(core, namespace, "intruder")

    try:
        login = hvac.Client(url=local_env.vault_addr).auth.kubernetes.login(
            "app", request_token(core, namespace, "app"), mount_point=kubernetes_auth_mount)
        assert policy in login["auth"]["policies"]
        assert login["auth"]["metadata"]["service_account_name"] == "app"
        as_app = hvac.Client(url=local_env.vault_addr, token=login["auth"]["client_token"])
        assert policy in as_app.auth.token.lookup_self()["data"]["policies"]

        with pytest.raises(hvac.exceptions.Forbidden):
            hvac.Client(url=local_env.vault_addr).auth.kubernetes.login(
                "app", request_token(core, namespace, "intruder"), mount_point=kubernetes_auth_mount)
    finally:
        vault_client.sys.delete_policy(policy)


def test_rbac_confines_service_account_to_its_namespace(local_env, k8s_api, namespace):
    core, rbac = k8s_client.CoreV1Api(k8s_api), k8s_client.RbacAuthorizationV1Api(k8s_api)
    other = namespace + "-other"
    core.create_namespace(k8s_client.V1Namespace(metadata=k8s_client.V1ObjectMeta(name=other)))
    try:
        create_service_account(core, namespace, "reader")
        rbac.create_namespaced_role(namespace, k8s_client.V1Role(
            metadata=k8s_client.V1ObjectMeta(name="secrets"),
            rules=[k8s_client.V1PolicyRule(api_groups=[""], resources=["secrets"], verbs=["get", "list", "create"])]))
        rbac.create_namespaced_role_binding(namespace, k8s_client.V1RoleBinding(
            metadata=k8s_client.V1ObjectMeta(name="reader-secrets"),
            role_ref=k8s_client.V1RoleRef(api_group="rbac.authorization.k8s.io", kind="Role", name="secrets"),
            subjects=[k8s_client.RbacV1Subject(kind="ServiceAccount", name="reader", namespace=namespace)]))

        with bearer_client(local_env, request_token(core, namespace, "reader")) as as_reader:
            reader_core = k8s_client.CoreV1Api(as_reader)
            wait_until("RoleBinding in effect", lambda: _can_list_secrets(reader_core, namespace), timeout=20)
            for attempt in (lambda: reader_core.list_namespaced_secret(other),
                            lambda: reader_core.create_namespaced_secret(other, k8s_client.V1Secret(metadata=k8s_client.V1ObjectMeta(name="x")))):
                with pytest.raises(k8s_client.ApiException) as denied:
                    attempt()
                assert denied.value.status == 403

        can_i = kubectl(local_env, "auth", "can-i", "list", "secrets", "-n", other, "--as=system:serviceaccount:%s:reader" % namespace)
        assert can_i.stdout.strip() == "no"
    finally:
        core.delete_namespace(other)


def _can_list_secrets(core, namespace):
    try:
        core.list_namespaced_secret(namespace)
    except k8s_client.ApiException as exc:
        if exc.status != 403:
            raise
        return False
    return True
