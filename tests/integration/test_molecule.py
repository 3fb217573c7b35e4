"""Runs the molecule scenarios (delegated driver) against the local environment."""

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT
from tests.integration.ansible_run import ansible_env


@pytest.mark.usefixtures("vault_server")
def test_molecule_default_scenario(local_env):
    env = ansible_env(local_env.env)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env["PATH"]
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "molecule"), "test", "-s", "default"],
                          cwd=os.path.join(REPO_ROOT, "extensions"), env=env, capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-6000:]
