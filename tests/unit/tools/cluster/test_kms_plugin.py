"""The KMS v2 plugin's own Go tests (tools/cluster/kms): key id from the Transit version, one auth method."""

import os
import shutil
import subprocess

import pytest

from tests.conftest import REPO_ROOT


@pytest.mark.skipif(shutil.which("go") is None, reason="needs the Go toolchain")
def test_go_tests_of_the_plugin_pass():
    result = subprocess.run(["go", "test", "./..."], cwd=os.path.join(REPO_ROOT, "tools", "cluster", "kms"),
                            env=dict(os.environ, GOTOOLCHAIN="local"), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            check=False, timeout=600)
    assert result.returncode == 0, result.stdout
