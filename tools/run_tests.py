"""The test command behind ``make test`` and ``.ci/run``: the binaries, sanity, the ecosystem's checks
(ansible-lint, antsibull-docs, the docs site, galaxy-importer), then unit and integration tests.

Sanity and the unit and integration tests run on two legs (tools/core_legs.py): the oldest
ansible-core the collection claims (2.19, Python 3.11, the main virtualenv that runs this script)
and the newest (2.21, Python 3.12, a virtualenv made here from requirements-core-newest.txt).
The tests that involve a Vault server are split pairwise across the legs: the newest leg runs them
against OpenBao, the oldest against HashiCorp Vault. So each ansible-core meets each Vault server,
each server meets an ansible-core, and the differences between the two servers (server-side
behaviour the modules must handle) are all exercised. The other integration tests (Kubernetes only,
a few minutes of playbooks each file) are sharded by file, half on each leg
(``SECRETOPS_INTEGRATION_SHARD``): the roles, the playbooks and the modules that talk to Vault still
run on both ansible-cores through the Vault tests, and the unit tests and sanity run whole on both. Running
everything on both legs kept a run over CI's hour. ``make integration`` still runs everything,
both servers, on one leg.
Each test session prints its slowest tests at the end (``--durations``).

The stages form lanes that run at the same time, because each lane alone leaves a core idle on a
2-core machine (a test session waits on rollouts, servers and one ansible-playbook at a time; the
network-bound module download does not need the CPU): the Kubernetes build; the Vault build; the
newest leg's tests (once the Kubernetes binaries exist); the oldest leg's tests that need no Vault
server (once the Kubernetes binaries exist), then its HashiCorp Vault tests (once Vault is built,
the end of the longest path); and the checks (sanity on both legs, the ecosystem's checks), which
feed no other stage and so run at a lower CPU priority. Each stage's output goes to .build/test-logs/ and is printed whole when the stage
ends, so lanes never interleave lines. Every stage runs even when an unrelated one failed, so one CI
run reports everything; the exit status is non-zero if any stage failed.
"""

import os
import subprocess
import sys
import threading
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO_ROOT)

from tools.core_legs import LEGS  # noqa: E402  pylint: disable=wrong-import-position

PYTEST = ["-m", "pytest", "-ra", "-p", "no:cacheprovider", "--durations=25"]
LOG_DIR = os.path.join(REPO_ROOT, ".build", "test-logs")
# Each leg's own environment (a control plane, the real node, its Vault server), torn down when its
# session ends: the oldest leg's second session starts a fresh one with HashiCorp Vault.
NEWEST_ENV_DIR = os.path.join(REPO_ROOT, ".build", "env-newest")
OLDEST_ENV_DIR = os.path.join(REPO_ROOT, ".build", "env-oldest")
NICE = ["nice", "-n", "10"]
HEARTBEAT_SECONDS = 300


class Stage(object):
    def __init__(self, name, command, needs=(), env=None):
        self.name = name
        self.command = command
        self.needs = list(needs)  # stages that must pass first; if one fails, this one is not run
        self.env = env or {}
        self.done = threading.Event()
        self.passed = False
        self.started = None


