"""The real node of the local environment (tools/cluster/node.py): a Pod of the consumer app sees
exactly a Secret's content through env, a mounted volume and arguments (compared by keyed digest,
no value leaves the pod), logs in to PostgreSQL with it, serves HTTPS with a mounted certificate,
and a volume-mounted Secret changes in place while env and args keep what the process started with.
"""

import datetime
import secrets
import socket
import ssl
import uuid

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from kubernetes import client as k8s_client

from tests.integration.database_it_helpers import query
from tests.integration.real_node_support import (
    HTTPS_PORT, consumer_deployment, consumer_pod, counters, digest, new_digest_key, ready_pods, run_pod, wait_for_counters)

KEYS = ("username", "password")


@pytest.fixture(scope="module")
def real_node(local_env_description):
    node = local_env_description.get("node")
    if not node:
        pytest.fail("the local environment has no real node: restart it with this tree's localenv.py (without SECRETOPS_REAL_NODE=0)",
                    pytrace=False)
    return node


@pytest.fixture(scope="module")
def pod_postgres(local_env):
    if not (local_env.postgres or {}).get("pod_host"):
        pytest.fail("PostgreSQL does not listen on the real node's bridge: restart the environment with this tree's localenv.py",
                    pytrace=False)
    return local_env.postgres


@pytest.fixture
def db_role(pod_postgres):
    """A login role made for the test; returns ``(name, password)``."""
    name = "rn_" + uuid.uuid4().hex[:10]
    password = secrets.token_urlsafe(18)
    query(pod_postgres, "CREATE ROLE %s WITH LOGIN PASSWORD '%s'" % (name, password))
    yield name, password
    query(pod_postgres, "DROP ROLE IF EXISTS %s" % name)


def _secret(k8s_api, namespace, name, data, secret_type="Opaque"):
    k8s_client.CoreV1Api(k8s_api).create_namespaced_secret(namespace, {
        "apiVersion": "v1", "kind": "Secret", "metadata": {"name": name}, "type": secret_type, "stringData": data})


def _replace_data(k8s_api, namespace, name, data):
    k8s_client.CoreV1Api(k8s_api).patch_namespaced_secret(name, namespace, {"stringData": data})


def test_pods_land_on_the_real_node_only_when_they_select_and_tolerate_it(k8s_api, real_node):
    node = k8s_client.CoreV1Api(k8s_api).read_node(real_node["name"])
    assert node.metadata.labels.get(next(iter(real_node["label"]))) == "true"
    assert [(taint.key, taint.effect) for taint in node.spec.taints] == [(real_node["taint"]["key"], "NoSchedule")]
    assert node.status.node_info.kubelet_version == real_node["runtime"]["kubelet"]


def test_consumer_sees_the_secret_through_env_volume_and_args(k8s_api, namespace, real_node):
    data = {"username": "app-" + secrets.token_hex(4), "password": secrets.token_urlsafe(24)}
    _secret(k8s_api, namespace, "creds", data)
    key = new_digest_key()
    pod = run_pod(k8s_api, namespace, consumer_pod("consumer", real_node, "creds", KEYS, key))
    assert pod.spec.node_name == real_node["name"]
    seen = wait_for_counters(pod, lambda c: set(c["digests"]) == {"env", "volume", "args"})
    expected = digest(key, data)
    assert seen["digests"] == {"env": expected, "volume": expected, "args": expected}
    assert digest(new_digest_key(), data) != expected  # the digest depends on the key only the test holds


def test_volume_changes_in_place_while_env_and_args_keep_the_start_value(k8s_api, namespace, real_node):
    old = {"username": "app", "password": secrets.token_urlsafe(24)}
    _secret(k8s_api, namespace, "creds", old)
    key = new_digest_key()
    pod = run_pod(k8s_api, namespace, consumer_pod("consumer", real_node, "creds", KEYS, key))
    new = dict(old, password=secrets.token_urlsafe(24))
    _replace_data(k8s_api, namespace, "creds", new)
    # The kubelet refreshes mounted Secrets every syncFrequency (10 s here, with jitter).
    seen = wait_for_counters(pod, lambda c: c["digests"].get("volume") == digest(key, new), timeout=40)
    assert seen["digests"]["env"] == seen["digests"]["args"] == digest(key, old)
    pod_after = k8s_client.CoreV1Api(k8s_api).read_namespaced_pod("consumer", namespace)
    assert pod_after.metadata.uid == pod.metadata.uid and pod_after.status.container_statuses[0].restart_count == 0


