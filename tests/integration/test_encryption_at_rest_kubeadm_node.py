"""The encryption_at_rest role's kubeadm path on a real kubelet's static Pods: a kubeadm-style
kube-apiserver manifest in the real node's static Pod directory (a second apiserver, on its own port
and its own etcd prefix; tests/integration/kubeadm_node_support.py), run by the kubelet; then the
playbook with layout kubeadm and the plugin as a static Pod (a least-privilege Transit token). The
kubelet restarts the apiserver with the new flags and mounts, a Secret written through it is a KMS
v2 envelope under the plugin's key id in etcd (read raw) and is served back, the backup of the
manifest exists and a re-run changes nothing. The manifests are removed whatever happens.
"""

import base64
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

import pytest
import yaml
from kubernetes import client as k8s_client
from kubernetes import config as k8s_config

from tests.conftest import REPO_ROOT
from tests.integration import kubeadm_node_support as kubeadm
from tests.integration.ansible_run import ansible_env, run_ansible_playbook
from tests.integration.encryption_support import (
    KMS_PREFIX, PROVIDER, etcd_delete_prefix, etcd_options, etcd_role_vars, etcd_values, plugin_binary,
)
from tests.integration.polling import wait_until

KUBEADM = ("secretops.provisioning.encryption_at_rest : The kube-apiserver manifest with the encryption flags and mounts "
           "(backup kept, result checked), plugin static Pod")
MIGRATE = ("secretops.provisioning.encryption_at_rest : Wait for the apiserver to load it, then store every object under the current key "
           "(or in plaintext when turning off)")
VALUE = "kubeadm-node-" + uuid.uuid4().hex


@pytest.fixture(scope="module")
def real_node(local_env_description):
    node = local_env_description.get("node")
    if not node or not node.get("static_pod_path") or "kube-apiserver" not in node.get("images", {}):
        pytest.fail("the local environment's real node has no static Pod directory or control-plane images: restart it with this "
                    "tree's localenv.py (without SECRETOPS_REAL_NODE=0)", pytrace=False)
    return node


