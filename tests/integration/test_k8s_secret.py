"""k8s_secret against the real local apiserver: every type, check/diff mode, idempotence, key removal,
recreation, bad input, and a leak test over -vvvv --diff output.

The apiserver's own view (read with the kubernetes client or kubectl) is the judge, not the module's result.
"""

import base64
import datetime
import json
import os
import random
import string
import subprocess
import uuid

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import NameOID
from kubernetes import client as k8s_client

from tests.integration.ansible_run import run_tasks
from tests.integration.rotation_faults_support import AdmissionHook

MODULE = "secretops.provisioning.k8s_secret"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def unique(prefix="v"):
    """A long, unique value: easy to find in output, never masked by accident."""
    return "%s-%s" % (prefix, uuid.uuid4().hex)


def b64(text):
    return base64.b64encode(text.encode() if isinstance(text, str) else text).decode()


def kubectl(local_env, *args, stdin=None):
    return subprocess.run(["kubectl"] + list(args), env=dict(os.environ, **local_env.env), input=stdin,
                          capture_output=True, text=True, check=False, timeout=120)


def read(k8s_api, namespace, name):
    try:
        return k8s_client.CoreV1Api(k8s_api).read_namespaced_secret(name, namespace)
    except k8s_client.ApiException as exc:
        if exc.status == 404:
            return None
        raise


def values(secret):
    return dict((key, base64.b64decode(value).decode()) for key, value in (secret.data or {}).items())


def secret_task(*title, **options):
    """A k8s_secret task titled ``title`` (default "apply"); ``options`` are the module's, ``name`` included."""
    return {"name": title[0] if title else "apply", MODULE: options, "register": "out"}


def run(local_env, *tasks, **kwargs):
    return run_tasks(list(tasks), env=local_env.env, **kwargs)


def assert_no_values_stored_elsewhere(secret, secret_values):
    """No last-applied annotation, and managedFields name keys only."""
    assert LAST_APPLIED not in (secret.metadata.annotations or {})
    managed = json.dumps([entry.to_dict() for entry in secret.metadata.managed_fields or []], default=str)
    for value in secret_values:
        assert value not in managed and b64(value) not in managed


class Pki(object):
    """A CA and a server certificate with its key, made for the test."""

    def __init__(self, days=365):
        now = datetime.datetime.now(datetime.timezone.utc)
        self.ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "it-ca")])
        self.ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(self.ca_key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                   .not_valid_after(now + datetime.timedelta(days=3650))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True).sign(self.ca_key, hashes.SHA256()))
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "web.it.example")]))
                     .issuer_name(ca_name).public_key(self.key.public_key()).serial_number(x509.random_serial_number())
                     .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=days))
                     .add_extension(x509.SubjectAlternativeName([x509.DNSName("web.it.example")]), critical=False)
                     .sign(self.ca_key, hashes.SHA256()))

    @property
    def cert_pem(self):
        return self.cert.public_bytes(serialization.Encoding.PEM).decode()

    @property
    def ca_pem(self):
        return self.ca.public_bytes(serialization.Encoding.PEM).decode()

    @property
    def key_pem(self):
        return self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()

    @staticmethod
    def other_key_pem():
        other = ec.generate_private_key(ec.SECP256R1())
        return other.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()


def ssh_private_key():
    key = ed25519.Ed25519PrivateKey.generate()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()).decode()


def test_opaque_create_is_idempotent_and_stores_values_only_in_data(local_env, k8s_api, namespace):
    password = unique("pw")
    task = secret_task(name="db", namespace=namespace, labels={"app": "web"}, string_data={"username": "application", "password": password})
    first = run(local_env, task).assert_ok().task("apply")
    assert first["changed"] is True and first["action"] == "created"
    secret = read(k8s_api, namespace, "db")
    assert values(secret) == {"username": "application", "password": password}
    assert secret.type == "Opaque" and secret.metadata.labels == {"app": "web"}
    assert_no_values_stored_elsewhere(secret, [password])
    summary = first["secret"]
    assert summary["data_keys"] == ["password", "username"] and summary["resource_version"] == secret.metadata.resource_version
    assert summary["name"] == "db" and summary["namespace"] == namespace and summary["immutable"] is False
    assert summary["checksum"].startswith("hmac-sha256:") and len(summary["checksum"]) == len("hmac-sha256:") + 64

    second = run(local_env, task).assert_ok().task("apply")
    assert second["changed"] is False and second["action"] == "unchanged"
    assert second["secret"]["checksum"] == summary["checksum"]
    assert read(k8s_api, namespace, "db").metadata.resource_version == secret.metadata.resource_version  # no write at all


