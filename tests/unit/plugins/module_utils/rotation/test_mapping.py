"""rotation/mapping.py: Vault data -> the Secret k8s_secret's builder makes and checks."""

import base64
import json

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import mapping
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.builder import build_secret
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.validation import MAX_SECRET_BYTES


def decoded(desired):
    return dict((key, base64.b64decode(value).decode("utf-8")) for key, value in desired.data.items())


def test_values_that_are_not_strings_become_json_text_not_python_repr():
    vault = {"enabled": True, "limits": {"rps": 10, "burst": [1, 2]}, "port": 5432, "ratio": 0.5, "off": False, "none": None, "name": "x"}
    desired = mapping.desired_secret({"name": "cfg", "vault_path": "secret/app/cfg"}, "shop", vault)
    assert desired.type == "Opaque" and (desired.name, desired.namespace) == ("cfg", "shop")
    assert decoded(desired) == {"enabled": "true", "limits": '{"burst":[1,2],"rps":10}', "port": "5432", "ratio": "0.5",
                                "off": "false", "none": "null", "name": "x"}
    assert json.loads(decoded(desired)["limits"]) == vault["limits"]


def test_the_builder_is_k8s_secrets_own():
    """The sync path's Secret is exactly what k8s_secret builds from the same keys and type."""
    spec = {"name": "db", "type": "basic-auth", "keep_previous": True}
    vault = {"username": "app", "password": "new", "password_previous": "old", "port": 5432}
    desired = mapping.desired_secret(spec, "shop", vault)
    same = build_secret({"name": "db", "namespace": "shop", "type": "basic-auth",
                         "string_data": {"username": "app", "password": "new", "password_previous": "old"}})
    assert (desired.type, desired.data) == (same.type, same.data) == ("kubernetes.io/basic-auth", same.data)


def test_tls_is_checked_and_described(pki):
    desired = mapping.desired_secret({"name": "web", "type": "tls"}, "shop", {"cert": pki.chain_pem, "key": pki.key_pem, "ca": pki.root_pem})
    assert sorted(desired.data) == ["ca.crt", "tls.crt", "tls.key"] and desired.info["tls"]["chain_length"] == 2
    soon = mapping.desired_secret({"name": "web", "type": "tls"}, "shop", {"cert": pki.soon_pem, "key": pki.key_pem})
    assert any("expires" in warning for warning in soon.warnings)


@pytest.mark.parametrize("case, spec, vault, message", [
    ("key name", {"mapping": {"DB PASS": "password"}}, {"password": "hunter2"}, "key 'DB PASS' is not a valid Secret key"),
    ("key name from a field", {}, {"my field": "hunter2"}, "key 'my field' is not a valid Secret key"),
    ("1 MiB", {}, {"blob": "h" * (MAX_SECRET_BYTES + 1)}, "more than the API server's limit of 1 MiB"),
    ("basic-auth keys", {"type": "basic-auth", "mapping": {"username": "username"}}, {"username": "hunter2"},
     "needs the key 'password': map it to a Vault field in mapping"),
    ("dockerconfigjson parts", {"type": "dockerconfigjson"}, {"server": "r.example", "username": "robot", "password": ""},
     "needs both username and password"),
    ("dockerconfigjson mapping", {"type": "dockerconfigjson", "mapping": {"auth": "password"}}, {"password": "hunter2"},
     "a dockerconfigjson mapping maps server, username, password, email"),
    ("tls keys", {"type": "tls", "mapping": {"tls.crt": "cert"}}, {"cert": "hunter2"}, "needs the key 'tls.key'"),
    ("tls garbage", {"type": "tls"}, {"cert": "hunter2", "key": "hunter2"}, "tls.crt is not a PEM certificate"),
    ("ssh-auth", {"type": "ssh-auth"}, {"key": "hunter2"}, "cannot be built from Vault fields"),
    ("missing field", {"type": "basic-auth"}, {"username": "hunter2"}, "has no field 'password'"),
])
def test_each_check_names_the_secret_and_never_the_value(case, spec, vault, message):
    with pytest.raises(SecretOpsError) as raised:
        mapping.desired_secret(dict({"name": "app", "vault_path": "secret/app/x"}, **spec), "shop", vault)
    text = str(raised.value)
    assert message in text and text.startswith("secret app"), case
    assert "hunter2" not in text, case


