"""tools/cluster/build.py: kubectl is built from the Kubernetes pins, but only when asked for."""

import os

import pytest

import build  # pylint: disable=import-error  # tools/cluster, put on sys.path by conftest.py


@pytest.fixture
def built(tmp_path, monkeypatch):
    """Record the binaries build_binary is asked for (writing an executable stand-in for each)."""
    names = []

    def fake_build(name, target_dir):
        names.append(name)
        path = os.path.join(target_dir, name)
        with open(path, "w", encoding="utf-8"):
            pass
        os.chmod(path, 0o755)

    monkeypatch.setenv("SECRETOPS_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(build, "build_binary", fake_build)
    return names


def test_kubectl_comes_from_the_kubernetes_pins_with_the_release_stamps():
    assert build.BINARIES["kubectl"] == (build.KUBERNETES_MODULE_DIR, "k8s.io/kubernetes/cmd/kubectl")
    assert "-X k8s.io/client-go/pkg/version.gitVersion=%s" % build.kubernetes_version() in build.ldflags("kubectl")
    with open(os.path.join(build.KUBERNETES_MODULE_DIR, "go.mod"), encoding="utf-8") as handle:
        assert "\tk8s.io/kubernetes/cmd/kubectl\n" in handle.read()  # a tool of the module: go.sum holds its dependencies


def test_the_environment_build_leaves_kubectl_out(built):
    build.ensure_built(vault=False, quiet=True)
    assert sorted(built) == sorted(name for name in build.BINARIES if name != "kubectl")


def test_ensure_kubectl_builds_it_once_beside_the_server_binaries(built):
    path = build.ensure_kubectl()
    assert path == os.path.join(build.bin_dir(), "kubectl")
    assert build.ensure_kubectl() == path
    assert built == ["kubectl"]
