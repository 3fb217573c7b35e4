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
