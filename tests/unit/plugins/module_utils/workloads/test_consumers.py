"""Consumer discovery: owner chains up to the top controller, volume-plugin references, consumers that cannot be restarted."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.workloads.consumers import find_consumers, pod_spec, top_controller


ENV_POD = {"containers": [{"name": "app", "env": [{"name": "P", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}]}]}


def owner(kind, name, api_version, uid=None, controller=True):
    reference = {"apiVersion": api_version, "kind": kind, "name": name, "controller": controller}
    if uid:
        reference["uid"] = uid
    return reference


def obj(kind, name, pod=None, owners=None, uid=None, annotations=None):
    metadata = {"name": name, "namespace": "shop"}
    if owners:
        metadata["ownerReferences"] = owners
    if uid:
        metadata["uid"] = uid
    if annotations:
        metadata["annotations"] = annotations
    spec = dict(pod or ENV_POD) if kind == "Pod" else {"template": {"spec": pod or ENV_POD}}
    return {"kind": kind, "metadata": metadata, "spec": spec}


def summary(consumers):
    return [(c["kind"], c["name"], c["restartable"]) for c in consumers]


def test_pod_of_a_standalone_replica_set_is_reported_through_it_not_hidden():
    replica_set = obj("ReplicaSet", "cache", uid="u1")
    pods = [obj("Pod", "cache-%d" % i, owners=[owner("ReplicaSet", "cache", "apps/v1", "u1")]) for i in range(3)]
    consumers = find_consumers("db", pods + [replica_set])[0]
    assert summary(consumers) == [("ReplicaSet", "cache", False)]
    assert "delete its pods" in consumers[0]["reason"]
    assert consumers[0]["data_keys"] == ["password"] and "found_through" not in consumers[0]


def test_replication_controller_is_a_top_controller():
    controller = obj("ReplicationController", "legacy")
    pod = obj("Pod", "legacy-x", owners=[owner("ReplicationController", "legacy", "v1")])
    consumers = find_consumers("db", [pod, controller])[0]
    assert summary(consumers) == [("ReplicationController", "legacy", False)]


def test_pod_of_a_deployment_is_reported_once_through_the_deployment():
    deployment = obj("Deployment", "web", uid="d1")
    replica_set = obj("ReplicaSet", "web-1", owners=[owner("Deployment", "web", "apps/v1", "d1")], uid="r1")
    pod = obj("Pod", "web-1-a", owners=[owner("ReplicaSet", "web-1", "apps/v1", "r1")])
    index = dict(((o["kind"], o["metadata"]["name"]), o) for o in (deployment, replica_set, pod))
    assert top_controller(pod, index) == (deployment, None)
    assert summary(find_consumers("db", [pod, replica_set, deployment])[0]) == [("Deployment", "web", True)]


def test_leftover_replica_set_of_an_older_template_does_not_make_the_deployment_a_consumer():
    deployment = obj("Deployment", "web", pod={"containers": [{"name": "app"}]})
    old = obj("ReplicaSet", "web-0", owners=[owner("Deployment", "web", "apps/v1")])
    assert find_consumers("db", [deployment, old]) == ([], [])


def test_custom_resource_controller_is_reported_from_the_owner_reference():
    rollout = owner("Rollout", "web", "argoproj.io/v1alpha1", "ro1")
    replica_set = obj("ReplicaSet", "web-7c9", owners=[rollout], uid="r1")
    pods = [obj("Pod", "web-7c9-%d" % i, owners=[owner("ReplicaSet", "web-7c9", "apps/v1", "r1")]) for i in range(2)]
    consumers = find_consumers("db", pods + [replica_set])[0]
    assert summary(consumers) == [("Rollout", "web", False)]
    consumer = consumers[0]
    assert consumer["api_version"] == "argoproj.io/v1alpha1" and consumer["namespace"] == "shop"
    assert consumer["found_through"] == ["ReplicaSet/web-7c9"]
    assert "Rollout web" in consumer["reason"] and "argoproj.io/v1alpha1" in consumer["reason"]
    assert consumer["data_keys"] == ["password"]


def test_bare_pod_of_an_operator_crd_is_reported():
    pod = obj("Pod", "worker-0", owners=[owner("Widget", "w", "example.test/v1", "x")])
    consumer = find_consumers("db", [pod])[0][0]
    assert (consumer["kind"], consumer["name"], consumer["api_version"], consumer["restartable"]) == ("Widget", "w", "example.test/v1", False)
    assert consumer["found_through"] == ["Pod/worker-0"]


def test_a_crd_named_like_a_built_in_kind_is_not_mistaken_for_it():
    deployment = obj("Deployment", "web")
    pod = obj("Pod", "web-x", owners=[owner("Deployment", "web", "example.test/v1")])
    consumers = find_consumers("db", [pod, deployment])[0]
    assert [(c["kind"], c.get("api_version"), c["restartable"]) for c in consumers] == [
        ("Deployment", None, True), ("Deployment", "example.test/v1", False)]


def test_owner_that_is_gone_or_recreated_ends_the_chain_with_a_reason():
    replica_set = obj("ReplicaSet", "web-1", uid="new")
    pod = obj("Pod", "web-1-a", owners=[owner("ReplicaSet", "web-1", "apps/v1", "old")])
    orphan = obj("Pod", "api-1-a", owners=[owner("ReplicaSet", "api-1", "apps/v1", "gone")])
    replica_set["spec"]["template"]["spec"] = {"containers": [{"name": "app"}]}
    consumers = find_consumers("db", [pod, orphan, replica_set])[0]
    assert summary(consumers) == [("ReplicaSet", "api-1", False), ("ReplicaSet", "web-1", False)]
    assert all("was not found" in c["reason"] and "api_version" not in c for c in consumers)


def test_non_controller_owners_do_not_hide_a_pod():
    pod = obj("Pod", "p", owners=[owner("ConfigMap", "cfg", "v1", controller=False)])
    consumer = find_consumers("db", [pod])[0][0]
    assert (consumer["kind"], consumer["name"], consumer["restartable"]) == ("Pod", "p", False)
    assert "delete and re-create" in consumer["reason"]


def test_restartable_kinds_have_no_reason():
    consumer = find_consumers("db", [obj("StatefulSet", "db")])[0][0]
    assert consumer["restartable"] is True and consumer["reason"] is None


def test_opt_out_on_the_objects_found_under_a_custom_resource():
    pod = obj("Pod", "w", owners=[owner("Widget", "w", "example.test/v1")], annotations={"secretops.io/ignore-secrets": "db"})
    consumers, opted_out = find_consumers("db", [pod])
    assert consumers == [] and summary(opted_out) == [("Widget", "w", False)]


@pytest.mark.parametrize("volume, field", [
    ({"csi": {"driver": "secrets-store.csi.k8s.io", "nodePublishSecretRef": {"name": "db"}}}, "csi.nodePublishSecretRef"),
    ({"cephfs": {"monitors": ["m"], "secretRef": {"name": "db"}}}, "cephfs.secretRef"),
    ({"rbd": {"monitors": ["m"], "image": "i", "secretRef": {"name": "db"}}}, "rbd.secretRef"),
    ({"iscsi": {"targetPortal": "t", "iqn": "q", "lun": 0, "secretRef": {"name": "db"}}}, "iscsi.secretRef"),
    ({"flexVolume": {"driver": "d", "secretRef": {"name": "db"}}}, "flexVolume.secretRef"),
    ({"scaleIO": {"gateway": "g", "system": "s", "secretRef": {"name": "db"}}}, "scaleIO.secretRef"),
    ({"storageos": {"volumeName": "v", "secretRef": {"name": "db"}}}, "storageos.secretRef"),
    ({"azureFile": {"secretName": "db", "shareName": "s"}}, "azureFile.secretName"),
])
def test_volume_plugin_secret_references(volume, field):
    pod = {"containers": [{"name": "app"}], "volumes": [dict(volume, name="data")]}
    consumer = find_consumers("db", [obj("Deployment", "web", pod=pod)])[0][0]
    plugin = field.split(".")[0]
    assert consumer["uses"] == [{"via": "volumePlugin", "volume": "data", "plugin": plugin, "field": field, "data_keys": None}]
    assert consumer["all_keys"] is True
    other = {"containers": [{"name": "app"}], "volumes": [dict(volume, name="data")]}
    assert find_consumers("other", [obj("Deployment", "web", pod=other)]) == ([], [])


def test_every_reference_kind_in_one_pod_of_a_crd():
    pod_spec = {
        "serviceAccountName": "builder",
        "imagePullSecrets": [{"name": "db"}],
        "initContainers": [{"name": "init", "envFrom": [{"secretRef": {"name": "db"}}]}],
        "containers": [{"name": "app", "env": [{"name": "P", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}]}],
        "ephemeralContainers": [{"name": "debug", "env": [{"name": "U", "valueFrom": {"secretKeyRef": {"name": "db", "key": "username"}}}]}],
        "volumes": [{"name": "p", "projected": {"sources": [{"secret": {"name": "db"}}]}},
                    {"name": "c", "csi": {"driver": "d", "nodePublishSecretRef": {"name": "db"}}}],
    }
    accounts = {"builder": {"imagePullSecrets": [{"name": "db"}]}}
    pod = obj("Pod", "w-0", pod=pod_spec, owners=[owner("Widget", "w", "example.test/v1")])
    consumer = find_consumers("db", [pod], accounts)[0][0]
    assert [use["via"] for use in consumer["uses"]] == [
        "envFrom", "env", "env", "projected", "volumePlugin", "imagePullSecrets", "serviceAccountImagePullSecrets"]


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
    assert consumer["data_keys"] == ["password"]
    assert consumer["all_keys"] is False
    assert consumer["uses"] == [{"via": "env", "container": "app", "container_type": "containers", "env": "DB_PASSWORD",
                                 "data_keys": ["password"], "optional": False}]


def test_env_from_uses_all_keys():
    pod = {"containers": [container(envFrom=[{"secretRef": {"name": "db"}, "prefix": "DB_"}])]}
    consumer = find_consumers("db", [deployment("web", pod)])[0][0]
    assert consumer["data_keys"] is None and consumer["all_keys"] is True
    assert consumer["uses"][0]["via"] == "envFrom" and consumer["uses"][0]["prefix"] == "DB_"


def test_secret_volume_with_and_without_items():
    whole = {"containers": [container()], "volumes": [{"name": "creds", "secret": {"secretName": "db"}}]}
    some = {"containers": [container()], "volumes": [{"name": "creds", "secret": {"secretName": "db", "items": [{"key": "ca.crt", "path": "ca"}]}}]}
    consumers = find_consumers("db", [deployment("a", whole), deployment("b", some)])[0]
    assert [c["data_keys"] for c in consumers] == [None, ["ca.crt"]]
    assert consumers[0]["uses"][0]["via"] == "volume" and consumers[0]["uses"][0]["volume"] == "creds"


def test_projected_volume_source():
    pod = {"containers": [container()], "volumes": [{"name": "all", "projected": {"sources": [
        {"configMap": {"name": "db"}}, {"secret": {"name": "db", "items": [{"key": "tls.crt", "path": "c"}]}}]}}]}
    consumer = find_consumers("db", [deployment("web", pod)])[0][0]
    assert consumer["uses"] == [{"via": "projected", "volume": "all", "data_keys": ["tls.crt"], "optional": False}]


def test_image_pull_secrets_on_pod_and_on_service_account():
    pod = {"containers": [container()], "imagePullSecrets": [{"name": "registry"}], "serviceAccountName": "builder"}
    accounts = {"builder": {"metadata": {"name": "builder"}, "imagePullSecrets": [{"name": "registry"}]}}
    consumer = find_consumers("registry", [deployment("web", pod)], accounts)[0][0]
    assert [use["via"] for use in consumer["uses"]] == ["imagePullSecrets", "serviceAccountImagePullSecrets"]
    assert consumer["data_keys"] == [".dockerconfigjson"]


def test_default_service_account_pull_secret():
    pod = {"containers": [container()]}
    accounts = {"default": {"metadata": {"name": "default"}, "imagePullSecrets": [{"name": "registry"}]}}
    consumer = find_consumers("registry", [deployment("web", pod)], accounts)[0][0]
    assert consumer["uses"] == [{"via": "serviceAccountImagePullSecrets", "service_account": "default", "data_keys": [".dockerconfigjson"]}]


def test_init_and_ephemeral_containers_count():
    pod = {"initContainers": [container("migrate", env=[env_ref("db", "username")])],
           "containers": [container()],
           "ephemeralContainers": [container("debug", envFrom=[{"secretRef": {"name": "db"}}])]}
    consumer = find_consumers("db", [{"kind": "Pod", "metadata": {"name": "p", "namespace": "shop"}, "spec": pod}])[0][0]
    assert [(u["container"], u["container_type"]) for u in consumer["uses"]] == [("migrate", "initContainers"), ("debug", "ephemeralContainers")]


def test_keys_are_unioned_across_uses():
    pod = {"containers": [container(env=[env_ref("db", "username"), env_ref("db", "password")])],
           "initContainers": [container("init", env=[env_ref("db", "password")])]}
    assert find_consumers("db", [deployment("web", pod)])[0][0]["data_keys"] == ["password", "username"]


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
