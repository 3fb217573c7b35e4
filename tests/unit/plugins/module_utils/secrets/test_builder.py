"""build_secret: every content source and type, and the rules it refuses."""

import base64
import json
import os
import random
import subprocess
import sys

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.builder import build_secret


def b64(text):
    return base64.b64encode(text.encode() if isinstance(text, str) else text).decode()


def decoded(secret):
    return dict((key, base64.b64decode(value).decode()) for key, value in secret.data.items())


def test_opaque_from_every_content_source():
    secret = build_secret({
        "name": "app", "namespace": "demo", "labels": {"app": "web"}, "annotations": {"note": "x"},
        "string_data": {"password": "s3cret", "port": 5432}, "binary_data": {"blob": b64(b"\x00\x01")},
        "file_contents": {"cert.pem": b"file bytes"}, "env_file": "/tmp/app.env", "env_file_content": b"A=1\nB=2\n",
    })
    assert secret.type == "Opaque" and secret.ref == "demo/app" and secret.state == "present"
    assert decoded(secret)["password"] == "s3cret" and decoded(secret)["port"] == "5432"
    assert base64.b64decode(secret.data["blob"]) == b"\x00\x01"
    assert set(secret.data) == {"password", "port", "blob", "cert.pem", "A", "B"}
    manifest = secret.manifest()
    assert manifest["metadata"] == {"name": "app", "namespace": "demo", "labels": {"app": "web"}, "annotations": {"note": "x"}}
    assert manifest["type"] == "Opaque" and "immutable" not in manifest


def test_a_key_from_two_sources_is_refused():
    with pytest.raises(SecretOpsError, match="key 'A' is given by both string_data and env_file /tmp/x.env"):
        build_secret({"name": "a", "namespace": "d", "string_data": {"A": "1"}, "env_file": "/tmp/x.env", "env_file_content": "A=2\n"})


def test_bad_key_names_the_source_and_key():
    with pytest.raises(SecretOpsError, match="string_data key 'bad/key' is not a valid Secret key") as caught:
        build_secret({"name": "a", "namespace": "d", "string_data": {"bad/key": "hunter2"}})
    assert "hunter2" not in str(caught.value)


def test_non_string_values_are_refused():
    with pytest.raises(SecretOpsError, match="string_data key 'flag' must be a string"):
        build_secret({"name": "a", "namespace": "d", "string_data": {"flag": True}})


def test_binary_data_is_canonicalised_and_checked():
    with pytest.raises(SecretOpsError, match="binary_data key 'k' is not valid base64"):
        build_secret({"name": "a", "namespace": "d", "binary_data": {"k": "%%%"}})


def test_data_is_base64_as_in_a_secret_manifest():
    # a value copied from a manifest (or kubectl get secret -o yaml) is stored as it is, not encoded twice
    secret = build_secret({"name": "a", "namespace": "d", "data": {"password": b64("s3cret")}, "string_data": {"user": "app"}})
    assert decoded(secret) == {"password": "s3cret", "user": "app"}
    assert secret.data["password"] == b64("s3cret")


def test_data_that_is_not_base64_is_refused_naming_the_key_never_the_value():
    for value in ("plain text!", "s3cret", 5432):
        with pytest.raises(SecretOpsError, match="data key 'password' (is not valid base64|must be a base64 string)") as caught:
            build_secret({"name": "a", "namespace": "d", "data": {"password": value}})
        assert str(value) not in str(caught.value)
    with pytest.raises(SecretOpsError, match="put the plain text under string_data"):
        build_secret({"name": "a", "namespace": "d", "data": {"password": "plain text!"}})


def test_a_key_in_both_data_and_string_data_is_refused():
    with pytest.raises(SecretOpsError, match="key 'k' is given by both data and string_data"):
        build_secret({"name": "a", "namespace": "d", "data": {"k": b64("x")}, "string_data": {"k": "x"}})


def test_size_limit():
    with pytest.raises(SecretOpsError, match="1 MiB"):
        build_secret({"name": "a", "namespace": "d", "file_contents": {"big": b"x" * (1024 * 1024 + 1)}})


def test_registries_infer_the_type():
    secret = build_secret({"name": "pull", "namespace": "d", "registries": [{"server": "r.example", "username": "u", "password": "p"}]})
    assert secret.type == "kubernetes.io/dockerconfigjson"
    assert json.loads(decoded(secret)[".dockerconfigjson"])["auths"]["r.example"]["auth"] == b64("u:p")
    legacy = build_secret({"name": "pull", "namespace": "d", "type": "dockercfg", "registries": [{"server": "r", "username": "u", "password": "p"}]})
    assert list(legacy.data) == [".dockercfg"]


def test_type_option_mismatch_and_two_typed_options():
    with pytest.raises(SecretOpsError, match="registries does not apply to type kubernetes.io/tls"):
        build_secret({"name": "a", "namespace": "d", "type": "tls", "registries": [{"username": "u", "password": "p"}]})
    with pytest.raises(SecretOpsError, match="each imply a different type"):
        build_secret({"name": "a", "namespace": "d", "basic_auth": {"username": "u", "password": "p"}, "service_account": "x"})


def test_tls_secret_with_info_and_warning(pki):
    secret = build_secret({"name": "web", "namespace": "d", "type": "tls", "tls": {"cert": pki.soon_pem, "key": pki.key_pem, "ca": pki.root_pem}})
    assert secret.type == "kubernetes.io/tls"
    assert set(secret.data) == {"tls.crt", "tls.key", "ca.crt"}
    assert secret.info["tls"]["subject"] == "CN=soon.example.com"
    assert any("expires on" in warning for warning in secret.warnings)
    assert "tls.key" not in json.dumps(secret.info)


