"""Runs a playbook the way AWX / Automation Controller runs a job: through ``ansible-runner`` with a
private data directory (env/extravars, env/envvars, inventory/, project/), and reads back what it
records: the job events (artifacts/<ident>/job_events/*.json), the stdout, and the set_stats data
that AWX stores as the job's artifacts (``artifact_data`` of the ``playbook_on_stats`` event).

The credentials a job gets from AWX go in env/envvars, nothing else: the test process's own
``VAULT_*``, ``K8S_AUTH_*`` and ``KUBECONFIG`` variables are removed from the runner's environment.
"""

import glob
import json
import os
import shutil
import subprocess
import sys

import yaml

from tests.conftest import COLLECTIONS_ROOT

BIN_DIR = os.path.dirname(sys.executable)
CREDENTIAL_PREFIXES = ("VAULT_", "K8S_AUTH_", "KUBECONFIG", "SECRETOPS_")


class RunnerJob(object):
    def __init__(self, private_dir, ident, returncode, output):
        self.private_dir = private_dir
        self.ident = ident
        self.returncode = returncode
        self.output = output  # ansible-runner's own console output
        self.artifacts = os.path.join(private_dir, "artifacts", ident)

    @property
    def status(self):
        with open(os.path.join(self.artifacts, "status")) as handle:
            return handle.read().strip()

    @property
    def stdout(self):
        with open(os.path.join(self.artifacts, "stdout")) as handle:
            return handle.read()

    def event_files(self):
        return sorted(glob.glob(os.path.join(self.artifacts, "job_events", "*.json")))

    def events(self):
        events = []
        for path in self.event_files():
            with open(path) as handle:
                events.append(json.load(handle))
        return events

    def recorded_text(self):
        """Everything the job recorded that AWX shows or stores: each job event file, raw, and the stdout."""
        texts = []
        for path in self.event_files():
            with open(path) as handle:
                texts.append(handle.read())
        return texts + [self.stdout]

    def artifact_data(self):
        """The set_stats data of the run (what AWX saves as the job's artifacts)."""
        stats = [event for event in self.events() if event.get("event") == "playbook_on_stats"]
        assert len(stats) == 1, "expected one playbook_on_stats event, found %d" % len(stats)
        return stats[0]["event_data"].get("artifact_data") or {}

    def describe(self):
        return "ansible-runner %s: status %s, rc %s\n%s" % (self.ident, self.status, self.returncode, self.stdout[-6000:])


def run_job(private_dir, playbook, extravars=None, envvars=None, hosts=None, ident="job", verbosity=4, timeout=900):
    """Lay out ``private_dir`` like AWX does and run ``playbook`` (a path, copied into project/)."""
    for sub in ("env", "inventory", "project"):
        os.makedirs(os.path.join(private_dir, sub), exist_ok=True)
    shutil.copy(playbook, os.path.join(private_dir, "project", os.path.basename(playbook)))
    job_env = dict(envvars or {}, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_ROOT, ANSIBLE_LOCALHOST_WARNING="false",
                   ANSIBLE_INVENTORY_UNPARSED_WARNING="false", ANSIBLE_NOCOLOR="1")
    with open(os.path.join(private_dir, "env", "envvars"), "w") as handle:
        yaml.safe_dump(job_env, handle)
    with open(os.path.join(private_dir, "env", "extravars"), "w") as handle:
        yaml.safe_dump(extravars or {}, handle)
    inventory = {"all": {"hosts": dict((name, dict({"ansible_connection": "local", "ansible_python_interpreter": sys.executable},
                                                   **(host_vars or {})))
                                       for name, host_vars in (hosts or {"localhost": {}}).items())}}
    with open(os.path.join(private_dir, "inventory", "hosts.yml"), "w") as handle:
        yaml.safe_dump(inventory, handle)
    env = dict((key, value) for key, value in os.environ.items() if not key.startswith(CREDENTIAL_PREFIXES))
    env["PATH"] = BIN_DIR + os.pathsep + env.get("PATH", "")
    command = [os.path.join(BIN_DIR, "ansible-runner"), "run", private_dir, "-p", os.path.basename(playbook), "-i", ident]
    if verbosity:
        command.append("-" + "v" * verbosity)
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    return RunnerJob(private_dir, ident, proc.returncode, proc.stdout + proc.stderr)
