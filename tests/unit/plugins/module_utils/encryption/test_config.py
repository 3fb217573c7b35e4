"""The EncryptionConfiguration (encryption/config.py): provider order per mode, atomic write with a backup."""

import os
import stat

import pytest
import yaml

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption import config
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

KMS = {"kms_name": "vault-transit", "kms_endpoint": "unix:///run/kms.sock"}


def providers(mode):
    return [list(provider)[0] for provider in config.build(mode, ["secrets"], **KMS)["resources"][0]["providers"]]


def test_kms_first_and_identity_last_when_encrypting():
    assert providers("kms") == ["kms", "identity"]
    assert config.build("kms", ["secrets"], **KMS)["resources"][0]["providers"][0]["kms"]["apiVersion"] == "v2"


def test_turning_off_keeps_kms_readable_after_identity():
    assert providers("decrypt") == ["identity", "kms"]
    assert providers("identity") == ["identity"]


def test_kms_needs_a_unix_socket():
    with pytest.raises(SecretOpsError, match="unix socket"):
        config.build("kms", ["secrets"], kms_name="p", kms_endpoint="tcp://127.0.0.1:1")
    with pytest.raises(SecretOpsError, match="kms_name"):
        config.build("kms", ["secrets"])


def test_ensure_writes_once_with_a_backup(tmp_path):
    path = str(tmp_path / "enc.yaml")
    params = dict(path=path, mode="identity", resources=["secrets"], kms_name=None, kms_endpoint=None, kms_timeout="3s", backup=True)
    assert config.ensure(params)["changed"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert not config.ensure(params)["changed"]
    params.update(mode="kms", **KMS)
    assert config.ensure(params, check_mode=True)["changed"]
    assert yaml.safe_load(open(path))["resources"][0]["providers"] == [{"identity": {}}]
    result = config.ensure(params)
    assert result["changed"] and os.path.exists(result["backup_file"])
    assert yaml.safe_load(open(path))["resources"][0]["providers"][0]["kms"]["name"] == "vault-transit"


def test_the_loaded_configuration_is_recognised_by_its_hash():
    from ansible_collections.secretops.provisioning.plugins.module_utils.encryption import reload
    text = config.render(config.build("identity", ["secrets"]))
    metrics = ('# TYPE apiserver_encryption_config_controller_last_config_info gauge\n'
               'apiserver_encryption_config_controller_last_config_info{apiserver_id_hash="sha256:ab",hash="sha256:%s"} 1\n'
               % reload.config_hash(text))
    assert reload.loaded_hashes(metrics) == {reload.config_hash(text)}
    assert reload.loaded_hashes("other_metric 1\n") == set()


def test_the_backup_is_created_0600_not_chmodded_after_the_key_is_in_it(tmp_path, monkeypatch):
    # A configuration may hold aescbc or secretbox keys: its backup is never readable by others, not
    # even between its creation and a later chmod.
    path = str(tmp_path / "enc.yaml")
    with open(path, "w") as handle:
        handle.write("old")
    created = []
    real_open = os.open

    def recording_open(name, flags, mode=0o777, *args, **kwargs):
        if str(name).endswith(".bak"):
            created.append(mode)
        return real_open(name, flags, mode, *args, **kwargs)

    monkeypatch.setattr(config.os, "open", recording_open)
    backup = config.write(path, "new")
    assert created == [0o600] and stat.S_IMODE(os.stat(backup).st_mode) == 0o600