class Host(object):
    """One kubeadm-style control-plane host on the real node: its files, the apiserver's port and etcd prefix."""

    def __init__(self, node, cluster):
        # Short paths: a unix socket's path has at most 107 bytes.
        self.dir = tempfile.mkdtemp(prefix="kadm-", dir="/tmp")
        self.node, self.cluster = node, cluster
        self.etcd = etcd_options(cluster)
        self.pki_dir = cluster["pki_dir"]
        self.manifests = node["static_pod_path"]
        self.port = kubeadm.free_port()
        self.server = "https://127.0.0.1:%d" % self.port
        self.etcd_prefix = "/secretops-kubeadm-%s/registry" % uuid.uuid4().hex[:8]
        self.kubeconfig = kubeadm.kubeconfig(os.path.join(self.dir, "admin.kubeconfig"), self.server, self.pki_dir)
        self.key_name = "kubeadm-node-" + uuid.uuid4().hex[:8]
        self.apiserver_path = os.path.join(self.manifests, kubeadm.APISERVER_POD + ".yaml")
        self.plugin_path = os.path.join(self.manifests, kubeadm.PLUGIN_POD + ".yaml")

    def role_vars(self):
        return dict(etcd_role_vars(self.etcd), **{
            "secretops_kms_plugin_binary": plugin_binary(),
            "encryption_at_rest_layout": "kubeadm",
            "encryption_at_rest_plugin_runner": "static_pod",
            "encryption_at_rest_plugin_image": self.node["images"][kubeadm.PLUGIN_POD],
            "encryption_at_rest_plugin_dir": os.path.join(self.dir, "kms"),
            "encryption_at_rest_socket": os.path.join(self.dir, "socket", "kms.sock"),
            "encryption_at_rest_key_name": self.key_name,
            "encryption_at_rest_config_path": os.path.join(self.dir, "encryption", "config.yaml"),
            "encryption_at_rest_apiserver_manifest": self.apiserver_path,
            "encryption_at_rest_plugin_manifest": self.plugin_path,
            "encryption_at_rest_manifest_backup_dir": os.path.join(self.dir, "backups"),
            "encryption_at_rest_apiserver_url": self.server,
            "encryption_at_rest_apiserver_ca_cert": os.path.join(self.pki_dir, "ca.crt"),
            "encryption_at_rest_etcd_prefix": self.etcd_prefix,
            "encryption_at_rest_wait_timeout": 90,
        })

    def playbook_args(self, env):
        """The playbook's extra arguments and environment for this host."""
        vars_path = os.path.join(self.dir, "vars.yml")
        with open(vars_path, "w") as handle:
            yaml.safe_dump(self.role_vars(), handle)
        return ["-e", "@" + vars_path], dict(env, KUBECONFIG=self.kubeconfig, K8S_AUTH_KUBECONFIG=self.kubeconfig)

    def start_apiserver(self, k8s_api):
        """Lay out the kubeadm kube-apiserver manifest and wait until the kubelet runs it; returns (its text, its mirror Pod)."""
        manifest = kubeadm.apiserver_manifest(self.node["images"]["kube-apiserver"], self.port, self.etcd,
                                              self.etcd_prefix, self.pki_dir)
        kubeadm.write_manifest(self.manifests, kubeadm.APISERVER_POD, manifest)
        return open(self.apiserver_path).read(), self.ready_apiserver(k8s_api)

    def run_role(self, env, *args):
        extra, env = self.playbook_args(env)
        return run_ansible_playbook("secretops.provisioning.encryption_at_rest", extra + list(args), env=env, cwd=REPO_ROOT,
                                    timeout=300)

    def ready_apiserver(self, k8s_api, other_than=None, timeout=60):
        """Wait until the kubelet runs an apiserver Pod (a config hash other than ``other_than``) that is Ready and
        answers /readyz; return its mirror Pod."""
        def found():
            pod = kubeadm.mirror_pod(k8s_api, kubeadm.APISERVER_POD, self.node["name"])
            fresh = pod and kubeadm.config_hash(pod) != other_than and kubeadm.is_ready(pod)
            return pod if fresh and kubeadm.https_get(self.server + "/readyz", self.pki_dir)[0] == 200 else None
        return wait_until("the kubelet runs a Ready kube-apiserver static Pod", found, timeout,
                          last=lambda: kubeadm.https_get(self.server + "/readyz", self.pki_dir))

    def remove(self, k8s_api):
        """Remove the manifests, wait until the kubelet stopped both Pods, drop the etcd prefix and the files."""
        for path in (self.apiserver_path, self.plugin_path):
            if os.path.exists(path):
                os.remove(path)
        try:
            wait_until("the static Pods are gone", lambda: all(
                kubeadm.mirror_pod(k8s_api, name, self.node["name"]) is None for name in (kubeadm.APISERVER_POD, kubeadm.PLUGIN_POD))
                and kubeadm.https_get(self.server + "/readyz", self.pki_dir)[0] is None, 60)
        finally:
            etcd_delete_prefix(self.etcd, self.etcd_prefix.rsplit("/", 1)[0].encode() + b"/")
            shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def host(real_node, local_env_description, k8s_api):
    made = Host(real_node, local_env_description["clusters"][0])
    try:
        yield made
    finally:
        made.remove(k8s_api)


