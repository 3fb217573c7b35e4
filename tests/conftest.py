"""Makes the working tree importable and runnable as ``ansible_collections.secretops.provisioning``.

Both unit and integration tests load the collection from ``.build/collections``, where a symlink
points back at this repository, so what is tested is exactly the working tree.
"""

import os
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS_ROOT = os.path.join(REPO_ROOT, ".build", "collections")


def _link_collection():
    namespace_dir = os.path.join(COLLECTIONS_ROOT, "ansible_collections", "secretops")
    link = os.path.join(namespace_dir, "provisioning")
    os.makedirs(namespace_dir, exist_ok=True)
    if os.path.islink(link) and os.path.realpath(link) == REPO_ROOT:
        return
    if os.path.lexists(link):
        os.unlink(link)
    os.symlink(REPO_ROOT, link)


_link_collection()
if COLLECTIONS_ROOT not in sys.path:
    sys.path.insert(0, COLLECTIONS_ROOT)
os.environ["ANSIBLE_COLLECTIONS_PATH"] = COLLECTIONS_ROOT
