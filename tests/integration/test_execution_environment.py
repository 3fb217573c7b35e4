"""``ansible-builder create`` turns execution-environment.yml into a build context offline (it writes
files only: no image is pulled, no container runtime is called), and the context installs what the
collection needs: its Python requirements, its Galaxy requirements, ansible-core and ansible-runner."""

import os
import subprocess
import sys

import yaml

from tests.conftest import REPO_ROOT

BIN_DIR = os.path.dirname(sys.executable)


def _requirements(path):
    with open(path) as handle:
        return [line.strip() for line in handle if line.strip() and not line.startswith("#")]


def test_builder_create_makes_a_context_with_the_collections_requirements(tmp_path):
    context = tmp_path / "context"
    # No container runtime on PATH and no proxy to the network: `create` must need neither.
    env = dict(os.environ, PATH=BIN_DIR + os.pathsep + "/usr/bin:/bin", HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9")
    run = subprocess.run([os.path.join(BIN_DIR, "ansible-builder"), "create", "-f", os.path.join(REPO_ROOT, "execution-environment.yml"),
                          "-c", str(context), "--output-filename", "Containerfile"],
                         env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    with open(os.path.join(REPO_ROOT, "execution-environment.yml")) as handle:
        definition = yaml.safe_load(handle)
    containerfile = (context / "Containerfile").read_text()
    assert 'EE_BASE_IMAGE="%s"' % definition["images"]["base_image"]["name"] in containerfile
    assert definition["dependencies"]["ansible_core"]["package_pip"] in containerfile
    assert definition["dependencies"]["ansible_runner"]["package_pip"] in containerfile
    # The collection's Python requirements, every one, installed by the context.
    assert set(_requirements(os.path.join(REPO_ROOT, definition["dependencies"]["python"]))) <= set(
        _requirements(str(context / "_build" / "requirements.txt")))
    assert "COPY _build/requirements.txt requirements.txt" in containerfile
    # The Galaxy requirements, as written, installed into the image's collections path.
    with open(os.path.join(REPO_ROOT, definition["dependencies"]["galaxy"])) as handle:
        assert yaml.safe_load((context / "_build" / "requirements.yml").read_text()) == yaml.safe_load(handle)
    assert "ansible-galaxy collection install" in containerfile and "-r requirements.yml" in containerfile
