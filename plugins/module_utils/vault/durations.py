# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Vault durations compared by value: ``1h``, ``60m``, ``3600s`` and ``3600`` are all one hour.

Vault accepts an integer number of seconds or a Go-style duration string (with ``d`` for days as
an extension) and always returns integer seconds, so both sides are turned into seconds before
comparing. Pure: no I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600, "d": 86400}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ns|us|ms|s|m|h|d)")


def to_seconds(value, option="duration"):
    """Return ``value`` (int, digit string or duration string such as ``1h30m``) as whole seconds.

    ``None`` stays ``None`` (the option is not managed). Raises ``SecretOpsError`` naming
    ``option`` when the value is not a duration.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise SecretOpsError("%s must be a duration such as 3600, '90s', '15m' or '1h', not a boolean" % option)
    if isinstance(value, (int, float)):
        if value < 0:
            raise SecretOpsError("%s must not be negative" % option)
        return int(value)
    text = str(value).strip().lower()
    if text.isdigit():
        return int(text)
    if not text or _PART.sub("", text):
        raise SecretOpsError("%s must be a duration such as 3600, '90s', '15m' or '1h', got %r" % (option, str(value)))
    total = 0.0
    for number, unit in _PART.findall(text):
        total += float(number) * _UNIT_SECONDS[unit]
    return int(total)


def same_duration(left, right):
    """True when two durations (any accepted form) are the same number of seconds."""
    return to_seconds(left) == to_seconds(right)
