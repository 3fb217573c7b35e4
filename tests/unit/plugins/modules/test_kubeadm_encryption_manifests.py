"""kubeadm_encryption_manifests's main(): the plugin's credentials are a token file or an AppRole, check
mode leaves the manifest as it is, and --diff gives a value-free before/after of each manifest."""

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


def test_diff_mode_lists_both_manifests_value_free(tmp_path, monkeypatch):
    manifest = tmp_path / "kube-apiserver.yaml"
    manifest.write_text(open(FIXTURE).read())
    args = {"apiserver_manifest": str(manifest), "config_path": "/etc/kubernetes/encryption/config.yaml",
            "kms_socket_dir": "/run/kms", "backup_dir": str(tmp_path / "backups"), "plugin_manifest": str(tmp_path / "plugin.yaml"),
            "binary": "/usr/local/bin/secretops-kms-plugin", "socket": "/run/kms/kms.sock", "vault_addr": "https://vault:8200",
            "key": "kubernetes-etcd", "token_file": "/var/lib/secretops-kms/token", "_ansible_diff": True}
    ended = run_module(module_file, args, monkeypatch, check_mode=True)
    assert not ended.failed and ended.result["changed"]
    assert [item["before_header"] for item in ended.result["diff"]] == [str(manifest), str(tmp_path / "plugin.yaml")]
    assert "--encryption-provider-config-automatic-reload=true" in ended.result["diff"][0]["after"]
    assert manifest.read_text() == open(FIXTURE).read()
    quiet = run_module(module_file, dict(args, _ansible_diff=False), monkeypatch, check_mode=True)
    assert "diff" not in quiet.result
