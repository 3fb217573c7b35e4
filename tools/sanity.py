"""Run ``ansible-test sanity`` on the collection, with no ignore file.

ansible-test wants the collection at ``ansible_collections/<namespace>/<name>`` and builds its own
virtualenvs. Two things make that work on a machine that reaches only package registries:
  * the tracked files are copied to ``.build/sanity/ansible_collections/secretops/provisioning``
    (a symlink is not enough: ansible-test resolves the real working directory);
  * ansible-test bootstraps pip in each virtualenv with a ``get-pip`` script it downloads from a
    host outside the registries. We put a stand-in at its cache path that bootstraps pip with
    ``ensurepip`` and installs the requested pip from the package index instead.
Extra arguments are passed to ansible-test (e.g. ``--test validate-modules``).
"""

import os
import shutil
import subprocess
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# One copy per run, so concurrent runs (several developers' checks) never clobber each other.
SANITY_BASE = os.path.join(REPO_ROOT, ".build", "sanity-%d" % os.getpid())
SANITY_ROOT = os.path.join(SANITY_BASE, "ansible_collections", "secretops", "provisioning")

# Runs as __main__ inside ansible-test's quiet_pip wrapper; sys.argv holds pip install arguments.
GET_PIP_STAND_IN = '''"""Stand-in for get-pip.py, written by the collection's tools/sanity.py."""
import subprocess
import sys

# ensurepip runs in a child process: in-process it sets PIP_CONFIG_FILE=/dev/null in the
# environment, which would hide the machine's pip configuration (index, certificates).
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
arguments = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "pip", "install"] + arguments)
'''


def pip_version_for_ansible_test():
    from types import SimpleNamespace

    from ansible_test._internal.python_requirements import get_venv_packages  # pylint: disable=import-error

    return get_venv_packages(SimpleNamespace(version="%d.%d" % sys.version_info[:2]))["pip"]


def install_get_pip_stand_in():
    version = pip_version_for_ansible_test()
    path = os.path.expanduser("~/.ansible/test/cache/get_pip_%s.py" % version.replace(".", "_"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        handle.write(GET_PIP_STAND_IN)


def tracked_files():
    output = subprocess.check_output(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=REPO_ROOT
    )
    return [name for name in output.decode().split("\0") if name and os.path.isfile(os.path.join(REPO_ROOT, name))]


def copy_collection():
    for name in tracked_files():
        target = os.path.join(SANITY_ROOT, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.join(REPO_ROOT, name), target)
    # ansible-test expects the collection to be a git work tree root or plain directory; init one so
    # it lists files the same way we do.
    subprocess.check_call(["git", "init", "-q"], cwd=SANITY_ROOT)
    subprocess.check_call(["git", "add", "-A"], cwd=SANITY_ROOT)


def main(argv):
    install_get_pip_stand_in()
    copy_collection()
    ansible_test = os.path.join(os.path.dirname(sys.executable), "ansible-test")
    python_version = "%d.%d" % sys.version_info[:2]
    command = [ansible_test, "sanity", "--venv", "--python", python_version, "--requirements", "--color", "no"] + argv
    print("running: %s (in %s)" % (" ".join(command), SANITY_ROOT), flush=True)
    try:
        return subprocess.call(command, cwd=SANITY_ROOT)
    finally:
        shutil.rmtree(SANITY_BASE, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
