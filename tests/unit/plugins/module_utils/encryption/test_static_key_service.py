"""encryption/static_key_service.py against the one fake of Vault KV v2 (``vault/fakes.py``): the key
set generated once, rotated new-first, retired only after the etcd check, the configuration built
from KV; a new key reaches KV before the file, a retired key leaves the file before KV, so a run
stopped in between is finished by the next; no key in any result."""

import json
import os
import stat

import pytest
import yaml

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption import census, static_key_service
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

from ..vault.fakes import FakeKv2, FakeVaultApi

DATA = "secret/data/k8s/enc"


def params(tmp_path, **extra):
    values = dict(path="secret/k8s/enc", mount_point=None, type="secretbox", rotate=False, retire_old_keys=False,
                  config_path=str(tmp_path / "enc.yaml"), config_mode="encrypt", resources=["secrets", "configmaps"], backup=True)
    values.update(extra)
    return values


def stored(vault):
    """The key set of the latest version in KV."""
    return vault.versions["k8s/enc"][-1]


def written(vault):
    """The bodies of the writes to the key set's path."""
    return [data for method, path, data in vault.writes() if path == DATA]


def secrets_of(vault):
    return [key["secret"] for key in stored(vault)["keys"]]


def config_providers(tmp_path):
    return yaml.safe_load(open(str(tmp_path / "enc.yaml")))["resources"][0]["providers"]


def test_service_generates_once_writes_0600_and_returns_no_key(tmp_path):
    vault = FakeKv2()
    result = static_key_service.ensure(vault, params(tmp_path))
    assert result["changed"] and result["created"] and result["config_changed"]
    assert written(vault)[0]["options"] == {"cas": 0}
    secret = secrets_of(vault)[0]
    assert secret not in json.dumps(result)
    path = str(tmp_path / "enc.yaml")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    resource = yaml.safe_load(open(path))["resources"][0]
    assert resource["resources"] == ["secrets", "configmaps"]
    assert resource["providers"] == [{"secretbox": {"keys": [{"name": result["current_key"], "secret": secret}]}}, {"identity": {}}]
    again = static_key_service.ensure(vault, params(tmp_path))
    assert not again["changed"] and len(written(vault)) == 1


def test_service_rotates_then_retires_config_before_kv(tmp_path):
    vault = FakeKv2()
    first = static_key_service.ensure(vault, params(tmp_path))["current_key"]
    stored(vault)["keys"][0]["name"] = "key-old"  # a key made at another time
    static_key_service.ensure(vault, params(tmp_path))
    rotated = static_key_service.ensure(vault, params(tmp_path, rotate=True))
    assert rotated["rotated"] and [key["name"] for key in rotated["key_set"]][1:] == ["key-old"] and first
    assert written(vault)[-1]["options"] == {"cas": 1}
    providers = config_providers(tmp_path)
    assert [key["name"] for key in providers[0]["secretbox"]["keys"]] == [rotated["current_key"], "key-old"]
    assert providers[1:] == [{"identity": {}}]
    busy = {"secrets": census.count([b"k8s:enc:secretbox:v1:key-old:zz"])}
    with pytest.raises(SecretOpsError, match="key-old: 1"):
        static_key_service.ensure(vault, params(tmp_path, retire_old_keys=True), census=lambda: busy)
    assert len(stored(vault)["keys"]) == 2
    with pytest.raises(SecretOpsError, match="needs the etcd check"):
        static_key_service.ensure(vault, params(tmp_path, retire_old_keys=True))
    done = {"secrets": census.count([b"k8s:enc:secretbox:v1:%s:zz" % rotated["current_key"].encode()])}
    retired = static_key_service.ensure(vault, params(tmp_path, retire_old_keys=True), census=lambda: done)
    assert retired["retired"] == ["key-old"] and len(stored(vault)["keys"]) == 1
    assert "key-old" not in open(str(tmp_path / "enc.yaml")).read()


def test_check_mode_writes_neither_kv_nor_the_file(tmp_path):
    vault = FakeKv2()
    result = static_key_service.ensure(vault, params(tmp_path), check_mode=True)
    assert result["changed"] and result["created"] and result["config_changed"]
    assert vault.writes() == [] and not (tmp_path / "enc.yaml").exists()
    assert result["key_set"] == [{"name": result["current_key"], "type": "secretbox"}]


def test_without_config_path_only_kv_and_decrypt_puts_identity_first(tmp_path):
    vault = FakeKv2()
    result = static_key_service.ensure(vault, params(tmp_path, config_path=None))
    assert result["created"] and "config_changed" not in result and os.listdir(str(tmp_path)) == []
    off = static_key_service.ensure(vault, params(tmp_path, config_mode="decrypt"))
    assert off["config_changed"] and not off["created"] and len(written(vault)) == 1
    assert [list(provider)[0] for provider in config_providers(tmp_path)] == ["identity", "secretbox"]


def test_a_writer_racing_the_first_key_wins_and_no_file_is_written(tmp_path):
    vault = FakeKv2()
    vault.racing_writes.append(("k8s/enc", {"keys": [{"name": "theirs", "type": "aescbc", "secret": "VGhlaXJz"}]}))
    with pytest.raises(SecretOpsError, match="check-and-set") as raised:
        static_key_service.ensure(vault, params(tmp_path))
    assert [key["name"] for key in stored(vault)["keys"]] == ["theirs"] and not (tmp_path / "enc.yaml").exists()
    assert "VGhlaXJz" not in str(raised.value)


def test_a_run_stopped_after_the_file_lost_the_old_key_is_finished_by_the_next(tmp_path):
    vault = FakeKv2()
    static_key_service.ensure(vault, params(tmp_path))
    stored(vault)["keys"][0]["name"] = "key-old"
    current = static_key_service.ensure(vault, params(tmp_path, rotate=True))["current_key"]
    done = {"secrets": census.count([b"k8s:enc:secretbox:v1:%s:zz" % current.encode()])}
    vault.answers[("POST", DATA)] = SecretOpsError("cannot reach Vault", status=503)  # the run ends between the file and KV
    with pytest.raises(SecretOpsError, match="cannot reach Vault"):
        static_key_service.ensure(vault, params(tmp_path, retire_old_keys=True), census=lambda: done)
    assert [key["name"] for key in config_providers(tmp_path)[0]["secretbox"]["keys"]] == [current]
    assert len(stored(vault)["keys"]) == 2
    del vault.answers[("POST", DATA)]
    finished = static_key_service.ensure(vault, params(tmp_path, retire_old_keys=True), census=lambda: done)
    assert finished["retired"] == ["key-old"] and [key["name"] for key in stored(vault)["keys"]] == [current]
    assert "config_changed" not in finished  # the file had lost the old key already


def test_a_kv_version_1_mount_is_written_without_check_and_set(tmp_path):
    vault = FakeVaultApi({("GET", "sys/internal/ui/mounts/kv1/k8s/enc"): {"data": {"path": "kv1/", "type": "kv", "options": {"version": "1"}}}})
    result = static_key_service.ensure(vault, params(tmp_path, path="kv1/k8s/enc", config_path=None))
    assert result["created"] and result["path"] == "kv1/k8s/enc"
    (method, path, body), = vault.writes()
    assert (method, path, list(body)) == ("POST", "kv1/k8s/enc", ["keys"]) and body["keys"][0]["secret"] not in json.dumps(result)