def test_check_mode_creates_nothing_and_predicts(local_env, k8s_api, namespace):
    result = run(local_env, secret_task(name="db", namespace=namespace, string_data={"password": unique()}), check=True).assert_ok().task("apply")
    assert result["changed"] is True and result["action"] == "created"
    assert result["secret"]["resource_version"] is None and result["secret"]["data_keys"] == ["password"]
    assert read(k8s_api, namespace, "db") is None


def test_check_mode_on_an_existing_secret_changes_nothing(local_env, k8s_api, namespace):
    run(local_env, secret_task(namespace=namespace, name="db", string_data={"a": unique()})).assert_ok()
    before = read(k8s_api, namespace, "db")
    result = run(local_env, secret_task(namespace=namespace, name="db", string_data={"b": unique()}), check=True).assert_ok().task("apply")
    assert result["changed"] is True and result["key_changes"] == {"added": ["b"], "removed": ["a"], "changed": []}
    assert read(k8s_api, namespace, "db").metadata.resource_version == before.metadata.resource_version


def test_diff_mode_shows_keys_and_fingerprints_only(local_env, namespace):
    old, new, kept, added = unique("old"), unique("new"), unique("kept"), unique("added")
    run(local_env, secret_task(namespace=namespace, name="db", string_data={"password": old, "user": kept, "gone": unique()})).assert_ok()
    result = run(local_env, secret_task(namespace=namespace, name="db", string_data={"password": new, "user": kept, "token": added}),
                 diff=True).assert_ok()
    diff = result.task("apply")["diff"]
    assert diff["before"]["data"]["gone"].endswith("(removed)")
    assert diff["after"]["data"]["password"].endswith("(changed)") and diff["after"]["data"]["token"].endswith("(added)")
    assert diff["before"]["data"]["user"] == diff["after"]["data"]["user"] and diff["after"]["data"]["user"].startswith("hmac:")
    for value in (old, new, kept, added):
        assert value not in result.output and b64(value) not in result.output


def test_exact_key_set_removes_keys_written_by_other_tools_and_merge_keeps_them(local_env, k8s_api, namespace):
    created = kubectl(local_env, "-n", namespace, "create", "secret", "generic", "db", "--from-literal=mine=" + unique(),
                      "--from-literal=foreign=" + unique())
    assert created.returncode == 0, created.stderr
    mine = unique()
    merged = run(local_env, secret_task(namespace=namespace, name="db", string_data={"mine": mine}, merge_data=True)).assert_ok().task("apply")
    assert merged["changed"] is True and merged["key_changes"]["removed"] == []
    assert sorted(values(read(k8s_api, namespace, "db"))) == ["foreign", "mine"]
    exact = run(local_env, secret_task(namespace=namespace, name="db", string_data={"mine": mine})).assert_ok().task("apply")
    assert exact["changed"] is True and exact["key_changes"]["removed"] == ["foreign"]
    assert values(read(k8s_api, namespace, "db")) == {"mine": mine}
    again = run(local_env, secret_task(namespace=namespace, name="db", string_data={"mine": mine})).assert_ok().task("apply")
    assert again["changed"] is False


def test_client_side_apply_annotation_is_removed(local_env, k8s_api, namespace):
    leaked = unique("leaked")
    manifest = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": namespace}, "data": {"password": b64(leaked)}}
    applied = kubectl(local_env, "apply", "-f", "-", stdin=json.dumps(manifest))
    assert applied.returncode == 0, applied.stderr
    assert LAST_APPLIED in read(k8s_api, namespace, "db").metadata.annotations
    result = run(local_env, secret_task(namespace=namespace, name="db", string_data={"password": leaked}), diff=True).assert_ok()
    assert result.task("apply")["changed"] is True
    assert leaked not in result.output and b64(leaked) not in result.output
    secret = read(k8s_api, namespace, "db")
    assert LAST_APPLIED not in (secret.metadata.annotations or {}) and values(secret) == {"password": leaked}


