"""Fixtures for the rotation tests."""

import pytest

from tests.pki_material import load_pki


@pytest.fixture(scope="session")
def pki():
    return load_pki()
