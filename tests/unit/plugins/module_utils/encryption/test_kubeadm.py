"""kubeadm layouts (encryption/apiserver_manifest.py, kubeadm.py): the kube-apiserver static Pod of a
real kubeadm manifest gets the two flags and the mounts exactly once, keeps everything else, edits to
itself on a re-run; the file is written with a backup outside the manifest directory; a manifest that
does not parse is refused and left as it is; the plugin's static Pod."""

import os
import stat

import pytest
import yaml

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption import apiserver_manifest, kubeadm
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "kube-apiserver.yaml")
CONFIG = "/etc/kubernetes/encryption/config.yaml"
SOCKET_DIR = "/var/run/secretops-kms"


def kubeadm_manifest():
    with open(FIXTURE) as handle:
        return yaml.safe_load(handle)


def container(manifest):
    return manifest["spec"]["containers"][0]


def test_edit_adds_flags_and_mounts_once_and_keeps_the_rest():
    original = kubeadm_manifest()
    edited = apiserver_manifest.edit(original, CONFIG, SOCKET_DIR)
    command = container(edited)["command"]
    assert command[:len(container(original)["command"])] == container(original)["command"]
    assert command[-2:] == ["--encryption-provider-config=" + CONFIG, "--encryption-provider-config-automatic-reload=true"]
    assert edited["spec"]["volumes"][-2:] == [
        {"name": "secretops-encryption-config", "hostPath": {"path": "/etc/kubernetes/encryption", "type": "DirectoryOrCreate"}},
        {"name": "secretops-kms-socket", "hostPath": {"path": SOCKET_DIR, "type": "DirectoryOrCreate"}}]
    assert container(edited)["volumeMounts"][-2:] == [
        {"name": "secretops-encryption-config", "mountPath": "/etc/kubernetes/encryption", "readOnly": True},
        {"name": "secretops-kms-socket", "mountPath": SOCKET_DIR, "readOnly": False}]
    assert apiserver_manifest.problems(edited, CONFIG, SOCKET_DIR) == []
    assert apiserver_manifest.problems(original, CONFIG, SOCKET_DIR)  # the original lacks all of it
    assert apiserver_manifest.edit(edited, CONFIG, SOCKET_DIR) == edited  # idempotent
    assert original == kubeadm_manifest()  # the input is not changed
    without_kms = apiserver_manifest.edit(original, CONFIG)
    assert [v["name"] for v in without_kms["spec"]["volumes"]][-1] == "secretops-encryption-config"


def test_edit_replaces_a_flag_in_place_and_drops_duplicates():
    manifest = kubeadm_manifest()
    command = container(manifest)["command"]
    command.insert(3, "--encryption-provider-config=/old/path.yaml")
    command.append("--encryption-provider-config=/other.yaml")
    command.append("--encryption-provider-config-automatic-reload=false")
    edited = container(apiserver_manifest.edit(manifest, CONFIG))["command"]
    assert edited[3] == "--encryption-provider-config=" + CONFIG
    assert sum(1 for a in edited if a.startswith("--encryption-provider-config=")) == 1
    assert edited.count("--encryption-provider-config-automatic-reload=true") == 1
    assert "--encryption-provider-config-automatic-reload=false" not in edited


def test_edit_refuses_what_is_not_a_kubeadm_apiserver():
    with pytest.raises(SecretOpsError, match="not a Pod"):
        apiserver_manifest.edit({"kind": "Deployment"}, CONFIG)
    manifest = kubeadm_manifest()
    container(manifest)["name"] = "something-else"
    with pytest.raises(SecretOpsError, match="0 containers named kube-apiserver"):
        apiserver_manifest.edit(manifest, CONFIG)
    manifest = kubeadm_manifest()
    container(manifest)["command"] = "kube-apiserver --x"
    with pytest.raises(SecretOpsError, match="no command list"):
        apiserver_manifest.edit(manifest, CONFIG)


def params(tmp_path, **extra):
    values = dict(apiserver_manifest=str(tmp_path / "manifests" / "kube-apiserver.yaml"), config_path=CONFIG, kms_socket_dir=SOCKET_DIR,
                  backup=True, backup_dir=str(tmp_path / "backups"), plugin_manifest=None, plugin_image="img", binary=None, socket=None,
                  vault_addr=None, vault_ca_cert=None, mount="transit", key=None, token_file=None, approle_mount="approle",
                  role_id_file=None, secret_id_file=None)
    values.update(extra)
    return values


