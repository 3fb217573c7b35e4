"""kubeadm_encryption_manifests's main(): the plugin's credentials are a token file or an AppRole, and
check mode leaves the manifest as it is."""

import os

from ansible_collections.secretops.provisioning.plugins.modules import kubeadm_encryption_manifests as module_file
from tests.unit.plugins.modules.harness import run_module

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "module_utils", "encryption", "fixtures", "kube-apiserver.yaml")


def test_config_path_is_required_and_the_credentials_are_a_token_or_an_approle(monkeypatch):
    ended = run_module(module_file, {}, monkeypatch)
    assert ended.failed and ended.result["msg"] == "missing required arguments: config_path"
    both = run_module(module_file, {"config_path": "/etc/enc.yaml", "token_file": "/t", "role_id_file": "/r", "secret_id_file": "/s"},
                      monkeypatch)
    assert both.failed and "mutually exclusive" in both.result["msg"]
    half = run_module(module_file, {"config_path": "/etc/enc.yaml", "role_id_file": "/r"}, monkeypatch)
    assert half.failed and "parameters are required together: role_id_file, secret_id_file" in half.result["msg"]


def test_check_mode_reports_the_change_and_writes_nothing(monkeypatch, tmp_path):
    manifest = tmp_path / "kube-apiserver.yaml"
    original = open(FIXTURE).read()
    manifest.write_text(original)
    ended = run_module(module_file, {"apiserver_manifest": str(manifest), "config_path": "/etc/kubernetes/encryption/config.yaml",
                                     "backup_dir": str(tmp_path / "backups")}, monkeypatch, check_mode=True)
    assert not ended.failed and ended.result["changed"] and ended.result["apiserver_manifest"] == str(manifest)
    assert manifest.read_text() == original and sorted(os.listdir(str(tmp_path))) == ["kube-apiserver.yaml"]
