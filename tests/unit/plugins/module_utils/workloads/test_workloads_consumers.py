"""Consumer discovery over workload dicts: every way a pod can use a Secret."""

from ansible_collections.secretops.provisioning.plugins.module_utils.workloads.consumers import find_consumers, pod_spec


def deployment(name, pod, annotations=None, kind="Deployment"):
    metadata = {"name": name, "namespace": "shop"}
    if annotations:
        metadata["annotations"] = annotations
    return {"kind": kind, "metadata": metadata, "spec": {"template": {"spec": pod}}}


def container(name="app", **fields):
    return dict(name=name, image="busybox", **fields)


def env_ref(secret, key, var="VAR"):
    return {"name": var, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}


def test_env_secret_key_ref_reports_the_key_and_container():
    pod = {"containers": [container(env=[env_ref("db", "password", "DB_PASSWORD"), {"name": "PLAIN", "value": "x"}])]}
    consumers, opted_out = find_consumers("db", [deployment("web", pod)])
    assert opted_out == []
    assert len(consumers) == 1
    consumer = consumers[0]
    assert (consumer["kind"], consumer["name"], consumer["namespace"], consumer["secret"]) == ("Deployment", "web", "shop", "db")
    assert consumer["keys"] == ["password"]
    assert consumer["all_keys"] is False
    assert consumer["uses"] == [{"via": "env", "container": "app", "container_type": "containers", "env": "DB_PASSWORD",
                                 "keys": ["password"], "optional": False}]


def test_env_from_uses_all_keys():
    pod = {"containers": [container(envFrom=[{"secretRef": {"name": "db"}, "prefix": "DB_"}])]}
    consumer = find_consumers("db", [deployment("web", pod)])[0][0]
    assert consumer["keys"] is None and consumer["all_keys"] is True
    assert consumer["uses"][0]["via"] == "envFrom" and consumer["uses"][0]["prefix"] == "DB_"


def test_secret_volume_with_and_without_items():
    whole = {"containers": [container()], "volumes": [{"name": "creds", "secret": {"secretName": "db"}}]}
    some = {"containers": [container()], "volumes": [{"name": "creds", "secret": {"secretName": "db", "items": [{"key": "ca.crt", "path": "ca"}]}}]}
    consumers = find_consumers("db", [deployment("a", whole), deployment("b", some)])[0]
    assert [c["keys"] for c in consumers] == [None, ["ca.crt"]]
    assert consumers[0]["uses"][0]["via"] == "volume" and consumers[0]["uses"][0]["volume"] == "creds"


def test_projected_volume_source():
    pod = {"containers": [container()], "volumes": [{"name": "all", "projected": {"sources": [
        {"configMap": {"name": "db"}}, {"secret": {"name": "db", "items": [{"key": "tls.crt", "path": "c"}]}}]}}]}
    consumer = find_consumers("db", [deployment("web", pod)])[0][0]
    assert consumer["uses"] == [{"via": "projected", "volume": "all", "keys": ["tls.crt"], "optional": False}]


def test_image_pull_secrets_on_pod_and_on_service_account():
    pod = {"containers": [container()], "imagePullSecrets": [{"name": "registry"}], "serviceAccountName": "builder"}
    accounts = {"builder": {"metadata": {"name": "builder"}, "imagePullSecrets": [{"name": "registry"}]}}
    consumer = find_consumers("registry", [deployment("web", pod)], accounts)[0][0]
    assert [use["via"] for use in consumer["uses"]] == ["imagePullSecrets", "serviceAccountImagePullSecrets"]
    assert consumer["keys"] == [".dockerconfigjson"]


def test_default_service_account_pull_secret():
    pod = {"containers": [container()]}
    accounts = {"default": {"metadata": {"name": "default"}, "imagePullSecrets": [{"name": "registry"}]}}
    consumer = find_consumers("registry", [deployment("web", pod)], accounts)[0][0]
    assert consumer["uses"] == [{"via": "serviceAccountImagePullSecrets", "service_account": "default", "keys": [".dockerconfigjson"]}]


