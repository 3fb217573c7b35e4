"""k8s_secret_hygiene_info against the real apiserver: each category found on crafted objects, no value in the output."""

import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from kubernetes import client as k8s_client

from tests.integration.ansible_run import run_tasks
from tests.integration.test_roles_support import container, create, deployment

RANDOM_VALUE = "q8Zr2LxV9mKp4TbW7nYc1HsD6fJg3Ae"


def short_lived_certificate(days):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "it.example.test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                   .not_valid_after(now + datetime.timedelta(days=days)).sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return certificate.public_bytes(serialization.Encoding.PEM).decode(), key_pem.decode()


def secret(namespace, name, **fields):
    return dict({"kind": "Secret", "metadata": {"name": name, "namespace": namespace}, "stringData": {"value": "v-" + name}}, **fields)


def test_each_hygiene_category_on_crafted_objects(local_env, namespace, k8s_api):
    core = k8s_client.CoreV1Api(k8s_api)
    create(k8s_api, secret(namespace, "lonely"))
    create(k8s_api, secret(namespace, "in-env"))
    create(k8s_api, secret(namespace, "in-subpath"))
    create(k8s_api, deployment(namespace, "web", {"containers": [container(
        env=[{"name": "X", "valueFrom": {"secretKeyRef": {"name": "in-env", "key": "value"}}}],
        volumeMounts=[{"name": "s", "mountPath": "/etc/app/value", "subPath": "value"}])],
        "volumes": [{"name": "s", "secret": {"secretName": "in-subpath"}}]}))
    old = secret(namespace, "old")
    old["metadata"]["annotations"] = {"secretops.io/vault-last-rotation": "2025-01-01T00:00:00Z"}
    create(k8s_api, old)
    cert, key = short_lived_certificate(2)
    create(k8s_api, {"kind": "Secret", "type": "kubernetes.io/tls", "metadata": {"name": "cert", "namespace": namespace},
                     "stringData": {"tls.crt": cert, "tls.key": key}})
    create(k8s_api, {"kind": "Secret", "type": "kubernetes.io/service-account-token",
                     "metadata": {"name": "legacy", "namespace": namespace, "annotations": {"kubernetes.io/service-account.name": "default"}}})
    core.create_namespaced_secret(namespace, secret(namespace, "shared"), field_manager="writer-one")
    core.patch_namespaced_secret("shared", namespace, {"stringData": {"other": "x"}}, field_manager="writer-two")
    core.create_namespaced_config_map(namespace, {"metadata": {"name": "app-config"}, "data": {
        "db_password": "short", "blob": RANDOM_VALUE, "greeting": "hello world, nothing to see"}})

    tasks = [{"name": "hygiene", "secretops.provisioning.k8s_secret_hygiene_info": {
        "namespaces": [namespace], "max_age": "30d", "expiry_window": "7d"}}]
    run = run_tasks(tasks, env=local_env.env, check=True).assert_ok()
    result = run.task("hygiene")
    found = dict(((item["category"], item["name"]), item) for item in result["findings"])
    assert ("unused", "lonely") in found and ("unused", "in-env") not in found and ("unused", "legacy") not in found
    assert found[("not_updated_in_place", "in-env")]["consumers"] == [{"kind": "Deployment", "name": "web", "via": ["env"]}]
    assert found[("not_updated_in_place", "in-subpath")]["consumers"] == [{"kind": "Deployment", "name": "web", "via": ["subPath"]}]
    assert found[("not_rotated", "old")]["source"] == "vault_last_rotation" and ("not_rotated", "lonely") not in found
    assert found[("expiring", "cert")]["what"] == "certificate" and found[("expiring", "cert")]["days_left"] in (1, 2)
    assert found[("legacy_service_account_token", "legacy")]["service_account"] == "default"
    assert found[("multiple_writers", "shared")]["writers"] == ["writer-one", "writer-two"]
    assert found[("secret_like_configmap", "app-config")]["keys"] == [{"key": "blob", "reasons": ["entropy"]},
                                                                      {"key": "db_password", "reasons": ["name"]}]
    assert result["changed"] is False and result["summary"]["total"] == len(result["findings"])
    assert RANDOM_VALUE not in run.output and "v-lonely" not in run.output and "PRIVATE KEY" not in run.output
