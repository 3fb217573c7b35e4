"""Ages and times: when a Secret is due for rotation."""

import datetime

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import age


def test_parse_age_and_is_due():
    assert age.parse_age("1w2d") == 9 * 86400
    assert age.parse_age("90") == 90 and age.parse_age(30) == 30 and age.parse_age(None) is None
    with pytest.raises(SecretOpsError):
        age.parse_age("3 days")
    now = datetime.datetime(2026, 1, 10, tzinfo=datetime.timezone.utc)
    assert age.is_due("2026-01-01T00:00:00.123456789Z", "7d", now)[0] is True
    assert age.is_due("2026-01-09T12:00:00Z", "7d", now)[0] is False
    assert age.is_due("2026-01-09T12:00:00+02:00", "11h", now)[0] is True
    assert age.is_due("2026-01-09T12:00:00Z", None, now) == (True, "rotation requested")


def test_parse_time_refuses_a_trailing_newline():
    with pytest.raises(SecretOpsError, match="cannot read the timestamp"):
        age.parse_time("2026-01-01T00:00:00Z\n")
