"""The test command behind ``make test`` and ``.ci/run``: sanity, the ecosystem's checks (ansible-lint,
antsibull-docs, the docs site, galaxy-importer), then unit and integration tests.

Sanity and the unit and integration tests run on two legs (tools/core_legs.py): the oldest
ansible-core the collection claims (2.19, Python 3.11, the main virtualenv that runs this script)
and the newest (2.21, Python 3.12, a virtualenv made here from requirements-core-newest.txt).

Every stage runs even when an earlier one failed, so one CI run reports everything; the exit
status is non-zero if any stage failed. Unit and integration tests run in one pytest session
(units first) so the closing line counts all of them; the integration fixtures build and start
the local Kubernetes control plane and OpenBao when none is running.
"""

import os
import subprocess
import sys
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO_ROOT)

from tools.core_legs import LEGS  # noqa: E402  pylint: disable=wrong-import-position
PYTEST = ["-m", "pytest", "-ra", "-p", "no:cacheprovider"]


def stage(name, command):
    print("\n=== %s: %s" % (name, " ".join(command)), flush=True)
    started = time.time()
    returncode = subprocess.call(command, cwd=REPO_ROOT)
    print("=== %s: exit %s after %.0f s" % (name, returncode, time.time() - started), flush=True)
    return returncode


def stages():
    """(name, command, the stage it needs) in order; a stage whose need failed is not run."""
    python = sys.executable
    oldest, newest = LEGS["oldest"], LEGS["newest"]
    newest_setup = "virtualenv [%s]" % newest.label
    return [
        ("build binaries", [python, "tools/cluster/build.py"], None),
        ("sanity [%s]" % oldest.label, [python, "tools/sanity.py"], None),
        ("ecosystem checks", [python, "tools/ecosystem_checks.py"], None),
        ("unit and integration tests [%s]" % oldest.label,
         [python] + PYTEST + ["tests/unit", "benchmarks/tests", "tests/integration"], None),
        (newest_setup, [python, "tools/core_legs.py", "setup", "newest"], None),
        ("sanity [%s]" % newest.label, [newest.python, "tools/sanity.py"], newest_setup),
        ("unit and integration tests [%s]" % newest.label,
         [newest.python] + PYTEST + ["tests/unit", "tests/integration"], newest_setup),
    ]


def main():
    failures = []
    for name, command, needs in stages():
        if needs in failures:
            print("\n=== %s: not run, %s failed" % (name, needs), flush=True)
            failures.append(name)
        elif stage(name, command) != 0:
            failures.append(name)
    if failures:
        print("\nFAILED stages: %s" % ", ".join(failures), flush=True)
        return 1
    print("\nall stages passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