def stages():
    python = sys.executable
    oldest, newest = LEGS["oldest"], LEGS["newest"]
    kubernetes = Stage("build Kubernetes binaries", [python, "tools/cluster/build.py", "--only", "kubernetes"])
    vault = Stage("build HashiCorp Vault", [python, "tools/cluster/build.py", "--only", "vault"])
    newest_venv = Stage("virtualenv [%s]" % newest.label, [python, "tools/core_legs.py", "setup", "newest"])
    # The checks are on no path to a test: they yield the CPU to the builds and tests (nice), and fill its gaps.
    sanity_oldest = Stage("sanity [%s]" % oldest.label, NICE + [python, "tools/sanity.py"])
    ecosystem = Stage("ecosystem checks", NICE + [python, "tools/ecosystem_checks.py"])
    sanity_newest = Stage("sanity [%s]" % newest.label, NICE + [newest.python, "tools/sanity.py"], needs=[newest_venv])
    tests_newest = Stage(
        "unit and integration tests [%s; OpenBao]" % newest.label,
        [newest.python] + PYTEST + ["tests/unit", "tests/integration"], needs=[newest_venv, kubernetes],
        env={"SECRETOPS_ENV_DIR": NEWEST_ENV_DIR, "SECRETOPS_VAULT_FLAVORS": "openbao", "SECRETOPS_INTEGRATION_SHARD": "0/2",
             "SECRETOPS_KEEP_ENV": ""},
    )
    # The oldest leg in two sessions: what needs no Vault server starts with the Kubernetes binaries
    # (against OpenBao, which needs no build), the HashiCorp Vault tests once Vault is built.
    tests_oldest = Stage(
        "unit and integration tests [%s; no Vault server]" % oldest.label,
        [python] + PYTEST + ["tests/unit", "benchmarks/tests", "tests/integration"], needs=[kubernetes],
        env={"SECRETOPS_ENV_DIR": OLDEST_ENV_DIR, "SECRETOPS_VAULT_FLAVORS": "openbao", "SECRETOPS_TEST_SELECTION": "no-vault-server",
             "SECRETOPS_INTEGRATION_SHARD": "1/2", "SECRETOPS_KEEP_ENV": ""},
    )
    tests_oldest_vault = Stage(
        "integration tests [%s; HashiCorp Vault]" % oldest.label,
        [python] + PYTEST + ["tests/integration"], needs=[kubernetes, vault],
        env={"SECRETOPS_ENV_DIR": OLDEST_ENV_DIR, "SECRETOPS_VAULT_FLAVORS": "vault", "SECRETOPS_TEST_SELECTION": "vault-server",
             "SECRETOPS_KEEP_ENV": ""},
    )
    lanes = [
        [kubernetes],
        [vault],
        [newest_venv, tests_newest],
        [tests_oldest, tests_oldest_vault],
        [sanity_oldest, ecosystem, sanity_newest],
    ]
    return lanes


def run_stage(stage, output_lock):
    for need in stage.needs:
        need.done.wait()
    failed_needs = [need.name for need in stage.needs if not need.passed]
    if failed_needs:
        with output_lock:
            print("\n=== %s: not run, %s failed" % (stage.name, ", ".join(failed_needs)), flush=True)
        stage.done.set()
        return
    os.makedirs(LOG_DIR, exist_ok=True)
    log_path = os.path.join(LOG_DIR, "".join(char if char.isalnum() else "-" for char in stage.name).strip("-") + ".log")
    stage.started = time.time()
    with output_lock:
        print("=== %s: started (%s)" % (stage.name, " ".join(stage.command)), flush=True)
    env = dict(os.environ)
    for name, value in stage.env.items():
        if value:
            env[name] = value
        else:
            env.pop(name, None)
    with open(log_path, "w", encoding="utf-8") as log:
        returncode = subprocess.call(stage.command, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    stage.passed = returncode == 0
    with output_lock, open(log_path, encoding="utf-8", errors="replace") as log:
        print("\n=== %s: output" % stage.name, flush=True)
        sys.stdout.write(log.read())
        print("=== %s: exit %s after %.0f s" % (stage.name, returncode, time.time() - stage.started), flush=True)
    stage.done.set()


def run_lane(lane, output_lock):
    for stage in lane:
        run_stage(stage, output_lock)


def heartbeat(all_stages, finished, output_lock):
    """Say what still runs every few minutes, since a stage's output appears only when it ends."""
    while not finished.wait(HEARTBEAT_SECONDS):
        running = ["%s (%.0f s)" % (stage.name, time.time() - stage.started) for stage in all_stages
                   if stage.started and not stage.done.is_set()]
        with output_lock:
            print("=== still running: %s" % "; ".join(running), flush=True)


def main():
    started = time.time()
    lanes = stages()
    all_stages = [stage for lane in lanes for stage in lane]
    output_lock = threading.Lock()
    finished = threading.Event()
    threading.Thread(target=heartbeat, args=(all_stages, finished, output_lock), daemon=True).start()
    threads = [threading.Thread(target=run_lane, args=(lane, output_lock)) for lane in lanes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    finished.set()
    failures = [stage.name for stage in all_stages if not stage.passed]
    print("\n=== all stages ended after %.0f s" % (time.time() - started), flush=True)
    if failures:
        print("FAILED stages: %s" % ", ".join(failures), flush=True)
        return 1
    print("all stages passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
