"""Static rotation proven by the workloads on the real node (issue 18): the rotate playbook, as users run it,
brings the new value to every consumer's new pods and leaves the other workloads' pods alone; with
``restart: not_in_place`` a volume consumer sees the value change in its running pod while env, args and
``subPath`` consumers restart; and restarts roll in batches of at most ``max_concurrent_restarts``,
counted from the Deployments' status as the API server reports it.
"""

import secrets
import threading
import time
import uuid

import pytest
from kubernetes import client as k8s_client

from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import rollout
from tests.integration.database_it_helpers import query
from tests.integration.dynamic_roles_support import read_secret
from tests.integration.real_node_support import VOLUME_PATH, consumer_deployment, counters, digest, new_digest_key, ready_pods, wait_for_counters
from tests.integration.test_roles_support import report_of, run_collection_playbook, sample_app

KEYS = ("username", "password")


@pytest.fixture(scope="module")
def real_node(local_env_description):
    node = local_env_description.get("node")
    if not node:
        pytest.fail("the local environment has no real node: restart it with this tree's localenv.py", pytrace=False)
    return node


def provision(local_env, namespace):
    app = sample_app(namespace)
    run_collection_playbook("provision", dict(app, app_secrets_vault_access=False), local_env.env).assert_ok()
    return app


def rotate(local_env, app, **options):
    run = run_collection_playbook("rotate", dict(app, secretops_rotate=["db"], **options), local_env.env).assert_ok()
    return run, report_of(run)


def subpath_deployment(name, node, secret_name, keys, digest_key):
    """A consumer reading each key from a file mounted with ``subPath`` (the kubelet never updates those)."""
    body = consumer_deployment(name, node, secret_name, keys, digest_key, env=False, args=False)
    container = body["spec"]["template"]["spec"]["containers"][0]
    container["volumeMounts"] = [{"name": "secret", "mountPath": "%s/%s" % (VOLUME_PATH, key), "subPath": key, "readOnly": True}
                                 for key in keys]
    return body


def deploy(k8s_api, namespace, bodies):
    apps = k8s_client.AppsV1Api(k8s_api)
    for body in bodies:
        apps.create_namespaced_deployment(namespace, body)
    return dict((body["metadata"]["name"], ready_pods(k8s_api, namespace, body["metadata"]["name"])[0]) for body in bodies)


def expected_digests(key, values):
    """What the consumer reports for a Secret's ``values``: env and args read ``KEYS``, the volume every file."""
    picked = digest(key, dict((name, values[name]) for name in KEYS))
    return {"env": picked, "args": picked, "volume": digest(key, values)}


def test_static_rotation_reaches_every_consumer_and_not_in_place_leaves_volume_readers_running(local_env, namespace, k8s_api, real_node):
    app = provision(local_env, namespace)
    key = new_digest_key()
    bodies = [
        consumer_deployment("env-args", real_node, "db", KEYS, key, volume=False),
        consumer_deployment("files", real_node, "db", KEYS, key, env=False, args=False),
        subpath_deployment("subpath", real_node, "db", KEYS, key),
        consumer_deployment("bystander", real_node, "config", ("MODE",), key),  # does not use db
    ]
    first = deploy(k8s_api, namespace, bodies)
    old = read_secret(k8s_api, namespace, "db")[1]
    assert counters(first["env-args"])["digests"]["env"] == expected_digests(key, old)["env"]

    # restart: not_in_place - env/args and subPath consumers restart; the volume reader sees the change in place.
    _run, report = rotate(local_env, app, secretops_restart_consumers="not_in_place")
    new = read_secret(k8s_api, namespace, "db")[1]
    assert new["password"] != old["password"]
    want = expected_digests(key, new)
    assert sorted(item["name"] for item in report["restarts"]) == ["env-args", "subpath"]
    assert [(item["name"], "kubelet updates the files" in item["reason"]) for item in report["in_place"]] == [("files", True)]
    (env_args,) = ready_pods(k8s_api, namespace, "env-args", exclude={first["env-args"].metadata.uid})
    assert wait_for_counters(env_args, lambda c: "args" in c["digests"])["digests"] == {"env": want["env"], "args": want["args"]}
    (subpath,) = ready_pods(k8s_api, namespace, "subpath", exclude={first["subpath"].metadata.uid})
    assert wait_for_counters(subpath, lambda c: "volume" in c["digests"])["digests"]["volume"] == want["volume"]
    # The running pod of the volume reader: same UID, no container restart, and its files change (kubelet sync, 10 s here).
    (files,) = ready_pods(k8s_api, namespace, "files")
    assert files.metadata.uid == first["files"].metadata.uid and files.status.container_statuses[0].restart_count == 0
    wait_for_counters(files, lambda c: c["digests"].get("volume") == want["volume"], timeout=40)
    (bystander,) = ready_pods(k8s_api, namespace, "bystander")
    assert bystander.metadata.uid == first["bystander"].metadata.uid

    # restart: all (the default) - every consumer's new pods see the newer value; the bystander keeps its pod.
    second = dict((name, ready_pods(k8s_api, namespace, name)[0]) for name in ("env-args", "files", "subpath"))
    _run, report = rotate(local_env, app)
    newer = read_secret(k8s_api, namespace, "db")[1]
    want = expected_digests(key, newer)
    assert sorted(item["name"] for item in report["restarts"]) == ["env-args", "files", "subpath"] and not report["in_place"]
    for name, ways in (("env-args", ("env", "args")), ("files", ("volume",)), ("subpath", ("volume",))):
        (pod,) = ready_pods(k8s_api, namespace, name, exclude={second[name].metadata.uid})
        seen = wait_for_counters(pod, lambda c, ways=ways: set(ways) <= set(c["digests"]))["digests"]
        assert dict((way, seen[way]) for way in ways) == dict((way, want[way]) for way in ways), name
    (bystander,) = ready_pods(k8s_api, namespace, "bystander")
    assert bystander.metadata.uid == first["bystander"].metadata.uid