def test_labels_and_annotations_the_module_set_are_removed_when_dropped(local_env, k8s_api, namespace):
    run(local_env, secret_task(namespace=namespace, name="db", string_data={"a": unique()}, labels={"app": "web", "tier": "db"},
                               annotations={"example.com/owner": "team-a"})).assert_ok()
    kubectl(local_env, "-n", namespace, "label", "secret", "db", "foreign=kept")
    data = {"a": unique()}
    result = run(local_env, secret_task(namespace=namespace, name="db", string_data=data, labels={"app": "web"})).assert_ok().task("apply")
    assert result["changed"] is True
    secret = read(k8s_api, namespace, "db")
    assert secret.metadata.labels == {"app": "web", "foreign": "kept"}
    assert "example.com/owner" not in (secret.metadata.annotations or {})


def test_immutable_secret_is_recreated_or_refused(local_env, k8s_api, namespace):
    run(local_env, secret_task(namespace=namespace, name="frozen", string_data={"a": unique()}, immutable=True)).assert_ok()
    original = read(k8s_api, namespace, "frozen")
    assert original.immutable is True
    new_value = unique()
    refused = run(local_env, secret_task(namespace=namespace, name="frozen", string_data={"a": new_value}, immutable=True, allow_recreate=False))
    assert refused.returncode != 0
    failure = refused.task("apply")
    assert "allow_recreate is false" in failure["msg"] and "immutable" in failure["msg"]
    assert read(k8s_api, namespace, "frozen").metadata.uid == original.metadata.uid
    recreated = run(local_env, secret_task(namespace=namespace, name="frozen", string_data={"a": new_value}, immutable=True)).assert_ok().task("apply")
    assert recreated["action"] == "recreated" and "immutable" in recreated["reasons"][0]
    secret = read(k8s_api, namespace, "frozen")
    assert secret.metadata.uid != original.metadata.uid and values(secret) == {"a": new_value} and secret.immutable is True
    labels_only = run(local_env, secret_task(namespace=namespace, name="frozen", string_data={"a": new_value}, immutable=True,
                                             labels={"x": "y"})).assert_ok().task("apply")
    assert labels_only["action"] == "updated" and read(k8s_api, namespace, "frozen").metadata.uid == secret.metadata.uid


def test_an_immutable_secret_whose_create_fails_after_the_delete_is_restored(local_env, k8s_api, namespace):
    """The re-creation deleted first and then applied: a refused create lost the Secret. Now a dry-run
    create checks first, and when the real create still fails the old Secret is created again."""
    old_value, new_value = unique("old"), unique("new")
    run(local_env, secret_task(namespace=namespace, name="frozen", string_data={"a": old_value}, immutable=True, labels={"app": "web"})).assert_ok()
    refused = []

    def refuse_the_first_real_create(request):
        if request.get("operation") == "CREATE" and request.get("name") == "frozen" and not request.get("dryRun") and not refused:
            refused.append(request.get("uid"))
            return "the test refuses the create that follows the delete"
        return None

    with AdmissionHook(k8s_api, local_env, namespace, refuse_the_first_real_create, secret_operations=("CREATE",)):
        failed = run(local_env, secret_task(namespace=namespace, name="frozen", string_data={"a": new_value}, immutable=True, labels={"app": "web"}))
    assert failed.returncode != 0 and refused, "the create after the delete was refused"
    message = failed.task("apply")["msg"]
    assert "was deleted to be created again and the create failed" in message and "the old Secret was restored as it was" in message
    secret = read(k8s_api, namespace, "frozen")
    assert secret is not None and values(secret) == {"a": old_value} and secret.immutable is True and secret.metadata.labels == {"app": "web"}
    assert old_value not in failed.output and new_value not in failed.output
    again = run(local_env, secret_task(namespace=namespace, name="frozen", string_data={"a": new_value}, immutable=True,
                                       labels={"app": "web"})).assert_ok().task("apply")
    assert again["action"] == "recreated" and values(read(k8s_api, namespace, "frozen")) == {"a": new_value}


