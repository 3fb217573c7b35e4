# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one timestamp format the collection writes: ISO 8601 in UTC with whole seconds, such as
``2026-11-24T00:15:00Z`` (annotations, records, reports, results and messages)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def utc_text(moment):
    """``moment`` as ``2026-11-24T00:15:00Z``: an aware one converted to UTC, a naive one taken as UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc)
    return moment.strftime(UTC_FORMAT)


def utc_now_text():
    """Now, as ``2026-11-24T00:15:00Z``."""
    return utc_text(datetime.datetime.now(datetime.timezone.utc))
