"""Zero-downtime rotation of dynamic secrets proven by the workloads on the real node (issue 18), on OpenBao and
HashiCorp Vault: consumers log in to PostgreSQL every 200 ms and a Service's endpoints serve HTTPS with the
issued certificate through a whole ``rotate``; no login and no handshake fails, the served serial switches,
the replaced certificate is revoked only after it was last served, and the replaced database lease stays
valid while a paused consumer's pod holds it, revoked by the next run once that pod is replaced.
"""

import time

import pytest
from kubernetes import client as k8s_client

from tests.integration.database_it_helpers import can_log_in
from tests.integration.dynamic_roles_support import dynamic_app, read_secret, run_playbook_with
from tests.integration.real_node_support import HTTPS_PORT, Watch, consumer_deployment, counters, new_digest_key, ready_pods, serial_number
from tests.integration.test_roles_support import report_of

KEYS = ("username", "password")


@pytest.fixture(scope="module")
def real_node(local_env_description):
    node = local_env_description.get("node")
    if not node:
        pytest.fail("the local environment has no real node: restart it with this tree's localenv.py", pytrace=False)
    return node


def web_service(namespace):
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": namespace},
            "spec": {"selector": {"app": "web"}, "ports": [{"port": HTTPS_PORT, "targetPort": HTTPS_PORT}]}}


def test_dynamic_rotation_is_zero_downtime_and_revokes_only_what_no_running_pod_holds(
        local_env, vault_server, vault_client, namespace, k8s_api, engines, real_node):
    app = dynamic_app(namespace, engines)
    run_playbook_with("provision", dict(app, app_secrets_vault_access=False), local_env.env).assert_ok()
    postgres, key = local_env.postgres, new_digest_key()
    apps = k8s_client.AppsV1Api(k8s_api)
    for body in (consumer_deployment("db-client", real_node, "db", KEYS, key, volume=False, args=False, postgres=postgres,
                                     db_credentials="env"),
                 consumer_deployment("paused", real_node, "db", KEYS, key, volume=False, args=False, postgres=postgres,
                                     db_credentials="env"),
                 consumer_deployment("web", real_node, "web-tls", ("tls.crt", "tls.key"), key, env=False, args=False, tls=True)):
        apps.create_namespaced_deployment(namespace, body)
    k8s_client.CoreV1Api(k8s_api).create_namespaced_service(namespace, web_service(namespace))
    (paused,) = ready_pods(k8s_api, namespace, "paused")
    ready_pods(k8s_api, namespace, "db-client")
    ready_pods(k8s_api, namespace, "web")
    apps.patch_namespaced_deployment("paused", namespace, {"spec": {"paused": True}})
    old_secret, old = read_secret(k8s_api, namespace, "db")
    old_lease = old_secret.metadata.annotations["secretops.io/vault-lease-id"]
    old_serial_text = read_secret(k8s_api, namespace, "web-tls")[0].metadata.annotations["secretops.io/pki-serial"]
    old_serial = serial_number(old_serial_text)

    with Watch(k8s_api, namespace, service="web") as watch:
        time.sleep(1)
        run = run_playbook_with("rotate", dict(app, secretops_rotate=["db", "web-tls"]), local_env.env).assert_ok()
        new_serial = serial_number(read_secret(k8s_api, namespace, "web-tls")[0].metadata.annotations["secretops.io/pki-serial"])
        deadline = time.time() + 30
        while time.time() < deadline and watch.serials.get(new_serial, 0) <= watch.serials.get(old_serial, 0):
            time.sleep(0.2)
        first_logins = watch.logins()
        time.sleep(1)
    new = read_secret(k8s_api, namespace, "db")[1]
    assert new["username"] != old["username"]
    assert watch.failed_logins() == {} and watch.logins() > first_logins > 0
    assert watch.handshake_failures == [] and watch.handshakes > 0
    assert old_serial in watch.serials and new_serial in watch.serials
    # The old certificate was revoked after its last handshake (Vault's clock and ours share the machine; whole seconds).
    revoked_at = vault_client.read("%s/cert/%s" % (engines["pki"], old_serial_text))["data"]["revocation_time"]
    assert revoked_at >= int(watch.serials[old_serial]), "revoked while still served"
    # The paused consumer keeps its pod and the replaced lease, whose logins still work; the report says why.
    assert [pod.metadata.uid for pod in ready_pods(k8s_api, namespace, "paused")] == [paused.metadata.uid]
    assert counters(paused)["logins_failed"] == 0 and can_log_in(postgres, old["username"], old["password"])
    entry = dict((item["secret"], item) for item in report_of(run)["dynamic"])["db"]
    assert entry["pending_revocation"] == [old_lease] and "(ReplicaSet/paused-" in str(entry["revocation_held"])

    # Resumed, the next run (nothing due) restarts the stale paused consumer, then revokes the lease its old pod held.
    apps.patch_namespaced_deployment("paused", namespace, {"spec": {"paused": False}})
    with Watch(k8s_api, namespace, service="web") as watch:
        run_playbook_with("rotate", app, local_env.env).assert_ok()
    assert watch.failed_logins() == {}
    ready_pods(k8s_api, namespace, "paused", exclude={paused.metadata.uid})
    assert not can_log_in(postgres, old["username"], old["password"])
    assert can_log_in(postgres, new["username"], new["password"])
