"""tools/cluster/localenv.py: adding the missing clusters beside a running environment, with real
(stand-in) processes and a stand-in for the control plane's start."""

import json
import os

import pytest

import control_plane  # pylint: disable=import-error  # tools/cluster, put on sys.path by conftest.py
import localenv  # pylint: disable=import-error
import processes  # pylint: disable=import-error
import state  # pylint: disable=import-error

SLEEP = ["sleep", "300"]


@pytest.fixture
def environment(tmp_path, monkeypatch):
    """A state directory whose env.json was written by the previous version (one cluster, no ``clusters``)."""
    layout = state.Layout(str(tmp_path / "env"))
    os.makedirs(layout.logs)
    env = {"kubeconfig": "k", "api_server": "https://127.0.0.1:1", "ca_cert": "c", "pki_dir": "p", "vault_addr": "v", "ports": {}}
    state.write_json(layout.env_json, env)
    monkeypatch.setattr(localenv.build, "ensure_built", lambda **kwargs: "/bin")
    monkeypatch.setattr(control_plane, "prepare", lambda cluster, ports: os.makedirs(cluster.logs, exist_ok=True))
    yield layout
    for record in state.recorded_processes(layout):
        processes.stop(record)


def _fake_start(fail_in=None):
    def start(cluster, bins, ports, start_process):
        assert bins == "/bin" and set(ports) == set(control_plane.PORT_NAMES)
        start_process(cluster.record_name("etcd"), SLEEP, "etcd", lambda: True, 5)
        if cluster.name == fail_in:
            raise processes.StartError("kube-apiserver of %s did not start" % cluster.name)
        start_process(cluster.record_name("kube-apiserver"), SLEEP, "apiserver", lambda: True, 5)
        return control_plane.description(cluster, "https://127.0.0.1:%d" % ports["apiserver"], ports)
    return start


def _env(layout):
    with open(layout.env_json, encoding="utf-8") as handle:
        return json.load(handle)


def test_missing_clusters_start_beside_the_first_and_are_recorded(environment, monkeypatch):
    monkeypatch.setattr(control_plane, "start", _fake_start())
    localenv._add_missing_clusters(environment, 3)  # pylint: disable=protected-access
    names = [cluster["name"] for cluster in _env(environment)["clusters"]]
    assert names == ["cluster-1", "cluster-2", "cluster-3"]
    assert _env(environment)["clusters"][0]["api_server"] == "https://127.0.0.1:1", "cluster-1 is the environment's first cluster"
    records = state.recorded_processes(environment)
    assert [record["name"] for record in records] == ["cluster-2/etcd", "cluster-2/kube-apiserver", "cluster-3/etcd", "cluster-3/kube-apiserver"]
    assert all(processes.is_running(record) for record in records)
    assert records[0]["log"] == os.path.join(environment.root, "clusters", "cluster-2", "logs", "etcd.log")


def test_enough_clusters_is_a_no_op(environment, monkeypatch):
    monkeypatch.setattr(control_plane, "start", _fake_start())
    localenv._add_missing_clusters(environment, 2)  # pylint: disable=protected-access
    before = (_env(environment), state.recorded_processes(environment))

    def no_build(**kwargs):
        raise AssertionError("nothing to build when no cluster is missing")
    monkeypatch.setattr(localenv.build, "ensure_built", no_build)
    for count in (1, 2):
        localenv._add_missing_clusters(environment, count)  # pylint: disable=protected-access
    assert (_env(environment), state.recorded_processes(environment)) == before


def test_a_cluster_that_fails_is_stopped_and_removed_and_the_others_keep_running(environment, monkeypatch):
    monkeypatch.setattr(control_plane, "start", _fake_start(fail_in="cluster-3"))
    with pytest.raises(processes.StartError, match="cluster-3"):
        localenv._add_missing_clusters(environment, 4)  # pylint: disable=protected-access
    assert [cluster["name"] for cluster in _env(environment)["clusters"]] == ["cluster-1", "cluster-2"]
    records = state.recorded_processes(environment)
    assert [record["name"] for record in records] == ["cluster-2/etcd", "cluster-2/kube-apiserver"]
    assert all(processes.is_running(record) for record in records)
    assert not os.path.exists(os.path.join(environment.root, "clusters", "cluster-3"))
    assert not os.path.exists(os.path.join(environment.root, "clusters", "cluster-4")), "no cluster is started after a failure"


def test_a_cluster_an_interrupted_up_left_behind_is_stopped_and_started_again(environment, monkeypatch):
    monkeypatch.setattr(control_plane, "start", _fake_start())
    orphan = processes.start("etcd", SLEEP, environment.logs)
    orphan["name"] = "cluster-2/etcd"
    state.record(environment, orphan)
    localenv._add_missing_clusters(environment, 2)  # pylint: disable=protected-access
    assert not processes.is_running(orphan)
    assert orphan["pid"] not in [record["pid"] for record in state.recorded_processes(environment)]
    assert [cluster["name"] for cluster in _env(environment)["clusters"]] == ["cluster-1", "cluster-2"]


def test_env_json_lists_cluster_1_for_an_environment_of_the_previous_version(environment, capsys):
    assert localenv.print_env(environment, as_json=True) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["clusters"] == [{"name": "cluster-1", "kubeconfig": "k", "api_server": "https://127.0.0.1:1", "ca_cert": "c", "pki_dir": "p"}]


def test_cluster_count_must_be_positive():
    with pytest.raises(SystemExit):
        localenv.main(["up", "--clusters", "0"])


def _fake_vault(monkeypatch, flavors):
    monkeypatch.setenv("SECRETOPS_VAULT_FLAVORS", flavors)
    built = []
    monkeypatch.setattr(localenv.build, "ensure_built", lambda **kwargs: built.append(kwargs) or "/bin")
    monkeypatch.setattr(localenv.build, "vault_binary", lambda: "/vault")
    monkeypatch.setattr(localenv.vault_server, "argv", lambda binary, ports, token: SLEEP)
    monkeypatch.setattr(localenv.vault_server, "unsealed", lambda address: True)
    return built


def test_vault_starts_beside_an_environment_started_without_it(environment, monkeypatch):
    # make demo starts OpenBao only; make test then wants HashiCorp Vault too: it is added, nothing restarted.
    assert localenv.vault_server.problems(_env(environment)) == [], "healthy as it was started"
    built = _fake_vault(monkeypatch, "openbao,vault")
    localenv._add_vault_if_missing(environment)  # pylint: disable=protected-access
    env = _env(environment)
    assert built == [{"kubernetes": False, "vault": True}]
    assert localenv.vault_server.PORT in env["ports"]
    assert [server["flavor"] for server in env["vault_servers"]] == ["openbao", "vault"]
    records = state.recorded_processes(environment)
    assert [record["name"] for record in records] == ["vault"] and processes.is_running(records[0])
    localenv._add_vault_if_missing(environment)  # pylint: disable=protected-access
    assert len(state.recorded_processes(environment)) == 1 and len(built) == 1, "present: a no-op"


def test_vault_is_not_added_for_a_caller_that_does_not_want_it(environment, monkeypatch):
    built = _fake_vault(monkeypatch, "openbao")
    localenv._add_vault_if_missing(environment)  # pylint: disable=protected-access
    assert built == [] and state.recorded_processes(environment) == [] and "vault_servers" not in _env(environment)
