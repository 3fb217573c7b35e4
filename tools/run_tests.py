"""The test command behind ``make test`` and ``.ci/run``: sanity, the ecosystem's checks (ansible-lint,
antsibull-docs, the docs site, galaxy-importer), then unit and integration tests.

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


def stage(name, command):
    print("\n=== %s: %s" % (name, " ".join(command)), flush=True)
    started = time.time()
    returncode = subprocess.call(command, cwd=REPO_ROOT)
    print("=== %s: exit %s after %.0f s" % (name, returncode, time.time() - started), flush=True)
    return returncode


def main():
    python = sys.executable
    failures = []
    stages = [
        ("build binaries", [python, "tools/cluster/build.py"]),
        ("sanity", [python, "tools/sanity.py"]),
        ("ecosystem checks", [python, "tools/ecosystem_checks.py"]),
        ("unit and integration tests", [python, "-m", "pytest", "-ra", "-p", "no:cacheprovider", "tests/unit", "benchmarks/tests", "tests/integration"]),
    ]
    for name, command in stages:
        if stage(name, command) != 0:
            failures.append(name)
    if failures:
        print("\nFAILED stages: %s" % ", ".join(failures), flush=True)
        return 1
    print("\nall stages passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
