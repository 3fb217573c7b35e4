"""The simpler mode's key set (encryption/static_keys.py) and its service (static_key_service.py):
generated once, rotated new-first, retired only when etcd holds nothing under the old names, the
configuration built from KV; no key in any result."""

import json
import os
import stat

import pytest
import yaml

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption import census, config, static_key_service, static_keys
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError


def fixed(byte):
    return lambda size: bytes([byte]) * size


def test_a_new_key_is_32_random_bytes_named_by_time_and_unique():
    key = static_keys.new_key("secretbox", (), now=0, random=fixed(7))
    assert key["name"] == "key-19700101T000000Z" and key["type"] == "secretbox"
    assert len(__import__("base64").b64decode(key["secret"])) == 32
    assert static_keys.new_key("aescbc", {"key-19700101T000000Z"}, now=0)["name"] == "key-19700101T000000Z-2"
    with pytest.raises(SecretOpsError, match="aescbc, secretbox"):
        static_keys.new_key("aesgcm", ())


def test_plan_creates_once_rotates_new_first_and_finishes_an_unfinished_rotation():
    keys, why = static_keys.plan(None, "aescbc", rotate=False, now=0)
    assert why == "created" and len(keys) == 1
    assert static_keys.plan(keys, "aescbc", rotate=False) == (keys, None)
    rotated, why = static_keys.plan(keys, "aescbc", rotate=True, now=3600)
    assert why == "rotated" and rotated[1:] == keys and rotated[0]["name"] != keys[0]["name"]
    # A second rotation while the old key is still listed finishes the first one instead.
    assert static_keys.plan(rotated, "aescbc", rotate=True) == (rotated, None)
    switched, why = static_keys.plan(keys, "secretbox", rotate=False, now=3600)
    assert why == "rotated" and switched[0]["type"] == "secretbox" and switched[1] == keys[0]


def test_providers_group_keys_by_type_in_order():
    keys = [{"name": "b", "type": "secretbox", "secret": "S2"}, {"name": "a", "type": "aescbc", "secret": "S1"},
            {"name": "z", "type": "aescbc", "secret": "S0"}]
    assert static_keys.providers(keys) == [{"secretbox": {"keys": [{"name": "b", "secret": "S2"}]}},
                                           {"aescbc": {"keys": [{"name": "a", "secret": "S1"}, {"name": "z", "secret": "S0"}]}}]
    built = config.build("static", ["secrets"], static=static_keys.providers(keys))
    assert [list(p)[0] for p in built["resources"][0]["providers"]] == ["secretbox", "aescbc", "identity"]
    off = config.build("decrypt", ["secrets"], static=static_keys.providers(keys))
    assert [list(p)[0] for p in off["resources"][0]["providers"]] == ["identity", "secretbox", "aescbc"]


def test_retire_refused_while_etcd_holds_an_old_key_name():
    keys = [{"name": "new", "type": "aescbc", "secret": "N"}, {"name": "old", "type": "aescbc", "secret": "O"}]
    busy = {"secrets": census.count([b"k8s:enc:aescbc:v1:old:xxxx", b"k8s:enc:aescbc:v1:new:yyyy"])}
    with pytest.raises(SecretOpsError, match=r"aescbc:old: 1") as raised:
        static_keys.retire(keys, busy)
    assert "O" not in str(raised.value).replace("Objects", "")
    done = {"secrets": census.count([b"k8s:enc:aescbc:v1:new:yyyy", b"plain"])}
    assert static_keys.retire(keys, done) == keys[:1]


def test_keys_of_refuses_a_malformed_set_without_quoting_it():
    with pytest.raises(SecretOpsError, match="not a list") as raised:
        static_keys.keys_of({"keys": [{"name": "k", "type": "aescbc"}], "other": "sekrit"})
    assert "sekrit" not in str(raised.value)
    assert static_keys.keys_of(None) is None