def test_merge_data_checks_the_1_mib_limit_on_the_merged_secret(local_env, k8s_api, namespace):
    big = "".join(random.choices(string.ascii_letters, k=600 * 1024))
    run(local_env, secret_task(namespace=namespace, name="blobs", string_data={"one": big})).assert_ok()
    before = read(k8s_api, namespace, "blobs")
    failed = run(local_env, secret_task(namespace=namespace, name="blobs", string_data={"two": big}, merge_data=True))
    assert failed.returncode != 0
    assert "the Secret's values merged with the keys already in it (merge_data) total 1228800 bytes" in failed.task("apply")["msg"]
    assert read(k8s_api, namespace, "blobs").metadata.resource_version == before.metadata.resource_version
    assert big[:64] not in failed.output


def test_type_change_recreates(local_env, k8s_api, namespace):
    run(local_env, secret_task(namespace=namespace, name="cred", string_data={"username": "someone", "password": unique()})).assert_ok()
    uid = read(k8s_api, namespace, "cred").metadata.uid
    password = unique()
    result = run(local_env, secret_task(namespace=namespace, name="cred", type="basic-auth",
                                        basic_auth={"username": "someone", "password": password})).assert_ok().task("apply")
    assert result["action"] == "recreated" and "type changes from Opaque to kubernetes.io/basic-auth" in result["reasons"][0]
    secret = read(k8s_api, namespace, "cred")
    assert secret.type == "kubernetes.io/basic-auth" and secret.metadata.uid != uid
    assert values(secret) == {"username": "someone", "password": password}


def test_absent(local_env, k8s_api, namespace):
    run(local_env, secret_task(namespace=namespace, name="db", string_data={"a": unique()})).assert_ok()
    check = run(local_env, secret_task(namespace=namespace, name="db", state="absent"), check=True).assert_ok().task("apply")
    assert check["changed"] is True and read(k8s_api, namespace, "db") is not None
    gone = run(local_env, secret_task(namespace=namespace, name="db", state="absent")).assert_ok().task("apply")
    assert gone["action"] == "deleted" and read(k8s_api, namespace, "db") is None
    again = run(local_env, secret_task(namespace=namespace, name="db", state="absent")).assert_ok().task("apply")
    assert again["changed"] is False


def test_dockerconfigjson_matches_kubectl_and_is_idempotent(local_env, k8s_api, namespace):
    password = unique("reg")
    made = kubectl(local_env, "-n", namespace, "create", "secret", "docker-registry", "by-kubectl", "--docker-server=registry.it.example",
                   "--docker-username=robot", "--docker-password=" + password, "--docker-email=ops@it.example")
    assert made.returncode == 0, made.stderr
    registries = [{"server": "registry.it.example", "username": "robot", "password": password, "email": "ops@it.example"},
                  {"server": "ghcr.io", "username": "bot", "password": unique("ghcr")}]
    task = secret_task(namespace=namespace, name="pull", type="dockerconfigjson", registries=registries[:1])
    assert run(local_env, task).assert_ok().task("apply")["changed"] is True
    ours = read(k8s_api, namespace, "pull")
    assert ours.type == "kubernetes.io/dockerconfigjson"
    assert ours.data == read(k8s_api, namespace, "by-kubectl").data  # byte-identical to kubectl's
    assert run(local_env, task).assert_ok().task("apply")["changed"] is False
    both = secret_task(namespace=namespace, name="pull", registries=registries)
    assert run(local_env, both).assert_ok().task("apply")["changed"] is True
    auths = json.loads(values(read(k8s_api, namespace, "pull"))[".dockerconfigjson"])["auths"]
    assert sorted(auths) == ["ghcr.io", "registry.it.example"]
    legacy = secret_task(namespace=namespace, name="legacy", type="dockercfg", registries=registries[1:])
    run(local_env, legacy).assert_ok()
    assert read(k8s_api, namespace, "legacy").type == "kubernetes.io/dockercfg"