def test_init_and_ephemeral_containers_count():
    pod = {"initContainers": [container("migrate", env=[env_ref("db", "username")])],
           "containers": [container()],
           "ephemeralContainers": [container("debug", envFrom=[{"secretRef": {"name": "db"}}])]}
    consumer = find_consumers("db", [{"kind": "Pod", "metadata": {"name": "p", "namespace": "shop"}, "spec": pod}])[0][0]
    assert [(u["container"], u["container_type"]) for u in consumer["uses"]] == [("migrate", "initContainers"), ("debug", "ephemeralContainers")]


def test_keys_are_unioned_across_uses():
    pod = {"containers": [container(env=[env_ref("db", "username"), env_ref("db", "password")])],
           "initContainers": [container("init", env=[env_ref("db", "password")])]}
    assert find_consumers("db", [deployment("web", pod)])[0][0]["keys"] == ["password", "username"]


def test_every_kind_and_where_its_pod_spec_lives():
    pod = {"containers": [container(env=[env_ref("db", "password")])]}
    workloads = [
        {"kind": "Pod", "metadata": {"name": "bare"}, "spec": pod},
        {"kind": "CronJob", "metadata": {"name": "nightly"}, "spec": {"jobTemplate": {"spec": {"template": {"spec": pod}}}}},
        deployment("job", pod, kind="Job"),
        deployment("ds", pod, kind="DaemonSet"),
        deployment("sts", pod, kind="StatefulSet"),
        deployment("web", pod),
    ]
    consumers = find_consumers("db", workloads)[0]
    assert [(c["kind"], c["name"]) for c in consumers] == [
        ("Deployment", "web"), ("StatefulSet", "sts"), ("DaemonSet", "ds"), ("CronJob", "nightly"), ("Job", "job"), ("Pod", "bare")]
    assert pod_spec({"kind": "ReplicaSet"}) == {}


def test_controlled_pods_and_cronjob_jobs_are_reported_through_their_controller():
    pod = {"containers": [container(env=[env_ref("db", "password")])]}
    web = deployment("web", pod)
    replica_set = deployment("web-abc", pod, kind="ReplicaSet")
    replica_set["metadata"]["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "controller": True}]
    owned_pod = {"kind": "Pod", "metadata": {"name": "web-abc-1", "ownerReferences": [
        {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-abc", "controller": True}]}, "spec": pod}
    nightly = {"kind": "CronJob", "metadata": {"name": "nightly"}, "spec": {"jobTemplate": {"spec": {"template": {"spec": pod}}}}}
    cron_job = deployment("nightly-123", pod, kind="Job")
    cron_job["metadata"]["ownerReferences"] = [{"apiVersion": "batch/v1", "kind": "CronJob", "name": "nightly", "controller": True}]
    consumers = find_consumers("db", [owned_pod, cron_job, replica_set, web, nightly])[0]
    assert [(c["kind"], c["name"], c["restartable"]) for c in consumers] == [("Deployment", "web", True), ("CronJob", "nightly", True)]
    assert "found_through" not in consumers[0]


def test_other_secrets_and_unknown_kinds_are_ignored():
    pod = {"containers": [container(env=[env_ref("other", "password")])], "volumes": [{"name": "v", "secret": {"secretName": "other"}}]}
    assert find_consumers("db", [deployment("web", pod), {"kind": "ReplicaSet", "metadata": {"name": "rs"}, "spec": {"template": {"spec": pod}}}]) == ([], [])


def test_opt_out_annotation_all_or_by_name():
    pod = {"containers": [container(envFrom=[{"secretRef": {"name": "db"}}])]}
    workloads = [
        deployment("all", pod, {"secretops.io/ignore-secrets": "true"}),
        deployment("named", pod, {"secretops.io/ignore-secrets": "cache, db"}),
        deployment("other", pod, {"secretops.io/ignore-secrets": "cache"}),
        deployment("plain", pod),
    ]
    consumers, opted_out = find_consumers("db", workloads)
    assert [c["name"] for c in consumers] == ["other", "plain"]
    assert [c["name"] for c in opted_out] == ["all", "named"]


def test_optional_refs_are_reported():
    pod = {"containers": [container(env=[{"name": "X", "valueFrom": {"secretKeyRef": {"name": "db", "key": "k", "optional": True}}}])]}
    assert find_consumers("db", [deployment("web", pod)])[0][0]["uses"][0]["optional"] is True