def test_a_rollout_restart_brings_the_new_value_to_env_and_args(k8s_api, namespace, real_node):
    old = {"username": "app", "password": secrets.token_urlsafe(24)}
    _secret(k8s_api, namespace, "creds", old)
    key = new_digest_key()
    k8s_client.AppsV1Api(k8s_api).create_namespaced_deployment(namespace, consumer_deployment("shop", real_node, "creds", KEYS, key))
    (first,) = ready_pods(k8s_api, namespace, "shop")
    assert counters(first)["digests"]["env"] == digest(key, old)
    new = dict(old, password=secrets.token_urlsafe(24))
    _replace_data(k8s_api, namespace, "creds", new)
    restart = {"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": uuid.uuid4().hex}}}}}
    k8s_client.AppsV1Api(k8s_api).patch_namespaced_deployment("shop", namespace, restart)
    (second,) = ready_pods(k8s_api, namespace, "shop", exclude={first.metadata.uid})
    seen = wait_for_counters(second, lambda c: set(c["digests"]) == {"env", "volume", "args"})
    assert seen["digests"] == {"env": digest(key, new), "volume": digest(key, new), "args": digest(key, new)}


@pytest.mark.parametrize("source", ["volume", "env", "args"])
def test_consumer_logs_in_to_postgres_with_what_it_holds(k8s_api, namespace, real_node, pod_postgres, db_role, source):
    user, password = db_role
    _secret(k8s_api, namespace, "db", {"username": user, "password": password})
    pod = run_pod(k8s_api, namespace, consumer_pod("consumer", real_node, "db", KEYS, new_digest_key(), postgres=pod_postgres,
                                                   db_credentials=source))
    seen = wait_for_counters(pod, lambda c: c["logins_ok"] >= 3)
    assert seen["logins_failed"] == 0 and seen["last_login_error"] == ""


def test_consumer_is_not_ready_with_credentials_that_fail(k8s_api, namespace, real_node, pod_postgres, db_role):
    user, _password = db_role
    _secret(k8s_api, namespace, "db", {"username": user, "password": "wrong-" + secrets.token_hex(8)})
    pod = run_pod(k8s_api, namespace, consumer_pod("consumer", real_node, "db", KEYS, new_digest_key(), postgres=pod_postgres),
                  ready=False)
    seen = wait_for_counters(pod, lambda c: c["logins_failed"] >= 3)
    assert seen["logins_ok"] == 0 and seen["last_login_error"] == "auth"
    conditions = {c.type: c.status for c in k8s_client.CoreV1Api(k8s_api).read_namespaced_pod("consumer", namespace).status.conditions}
    assert conditions.get("Ready") != "True"


def test_volume_credentials_follow_a_password_change_without_a_restart(k8s_api, namespace, real_node, pod_postgres, db_role):
    user, password = db_role
    _secret(k8s_api, namespace, "db", {"username": user, "password": password})
    pod = run_pod(k8s_api, namespace, consumer_pod("consumer", real_node, "db", KEYS, new_digest_key(), env=False, args=False,
                                                   postgres=pod_postgres))
    new_password = secrets.token_urlsafe(18)
    query(pod_postgres, "ALTER ROLE %s WITH PASSWORD '%s'" % (user, new_password))
    _replace_data(k8s_api, namespace, "db", {"password": new_password})
    failed_before = counters(pod)["logins_failed"]
    seen = wait_for_counters(pod, lambda c: c["logins_failed"] > failed_before and c["last_login_error"] == "", timeout=40)
    ok_then = seen["logins_ok"]
    wait_for_counters(pod, lambda c: c["logins_ok"] >= ok_then + 3 and c["last_login_error"] == "")


def _certificate(common_name):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + datetime.timedelta(hours=1)).sign(key, hashes.SHA256()))
    pem_key = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return {"tls.crt": cert.public_bytes(serialization.Encoding.PEM).decode(), "tls.key": pem_key.decode()}, cert.serial_number


def _served_serial(pod):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection((pod.status.pod_ip, HTTPS_PORT), timeout=5) as sock:
        with context.wrap_socket(sock) as tls:
            return x509.load_der_x509_certificate(tls.getpeercert(binary_form=True)).serial_number


def test_consumer_serves_the_mounted_certificate_and_follows_its_rotation(k8s_api, namespace, real_node):
    data, serial = _certificate("consumer")
    _secret(k8s_api, namespace, "tls", data, secret_type="kubernetes.io/tls")
    pod = run_pod(k8s_api, namespace, consumer_pod("consumer", real_node, "tls", ("tls.crt", "tls.key"), new_digest_key(),
                                                   env=False, args=False, tls=True))
    assert _served_serial(pod) == serial
    seen = counters(pod)
    assert seen["served_serial"] == "%x" % serial and seen["handshakes"] >= 1
    new_data, new_serial = _certificate("consumer")
    _replace_data(k8s_api, namespace, "tls", new_data)
    wait_for_counters(pod, lambda c: (_served_serial(pod) == new_serial) and c["served_serial"] == "%x" % new_serial, timeout=40)
