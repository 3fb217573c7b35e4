"""The ansible-core versions ``make test`` runs on, and the virtualenv of each.

The collection claims ``requires_ansible >= 2.19`` (meta/runtime.yml), so the tests run on the
oldest ansible-core it claims and on the newest, each on a Python that ansible-core supports:

* ``oldest``: ansible-core 2.19 on Python 3.11, the project's main virtualenv ``.venv`` (made by the
  Makefile from requirements-dev.txt, with every development tool);
* ``newest``: ansible-core 2.21 on Python 3.12, ``.build/venv-core-newest``, made here from
  requirements-core-newest.txt (only what sanity and the tests need).

``python tools/core_legs.py setup newest`` creates or refreshes a leg's virtualenv (a no-op when its
requirements did not change) and prints its interpreter.
"""

import glob
import hashlib
import os
import shutil
import subprocess
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Leg(object):
    def __init__(self, name, label, python_version, venv, requirements):
        self.name = name
        self.label = label  # "ansible-core 2.19, Python 3.11": what stage names and the README say
        self.python_version = python_version
        self.venv = os.path.join(REPO_ROOT, venv)
        self.requirements = requirements

    @property
    def python(self):
        return os.path.join(self.venv, "bin", "python")


LEGS = {
    "oldest": Leg("oldest", "ansible-core 2.19, Python 3.11", "3.11", ".venv", "requirements-dev.txt"),
    "newest": Leg("newest", "ansible-core 2.21, Python 3.12", "3.12", os.path.join(".build", "venv-core-newest"),
                  "requirements-core-newest.txt"),
}


def _pyenv_roots():
    roots = [os.environ.get("PYENV_ROOT"), os.path.expanduser("~/.pyenv"), "/root/.pyenv", "/usr/local/pyenv", "/opt/pyenv"]
    pyenv = shutil.which("pyenv")
    if pyenv:
        found = subprocess.run([pyenv, "root"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=False)
        roots.insert(0, found.stdout.strip())
    return [root for root in roots if root]


def _candidates(version):
    command = "python" + version
    # Real interpreters first: a pyenv shim on PATH runs only when pyenv selects that version.
    for root in _pyenv_roots():
        yield from sorted(glob.glob(os.path.join(root, "versions", version + ".*", "bin", command)), reverse=True)
    for directory in ("/usr/local/bin", "/usr/bin"):
        yield os.path.join(directory, command)
    on_path = shutil.which(command)
    if on_path:
        yield on_path


def _works(path, version):
    if not os.access(path, os.X_OK):
        return False
    probe = "import sys, venv, ensurepip; print('%d.%d' % sys.version_info[:2])"
    result = subprocess.run([path, "-c", probe], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=False)
    return result.returncode == 0 and result.stdout.strip() == version


def find_python(version):
    """The path of a working ``python<version>`` with venv and ensurepip, or SystemExit saying what to install."""
    tried = []
    for path in _candidates(version):
        if path in tried:
            continue
        tried.append(path)
        if _works(path, version):
            return path
    raise SystemExit("no working Python %s found (tried: %s). Install it (for example `pyenv install %s`, or the "
                     "distribution's python%s and python%s-venv packages), then run make test again."
                     % (version, ", ".join(tried) or "nothing", version, version, version))


def _fingerprint(leg, interpreter):
    digest = hashlib.sha256(interpreter.encode())
    pending = [leg.requirements]
    while pending:
        path = os.path.join(REPO_ROOT, pending.pop())
        with open(path, "rb") as handle:
            content = handle.read()
        digest.update(content)
        for line in content.decode().splitlines():
            if line.startswith("-r "):
                pending.append(line[3:].strip())
    return digest.hexdigest()


def setup(leg):
    """Create (or refresh when its requirements changed) the virtualenv of ``leg``; return its python."""
    interpreter = find_python(leg.python_version)
    stamp = os.path.join(leg.venv, ".installed")
    fingerprint = _fingerprint(leg, interpreter)
    if os.path.exists(stamp) and os.path.exists(leg.python):
        with open(stamp) as handle:
            if handle.read().strip() == fingerprint:
                return leg.python
    shutil.rmtree(leg.venv, ignore_errors=True)
    subprocess.check_call([interpreter, "-m", "venv", leg.venv])
    subprocess.check_call([leg.python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    subprocess.check_call([leg.python, "-m", "pip", "install", "--quiet", "-r", os.path.join(REPO_ROOT, leg.requirements)])
    with open(stamp, "w") as handle:
        handle.write(fingerprint + "\n")
    return leg.python


def main(argv):
    # The oldest leg's virtualenv is the Makefile's (.venv, with every development tool).
    if argv != ["setup", "newest"]:
        sys.stderr.write("usage: core_legs.py setup newest\n")
        return 2
    print(setup(LEGS[argv[1]]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
