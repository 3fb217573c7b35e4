"""Fixtures for the rotation tests: the Secret builders' test PKI (one definition, in ../secrets/conftest.py)."""

import importlib.util
import os

import pytest


def _secrets_test_pki():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "secrets", "conftest.py")
    spec = importlib.util.spec_from_file_location("secrets_test_material", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Pki


@pytest.fixture(scope="session")
def pki():
    return _secrets_test_pki()()