class RolloutWatch(object):
    """Polls the namespace's Deployments through the API server and records the most rolling at once: a
    Deployment is rolling from the first status that shows its template changed until ``kubectl rollout
    status`` would call it complete (``rollout.rollout_state``)."""

    def __init__(self, k8s_api, namespace, names):
        self.apps = k8s_client.AppsV1Api(k8s_api)
        self.serialize = k8s_api.sanitize_for_serialization
        self.namespace = namespace
        self.start = dict((name, self.apps.read_namespaced_deployment(name, namespace).metadata.generation) for name in names)
        self.most, self.rolled = 0, set()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self):
        while not self.stop.is_set():
            rolling = []
            for item in self.apps.list_namespaced_deployment(self.namespace).items:
                workload = dict(self.serialize(item), kind="Deployment")
                name = item.metadata.name
                if name in self.start and item.metadata.generation > self.start[name]:
                    self.rolled.add(name)
                    if rollout.rollout_state(workload)[0] != rollout.COMPLETE:
                        rolling.append(name)
            self.most = max(self.most, len(rolling))
            time.sleep(0.1)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def test_restarts_roll_in_batches_of_max_concurrent_restarts(local_env, namespace, k8s_api, real_node):
    app = provision(local_env, namespace)
    key = new_digest_key()
    names = ["consumer-%d" % index for index in range(6)]
    deploy(k8s_api, namespace, [consumer_deployment(name, real_node, "db", KEYS, key, volume=False, args=False) for name in names])
    with RolloutWatch(k8s_api, namespace, names) as watch:
        _run, report = rotate(local_env, app, secretops_max_concurrent_restarts=2)
    assert sorted(item["name"] for item in report["restarts"]) == names
    assert all(item["outcome"] == "complete" for item in report["restarts"]), report["restarts"]
    assert watch.rolled == set(names)
    assert 1 <= watch.most <= 2, "up to %d Deployments rolled at once" % watch.most


def test_a_rollout_that_fails_on_the_new_value_rolls_back_to_a_value_that_works(local_env, namespace, k8s_api, real_node):
    """The consumer is Ready only while it logs in to PostgreSQL: PostgreSQL does not know the rotated password."""
    postgres = local_env.postgres
    user, password = "rb_" + uuid.uuid4().hex[:10], secrets.token_urlsafe(18)
    query(postgres, "CREATE ROLE %s WITH LOGIN PASSWORD '%s'" % (user, password))
    try:
        app = sample_app(namespace)
        database = app["secretops_applications"][0]["secrets"][0]
        run_collection_playbook("provision", dict(app, app_secrets_vault_access=False, secretops_applications=[dict(
            app["secretops_applications"][0], secrets=[dict(database, values={"username": user, "password": password}, generate={})])]),
            local_env.env).assert_ok()
        body = consumer_deployment("db-client", real_node, "db", KEYS, new_digest_key(), volume=False, args=False, postgres=postgres,
                                   db_credentials="env")
        body["spec"]["progressDeadlineSeconds"] = 8
        k8s_client.AppsV1Api(k8s_api).create_namespaced_deployment(namespace, body)
        (before,) = ready_pods(k8s_api, namespace, "db-client")

        run = run_collection_playbook("rotate", dict(app, secretops_rotate=["db"], secretops_wait_timeout=60), local_env.env)
        assert run.returncode != 0
        report = report_of(run)
        assert report["outcome"] == "rolled_back", report["outcome"]
        assert report["restarts"][0]["outcome"] == "failed" and "ProgressDeadlineExceeded" in report["restarts"][0]["reason"]
        assert read_secret(k8s_api, namespace, "db")[1]["password"] == password
        assert [item["name"] for item in report["rollback"]["restarts"]] == ["db-client"], "the consumers restart on the restored value"
        (after,) = ready_pods(k8s_api, namespace, "db-client", exclude={before.metadata.uid}, timeout=90)
        seen = wait_for_counters(after, lambda c: c["logins_ok"] >= 3)
        assert seen["logins_failed"] == 0 and seen["last_login_error"] == ""
        assert password not in run.output
    finally:
        query(postgres, "DROP ROLE IF EXISTS %s" % user)
