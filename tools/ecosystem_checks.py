"""The Ansible ecosystem's own checks of the collection, each in its own process: a ``make test`` stage.

  * ansible-lint with the production profile (``.ansible-lint``), no skip list, warnings fatal;
  * ``antsibull-docs lint-collection-docs --plugin-docs``: docs, cross-references, changelog;
  * the documentation site builds (``tools/docs.py``, the same build as ``make docs``);
  * galaxy-importer, what Galaxy and Automation Hub run on upload, imports the built tarball.

A check fails on a non-zero exit and on any warning in its output, so "no warning" is enforced
here rather than trusted. Names given on the command line run only those checks (e.g.
``ansible-lint``). The time each check takes is printed, to keep the stage's cost visible.
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN_DIR = os.path.dirname(sys.executable)
IMPORTER_CONFIG = os.path.join(REPO_ROOT, "tools", "galaxy-importer.cfg")
# One directory per run, so concurrent runs never read each other's tarball.
WORK_DIR = os.path.join(REPO_ROOT, ".build", "ecosystem-%d" % os.getpid())

# How the tools spell a warning or an error: ansible's "[WARNING]:" and "[DEPRECATION WARNING]:",
# ansible-lint's "WARNING  ...", galaxy-importer's and Sphinx's "WARNING: ...", Python's
# "UserWarning: ..." and friends. Summary lines such as "0 warning(s)" are lower case.
WARNING_LINE = re.compile(r"\bWARNING\b|\bERROR\b|\b[A-Z]\w*Warning:")


def warnings_in(output):
    return [line for line in output.splitlines() if WARNING_LINE.search(line)]


def tool(name):
    return os.path.join(BIN_DIR, name)


def environment():
    # The tools find each other (ansible-doc, ansible-galaxy, sphinx-build) on PATH; ansible-lint warns
    # when its own interpreter's bin directory is not there.
    return dict(os.environ, PATH=BIN_DIR + os.pathsep + os.environ.get("PATH", ""), ANSIBLE_NOCOLOR="1", NO_COLOR="1",
                GALAXY_IMPORTER_CONFIG=IMPORTER_CONFIG)


def run(command, cwd=REPO_ROOT, extra_env=None):
    """Run one command; return (exit status, its output), echoing the output."""
    print("--- %s" % " ".join(os.path.relpath(part, REPO_ROOT) if part.startswith(REPO_ROOT) else part for part in command), flush=True)
    completed = subprocess.run(command, cwd=cwd, env=dict(environment(), **(extra_env or {})), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               universal_newlines=True, check=False)
    sys.stdout.write(completed.stdout)
    sys.stdout.flush()
    return completed.returncode, completed.stdout


def ansible_lint():
    # A SyntaxWarning the interpreter prints while ansible-lint compiles text it probes as Python
    # (seen once: "invalid decimal literal" at <unknown>:1) is not a finding about the collection.
    return [run([tool("ansible-lint"), "--strict", "--nocolor", "--profile", "production"], extra_env={"PYTHONWARNINGS": "ignore::SyntaxWarning"})]


def antsibull_docs_lint():
    returncode, output = run([tool("antsibull-docs"), "lint-collection-docs", "--plugin-docs", "."])
    # It prints nothing when the docs are clean; every line it prints is a finding.
    return [(returncode or (1 if output.strip() else 0), output)]


def documentation_site():
    return [run([sys.executable, os.path.join(REPO_ROOT, "tools", "docs.py")])]


def galaxy_importer():
    os.makedirs(WORK_DIR, exist_ok=True)
    try:
        results = [run([tool("ansible-galaxy"), "collection", "build", "--force", "--output-path", WORK_DIR, REPO_ROOT])]
        tarballs = glob.glob(os.path.join(WORK_DIR, "*.tar.gz"))
        if results[0][0] != 0 or len(tarballs) != 1:
            return results + [(1, "no tarball built in %s\n" % WORK_DIR)]
        # The importer writes importer_result.json to its working directory: keep it out of the tree.
        returncode, output = run([sys.executable, "-m", "galaxy_importer.main", tarballs[0]], cwd=WORK_DIR)
        if "Importer processing completed successfully" not in output:
            returncode = returncode or 1
        return results + [(returncode, output)]
    finally:
        shutil.rmtree(WORK_DIR, ignore_errors=True)


CHECKS = [
    ("ansible-lint", ansible_lint),
    ("antsibull-docs-lint", antsibull_docs_lint),
    ("docs", documentation_site),
    ("galaxy-importer", galaxy_importer),
]


def main(argv):
    selected = [(name, check) for name, check in CHECKS if not argv or name in argv]
    unknown = set(argv) - {name for name, _check in CHECKS}
    if unknown:
        print("unknown check(s): %s; known: %s" % (", ".join(sorted(unknown)), ", ".join(name for name, _check in CHECKS)))
        return 2
    summary = []
    for name, check in selected:
        print("\n== %s" % name, flush=True)
        started = time.time()
        results = check()
        failed = [returncode for returncode, _output in results if returncode != 0]
        warnings = [line for _returncode, output in results for line in warnings_in(output)]
        verdict = "failed (exit %s)" % failed[0] if failed else ("failed: %d warning(s)" % len(warnings) if warnings else "passed")
        for line in warnings:
            print("%s: warning: %s" % (name, line))
        summary.append((name, verdict, time.time() - started))
    print("\n== ecosystem checks")
    for name, verdict, seconds in summary:
        print("%-20s %-28s %5.1f s" % (name, verdict, seconds))
    return 0 if all(verdict == "passed" for _name, verdict, _seconds in summary) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
