"""tools/cluster's modules import each other by their bare names (localenv.py puts its own directory on
sys.path, as it runs as a script): the tests import them the same way, so one module object is patched."""

import os
import sys

from tests.conftest import REPO_ROOT

TOOLS_CLUSTER = os.path.join(REPO_ROOT, "tools", "cluster")
if TOOLS_CLUSTER not in sys.path:
    sys.path.insert(0, TOOLS_CLUSTER)