def test_tls_given_as_plain_data_is_checked_too(pki):
    with pytest.raises(SecretOpsError, match="tls.key does not match"):
        build_secret({"name": "web", "namespace": "d", "type": "kubernetes.io/tls", "string_data": {"tls.crt": pki.chain_pem, "tls.key": pki.other_key_pem}})


def test_tls_needs_cert_and_key(pki):
    with pytest.raises(SecretOpsError, match="tls needs both cert and key"):
        build_secret({"name": "web", "namespace": "d", "tls": {"cert": pki.chain_pem}})
    with pytest.raises(SecretOpsError, match="needs the key 'tls.crt'"):
        build_secret({"name": "web", "namespace": "d", "type": "tls", "string_data": {"x": "y"}})


def test_basic_auth():
    secret = build_secret({"name": "b", "namespace": "d", "basic_auth": {"username": "u", "password": "p"}})
    assert secret.type == "kubernetes.io/basic-auth" and decoded(secret) == {"username": "u", "password": "p"}
    with pytest.raises(SecretOpsError, match="basic_auth.password is required"):
        build_secret({"name": "b", "namespace": "d", "basic_auth": {"username": "u", "password": None}})


def test_ssh_auth(ssh_key):
    secret = build_secret({"name": "s", "namespace": "d", "ssh_auth": {"private_key": ssh_key, "known_hosts": "h ssh-ed25519 AAAA\n"}})
    assert secret.type == "kubernetes.io/ssh-auth" and set(secret.data) == {"ssh-privatekey", "known_hosts"}
    assert secret.info["ssh"]["key_type"] == "ssh-ed25519"
    with pytest.raises(SecretOpsError, match="not an SSH private key"):
        build_secret({"name": "s", "namespace": "d", "ssh_auth": {"private_key": "nope"}})


def test_service_account_token():
    secret = build_secret({"name": "t", "namespace": "d", "service_account": "ci"})
    assert secret.type == "kubernetes.io/service-account-token"
    assert secret.annotations == {"kubernetes.io/service-account.name": "ci"} and secret.data == {}
    with pytest.raises(SecretOpsError, match="needs service_account"):
        build_secret({"name": "t", "namespace": "d", "type": "service-account-token"})
    with pytest.raises(SecretOpsError, match="written by the token controller"):
        build_secret({"name": "t", "namespace": "d", "service_account": "ci", "string_data": {"token": "x"}})


def test_bootstrap_token_naming_and_generation():
    secret = build_secret({"bootstrap_token": {"token_id": "abcdef"}}, rng=random.Random(1))
    assert (secret.name, secret.namespace, secret.type) == ("bootstrap-token-abcdef", "kube-system", "bootstrap.kubernetes.io/token")
    assert secret.generated_keys == ["token-secret"] and secret.info == {"token_id": "abcdef"}
    with pytest.raises(SecretOpsError, match="append_hash cannot be used"):
        build_secret({"bootstrap_token": {"token_id": "abcdef"}, "append_hash": True})


def test_append_hash_names_by_content():
    first = build_secret({"name": "cfg", "namespace": "d", "string_data": {"a": "1"}, "append_hash": True})
    second = build_secret({"name": "cfg", "namespace": "d", "string_data": {"a": "2"}, "append_hash": True})
    assert first.name.startswith("cfg-") and len(first.name) == 14 and first.name != second.name


def test_absent_needs_only_identity():
    secret = build_secret({"name": "gone", "namespace": "d", "state": "absent", "data": None})
    assert secret.state == "absent" and secret.ref == "d/gone"
    token = build_secret({"state": "absent", "bootstrap_token": {"token_id": "abcdef"}})
    assert token.ref == "kube-system/bootstrap-token-abcdef"
    with pytest.raises(SecretOpsError, match="give its name or bootstrap_token.token_id"):
        build_secret({"state": "absent", "type": "bootstrap-token"})


def test_missing_identity():
    with pytest.raises(SecretOpsError, match="name is required"):
        build_secret({"namespace": "d", "string_data": {"a": "b"}})
    with pytest.raises(SecretOpsError, match="namespace is required"):
        build_secret({"name": "a", "string_data": {"a": "b"}})


def test_an_opaque_secret_imports_no_builder_of_another_type():
    # Each module run compiles its imports from the AnsiballZ zip: a loop of Opaque Secrets must not
    # pay for the registry, env-file, bootstrap-token, tls, ssh or diff code (docs/performance.md).
    prefix = "ansible_collections.secretops.provisioning.plugins.module_utils."
    script = (
        "import sys\n"
        "from %sk8s.secret_task import SecretTask\n"
        "from %ssecrets.builder import build_secret\n"
        "build_secret({'name': 'app', 'namespace': 'default', 'string_data': {'user': 'u'}})\n"
        "print(sorted(m for m in sys.modules if m.startswith('%ssecrets.')))\n" % (prefix, prefix, prefix)
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path for path in sys.path if path))
    loaded = subprocess.check_output([sys.executable, "-c", script], env=env, text=True)
    for builder in ("dockerconfig", "envfile", "bootstrap_token", "tls", "ssh", "diff"):
        assert prefix + "secrets." + builder + "'" not in loaded
    assert prefix + "secrets.builder'" in loaded  # the check itself sees the modules it looks for
