"""The encryption_at_rest role's kubeadm path (tasks kubeadm.yml) against a real kubeadm kube-apiserver
manifest in a temporary directory, no kubelet needed for the edit: the flags and mounts added once,
a timestamped backup outside the manifest directory, a re-run unchanged, the plugin's static Pod
written, and a manifest that does not parse refused and left as it is."""

import os
import shutil

import yaml

from tests.integration.ansible_run import run_tasks

FIXTURE = os.path.join(os.path.dirname(__file__), os.pardir, "unit", "plugins", "module_utils", "encryption", "fixtures",
                       "kube-apiserver.yaml")
KUBEADM = ("secretops.provisioning.encryption_at_rest : The kube-apiserver manifest with the encryption flags and mounts "
           "(backup kept, result checked), plugin static Pod")


def role_run(tmp_path, **extra):
    role_vars = {
        "encryption_at_rest_layout": "kubeadm", "encryption_at_rest_kubeadm_wait": False,
        "encryption_at_rest_apiserver_manifest": str(tmp_path / "manifests" / "kube-apiserver.yaml"),
        "encryption_at_rest_plugin_manifest": str(tmp_path / "manifests" / "secretops-kms-plugin.yaml"),
        "encryption_at_rest_manifest_backup_dir": str(tmp_path / "backups"),
        "encryption_at_rest_config_path": "/etc/kubernetes/encryption/config.yaml",
        "encryption_at_rest_plugin_runner": "static_pod", "encryption_at_rest_plugin_binary": "/usr/local/bin/secretops-kms-plugin",
        "encryption_at_rest_vault_addr": "https://vault.example.com:8200",
    }
    role_vars.update(extra)
    return run_tasks([{"name": "kubeadm path", "ansible.builtin.include_role": {
        "name": "secretops.provisioning.encryption_at_rest", "tasks_from": "kubeadm"}, "vars": role_vars}])


def test_the_kubeadm_path_edits_once_with_a_backup_and_writes_the_plugin_pod(tmp_path):
    (tmp_path / "manifests").mkdir()
    shutil.copy(FIXTURE, str(tmp_path / "manifests" / "kube-apiserver.yaml"))
    original = open(FIXTURE).read()

    run = role_run(tmp_path).assert_ok()
    result = run.task(KUBEADM)
    assert result["changed"] and result["plugin_manifest_changed"]
    assert open(result["backup_file"]).read() == original and os.path.dirname(result["backup_file"]) == str(tmp_path / "backups")
    assert sorted(os.listdir(str(tmp_path / "manifests"))) == ["kube-apiserver.yaml", "secretops-kms-plugin.yaml"]
    manifest = yaml.safe_load(open(str(tmp_path / "manifests" / "kube-apiserver.yaml")))
    apiserver = manifest["spec"]["containers"][0]
    assert apiserver["command"].count("--encryption-provider-config=/etc/kubernetes/encryption/config.yaml") == 1
    assert apiserver["command"].count("--encryption-provider-config-automatic-reload=true") == 1
    assert sorted(m["mountPath"] for m in apiserver["volumeMounts"] if m["name"].startswith("secretops-")) == [
        "/etc/kubernetes/encryption", "/var/run/secretops-kms"]
    plugin = yaml.safe_load(open(str(tmp_path / "manifests" / "secretops-kms-plugin.yaml")))
    assert plugin["spec"]["containers"][0]["command"][0] == "/usr/local/bin/secretops-kms-plugin"

    again = role_run(tmp_path).assert_ok()
    assert not again.task(KUBEADM)["changed"]
    assert len(os.listdir(str(tmp_path / "backups"))) == 1


def test_the_kubeadm_path_refuses_a_manifest_it_cannot_parse(tmp_path):
    (tmp_path / "manifests").mkdir()
    broken = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: kube-apiserver\n    command: [kube-apiserver\n"
    (tmp_path / "manifests" / "kube-apiserver.yaml").write_text(broken)
    run = role_run(tmp_path, encryption_at_rest_provider="secretbox")
    assert run.returncode != 0
    assert "cannot parse" in run.task(KUBEADM)["msg"] and "left unchanged" in run.task(KUBEADM)["msg"]
    assert (tmp_path / "manifests" / "kube-apiserver.yaml").read_text() == broken
    assert os.listdir(str(tmp_path / "manifests")) == ["kube-apiserver.yaml"] and not (tmp_path / "backups").exists()
