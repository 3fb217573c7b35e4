"""k8s/paths.py: every API path spelled once, and the objects' paths from their etcd names."""

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import paths
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import _expand


def test_object_paths_are_their_collections_plus_the_name():
    assert _expand(paths.SECRET, {"namespace": "demo", "name": "db"}) == "/api/v1/namespaces/demo/secrets/db"
    assert _expand(paths.SERVICE_ACCOUNT, {"namespace": "vault", "name": "reviewer"}) == "/api/v1/namespaces/vault/serviceaccounts/reviewer"
    assert _expand(paths.TOKEN_REQUEST, {"namespace": "vault", "name": "reviewer"}) == "/api/v1/namespaces/vault/serviceaccounts/reviewer/token"
    assert _expand(paths.NAMESPACE, {"name": "demo"}) == "/api/v1/namespaces/demo"
    assert paths.CLUSTER_ROLE_BINDINGS == "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"


def test_every_workload_kind_has_a_namespaced_collection():
    assert set(paths.BY_KIND) == {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "CronJob", "Job", "ReplicationController",
                                  "Pod", "ServiceAccount"}
    assert all(path.endswith("s") and "/namespaces/{namespace}/" in path for path in paths.BY_KIND.values())


def test_a_core_object_path_comes_from_its_etcd_name():
    assert paths.core_object("secrets", "demo/db") == "/api/v1/namespaces/demo/secrets/db"
    assert paths.core_object("namespaces", "demo") == "/api/v1/namespaces/demo"
