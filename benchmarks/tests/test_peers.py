"""The kubectl peers: the built kubectl, each variant's command and the input form it is given."""

import json
import subprocess

import yaml

from benchmarks import cluster, peers, report, run

MANIFESTS = [{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s%d" % index, "namespace": "ns"}, "type": "Opaque",
              "data": {"username": "dXNlcg=="}} for index in range(3)]


def test_server_side_apply_at_its_best_is_given_one_json_list():
    assert peers.command("/bin/kubectl", "ssa", "/w/ssa.json") == [
        "/bin/kubectl", "apply", "--server-side", "--force-conflicts", "--field-manager=bench-ssa", "-f", "/w/ssa.json"]
    assert peers.input_suffix("ssa") == ".json"
    document = json.loads(peers.manifest_text("ssa", MANIFESTS))
    assert document == {"apiVersion": "v1", "kind": "List", "items": MANIFESTS}


def test_client_side_apply_is_given_the_json_list_too():
    assert peers.command("k", "kubectl", "/w/a.json") == ["k", "apply", "-f", "/w/a.json"]
    assert json.loads(peers.manifest_text("kubectl", MANIFESTS))["kind"] == "List"


def test_the_slower_forms_are_rows_of_their_own():
    assert peers.input_suffix("ssa-yaml") == peers.input_suffix("ssa-yaml-novalidate") == ".yaml"
    for tool in ("ssa-yaml", "ssa-yaml-novalidate"):
        assert list(yaml.safe_load_all(peers.manifest_text(tool, MANIFESTS))) == MANIFESTS  # one document per Secret
    assert "--validate=false" in peers.command("k", "ssa-yaml-novalidate", "f")
    assert "--validate=false" not in peers.command("k", "ssa-yaml", "f")
    assert peers.command("k", "ssa-yaml", "f") == peers.command("k", "ssa", "f")  # the same command, only the input differs


def test_every_variant_has_a_row_and_runs_by_default():
    labels = dict(report.TOOLS)
    assert all(tool in labels for tool in peers.VARIANTS)
    assert peers.SSA_VARIANTS == report.SSA_FORMS
    defaults = run.parse_args([]).tools
    assert set(peers.VARIANTS) - set(peers.MACHINE_VARIANTS) <= set(defaults)
    assert "ssa-yaml-machine" not in defaults  # minutes per run with an old kubectl: asked for by name
    assert run.parse_args(["--tools", "bulk,ssa,ssa-yaml"]).tools == ["bulk", "ssa", "ssa-yaml"]


def test_only_the_machine_variant_runs_the_machines_kubectl():
    runner = run.Runner({}, "/w", "/venv", kubectl="/cache/kubectl", machine_kubectl="/usr/bin/kubectl")
    assert runner.kubectl_for("ssa") == runner.kubectl_for("ssa-yaml") == runner.kubectl_for("kubectl") == "/cache/kubectl"
    assert runner.kubectl_for("ssa-yaml-machine") == "/usr/bin/kubectl"
    assert peers.manifest_text("ssa-yaml-machine", MANIFESTS) == peers.manifest_text("ssa-yaml", MANIFESTS)


def test_write_inputs_gives_each_variant_its_form(tmp_path):
    specs = [{"name": "s0", "kind": "opaque", "data": {"username": "u", "password": "p"}}]
    for tool, loader in (("ssa", json.load), ("ssa-yaml", lambda handle: list(yaml.safe_load_all(handle)))):
        paths = run.write_inputs(str(tmp_path), tool, "ns", specs, specs, tool)
        with open(paths["initial"]) as handle:
            loaded = loader(handle)
        items = loaded["items"] if tool == "ssa" else loaded
        assert [item["metadata"]["name"] for item in items] == ["s0"]


def _completed(returncode, stdout):
    return subprocess.CompletedProcess([], returncode, stdout=stdout)


def test_the_peer_is_the_kubectl_built_from_the_pins(monkeypatch, tmp_path):
    built = tmp_path / "kubectl"
    built.write_text("")
    built.chmod(0o755)
    monkeypatch.setattr(cluster.subprocess, "run", lambda *args, **kwargs: _completed(0, "build: ...\n%s\n" % built))
    assert cluster.kubectl_binary("python", ".", lambda message: None) == (str(built), None)


def test_without_the_build_the_machines_kubectl_runs_with_a_note(monkeypatch):
    logged = []
    monkeypatch.setattr(cluster.subprocess, "run", lambda *args, **kwargs: _completed(1, "build: ERROR: no go\n"))
    monkeypatch.setattr(cluster.shutil, "which", lambda name: "/usr/bin/kubectl")
    path, note = cluster.kubectl_binary("python", ".", logged.append)
    assert path == "/usr/bin/kubectl"
    assert "could not be built" in note and "/usr/bin/kubectl" in note
    assert any(message.startswith("NOTE: ") for message in logged)
