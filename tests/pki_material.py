"""The Secret builders' test PKI (defined once, in tests/unit/plugins/module_utils/secrets/conftest.py),
for tests elsewhere: the rotation unit tests and the sync integration tests."""

import importlib.util
import os

SECRETS_CONFTEST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "unit", "plugins", "module_utils", "secrets", "conftest.py")


def load_pki():
    """A new ``Pki``: root, intermediate, leaf and an unrelated key, made on the fly."""
    spec = importlib.util.spec_from_file_location("secrets_test_material", SECRETS_CONFTEST)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Pki()
