"""Waiting in integration tests: poll a check until it holds, or fail saying what was last seen."""

import time

import pytest


def wait_until(description, check, timeout=60.0, interval=0.3, last=None):
    """Return ``check()``'s first truthy value; fail the test after ``timeout`` seconds, with ``last()``
    (what was seen instead) when given."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail("timed out after %.0fs waiting for %s%s" % (timeout, description, "; last: %s" % last() if last else ""))
        time.sleep(interval)
