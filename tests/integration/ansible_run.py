"""Runs real ``ansible-playbook`` processes against the collection in the working tree.

Integration tests write a playbook, run it, and read the per-task results back through the
test-only ``secretops_results`` callback, so they assert on what the modules returned, while the
stdout stays the default human output a user would see (which leak tests scan).
"""

import json
import os
import subprocess
import sys
import tempfile

import yaml

from tests.conftest import COLLECTIONS_ROOT, REPO_ROOT

CALLBACK_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "callback_plugins")


class PlaybookRun(object):
    def __init__(self, returncode, stdout, stderr, results):
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.results = results  # list of {"task": name, "host": host, "result": dict}

    @property
    def output(self):
        return self.stdout + self.stderr

    def task(self, name):
        """The result of the task called ``name`` (the last one when it ran more than once)."""
        found = [entry["result"] for entry in self.results if entry["task"] == name]
        if not found:
            raise AssertionError("no task named %r in the run; tasks: %s" % (name, [e["task"] for e in self.results]))
        return found[-1]

    def assert_ok(self):
        assert self.returncode == 0, "playbook failed (rc=%s):\n%s\n%s" % (self.returncode, self.stdout[-6000:], self.stderr[-3000:])
        return self


def ansible_env(extra=None):
    env = dict(os.environ)
    bin_dir = os.path.dirname(sys.executable)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env.update(
        {
            "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS_ROOT,
            "ANSIBLE_ROLES_PATH": os.path.join(REPO_ROOT, "roles"),
            "ANSIBLE_CALLBACK_PLUGINS": CALLBACK_DIR,
            "ANSIBLE_CALLBACKS_ENABLED": "secretops_results",
            "ANSIBLE_LOCALHOST_WARNING": "false",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "false",
        }
    )
    if extra:
        env.update(extra)
    return env


def _collect_results(path):
    if not os.path.exists(path):
        return []
    with open(path) as handle:
        return [json.loads(line) for line in handle if line.strip()]


def run_ansible_playbook(target, extra_args=(), env=None, timeout=900, cwd=None):
    """Run ``ansible-playbook`` on localhost for ``target`` (a playbook path, or a collection
    playbook such as ``secretops.provisioning.rotate``) and return a PlaybookRun.

    The stdout is the default human callback's text (what leak tests scan); the structured
    results come from the ``secretops_results`` callback.
    """
    with tempfile.TemporaryDirectory(prefix="secretops-run-") as workdir:
        results_path = os.path.join(workdir, "results.jsonl")
        run_env = ansible_env(env)
        run_env["SECRETOPS_RESULTS_FILE"] = results_path
        command = [
            os.path.join(os.path.dirname(sys.executable), "ansible-playbook"),
            "-i", "localhost,", "-c", "local", target,
        ] + list(extra_args)
        proc = subprocess.run(command, env=run_env, cwd=cwd or workdir, capture_output=True, text=True, timeout=timeout, check=False)
        results = _collect_results(results_path)
    return PlaybookRun(proc.returncode, proc.stdout, proc.stderr, results)


def run_playbook(plays, extra_args=(), env=None, timeout=900):
    """Run ``plays`` (a list of play dicts, or YAML text) on localhost and return a PlaybookRun."""
    text = plays if isinstance(plays, str) else yaml.safe_dump(plays, sort_keys=False)
    with tempfile.TemporaryDirectory(prefix="secretops-play-") as workdir:
        path = os.path.join(workdir, "play.yml")
        with open(path, "w") as handle:
            handle.write(text)
        return run_ansible_playbook(path, extra_args=extra_args, env=env, timeout=timeout, cwd=workdir)


def run_tasks(tasks, extra_args=(), env=None, vars=None, check=False, diff=False, timeout=900):
    """Run ``tasks`` in one localhost play (gather_facts off)."""
    play = {"name": "secretops test", "hosts": "localhost", "gather_facts": False, "tasks": tasks}
    if vars:
        play["vars"] = vars
    args = list(extra_args)
    if check:
        args.append("--check")
    if diff:
        args.append("--diff")
    return run_playbook([play], extra_args=args, env=env, timeout=timeout)