def test_census_reports_static_keys_and_mixed_keys():
    counts = census.count([b"k8s:enc:secretbox:v1:k2:aaaa", b"k8s:enc:secretbox:v1:k1:bbbb", b"plain"])
    assert counts["providers"] == {"secretbox:k2": 1, "secretbox:k1": 1} and counts["key_ids"] == {}
    found = census.failures({"configmaps": counts}, ["mixed_keys"])
    assert found == ["configmaps: objects under 2 keys (secretbox:k1, secretbox:k2)"]


class FakeVault(object):
    """KV v2 at secret/: stores what is written; answers the mount lookup."""

    def __init__(self):
        self.data, self.version, self.writes = None, 0, []

    def read(self, path):
        if path.startswith("sys/internal/ui/mounts/"):
            return {"data": {"path": "secret/", "type": "kv", "options": {"version": "2"}}}
        if path == "secret/data/k8s/enc" and self.data is not None:
            return {"data": {"data": json.loads(json.dumps(self.data)), "metadata": {"version": self.version}}}
        return None

    def write(self, path, data, action=None, retry=True):
        assert path == "secret/data/k8s/enc"
        self.writes.append(data)
        self.data, self.version = data["data"], self.version + 1
        return {"data": {"version": self.version}}


def params(tmp_path, **extra):
    values = dict(path="secret/k8s/enc", mount_point=None, type="secretbox", rotate=False, retire_old_keys=False,
                  config_path=str(tmp_path / "enc.yaml"), config_mode="encrypt", resources=["secrets", "configmaps"], backup=True)
    values.update(extra)
    return values


def secrets_of(vault):
    return [key["secret"] for key in vault.data["keys"]]


def test_service_generates_once_writes_0600_and_returns_no_key(tmp_path):
    vault = FakeVault()
    result = static_key_service.ensure(vault, params(tmp_path))
    assert result["changed"] and result["created"] and result["config_changed"]
    assert vault.writes[0]["options"] == {"cas": 0}
    secret = secrets_of(vault)[0]
    assert secret not in json.dumps(result)
    path = str(tmp_path / "enc.yaml")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    written = yaml.safe_load(open(path))["resources"][0]
    assert written["resources"] == ["secrets", "configmaps"]
    assert written["providers"] == [{"secretbox": {"keys": [{"name": result["current_key"], "secret": secret}]}}, {"identity": {}}]
    again = static_key_service.ensure(vault, params(tmp_path))
    assert not again["changed"] and len(vault.writes) == 1


def test_service_rotates_then_retires_config_before_kv(tmp_path):
    vault = FakeVault()
    first = static_key_service.ensure(vault, params(tmp_path))["current_key"]
    vault.data["keys"][0]["name"] = "key-old"  # a key made at another time
    static_key_service.ensure(vault, params(tmp_path))
    rotated = static_key_service.ensure(vault, params(tmp_path, rotate=True))
    assert rotated["rotated"] and [key["name"] for key in rotated["key_set"]][1:] == ["key-old"] and first
    assert vault.writes[-1]["options"] == {"cas": 1}
    providers = yaml.safe_load(open(str(tmp_path / "enc.yaml")))["resources"][0]["providers"]
    assert [key["name"] for key in providers[0]["secretbox"]["keys"]] == [rotated["current_key"], "key-old"]
    assert providers[1:] == [{"identity": {}}]
    busy = {"secrets": census.count([b"k8s:enc:secretbox:v1:key-old:zz"])}
    with pytest.raises(SecretOpsError, match="key-old: 1"):
        static_key_service.ensure(vault, params(tmp_path, retire_old_keys=True), census=lambda: busy)
    assert len(vault.data["keys"]) == 2
    with pytest.raises(SecretOpsError, match="needs the etcd check"):
        static_key_service.ensure(vault, params(tmp_path, retire_old_keys=True))
    done = {"secrets": census.count([b"k8s:enc:secretbox:v1:%s:zz" % rotated["current_key"].encode()])}
    retired = static_key_service.ensure(vault, params(tmp_path, retire_old_keys=True), census=lambda: done)
    assert retired["retired"] == ["key-old"] and len(vault.data["keys"]) == 1
    assert "key-old" not in open(str(tmp_path / "enc.yaml")).read()