def test_ensure_writes_with_a_backup_outside_the_manifest_directory_then_changes_nothing(tmp_path):
    (tmp_path / "manifests").mkdir()
    original = open(FIXTURE).read()
    (tmp_path / "manifests" / "kube-apiserver.yaml").write_text(original)
    assert kubeadm.ensure(params(tmp_path), check_mode=True) == {"changed": True, "apiserver_manifest": params(tmp_path)["apiserver_manifest"]}
    assert (tmp_path / "manifests" / "kube-apiserver.yaml").read_text() == original
    result = kubeadm.ensure(params(tmp_path))
    assert result["changed"] and os.path.dirname(result["backup_file"]) == str(tmp_path / "backups")
    assert open(result["backup_file"]).read() == original
    assert os.listdir(str(tmp_path / "manifests")) == ["kube-apiserver.yaml"]
    written = yaml.safe_load((tmp_path / "manifests" / "kube-apiserver.yaml").read_text())
    assert apiserver_manifest.problems(written, CONFIG, SOCKET_DIR) == []
    assert stat.S_IMODE(os.stat(params(tmp_path)["apiserver_manifest"]).st_mode) == 0o600
    assert kubeadm.ensure(params(tmp_path)) == {"changed": False, "apiserver_manifest": params(tmp_path)["apiserver_manifest"]}


def test_ensure_refuses_a_manifest_it_cannot_parse_and_leaves_it(tmp_path):
    (tmp_path / "manifests").mkdir()
    broken = "apiVersion: v1\nkind: Pod\nspec:\n  containers: [\n"
    (tmp_path / "manifests" / "kube-apiserver.yaml").write_text(broken)
    with pytest.raises(SecretOpsError, match="cannot parse .* left unchanged"):
        kubeadm.ensure(params(tmp_path))
    assert (tmp_path / "manifests" / "kube-apiserver.yaml").read_text() == broken
    assert not (tmp_path / "backups").exists()
    with pytest.raises(SecretOpsError, match="does not exist"):
        kubeadm.ensure(params(tmp_path, apiserver_manifest=str(tmp_path / "missing.yaml")))


def test_plugin_static_pod(tmp_path):
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "kube-apiserver.yaml").write_text(open(FIXTURE).read())
    plugin = str(tmp_path / "manifests" / "secretops-kms-plugin.yaml")
    with pytest.raises(SecretOpsError, match="plugin_manifest needs binary, socket, vault_addr, key, token_file or role_id_file"):
        kubeadm.ensure(params(tmp_path, plugin_manifest=plugin))
    full = params(tmp_path, plugin_manifest=plugin, binary="/usr/local/bin/secretops-kms-plugin", socket=SOCKET_DIR + "/kms.sock",
                  vault_addr="https://vault:8200", key="kubernetes-etcd", token_file="/var/lib/secretops-kms/token")
    assert kubeadm.ensure(full)["plugin_manifest_changed"]
    pod = yaml.safe_load(open(plugin))
    spec = pod["spec"]
    assert pod["metadata"]["name"] == "secretops-kms-plugin" and spec["hostNetwork"] and spec["priorityClassName"] == "system-node-critical"
    assert spec["containers"][0]["command"][:2] == ["/usr/local/bin/secretops-kms-plugin", "--listen=" + SOCKET_DIR + "/kms.sock"]
    assert "--token-file=/var/lib/secretops-kms/token" in spec["containers"][0]["command"]
    assert sorted(m["mountPath"] for m in spec["containers"][0]["volumeMounts"]) == [
        "/usr/local/bin/secretops-kms-plugin", "/var/lib/secretops-kms", SOCKET_DIR]
    again = kubeadm.ensure(full)
    assert not again["changed"] and not again["plugin_manifest_changed"]


def plugin_params(tmp_path, **extra):
    return params(tmp_path, plugin_manifest=str(tmp_path / "manifests" / "secretops-kms-plugin.yaml"),
                  binary="/usr/local/bin/secretops-kms-plugin", socket=SOCKET_DIR + "/kms.sock", vault_addr="https://vault:8200",
                  key="kubernetes-etcd", token_file="/var/lib/secretops-kms/token", **extra)