def test_tls_secret_returns_certificate_facts_and_warns_before_expiry(local_env, k8s_api, namespace):
    pki = Pki(days=10)
    task = secret_task(namespace=namespace, name="web-tls", type="tls", tls={"cert": pki.cert_pem, "key": pki.key_pem, "ca": pki.ca_pem})
    result = run(local_env, task).assert_ok().task("apply")
    tls = result["secret"]["tls"]
    assert tls["subject"] == "CN=web.it.example" and tls["sans"] == ["DNS:web.it.example"] and tls["expires_in_days"] in (9, 10)
    assert any("expires on" in warning for warning in result.get("warnings", []))
    secret = read(k8s_api, namespace, "web-tls")
    assert secret.type == "kubernetes.io/tls" and sorted(secret.data) == ["ca.crt", "tls.crt", "tls.key"]
    assert values(secret)["tls.key"] == pki.key_pem
    assert run(local_env, task).assert_ok().task("apply")["changed"] is False


def test_tls_from_files(local_env, k8s_api, namespace, tmp_path):
    pki = Pki()
    (tmp_path / "tls.crt").write_text(pki.cert_pem)
    (tmp_path / "tls.key").write_text(pki.key_pem)
    files = {"cert_file": str(tmp_path / "tls.crt"), "key_file": str(tmp_path / "tls.key")}
    run(local_env, secret_task(namespace=namespace, name="web-tls", tls=files)).assert_ok()
    assert values(read(k8s_api, namespace, "web-tls")) == {"tls.crt": pki.cert_pem, "tls.key": pki.key_pem}


def test_basic_auth_ssh_auth_and_custom_types(local_env, k8s_api, namespace):
    password, key = unique(), ssh_private_key()
    result = run(
        local_env,
        secret_task("basic", namespace=namespace, name="basic", basic_auth={"username": "someone", "password": password}),
        secret_task("ssh", namespace=namespace, name="ssh", ssh_auth={"private_key": key, "known_hosts": "git.it.example ssh-ed25519 AAAA\n"}),
        secret_task("custom", namespace=namespace, name="custom", type="example.com/widget", string_data={"config": unique()}),
    ).assert_ok()
    assert result.task("ssh")["secret"]["ssh"]["key_type"] == "ssh-ed25519"
    assert read(k8s_api, namespace, "basic").type == "kubernetes.io/basic-auth"
    ssh = read(k8s_api, namespace, "ssh")
    assert ssh.type == "kubernetes.io/ssh-auth" and values(ssh)["ssh-privatekey"] == key
    assert read(k8s_api, namespace, "custom").type == "example.com/widget"


def test_files_env_file_binary_data_and_append_hash(local_env, k8s_api, namespace, tmp_path):
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01binary")
    (tmp_path / "app.env").write_text("# settings\nLOG_LEVEL=debug\n  SPACED= kept \n")
    task = secret_task(namespace=namespace, name="cfg", append_hash=True, files={"blob.bin": str(tmp_path / "blob.bin")},
                       env_file=str(tmp_path / "app.env"), binary_data={"raw": b64(b"\xff\xfe")})
    result = run(local_env, task).assert_ok().task("apply")
    name = result["secret"]["name"]
    assert name.startswith("cfg-") and len(name) == 14
    secret = read(k8s_api, namespace, name)
    assert base64.b64decode(secret.data["blob.bin"]) == b"\x00\x01binary" and base64.b64decode(secret.data["raw"]) == b"\xff\xfe"
    assert base64.b64decode(secret.data["SPACED"]) == b" kept " and sorted(secret.data) == ["LOG_LEVEL", "SPACED", "blob.bin", "raw"]
    assert run(local_env, task).assert_ok().task("apply")["changed"] is False


def test_service_account_token_waits_for_the_controller(local_env, k8s_api, namespace):
    core = k8s_client.CoreV1Api(k8s_api)
    core.create_namespaced_service_account(namespace, k8s_client.V1ServiceAccount(metadata=k8s_client.V1ObjectMeta(name="ci")))
    task = secret_task(namespace=namespace, name="ci-token", type="service-account-token", service_account="ci", wait_timeout=90)
    result = run(local_env, task).assert_ok().task("apply")
    assert result["action"] == "created" and result["secret"]["data_keys"] == ["ca.crt", "namespace", "token"]
    secret = read(k8s_api, namespace, "ci-token")
    assert secret.type == "kubernetes.io/service-account-token" and values(secret)["namespace"] == namespace
    again = run(local_env, task).assert_ok().task("apply")
    assert again["changed"] is False and again["secret"]["checksum"] == result["secret"]["checksum"]
    missing = run(local_env, secret_task(namespace=namespace, name="nobody-token", service_account="nobody"))
    assert missing.returncode != 0 and "ServiceAccount %s/nobody does not exist" % namespace in missing.task("apply")["msg"]
    assert read(k8s_api, namespace, "nobody-token") is None


