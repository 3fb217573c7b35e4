"""A kubeadm-style control-plane host on the local environment's real node: a second kube-apiserver
run by the kubelet as a static Pod (its manifest laid out as kubeadm writes it, in the node's
static Pod directory), on the host network and its own port, storing under its own ``--etcd-prefix``
of the environment's etcd (cluster-1's data is never touched), with cluster-1's certificates.
"""

import base64
import contextlib
import json
import os
import signal
import socket
import ssl
import urllib.error
import urllib.request

from kubernetes import client as k8s_client

SERVICE_ACCOUNT_ISSUER = "https://kubernetes.default.svc.cluster.local"
APISERVER_POD = "kube-apiserver"
PLUGIN_POD = "secretops-kms-plugin"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def apiserver_manifest(image, port, etcd, etcd_prefix, pki_dir):
    """The kube-apiserver static Pod as kubeadm lays it out (flags in ``command``, the PKI a read-only hostPath,
    probes on the host network), for the environment's own image and certificates; ``etcd`` is
    ``encryption_support.etcd_options`` (its files under ``pki_dir``, where kubeadm keeps them)."""
    def pki(name):
        return os.path.join(pki_dir, name)

    probe = {"httpGet": {"host": "127.0.0.1", "path": "/readyz", "port": port, "scheme": "HTTPS"}, "periodSeconds": 1,
             "failureThreshold": 3}
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": APISERVER_POD, "namespace": "kube-system",
                     "labels": {"component": "kube-apiserver", "tier": "control-plane"}},
        "spec": {
            "hostNetwork": True, "priorityClassName": "system-node-critical", "priority": 2000001000,
            "terminationGracePeriodSeconds": 10,
            "containers": [{
                "name": "kube-apiserver", "image": image, "imagePullPolicy": "Never",
                "command": [
                    "kube-apiserver", "--advertise-address=127.0.0.1", "--bind-address=127.0.0.1", "--secure-port=%d" % port,
                    "--etcd-servers=" + etcd["etcd_url"], "--etcd-cafile=" + etcd["etcd_ca_cert"],
                    "--etcd-certfile=" + etcd["etcd_client_cert"], "--etcd-keyfile=" + etcd["etcd_client_key"],
                    "--etcd-prefix=" + etcd_prefix, "--endpoint-reconciler-type=none",
                    "--tls-cert-file=" + pki("apiserver.crt"), "--tls-private-key-file=" + pki("apiserver.key"),
                    "--client-ca-file=" + pki("ca.crt"), "--authorization-mode=Node,RBAC",
                    "--service-account-issuer=" + SERVICE_ACCOUNT_ISSUER, "--service-account-key-file=" + pki("sa.pub"),
                    "--service-account-signing-key-file=" + pki("sa.key"), "--service-cluster-ip-range=10.96.0.0/24",
                    "--allow-privileged=true", "--profiling=false",
                ],
                "readinessProbe": probe,
                "volumeMounts": [{"name": "k8s-certs", "mountPath": pki_dir, "readOnly": True}],
            }],
            "volumes": [{"name": "k8s-certs", "hostPath": {"path": pki_dir, "type": "DirectoryOrCreate"}}],
        },
    }


def write_manifest(directory, name, document):
    """Write ``<directory>/<name>.yaml`` at once (a dotfile renamed: the kubelet ignores dotfiles)."""
    path = os.path.join(directory, name + ".yaml")
    partial = os.path.join(directory, "." + name + ".partial")
    with open(partial, "w") as handle:
        json.dump(document, handle, indent=2)  # JSON is YAML
    os.replace(partial, path)
    return path


def kubeconfig(path, server, pki_dir):
    """An admin kubeconfig for the kubeadm apiserver (cluster-1's CA and admin client certificate)."""
    def data(name):
        with open(os.path.join(pki_dir, name), "rb") as handle:
            return base64.b64encode(handle.read()).decode()

    config = {"apiVersion": "v1", "kind": "Config", "current-context": "kubeadm",
              "clusters": [{"name": "kubeadm", "cluster": {"server": server, "certificate-authority-data": data("ca.crt")}}],
              "users": [{"name": "admin", "user": {"client-certificate-data": data("admin.crt"), "client-key-data": data("admin.key")}}],
              "contexts": [{"name": "kubeadm", "context": {"cluster": "kubeadm", "user": "admin"}}]}
    with open(path, "w") as handle:
        json.dump(config, handle)
    os.chmod(path, 0o600)
    return path


def https_get(url, pki_dir, timeout=3):
    """(status, body) of a GET as cluster admin; (None, error text) when nothing answers."""
    context = ssl.create_default_context(cafile=os.path.join(pki_dir, "ca.crt"))
    context.load_cert_chain(os.path.join(pki_dir, "admin.crt"), os.path.join(pki_dir, "admin.key"))
    try:
        with urllib.request.urlopen(url, context=context, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")
    except (OSError, ssl.SSLError) as exc:
        return None, str(exc)


def mirror_pod(k8s_api, name, node_name):
    """The mirror Pod of the static Pod ``name`` on the node (in cluster-1), or None."""
    try:
        return k8s_client.CoreV1Api(k8s_api).read_namespaced_pod("%s-%s" % (name, node_name), "kube-system")
    except k8s_client.ApiException as exc:
        if exc.status == 404:
            return None
        raise


def config_hash(pod):
    return (pod.metadata.annotations or {}).get("kubernetes.io/config.hash") if pod else None


def is_ready(pod):
    return bool(pod) and any(c.type == "Ready" and c.status == "True" for c in pod.status.conditions or [])


def kubelet_pid(env_description):
    """The pid of the real node's kubelet, from the environment's processes.json (checked against /proc)."""
    root = os.path.dirname(env_description["logs_dir"])
    with open(os.path.join(root, "processes.json")) as handle:
        (record,) = [item for item in json.load(handle) if item["name"] == "node-kubelet"]
    with open("/proc/%d/cmdline" % record["pid"], "rb") as handle:
        assert b"kubelet" in handle.read(), "pid %d is not the node's kubelet" % record["pid"]
    return record["pid"]


@contextlib.contextmanager
def kubelet_paused(pid):
    """The kubelet stopped (SIGSTOP) inside the block, as a busy kubelet that notices a manifest late;
    continued (SIGCONT) whatever happens. Its containers keep running."""
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)
