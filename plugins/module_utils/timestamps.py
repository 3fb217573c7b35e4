# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one timestamp format the collection writes: ISO 8601 in UTC with whole seconds, such as
``2026-11-24T00:15:00Z`` (annotations, records, reports, results and messages), and reading the
RFC 3339 timestamps Vault writes."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re

UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_RFC3339 = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def utc_text(moment):
    """``moment`` as ``2026-11-24T00:15:00Z``: an aware one converted to UTC, a naive one taken as UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc)
    return moment.strftime(UTC_FORMAT)


def utc_now_text():
    """Now, as ``2026-11-24T00:15:00Z``."""
    return utc_text(datetime.datetime.now(datetime.timezone.utc))


def parse_rfc3339(text):
    """An RFC 3339 timestamp (nanoseconds allowed, as Vault writes them) as an aware UTC datetime, or None."""
    match = _RFC3339.fullmatch(text)
    if not match:
        return None
    moment = datetime.datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%S")
    zone = match.group(3)
    offset = datetime.timedelta(0)
    if zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        offset = sign * datetime.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    return moment.replace(tzinfo=datetime.timezone.utc) - offset