def test_bootstrap_token_naming_and_kept_secret(local_env, k8s_api):
    token_id = "".join(random.choice(string.ascii_lowercase + string.digits) for _position in range(6))
    name = "bootstrap-token-" + token_id
    task = secret_task(type="bootstrap-token", bootstrap_token={
        "token_id": token_id, "expiration": "2099-01-31T00:00:00Z", "auth_extra_groups": ["system:bootstrappers:it"], "description": "it"})
    try:
        first = run(local_env, task).assert_ok().task("apply")
        assert first["secret"]["name"] == name and first["secret"]["namespace"] == "kube-system" and first["secret"]["token_id"] == token_id
        secret = read(k8s_api, "kube-system", name)
        stored = values(secret)
        assert secret.type == "bootstrap.kubernetes.io/token" and len(stored["token-secret"]) == 16
        assert stored["usage-bootstrap-authentication"] == "true" and stored["auth-extra-groups"] == "system:bootstrappers:it"
        second = run(local_env, task).assert_ok().task("apply")
        assert second["changed"] is False  # the generated secret is kept, not rotated
        assert values(read(k8s_api, "kube-system", name))["token-secret"] == stored["token-secret"]
    finally:
        run(local_env, secret_task(type="bootstrap-token", state="absent", bootstrap_token={"token_id": token_id}))
    assert read(k8s_api, "kube-system", name) is None


def test_data_copied_from_a_manifest_is_stored_as_in_the_manifest(local_env, k8s_api, namespace):
    # data is base64 as in a Secret manifest (issue 22): never encoded a second time
    password = unique()
    manifest_data = {"password": b64(password)}
    manifest = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "by-kubectl", "namespace": namespace}, "data": manifest_data}
    assert kubectl(local_env, "apply", "--server-side", "-f", "-", stdin=json.dumps(manifest)).returncode == 0
    tasks = [secret_task(namespace=namespace, name="copied", data=manifest_data, string_data={"user": "app"}),
             secret_task("bulk", namespace=namespace, secrets=[{"name": "copied-bulk", "data": manifest_data}])]
    run(local_env, *tasks).assert_ok()
    assert values(read(k8s_api, namespace, "copied")) == {"password": password, "user": "app"}
    assert read(k8s_api, namespace, "copied").data["password"] == read(k8s_api, namespace, "by-kubectl").data["password"]
    assert values(read(k8s_api, namespace, "copied-bulk")) == {"password": password}


def test_content_stamp_off_makes_no_content_key_secret(local_env, k8s_api, namespace):
    result = run(local_env, secret_task(namespace=namespace, name="db", string_data={"a": unique()}, content_stamp=False)).assert_ok()
    assert result.task("apply")["secret"]["checksum"] is None
    assert [s.metadata.name for s in k8s_client.CoreV1Api(k8s_api).list_namespaced_secret(namespace).items] == ["db"]


BAD_INPUTS = [
    ({"name": "Bad_Name", "string_data": {"a": "long-value-one"}}, "name 'Bad_Name' is not a valid Secret name"),
    ({"name": "db", "string_data": {"bad/key": "VALUE"}}, "string_data key 'bad/key' is not a valid Secret key"),
    ({"name": "db", "binary_data": {"k": "not-base64!"}}, "binary_data key 'k' is not valid base64"),
    ({"name": "db", "data": {"password": "plain VALUE"}}, "data key 'password' is not valid base64"),
    ({"name": "db", "string_data": {"a": "x" * (1024 * 1024 + 1)}}, "more than the API server's limit of 1 MiB"),
    ({"name": "db", "type": "tls", "string_data": {"tls.crt": "nope"}}, "needs the key 'tls.key'"),
    ({"name": "db", "type": "basic-auth", "string_data": {"username": "someone-else"}}, "needs the key 'password'"),
    ({"name": "db", "ssh_auth": {"private_key": "garbage"}}, "ssh_auth.private_key is not an SSH private key"),
    ({"name": "db", "type": "service-account-token"}, "needs service_account"),
    ({"name": "db", "bootstrap_token": {"token_id": "TOOLONG1"}}, "bootstrap token must be in namespace kube-system"),
    ({"name": "db", "registries": [{"server": "registry.it.example", "username": "robot-user", "password": "PASSWORD-VALUE"}], "type": "tls"},
     "registries does not apply to type kubernetes.io/tls"),
]