def test_the_kubeadm_path_on_real_static_pods_seals_secrets_under_the_plugins_key(host, k8s_api, local_env):
    original, before = host.start_apiserver(k8s_api)

    run = host.run_role(local_env.env, "--diff").assert_ok()
    edited = run.task(KUBEADM)
    assert edited["changed"] and edited["plugin_manifest_changed"]
    assert open(edited["backup_file"]).read() == original
    assert os.path.dirname(edited["backup_file"]) == os.path.join(host.dir, "backups")
    assert run.task(MIGRATE)["key_id"] == "transit/%s:v1" % host.key_name

    # The kubelet replaced the apiserver's Pod with one running the new flags and mounts, and runs the plugin's.
    after = host.ready_apiserver(k8s_api, other_than=kubeadm.config_hash(before))
    command = after.spec.containers[0].command
    assert "--encryption-provider-config=" + host.role_vars()["encryption_at_rest_config_path"] in command
    assert "--encryption-provider-config-automatic-reload=true" in command
    plugin = kubeadm.mirror_pod(k8s_api, kubeadm.PLUGIN_POD, host.node["name"])
    assert plugin and plugin.status.phase == "Running" and plugin.spec.host_network
    # It reads its token from a read-only mount and writes only its socket's directory.
    assert dict((m.mount_path, bool(m.read_only)) for m in plugin.spec.containers[0].volume_mounts) == {
        host.role_vars()["secretops_kms_plugin_binary"]: True, os.path.join(host.dir, "kms"): True, os.path.join(host.dir, "socket"): False}
    # --diff showed the flags the edit added, value-free.
    assert "+- --encryption-provider-config-automatic-reload=true" in run.stdout

    api = k8s_config.new_client_from_config(config_file=host.kubeconfig)
    try:
        core = k8s_client.CoreV1Api(api)
        core.create_namespaced_secret("default", k8s_client.V1Secret(metadata=k8s_client.V1ObjectMeta(name="sealed"),
                                                                     string_data={"v": VALUE}))
        key = ("%s/secrets/default/sealed" % host.etcd_prefix).encode()
        raw = etcd_values(host.etcd, key)[key]
        assert raw.startswith(KMS_PREFIX + PROVIDER.encode() + b":") and VALUE.encode() not in raw
        assert ("transit/%s:v1" % host.key_name).encode() in raw
        assert base64.b64decode(core.read_namespaced_secret("sealed", "default").data["v"]).decode() == VALUE
    finally:
        api.close()
    # cluster-1's own data is not where the kubeadm apiserver writes.
    assert not etcd_values(host.etcd, b"/registry/secrets/default/sealed")

    again = host.run_role(local_env.env, "--diff").assert_ok()
    assert not again.task(KUBEADM)["changed"] and "changed=0" in again.stdout
    assert os.listdir(os.path.join(host.dir, "backups")) == [os.path.basename(edited["backup_file"])]
    assert kubeadm.config_hash(kubeadm.mirror_pod(k8s_api, kubeadm.APISERVER_POD, host.node["name"])) == kubeadm.config_hash(after)
    token = open(os.path.join(host.dir, "kms", "token")).read().strip()
    assert token not in run.output + again.output and VALUE not in run.output + again.output


def test_a_kubelet_that_notices_the_edit_late_is_waited_for(host, k8s_api, local_env, local_env_description):
    # A busy kubelet may notice the edited manifest seconds later: the old apiserver still answers /readyz then.
    # The role must wait for the restarted one, not move on to the migration, which would meet it restarting.
    _original, before = host.start_apiserver(k8s_api)
    extra, env = host.playbook_args(local_env.env)
    backups = os.path.join(host.dir, "backups")
    kubelet = kubeadm.kubelet_pid(local_env_description)
    with kubeadm.kubelet_paused(kubelet):
        playbook = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,", "-c", "local",
                                     "secretops.provisioning.encryption_at_rest"] + extra, env=ansible_env(env), cwd=REPO_ROOT,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            wait_until("the role edited the manifest", lambda: os.path.isdir(backups) and os.listdir(backups), 120,
                       last=playbook.poll)
            time.sleep(8)  # the role moves on meanwhile, while the old apiserver keeps answering
        except BaseException:
            playbook.kill()
            raise
    output = playbook.communicate(timeout=240)[0]
    assert playbook.returncode == 0, output[-5000:]
    after = host.ready_apiserver(k8s_api, other_than=kubeadm.config_hash(before))
    assert "--encryption-provider-config-automatic-reload=true" in after.spec.containers[0].command
