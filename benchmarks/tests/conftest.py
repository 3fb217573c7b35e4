"""The benchmark's own tests live here, outside the collection tarball (galaxy.yml build_ignore), because
they import benchmarks/. Importing tests.conftest links the working tree as the collection, as for the
unit tests, so the check against k8s_secret's argument spec runs instead of being skipped."""

from tests.conftest import REPO_ROOT  # noqa: F401  pylint: disable=unused-import
