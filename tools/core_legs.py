"""The ansible-core versions ``make test`` runs on, and the virtualenv of each.

The collection claims ``requires_ansible >= 2.19`` (meta/runtime.yml), so the tests run on the
oldest ansible-core it claims and on the newest, each on a Python that ansible-core supports:

* ``oldest``: ansible-core 2.19 on Python 3.11, the project's main virtualenv ``.venv`` (made by the
  Makefile from requirements-dev.txt, with every development tool);
* ``newest``: ansible-core 2.21 on Python 3.12, ``.build/venv-core-newest``, made here from
  requirements-core-newest.txt (only what sanity and the tests need).

Each leg installs from its requirements file under a constraints file that pins every package,
transitive ones included (``constraints-dev.txt``, ``constraints-core-newest.txt``), so a new upstream
release cannot change what ``make test`` installs overnight. The pins are updated on purpose:
``python tools/core_legs.py lock LEG`` resolves the leg's requirements afresh (the newest releases
they allow, less the holds below) in a scratch virtualenv and rewrites its constraints file; commit
the result once ``make test`` passes with it.

``python tools/core_legs.py setup LEG`` creates or refreshes a leg's virtualenv (a no-op when neither
its requirements nor its pins changed) and prints its interpreter.
"""

import glob
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# Releases a lock must not pick, per leg, each with the reason; a hold is lifted when its reason is gone.
# cryptography 51 deprecates DSA, and ansible-core (2.19.14 and 2.21.5 alike) imports DSA in its
# ssh-agent support, so every ansible command prints a CryptographyDeprecationWarning: the
# ecosystem checks (which fail on any warning) and `make demo` run in the oldest leg's virtualenv.
HOLDS = {
    "oldest": ["cryptography<51"],
    "newest": [],
}


class Leg(object):
    def __init__(self, name, label, python_version, venv, requirements, constraints):
        self.name = name
        self.label = label  # "ansible-core 2.19, Python 3.11": what stage names and the README say
        self.python_version = python_version
        self.venv = os.path.join(REPO_ROOT, venv)
        self.requirements = requirements
        self.constraints = constraints  # every package pinned; rewritten by `lock`

    @property
    def python(self):
        return os.path.join(self.venv, "bin", "python")


LEGS = {
    "oldest": Leg("oldest", "ansible-core 2.19, Python 3.11", "3.11", ".venv", "requirements-dev.txt",
                  "constraints-dev.txt"),
    "newest": Leg("newest", "ansible-core 2.21, Python 3.12", "3.12", os.path.join(".build", "venv-core-newest"),
                  "requirements-core-newest.txt", "constraints-core-newest.txt"),
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
    pending = [leg.requirements, leg.constraints]
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
    constraints = ["-c", os.path.join(REPO_ROOT, leg.constraints)]
    _install(interpreter, leg.venv, constraints + ["-r", os.path.join(REPO_ROOT, leg.requirements)], constraints)
    with open(stamp, "w") as handle:
        handle.write(fingerprint + "\n")
    return leg.python


def _install(interpreter, venv, arguments, pip_arguments):
    python = os.path.join(venv, "bin", "python")
    subprocess.check_call([interpreter, "-m", "venv", venv])
    subprocess.check_call([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"] + pip_arguments)
    subprocess.check_call([python, "-m", "pip", "install", "--quiet"] + arguments)
    return python


def lock(leg):
    """Resolve ``leg``'s requirements afresh in a scratch virtualenv; write every installed version."""
    interpreter = find_python(leg.python_version)
    with tempfile.TemporaryDirectory(prefix="secretops-lock-") as scratch:
        holds = os.path.join(scratch, "holds.txt")
        with open(holds, "w") as handle:
            handle.write("".join(hold + "\n" for hold in HOLDS[leg.name]))
        venv = os.path.join(scratch, "venv")
        python = _install(interpreter, venv, ["-c", holds, "-r", os.path.join(REPO_ROOT, leg.requirements)], [])
        frozen = subprocess.check_output([python, "-m", "pip", "freeze", "--all"], text=True)
    lines = sorted((line for line in frozen.splitlines() if "==" in line), key=str.lower)
    with open(os.path.join(REPO_ROOT, leg.constraints), "w") as handle:
        handle.write("# Every package of the %s leg (%s), pinned. Written by `python tools/core_legs.py lock %s`\n"
                     "# from %s; holds: %s. Do not edit by hand.\n"
                     % (leg.name, leg.label, leg.name, leg.requirements, ", ".join(HOLDS[leg.name]) or "none"))
        handle.write("".join(line + "\n" for line in lines))
    return os.path.join(REPO_ROOT, leg.constraints)


def main(argv):
    if len(argv) != 2 or argv[0] not in ("setup", "lock") or argv[1] not in LEGS:
        sys.stderr.write("usage: core_legs.py setup|lock oldest|newest\n")
        return 2
    print((setup if argv[0] == "setup" else lock)(LEGS[argv[1]]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
