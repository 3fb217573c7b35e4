"""tools/cluster/consumer: its Go tests pass, and the digest the tests compute is the one it reports."""

import os
import shutil
import subprocess

import pytest

from tests.conftest import REPO_ROOT
from tests.integration.real_node_support import digest

CONSUMER = os.path.join(REPO_ROOT, "tools", "cluster", "consumer")


def test_digest_matches_the_consumers_vector():
    # The vectors of cmd/consumer/main_test.go.
    assert digest("k", {"password": b"p"}) == "a7749d61abf5a45fcf646d68ad4ba4ed54dd7071c34961a097f0c5579a2f9be9"
    assert digest("k", {"username": "u", "password": "p"}) == "213251034da9a0a786ee9655e5cc6c10608c9d9d8aaedef1eed107c3760d8117"


@pytest.mark.skipif(not shutil.which("go"), reason="needs Go (make test's build stage has it)")
def test_consumer_go_tests_pass():
    done = subprocess.run(["go", "test", "./..."], cwd=CONSUMER, env=dict(os.environ, GOTOOLCHAIN="local", CGO_ENABLED="0"),
                          capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
