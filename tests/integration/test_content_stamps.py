"""Content stamps on the real cluster: keyed, unreadable to a Pod reader, older stamps restart once.

Before the keyed MAC, ``checksum.secretops.io/<secret>`` on a pod template was a plain SHA-256 of
the Secret's content: anyone allowed to read Pods (the built-in ``view`` role) recovered a 6-digit
password from it in under a second. These tests play that reader.
"""

import base64
import time

from kubernetes import client as k8s_client

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.content_key import KEY_SECRET_NAME
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads.annotations import checksum_annotation
from tests.integration.ansible_run import run_tasks
from tests.integration.test_roles_support import container, create, deployment, wait_available
from tests.unit.plugins.module_utils.secrets.test_checksum import plain_sha256 as unkeyed_checksum

PASSWORD = "424242"


def brute_force_six_digits(stamp):
    """What a Pod reader tries: every 6-digit password against the stamp, with the unkeyed scheme."""
    for number in range(1000000):
        guess = "%06d" % number
        if unkeyed_checksum({"password": guess}) in stamp:
            return guess
    return None


def template_annotations(k8s_api, namespace, name):
    deployment_object = k8s_client.AppsV1Api(k8s_api).read_namespaced_deployment(name, namespace)
    return deployment_object.spec.template.metadata.annotations or {}


def pod_reader_client(local_env, k8s_api, namespace):
    """An ApiClient for a ServiceAccount bound to the built-in ``view`` ClusterRole in ``namespace``."""
    core = k8s_client.CoreV1Api(k8s_api)
    core.create_namespaced_service_account(namespace, {"metadata": {"name": "reader"}})
    k8s_client.RbacAuthorizationV1Api(k8s_api).create_namespaced_role_binding(namespace, {
        "metadata": {"name": "reader-view"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
        "subjects": [{"kind": "ServiceAccount", "name": "reader", "namespace": namespace}],
    })
    token = core.create_namespaced_service_account_token("reader", namespace, {"spec": {"expirationSeconds": 600}}).status.token
    configuration = k8s_client.Configuration()
    configuration.host = local_env.api_server
    configuration.ssl_ca_cert = local_env.ca_cert
    configuration.api_key = {"authorization": "Bearer " + token}
    return k8s_client.ApiClient(configuration)


def test_stamp_is_keyed_and_a_pod_reader_cannot_test_guesses(local_env, namespace, k8s_api):
    tasks = [
        {"name": "secret", "secretops.provisioning.k8s_secret": {"name": "db", "namespace": namespace,
                                                                 "string_data": {"password": PASSWORD}}},
        {"name": "info", "secretops.provisioning.k8s_secret_info": {"name": "db", "namespace": namespace}},
    ]
    made = run_tasks(tasks, env=local_env.env).assert_ok()
    returned = made.task("secret")["secret"]["checksum"]
    assert returned.startswith("hmac-sha256:") and made.task("info")["secret"]["checksum"] == returned

    time.sleep(1.1)  # web's Pods start in a later second than the Secret's write
    create(k8s_api, deployment(namespace, "web", {"containers": [container(envFrom=[{"secretRef": {"name": "db"}}])]}))
    wait_available(k8s_api, namespace, "web")
    restart = [{"name": "restart", "secretops.provisioning.k8s_rollout_restart": {
        "namespace": namespace, "secrets": ["db"], "checksum": True, "wait": True}}]
    run_tasks(restart, env=local_env.env).assert_ok()

    # The Pod reader sees the stamp, equal to what k8s_secret returned...
    reader = pod_reader_client(local_env, k8s_api, namespace)
    try:
        # web started after the Secret was written, so the stamp is on the Deployment itself (no restart).
        seen = k8s_client.AppsV1Api(reader).read_namespaced_deployment("web", namespace).metadata.annotations
        stamp = seen[checksum_annotation("db")]
        assert stamp == returned
        # ...cannot read the key it would need...
        try:
            k8s_client.CoreV1Api(reader).read_namespaced_secret(KEY_SECRET_NAME, namespace)
            raise AssertionError("a view-role identity read the content key")
        except k8s_client.ApiException as exc:
            assert exc.status == 403
    finally:
        reader.close()
    # ...and the guessing that recovered the password from the unkeyed stamp finds nothing.
    assert unkeyed_checksum({"password": PASSWORD}) not in stamp
    assert brute_force_six_digits(stamp) is None


def test_a_stamp_from_an_older_version_restarts_once(local_env, namespace, k8s_api):
    data = {"k": "v1"}
    create(k8s_api, {"kind": "Secret", "metadata": {"name": "s", "namespace": namespace},
                     "data": {"k": base64.b64encode(b"v1").decode()}})
    body = deployment(namespace, "web", {"containers": [container(envFrom=[{"secretRef": {"name": "s"}}])]})
    body["spec"]["template"]["metadata"]["annotations"] = {checksum_annotation("s"): unkeyed_checksum(data)}
    create(k8s_api, body)
    wait_available(k8s_api, namespace, "web")
    restart = {"namespace": namespace, "secrets": ["s"], "checksum": True, "wait": True}
    tasks = [
        {"name": "first", "secretops.provisioning.k8s_rollout_restart": restart},
        {"name": "second", "secretops.provisioning.k8s_rollout_restart": restart},
    ]
    run = run_tasks(tasks, env=local_env.env).assert_ok()
    assert [r["outcome"] for r in run.task("first")["results"]] == ["complete"]
    assert [r["outcome"] for r in run.task("second")["results"]] == ["unchanged"]
    assert template_annotations(k8s_api, namespace, "web")[checksum_annotation("s")].startswith("hmac-sha256:")


def test_check_mode_makes_no_key_and_read_only_modules_never_do(local_env, namespace, k8s_api):
    # The Pods predate the Secret, so the real run would restart web (not stamp it without a restart).
    create(k8s_api, deployment(namespace, "web", {"containers": [container(envFrom=[{"secretRef": {"name": "s"}}])]}))
    wait_available(k8s_api, namespace, "web")
    time.sleep(1.1)
    create(k8s_api, {"kind": "Secret", "metadata": {"name": "s", "namespace": namespace},
                     "data": {"k": base64.b64encode(b"v1").decode()}})
    tasks = [
        {"name": "info", "secretops.provisioning.k8s_secret_info": {"name": "s", "namespace": namespace}},
        {"name": "restart", "secretops.provisioning.k8s_rollout_restart": {"namespace": namespace, "secrets": ["s"], "checksum": True}},
        {"name": "secret", "secretops.provisioning.k8s_secret": {"name": "t", "namespace": namespace, "string_data": {"k": "v"}}},
    ]
    run = run_tasks(tasks, env=local_env.env, check=True).assert_ok()
    assert run.task("info")["secret"]["checksum"] is None
    assert [r["outcome"] for r in run.task("restart")["results"]] == ["would_restart"]
    assert run.task("secret")["secret"]["checksum"] is None
    names = [item.metadata.name for item in k8s_client.CoreV1Api(k8s_api).list_namespaced_secret(namespace).items]
    assert KEY_SECRET_NAME not in names and "t" not in names