@pytest.mark.parametrize("options, message", BAD_INPUTS, ids=[message for _options, message in BAD_INPUTS])
def test_bad_input_fails_before_anything_is_written(local_env, k8s_api, namespace, options, message):
    result = run(local_env, secret_task(namespace=namespace, **options))
    assert result.returncode != 0
    failure = result.task("apply")
    assert message in failure["msg"] and failure["msg"].startswith("Secret %s/" % namespace)
    assert "VALUE" not in failure["msg"]
    assert k8s_client.CoreV1Api(k8s_api).list_namespaced_secret(namespace).items == []


def test_tls_key_mismatch_fails_naming_the_problem(local_env, k8s_api, namespace):
    pki = Pki()
    result = run(local_env, secret_task(namespace=namespace, name="web", tls={"cert": pki.cert_pem, "key": Pki.other_key_pem()}))
    assert result.returncode != 0
    assert "tls.key does not match the certificate in tls.crt" in result.task("apply")["msg"]
    assert read(k8s_api, namespace, "web") is None


def test_no_value_appears_in_verbose_diff_output(local_env, namespace, tmp_path):
    """Every value given to the module, and its base64 form, is absent from -vvvv --diff output."""
    core_values = {"password": unique("password"), "api": unique("api"), "registry": unique("registry"), "basic": unique("basic")}
    pki = Pki()
    key = ssh_private_key()
    (tmp_path / "file.txt").write_text(unique("file"))
    env_value = unique("env")
    (tmp_path / "app.env").write_text("ENV_SECRET=%s\n" % env_value)
    tasks = [
        secret_task("opaque", namespace=namespace, name="opaque", string_data={"password": core_values["password"], "api": core_values["api"]},
                    files={"file.txt": str(tmp_path / "file.txt")}, env_file=str(tmp_path / "app.env")),
        secret_task("registry", namespace=namespace, name="pull", registries=[{"server": "r.it", "username": "robot", "password": core_values["registry"]}]),
        secret_task("tls", namespace=namespace, name="tls", tls={"cert": pki.cert_pem, "key": pki.key_pem}),
        secret_task("basic", namespace=namespace, name="basic", basic_auth={"username": "someone", "password": core_values["basic"]}),
        secret_task("ssh", namespace=namespace, name="ssh", ssh_auth={"private_key": key}),
        secret_task("bulk", namespace=namespace, secrets=[{"name": "bulk-1", "string_data": {"password": core_values["password"] + "-bulk"}}]),
    ]
    # create, then change everything, both verbose with diff
    first = run(local_env, *tasks, extra_args=["-vvvv"], diff=True)
    assert first.returncode == 0, first.output[-3000:]
    changed = [dict(task) for task in tasks]
    changed[0] = secret_task("opaque", namespace=namespace, name="opaque", string_data={"password": core_values["password"] + "-2"})
    second = run(local_env, *changed, extra_args=["-vvvv"], diff=True)
    assert second.returncode == 0, second.output[-3000:]
    secrets_given = list(core_values.values()) + [core_values["password"] + "-bulk", core_values["password"] + "-2", env_value,
                                                  (tmp_path / "file.txt").read_text()]
    key_lines = [line for line in (pki.key_pem + key).splitlines() if len(line) > 20 and "PRIVATE KEY" not in line]
    for output in (first.output, second.output):
        assert "hmac:" in output  # the diff was shown
        for value in secrets_given:
            assert value not in output and b64(value) not in output
        for line in key_lines:
            assert line not in output
        assert b64("robot:" + core_values["registry"]) not in output
