# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Age rules: is a secret version old enough to rotate (``only_if_older_than``)?"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.timestamps import parse_rfc3339

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_PART = re.compile(r"(\d+)([smhdw])")


def parse_age(value, option="only_if_older_than"):
    """Seconds in ``value``: an integer (seconds) or a string like ``90d``, ``12h``, ``1w2d``."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text.isdigit():
        return int(text)
    parts = _PART.findall(text)
    if not parts or "".join(number + unit for number, unit in parts) != text:
        raise SecretOpsError("%s=%r is not a duration: use seconds or a string like 30d, 12h, 1w2d" % (option, value))
    return sum(int(number) * _UNITS[unit] for number, unit in parts)


def parse_time(text):
    """A timezone-aware datetime from Vault's RFC 3339 timestamps (nanoseconds allowed)."""
    moment = parse_rfc3339(text or "")
    if moment is None:
        raise SecretOpsError("cannot read the timestamp %r" % text)
    return moment


def age_seconds(created_time, now):
    return (now - parse_time(created_time)).total_seconds()


def is_due(created_time, only_if_older_than, now):
    """``(due, reason)``: whether a version created at ``created_time`` should rotate at ``now``."""
    threshold = parse_age(only_if_older_than)
    if threshold is None:
        return True, "rotation requested"
    age = age_seconds(created_time, now)
    if age >= threshold:
        return True, "current version is %ds old, older than %s" % (age, only_if_older_than)
    return False, "current version is %ds old, not older than %s" % (age, only_if_older_than)
