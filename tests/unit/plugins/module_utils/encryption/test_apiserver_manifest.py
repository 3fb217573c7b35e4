"""encryption/apiserver_manifest.py, its public behaviour beyond test_kubeadm.py: what ``problems``
reports of a manifest not as encryption at rest needs, the directories mounted, the plugin's Pod."""

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption import apiserver_manifest

CONFIG = "/etc/kubernetes/encryption/config.yaml"


def pod(command, volumes=None, mounts=None):
    container = {"name": "kube-apiserver", "command": command, "volumeMounts": mounts or []}
    return {"kind": "Pod", "spec": {"containers": [container], "volumes": volumes or []}}


def test_problems_name_each_flag_volume_and_mount_that_is_missing_twice_or_elsewhere():
    manifest = pod(["kube-apiserver", "--encryption-provider-config=/old.yaml", "--encryption-provider-config-automatic-reload=true",
                    "--encryption-provider-config-automatic-reload=true"],
                   volumes=[{"name": "secretops-encryption-config", "hostPath": {"path": "/elsewhere"}}],
                   mounts=[{"name": "secretops-encryption-config", "mountPath": "/etc/kubernetes/encryption"}] * 2)
    assert apiserver_manifest.problems(manifest, CONFIG, "/run/kms") == [
        "flag --encryption-provider-config: 1 occurrences, wanted once with " + CONFIG,
        "flag --encryption-provider-config-automatic-reload: 2 occurrences, wanted once with true",
        "volume secretops-encryption-config: wanted once, a hostPath of /etc/kubernetes/encryption",
        "volumeMount secretops-encryption-config: wanted once, at /etc/kubernetes/encryption",
        "volume secretops-kms-socket: wanted once, a hostPath of /run/kms",
        "volumeMount secretops-kms-socket: wanted once, at /run/kms"]


def test_the_directories_mounted_and_read_only_only_for_the_configuration():
    assert apiserver_manifest.mounts("/etc/enc/config.yaml") == [("secretops-encryption-config", "/etc/enc", True)]
    assert apiserver_manifest.mounts("/etc/enc/config.yaml", "/run/kms/")[1] == ("secretops-kms-socket", "/run/kms", False)
    assert apiserver_manifest.mounts("/etc/enc/config.yaml", "/")[1] == ("secretops-kms-socket", "/", False)


def test_the_plugin_pod_mounts_its_binary_read_only_and_each_directory_once():
    argv = ["/opt/plugin", "--listen=/run/kms/kms.sock"]
    built = apiserver_manifest.plugin_pod(argv, "/usr/local/bin/plugin", "img:1", ["/run/kms", "/var/lib/kms", "/run/kms"])
    container = built["spec"]["containers"][0]
    assert container["command"] == argv and container["image"] == "img:1" and container["command"] is not argv
    assert container["volumeMounts"] == [{"name": "plugin-binary", "mountPath": "/opt/plugin", "readOnly": True},
                                         {"name": "plugin-dir-0", "mountPath": "/run/kms"},
                                         {"name": "plugin-dir-1", "mountPath": "/var/lib/kms"}]
    assert built["spec"]["volumes"][0] == {"name": "plugin-binary", "hostPath": {"path": "/usr/local/bin/plugin", "type": "File"}}
    assert container["securityContext"] == {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True}
