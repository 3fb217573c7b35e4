"""tools/cluster/state.py: where each cluster's files live, and which clusters env.json describes."""

import os

import state  # pylint: disable=import-error  # tools/cluster, put on sys.path by conftest.py

OLD_ENV = {"kubeconfig": "/e/admin.kubeconfig", "api_server": "https://127.0.0.1:6443", "ca_cert": "/e/pki/ca.crt", "pki_dir": "/e/pki",
           "vault_addr": "http://127.0.0.1:8200", "vault_token": "t", "ports": {"apiserver": 6443}, "logs_dir": "/e/logs"}


def test_cluster_1_keeps_the_paths_of_the_single_cluster_and_others_live_under_clusters(tmp_path):
    layout = state.Layout(str(tmp_path))
    first, second = layout.cluster("cluster-1"), layout.cluster("cluster-2")
    assert (first.pki, first.logs, first.etcd_data) == (str(tmp_path / "pki"), str(tmp_path / "logs"), str(tmp_path / "etcd-data"))
    assert first.kubeconfig("admin") == str(tmp_path / "admin.kubeconfig")
    assert first.work_dir("kube-apiserver") == str(tmp_path / "work" / "kube-apiserver") and os.path.isdir(first.work_dir("kwok"))
    base = tmp_path / "clusters" / "cluster-2"
    assert (second.pki, second.logs, second.etcd_data) == (str(base / "pki"), str(base / "logs"), str(base / "etcd-data"))
    assert second.kubeconfig("kwok") == str(base / "kwok.kubeconfig") and second.work_dir("kwok") == str(base / "work" / "kwok")
    assert (layout.env_json, layout.processes_json, layout.logs) == (
        str(tmp_path / "env.json"), str(tmp_path / "processes.json"), str(tmp_path / "logs"))
    assert layout.work_dir("bao") == str(tmp_path / "work" / "bao")


def test_record_names_and_ownership():
    first, second = state.ClusterLayout("/e", "cluster-1"), state.ClusterLayout("/e", "cluster-2")
    assert first.record_name("etcd") == "etcd" and second.record_name("etcd") == "cluster-2/etcd"
    assert second.owns({"name": "cluster-2/etcd"}) and not second.owns({"name": "cluster-22/etcd"})
    assert not second.owns({"name": "etcd"}) and not first.owns({"name": "etcd"}), "cluster-1 is never stopped alone"
    assert (first.context, second.context) == ("secretops-local", "secretops-cluster-2")


def test_an_old_env_json_describes_its_one_cluster_as_cluster_1():
    assert state.described_clusters(OLD_ENV) == [{"name": "cluster-1", "kubeconfig": "/e/admin.kubeconfig",
                                                  "api_server": "https://127.0.0.1:6443", "ca_cert": "/e/pki/ca.crt", "pki_dir": "/e/pki"}]
    listed = [{"name": "cluster-1"}, {"name": "cluster-2"}]
    assert state.described_clusters(dict(OLD_ENV, clusters=listed)) == listed


def test_missing_clusters_are_those_up_to_the_count_that_env_json_does_not_list():
    assert state.missing_clusters(OLD_ENV, 1) == []
    assert state.missing_clusters(OLD_ENV, 3) == ["cluster-2", "cluster-3"]
    three = dict(OLD_ENV, clusters=[{"name": name} for name in ("cluster-1", "cluster-2", "cluster-3")])
    assert state.missing_clusters(three, 2) == [] and state.missing_clusters(three, 3) == []
    assert state.missing_clusters(three, 5) == ["cluster-4", "cluster-5"]
    assert state.missing_clusters(dict(OLD_ENV, clusters=[{"name": "cluster-1"}, {"name": "cluster-3"}]), 3) == ["cluster-2"]


def test_records_of_unlisted_clusters_are_what_a_dead_up_left_behind():
    records = [{"name": "etcd"}, {"name": "openbao"}, {"name": "cluster-2/etcd"}, {"name": "cluster-3/etcd"}, {"name": "cluster-3/kwok"}]
    env = dict(OLD_ENV, clusters=[{"name": "cluster-1"}, {"name": "cluster-2"}])
    assert state.unlisted_cluster_records(records, env) == records[3:]
    assert state.unlisted_cluster_records(records, OLD_ENV) == records[2:]


def test_forget_removes_only_the_given_records(tmp_path):
    layout = state.Layout(str(tmp_path))
    for pid, name in enumerate(("etcd", "cluster-2/etcd", "cluster-2/kwok")):
        state.record(layout, {"name": name, "pid": pid})
    state.forget(layout, [{"name": "cluster-2/etcd", "pid": 1}, {"name": "cluster-2/kwok", "pid": 2}])
    assert state.recorded_processes(layout) == [{"name": "etcd", "pid": 0}]
