"""vault_encryption_key's main() with the one fake of Vault KV v2 (``module_utils/vault/fakes.py``) and
of etcd (``module_utils/encryption/fakes.py``): the key set made once, no key material in the result,
and the etcd check read only when an endpoint is given."""

import json

from ansible_collections.secretops.provisioning.plugins.modules import vault_encryption_key as module_file
from tests.unit.plugins.module_utils.encryption.fakes import FakeEtcd
from tests.unit.plugins.module_utils.vault.fakes import FakeKv2
from tests.unit.plugins.modules.harness import run_module, session_of

VAULT = {"url": "https://vault.example.test:8200", "token": "s.TOKEN"}


def test_path_is_required_and_the_type_is_aescbc_or_secretbox(monkeypatch):
    ended = run_module(module_file, VAULT, monkeypatch)
    assert ended.failed and ended.result["msg"] == "missing required arguments: path"
    wrong = run_module(module_file, dict(VAULT, path="secret/enc", type="aesgcm"), monkeypatch)
    assert wrong.failed and "value of type must be one of: aescbc, secretbox" in wrong.result["msg"]


def test_the_key_is_made_once_and_never_returned(monkeypatch, tmp_path):
    vault = FakeKv2()
    monkeypatch.setattr(module_file, "vault_session", session_of(vault))
    args = dict(VAULT, path="secret/k8s/enc", type="secretbox", config_path=str(tmp_path / "enc.yaml"))
    first = run_module(module_file, args, monkeypatch)
    assert not first.failed and first.result["changed"] and first.result["created"] and first.result["config_changed"]
    key = vault.versions["k8s/enc"][-1]["keys"][0]
    assert first.result["key_set"] == [{"name": key["name"], "type": "secretbox"}] and first.result["current_key"] == key["name"]
    assert key["secret"] not in json.dumps(first.result)
    again = run_module(module_file, args, monkeypatch)
    assert not again.failed and not again.result["changed"] and len(vault.versions["k8s/enc"]) == 1


def test_retiring_without_an_etcd_endpoint_is_refused_and_with_one_etcd_is_read(monkeypatch, tmp_path):
    vault = FakeKv2()
    vault.put("k8s/enc", {"keys": [{"name": "new", "type": "aescbc", "secret": "TkVX"}, {"name": "old", "type": "aescbc", "secret": "T0xE"}]})
    monkeypatch.setattr(module_file, "vault_session", session_of(vault))
    args = dict(VAULT, path="secret/k8s/enc", retire_old_keys=True)
    refused = run_module(module_file, args, monkeypatch)
    assert refused.failed and "retire_old_keys needs the etcd check (etcd_url)" in refused.result["msg"]
    etcd = FakeEtcd({b"/registry/secrets/shop/db": b"k8s:enc:aescbc:v1:old:xx"})
    asked = []
    monkeypatch.setattr(module_file, "etcd_reader", lambda params: asked.append(params["etcd_url"]) or etcd)
    busy = run_module(module_file, dict(args, etcd_url="http://127.0.0.1:2379"), monkeypatch)
    assert busy.failed and "old" in busy.result["msg"] and "T0xE" not in busy.result["msg"]
    assert asked == ["http://127.0.0.1:2379"] and [start for start, _end, _limit in etcd.ranges] == [b"/registry/"]
    assert len(vault.versions["k8s/enc"]) == 1
