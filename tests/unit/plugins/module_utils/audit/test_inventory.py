"""The namespace index: discovery over the workloads that name a Secret finds what discovery over all of them finds."""

from ansible_collections.secretops.provisioning.plugins.module_utils.audit.inventory import Namespace
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import consumers as discovery


def owned(kind, name, owner_kind, owner_name, spec=None, api_version="apps/v1"):
    item = {"kind": kind, "metadata": {"name": name, "uid": name, "ownerReferences": [
        {"kind": owner_kind, "name": owner_name, "uid": owner_name, "apiVersion": api_version, "controller": True}]}}
    item.update(spec or {})
    return item


def template(*containers, **pod):
    return {"spec": {"template": {"spec": dict({"containers": list(containers)}, **pod)}}}


def env_from(secret):
    return {"name": "app", "envFrom": [{"secretRef": {"name": secret}}]}


WORKLOADS = [
    {"kind": "Deployment", "metadata": {"name": "web", "uid": "web"}, **template(env_from("new"))},
    owned("ReplicaSet", "web-old", "Deployment", "web", template(env_from("db"))),   # leftover of an older template
    owned("Pod", "web-old-1", "ReplicaSet", "web-old", {"spec": {"containers": [env_from("db")]}}, "apps/v1"),
    {"kind": "Deployment", "metadata": {"name": "api", "uid": "api"}, **template({"name": "app"}, serviceAccountName="puller")},
    {"kind": "CronJob", "metadata": {"name": "nightly", "uid": "nightly"},
     "spec": {"jobTemplate": {"spec": {"template": {"spec": {"volumes": [{"name": "v", "secret": {"secretName": "db"}}]}}}}}},
    owned("Job", "nightly-1", "CronJob", "nightly", template(), "batch/v1"),
    owned("Pod", "rollout-1", "Rollout", "canary", {"spec": {"containers": [env_from("db")]}}, "argoproj.io/v1alpha1"),
    {"kind": "Pod", "metadata": {"name": "bare", "uid": "bare"}, "spec": {"containers": [{"name": "x", "env": [
        {"name": "A", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}]}]}},
]
ACCOUNTS = {"puller": {"metadata": {"name": "puller"}, "imagePullSecrets": [{"name": "registry"}]}}


def test_candidates_give_the_same_consumers_as_every_workload():
    namespace = Namespace("shop", {}, WORKLOADS, ACCOUNTS)
    for secret in ("db", "new", "registry", "absent"):
        assert namespace.consumers(secret) == discovery.find_consumers(secret, WORKLOADS, ACCOUNTS), secret
    assert [c["name"] for c in namespace.consumers("registry")[0]] == ["api"]
    assert namespace.candidates("absent") == []
