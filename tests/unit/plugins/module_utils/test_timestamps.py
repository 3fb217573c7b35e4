"""timestamps.py: the one timestamp format the collection writes."""

import datetime
import re

from ansible_collections.secretops.provisioning.plugins.module_utils import timestamps


def test_moments_are_written_in_utc_with_whole_seconds():
    assert timestamps.utc_text(datetime.datetime(2026, 11, 24, 0, 15, 7, 999, tzinfo=datetime.timezone.utc)) == "2026-11-24T00:15:07Z"
    paris = datetime.timezone(datetime.timedelta(hours=1))
    assert timestamps.utc_text(datetime.datetime(2026, 11, 24, 1, 15, 7, tzinfo=paris)) == "2026-11-24T00:15:07Z"
    assert timestamps.utc_text(datetime.datetime(2026, 11, 24, 0, 15, 7)) == "2026-11-24T00:15:07Z"


def test_now_is_written_the_same_way():
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", timestamps.utc_now_text())


def test_vaults_rfc3339_timestamps_are_read_in_utc():
    utc = datetime.timezone.utc
    assert timestamps.parse_rfc3339("2026-11-24T00:15:00.123456789Z") == datetime.datetime(2026, 11, 24, 0, 15, tzinfo=utc)
    assert timestamps.parse_rfc3339("2026-11-24T01:15:00+01:00") == datetime.datetime(2026, 11, 24, 0, 15, tzinfo=utc)
    assert timestamps.parse_rfc3339("2026-11-23T23:45:00-00:30") == datetime.datetime(2026, 11, 24, 0, 15, tzinfo=utc)
    assert timestamps.parse_rfc3339("") is None and timestamps.parse_rfc3339("yesterday") is None
    assert timestamps.parse_rfc3339(" 2026-11-24T00:15:00Z") is None
