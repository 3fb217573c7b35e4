"""``localenv.py up --clusters 3``: three independent Kubernetes clusters beside one set of Vault servers.

Each cluster has its own CA and service-account signing key, so a ServiceAccount token issued by
one cluster authenticates there and nowhere else (what per-cluster Vault Kubernetes auth mounts
rely on)."""

import os
import ssl
import urllib.error
import urllib.request
import uuid

from kubernetes import client as k8s_client
from kubernetes import config as k8s_config


def _api(cluster):
    return k8s_config.new_client_from_config(config_file=cluster["kubeconfig"])


def _status_with_token(cluster, token):
    """The HTTP status of GET /api on the cluster with ``token`` as bearer (TLS verified with the cluster's CA)."""
    context = ssl.create_default_context(cafile=cluster["ca_cert"])
    request = urllib.request.Request(cluster["api_server"] + "/api", headers={"Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(request, timeout=10, context=context) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _ready(cluster):
    """True when the cluster's apiserver answers /readyz with ok to its admin (client certificate of its PKI)."""
    context = ssl.create_default_context(cafile=cluster["ca_cert"])
    context.load_cert_chain(os.path.join(cluster["pki_dir"], "admin.crt"), os.path.join(cluster["pki_dir"], "admin.key"))
    with urllib.request.urlopen(cluster["api_server"] + "/readyz", timeout=10, context=context) as response:
        return response.status == 200 and response.read().strip() == b"ok"


def _service_account_token(cluster, namespace):
    api = _api(cluster)
    core = k8s_client.CoreV1Api(api)
    try:
        core.create_namespace(k8s_client.V1Namespace(metadata=k8s_client.V1ObjectMeta(name=namespace)))
        core.create_namespaced_service_account(namespace, k8s_client.V1ServiceAccount(metadata=k8s_client.V1ObjectMeta(name="app")))
        model = getattr(k8s_client, "AuthenticationV1TokenRequest", None) or getattr(k8s_client, "V1TokenRequest")
        request = model(spec=k8s_client.V1TokenRequestSpec(audiences=[], expiration_seconds=600))
        return core.create_namespaced_service_account_token("app", namespace, request).status.token
    finally:
        api.close()


def _delete_namespace(cluster, namespace):
    api = _api(cluster)
    try:
        k8s_client.CoreV1Api(api).delete_namespace(namespace)
    finally:
        api.close()


def test_three_independent_clusters_are_listed_and_ready(fleet_env):
    assert [cluster["name"] for cluster in fleet_env[:3]] == ["cluster-1", "cluster-2", "cluster-3"]
    for cluster in fleet_env[:3]:
        assert set(cluster) >= {"name", "kubeconfig", "api_server", "ca_cert", "pki_dir"}
        assert _ready(cluster), cluster["name"]
    assert len(set(cluster["api_server"] for cluster in fleet_env)) == len(fleet_env)
    certificates = []
    for cluster in fleet_env[:3]:
        with open(cluster["ca_cert"], "rb") as handle:
            certificates.append(handle.read())
    assert len(set(certificates)) == 3, "every cluster has its own CA"


def test_a_service_account_token_of_one_cluster_is_refused_by_another(fleet_env):
    first, second = fleet_env[0], fleet_env[1]
    namespace = "it-fleet-" + uuid.uuid4().hex[:8]
    try:
        token = _service_account_token(first, namespace)
        assert _status_with_token(first, token) == 200
        assert _status_with_token(second, token) == 401
    finally:
        _delete_namespace(first, namespace)