def test_the_plugin_reads_its_credentials_from_read_only_mounts_and_writes_only_its_socket(tmp_path):
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "kube-apiserver.yaml").write_text(open(FIXTURE).read())
    kubeadm.ensure(plugin_params(tmp_path))
    mounts = yaml.safe_load(open(plugin_params(tmp_path)["plugin_manifest"]))["spec"]["containers"][0]["volumeMounts"]
    assert dict((m["mountPath"], bool(m.get("readOnly"))) for m in mounts) == {
        "/usr/local/bin/secretops-kms-plugin": True, "/var/lib/secretops-kms": True, SOCKET_DIR: False}
    # Credentials beside the socket: that one directory stays writable.
    shared = apiserver_manifest.plugin_pod(["/bin/p"], "/bin/p", "img", ["/run/kms", "/run/kms"], writable_dirs=["/run/kms"])
    assert [m.get("readOnly", False) for m in shared["spec"]["containers"][0]["volumeMounts"]] == [True, False]


def test_diff_shows_the_managed_flags_mounts_and_plugin_pod_before_and_after(tmp_path):
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "kube-apiserver.yaml").write_text(open(FIXTURE).read())
    checked = kubeadm.ensure(plugin_params(tmp_path), check_mode=True, diff=True)
    assert not os.path.exists(plugin_params(tmp_path)["plugin_manifest"])
    apiserver_diff, plugin_diff = checked["diff"][0], checked["diff"][1]
    assert len(checked["diff"]) == 2
    assert apiserver_diff["before_header"] == apiserver_diff["after_header"] == plugin_params(tmp_path)["apiserver_manifest"]
    assert yaml.safe_load(apiserver_diff["before"]) == {"flags": [], "mounts": []}
    after = yaml.safe_load(apiserver_diff["after"])
    assert after["flags"] == ["--encryption-provider-config=" + CONFIG, "--encryption-provider-config-automatic-reload=true"]
    assert [(m["hostPath"], m["mountPath"], m["readOnly"]) for m in after["mounts"]] == [
        ("/etc/kubernetes/encryption", "/etc/kubernetes/encryption", True), (SOCKET_DIR, SOCKET_DIR, False)]
    # Nothing else of the manifest: not its other flags.
    assert "--etcd-servers" not in apiserver_diff["after"] and "--etcd-servers" in open(FIXTURE).read()
    assert plugin_diff["before"] == "" and "--token-file=/var/lib/secretops-kms/token" in plugin_diff["after"]
    assert kubeadm.ensure(plugin_params(tmp_path), check_mode=True, diff=False).get("diff") is None

    kubeadm.ensure(plugin_params(tmp_path))
    same = kubeadm.ensure(plugin_params(tmp_path), diff=True)
    assert not same["changed"] and all(item["before"] == item["after"] for item in same["diff"])


def test_diff_never_shows_a_value_a_hand_edit_put_in_a_manifest(tmp_path):
    (tmp_path / "manifests").mkdir()
    secret = "hvs.SECRET-TOKEN-VALUE"
    manifest = kubeadm_manifest()
    container(manifest)["env"] = [{"name": "VAULT_TOKEN", "value": secret}]
    container(manifest)["command"].append("--encryption-provider-config=" + CONFIG)
    (tmp_path / "manifests" / "kube-apiserver.yaml").write_text(yaml.safe_dump(manifest))
    plugin = {"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{
        "name": "secretops-kms-plugin", "image": "img", "command": ["/usr/local/bin/secretops-kms-plugin", "--token=" + secret, secret],
        "args": [secret], "env": [{"name": "VAULT_TOKEN", "value": secret}]}]}}
    (tmp_path / "manifests" / "secretops-kms-plugin.yaml").write_text(yaml.safe_dump(plugin))
    result = kubeadm.ensure(plugin_params(tmp_path), check_mode=True, diff=True)
    text = "".join(item["before"] + item["after"] for item in result["diff"])
    assert secret not in text
    before = yaml.safe_load(result["diff"][1]["before"])["containers"][0]
    assert before["command"] == ["/usr/local/bin/secretops-kms-plugin", "--token=(not shown)", "(not shown)"]
    assert before["env"] == ["VAULT_TOKEN"] and before["args"] == ["(not shown)"]
    assert yaml.safe_load(result["diff"][0]["before"])["flags"] == ["--encryption-provider-config=" + CONFIG]
    (tmp_path / "manifests" / "secretops-kms-plugin.yaml").write_text("spec: [broken\n")
    assert yaml.safe_load(kubeadm.ensure(plugin_params(tmp_path), check_mode=True, diff=True)["diff"][1]["before"]) == {
        "unreadable": "not YAML"}
