"""tools/cluster/control_plane.py: each cluster's command lines and kubeconfigs use that cluster's own files."""

import json
import os

import yaml
from cryptography import x509

import control_plane  # pylint: disable=import-error  # tools/cluster, put on sys.path by conftest.py
import pki  # pylint: disable=import-error
import state  # pylint: disable=import-error

PORTS = {"etcd": 1, "etcd_peer": 2, "apiserver": 3, "controller_manager": 4, "scheduler": 5}


def _argvs(cluster):
    return [control_plane.etcd_argv("/bin", cluster, PORTS), control_plane.apiserver_argv("/bin", cluster, PORTS),
            control_plane.controller_manager_argv("/bin", cluster, PORTS), control_plane.scheduler_argv("/bin", cluster, PORTS),
            control_plane.kwok_argv("/bin", cluster)]


def _state_paths(cluster, root):
    """Every path under the state directory that the cluster's command lines name."""
    words = [word for argv in _argvs(cluster) for arg in argv for word in arg.replace("=", ",").split(",")]
    return [word for word in words if word.startswith(root)]


def test_every_component_of_a_cluster_uses_that_clusters_files(tmp_path):
    first, second = state.Layout(str(tmp_path)).cluster("cluster-1"), state.Layout(str(tmp_path)).cluster("cluster-2")
    etcd, apiserver, controller_manager, scheduler, kwok = _argvs(second)
    assert "--data-dir=" + second.etcd_data in etcd
    assert "--service-account-key-file=" + pki.path(second.pki, "sa", "pub") in apiserver
    assert "--client-ca-file=" + pki.path(second.pki, "ca", "crt") in apiserver
    assert "--cert-dir=" + second.work_dir("kube-apiserver") in apiserver
    assert "--service-account-private-key-file=" + pki.path(second.pki, "sa", "key") in controller_manager
    assert "--kubeconfig=" + second.kubeconfig("kube-scheduler") in scheduler
    assert "--kubeconfig=" + second.kubeconfig("kwok") in kwok
    assert len(_state_paths(second, str(tmp_path))) >= 10
    assert all(path.startswith(second.base + "/") for path in _state_paths(second, str(tmp_path)))
    assert not any(path.startswith(str(tmp_path / "clusters")) for path in _state_paths(first, str(tmp_path)))


def test_kubeconfig_names_its_cluster_and_embeds_the_clusters_ca(tmp_path):
    cluster = state.Layout(str(tmp_path)).cluster("cluster-2")
    pki.ensure_pki(cluster.pki)
    control_plane.write_kubeconfigs(cluster, "https://127.0.0.1:3")
    with open(cluster.kubeconfig("admin"), encoding="utf-8") as handle:
        config = json.load(handle)
    assert config["current-context"] == "secretops-cluster-2"
    assert config["clusters"][0]["cluster"]["server"] == "https://127.0.0.1:3"
    assert config["clusters"][0]["cluster"]["certificate-authority-data"] == control_plane.cluster_api.b64_file(pki.path(cluster.pki, "ca", "crt"))


def test_description_is_an_entry_of_env_json_clusters(tmp_path):
    cluster = state.Layout(str(tmp_path)).cluster("cluster-3")
    described = control_plane.description(cluster, "https://127.0.0.1:3", PORTS)
    assert set(described) == set(state.CLUSTER_KEYS)
    assert described["ca_cert"] == str(tmp_path / "clusters" / "cluster-3" / "pki" / "ca.crt")


def test_the_apiserver_reloads_an_encryption_config_that_starts_identity_only(tmp_path):
    cluster = state.Layout(str(tmp_path)).cluster("cluster-2")
    os.makedirs(cluster.base)
    apiserver = control_plane.apiserver_argv("/bin", cluster, PORTS)
    assert "--encryption-provider-config=" + control_plane.encryption_config_path(cluster) in apiserver
    assert "--encryption-provider-config-automatic-reload=true" in apiserver
    control_plane.write_initial_encryption_config(cluster)
    with open(control_plane.encryption_config_path(cluster), encoding="utf-8") as handle:
        assert yaml.safe_load(handle)["resources"][0]["providers"] == [{"identity": {}}]
    # A restart keeps the configuration the role wrote.
    with open(control_plane.encryption_config_path(cluster), "w", encoding="utf-8") as handle:
        handle.write("role's\n")
    control_plane.write_initial_encryption_config(cluster)
    with open(control_plane.encryption_config_path(cluster), encoding="utf-8") as handle:
        assert handle.read() == "role's\n"
    assert control_plane.description(cluster, "https://127.0.0.1:3", PORTS)["etcd_url"] == "https://127.0.0.1:1"


def _cert(path):
    with open(path, "rb") as handle:
        return x509.load_pem_x509_certificate(handle.read())


def test_etcd_serves_over_mutual_tls_with_its_own_ca_where_kubeadm_puts_it(tmp_path):
    cluster = state.Layout(str(tmp_path)).cluster("cluster-2")
    pki.ensure_pki(cluster.pki)
    files = pki.etcd_files(cluster.pki)
    assert files["ca_cert"] == os.path.join(cluster.pki, "etcd", "ca.crt")
    assert files["client_cert"] == os.path.join(cluster.pki, "apiserver-etcd-client.crt")
    etcd_ca, cluster_ca = _cert(files["ca_cert"]), _cert(pki.path(cluster.pki, "ca", "crt"))
    assert etcd_ca.subject != cluster_ca.subject, "etcd has a CA of its own, as on a kubeadm host"
    for stem in ("server_cert", "client_cert"):
        _cert(files[stem]).verify_directly_issued_by(etcd_ca)
    etcd = control_plane.etcd_argv("/bin", cluster, PORTS)
    assert "--client-cert-auth=true" in etcd and "--trusted-ca-file=" + files["ca_cert"] in etcd
    assert "--listen-client-urls=https://127.0.0.1:1" in etcd
    apiserver = control_plane.apiserver_argv("/bin", cluster, PORTS)
    assert "--etcd-servers=https://127.0.0.1:1" in apiserver and "--etcd-cafile=" + files["ca_cert"] in apiserver
    assert "--etcd-certfile=" + files["client_cert"] in apiserver and "--etcd-keyfile=" + files["client_key"] in apiserver
    described = control_plane.description(cluster, "https://127.0.0.1:3", PORTS)
    assert (described["etcd_ca_cert"], described["etcd_client_cert"], described["etcd_client_key"]) == (
        files["ca_cert"], files["client_cert"], files["client_key"])
    # A restart keeps etcd's CA (the data directory's clients keep trusting it).
    pki.ensure_pki(cluster.pki)
    assert _cert(files["ca_cert"]).serial_number == etcd_ca.serial_number


def test_an_environment_whose_etcd_serves_plain_http_is_not_healthy():
    older = {"name": "cluster-1", "api_server": "https://127.0.0.1:3", "pki_dir": "/nowhere", "etcd_url": "http://127.0.0.1:1"}
    assert control_plane.problems(older) == ["cluster-1: etcd does not serve over mutual TLS (started by an older localenv.py)"]
