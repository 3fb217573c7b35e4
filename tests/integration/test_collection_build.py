"""The collection builds into a tarball that installs into a clean path and documents itself."""

import os
import subprocess
import sys

from tests.conftest import REPO_ROOT

BIN = os.path.dirname(sys.executable)


def run(command, **kwargs):
    proc = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    assert proc.returncode == 0, "%s failed:\n%s\n%s" % (" ".join(command), proc.stdout, proc.stderr)
    return proc.stdout


def test_build_install_and_document(tmp_path):
    run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", REPO_ROOT, "--output-path", str(tmp_path)])
    tarballs = [name for name in os.listdir(tmp_path) if name.endswith(".tar.gz")]
    assert len(tarballs) == 1 and tarballs[0].startswith("secretops-provisioning-")
    listing = run(["tar", "-tzf", str(tmp_path / tarballs[0])])
    assert "plugins/modules/k8s_secret.py" in listing
    for dev_only in ("tools/", "benchmarks/", ".ci/", ".venv/", ".build/"):
        assert dev_only not in listing, dev_only

    install_path = tmp_path / "installed"
    # Only the clean path is searched: the test session's own collections path (which links the
    # working tree) would make ansible-galaxy skip the install as already done.
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(install_path))
    run([os.path.join(BIN, "ansible-galaxy"), "collection", "install", str(tmp_path / tarballs[0]), "-p", str(install_path)], env=env)
    assert (install_path / "ansible_collections" / "secretops" / "provisioning" / "MANIFEST.json").is_file()
    modules = run([os.path.join(BIN, "ansible-doc"), "-l", "secretops.provisioning"], env=env, cwd=str(tmp_path))
    for name in ("k8s_secret", "k8s_secret_info", "vault_kv", "vault_k8s_auth_role", "k8s_rollout_restart"):
        assert "secretops.provisioning.%s " % name in modules, modules
    lookups = run([os.path.join(BIN, "ansible-doc"), "-t", "lookup", "-l", "secretops.provisioning"], env=env, cwd=str(tmp_path))
    assert "secretops.provisioning.vault_kv" in lookups and "secretops.provisioning.k8s_secret" in lookups