@pytest.mark.parametrize("case, cert, key, message", [
    ("key matches certificate", "chain_pem", "other_key_pem", "tls.key does not match the certificate in tls.crt"),
    ("chain order", "reversed_chain_pem", "key_pem", "tls.crt is in the wrong order"),
    ("encrypted key", "chain_pem", "encrypted_key_pem", "tls.key"),
])
def test_tls_checks(pki, case, cert, key, message):
    with pytest.raises(SecretOpsError) as raised:
        mapping.desired_secret({"name": "web", "type": "tls"}, "shop", {"cert": getattr(pki, cert), "key": getattr(pki, key)})
    assert message in str(raised.value) and str(raised.value).startswith("secret web: "), case
    assert "PRIVATE KEY" not in str(raised.value)


def test_previous_twins_are_only_fields_next_to_their_field():
    assert mapping.previous_twins(["api", "api_previous", "token_previous", "a_previous_previous"]) == {"api_previous"}
    assert mapping.previous_twins({}) == set()


def test_a_user_field_ending_in_previous_is_an_ordinary_key():
    vault = {"password": "new", "password_previous": "old", "api_previous": "user's own"}
    assert mapping.string_data({"name": "s"}, vault)[1] == {"password": "new", "api_previous": "user's own"}
    assert mapping.string_data({"name": "s", "keep_previous": True}, vault)[1] == {
        "password": "new", "password_previous": "old", "api_previous": "user's own"}


def test_mapping_typed_secrets():
    vault = {"username": "u", "password": "p", "password_previous": "old"}
    assert mapping.string_data({"name": "s", "type": "basic-auth"}, vault) == ("kubernetes.io/basic-auth", {"username": "u", "password": "p"})
    kind, data = mapping.string_data({"name": "s", "type": "basic-auth", "keep_previous": True}, vault)
    assert data == {"username": "u", "password": "p", "password_previous": "old"}
    assert mapping.string_data({"name": "s", "type": "tls"}, {"cert": "C", "key": "K", "ca": "A"})[1] == {"tls.crt": "C", "tls.key": "K", "ca.crt": "A"}
    assert mapping.string_data({"name": "s"}, {"a": "1", "b": 2}) == ("Opaque", {"a": "1", "b": "2"})
    assert mapping.string_data({"name": "s", "mapping": {"DB_PASS": "password"}}, vault)[1] == {"DB_PASS": "p"}


def test_mapping_dockerconfigjson_is_built_like_kubectl():
    kind, data = mapping.string_data({"name": "r", "type": "dockerconfigjson"}, {"server": "reg.example", "username": "u", "password": "p"})
    assert kind == "kubernetes.io/dockerconfigjson"
    auth = json.loads(data[".dockerconfigjson"])["auths"]["reg.example"]
    assert auth["auth"] == base64.b64encode(b"u:p").decode()
    with pytest.raises(SecretOpsError, match="dockerconfigjson mapping"):
        mapping.string_data({"name": "r", "type": "dockerconfigjson", "mapping": {"token": "x"}}, {})


def test_mapping_errors_name_the_missing_field_not_values():
    with pytest.raises(SecretOpsError) as raised:
        mapping.string_data({"name": "s", "type": "basic-auth", "vault_path": "secret/a"}, {"username": "hunter2"})
    assert "'password'" in str(raised.value) and "hunter2" not in str(raised.value)
    with pytest.raises(SecretOpsError, match="cannot be built"):
        mapping.string_data({"name": "s", "type": "ssh-auth"}, {})


def test_managed_keys_include_previous_twins():
    assert mapping.managed_keys({"name": "s", "type": "basic-auth"}, {}) == ["username", "password", "username_previous", "password_previous"]
