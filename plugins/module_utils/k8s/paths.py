# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Kubernetes API paths the collection sends requests to, spelled once.

Collections end without a slash; an object's path is its collection's plus ``/{name}``. The
placeholders are filled by ``K8sClient.request(path_params=...)``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

NAMESPACES = "/api/v1/namespaces"
NAMESPACE = NAMESPACES + "/{name}"
SECRETS = "/api/v1/namespaces/{namespace}/secrets"
SECRET = SECRETS + "/{name}"
CONFIG_MAPS = "/api/v1/namespaces/{namespace}/configmaps"
PODS = "/api/v1/namespaces/{namespace}/pods"
SERVICE_ACCOUNTS = "/api/v1/namespaces/{namespace}/serviceaccounts"
SERVICE_ACCOUNT = SERVICE_ACCOUNTS + "/{name}"
TOKEN_REQUEST = SERVICE_ACCOUNT + "/token"
REPLICATION_CONTROLLERS = "/api/v1/namespaces/{namespace}/replicationcontrollers"
DEPLOYMENTS = "/apis/apps/v1/namespaces/{namespace}/deployments"
STATEFUL_SETS = "/apis/apps/v1/namespaces/{namespace}/statefulsets"
DAEMON_SETS = "/apis/apps/v1/namespaces/{namespace}/daemonsets"
REPLICA_SETS = "/apis/apps/v1/namespaces/{namespace}/replicasets"
CRON_JOBS = "/apis/batch/v1/namespaces/{namespace}/cronjobs"
JOBS = "/apis/batch/v1/namespaces/{namespace}/jobs"
RBAC = "/apis/rbac.authorization.k8s.io/v1"
CLUSTER_ROLE_BINDINGS = RBAC + "/clusterrolebindings"
SUBJECT_ACCESS_REVIEWS = "/apis/authorization.k8s.io/v1/subjectaccessreviews"

# The collection of each kind of object a workload can be (or run as).
BY_KIND = {
    "Deployment": DEPLOYMENTS,
    "StatefulSet": STATEFUL_SETS,
    "DaemonSet": DAEMON_SETS,
    "ReplicaSet": REPLICA_SETS,
    "CronJob": CRON_JOBS,
    "Job": JOBS,
    "ReplicationController": REPLICATION_CONTROLLERS,
    "Pod": PODS,
    "ServiceAccount": SERVICE_ACCOUNTS,
}


def core_object(resource, name):
    """The path of a core v1 object from its etcd name ("<namespace>/<name>" or "<name>"),
    with nothing left to fill in."""
    if "/" in name:
        namespace, short = name.split("/", 1)
        return "/api/v1/namespaces/%s/%s/%s" % (namespace, resource, short)
    return "/api/v1/%s/%s" % (resource, name)
