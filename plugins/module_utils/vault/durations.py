# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Vault durations compared by value: ``1h``, ``60m``, ``3600s`` and ``3600`` are all one hour.

Vault accepts an integer number of seconds or a Go duration string (``time.ParseDuration``; ``d``
for days is our extension) and stores whole seconds, truncated. Both sides are turned into seconds
the way Vault does it, so a value never differs from its own stored form (``8.2h`` is 29520 s in
Vault; float arithmetic on seconds would give 29519 and a change on every run). Pure: no I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

_NANOSECONDS = {
    "ns": 1, "us": 10 ** 3, u"\u00b5s": 10 ** 3, u"\u03bcs": 10 ** 3, "ms": 10 ** 6,
    "s": 10 ** 9, "m": 60 * 10 ** 9, "h": 3600 * 10 ** 9, "d": 86400 * 10 ** 9,
}
_PART = re.compile(u"(\\d*)(?:\\.(\\d*))?(ns|us|\u00b5s|\u03bcs|ms|s|m|h|d)")
_MAX_NANOSECONDS = (1 << 63) - 1  # Go's time.Duration is an int64 of nanoseconds
_SECOND = 10 ** 9


def _fraction(digits):
    """Go's ``leadingFraction``: the digits as an integer and their scale, ignoring digits past int64."""
    value = 0
    scale = 1.0
    for digit in digits:
        if value > ((1 << 63) - 1) // 10:
            break
        value = value * 10 + int(digit)
        scale *= 10
    return value, scale


def _nanoseconds(text):
    """Nanoseconds of a Go duration string without sign, exactly as ``time.ParseDuration`` computes them.

    Whole parts are integers; a fraction is added as Go adds it (``float64(f) * (unit / scale)``,
    truncated), which is exact for every fraction of a second, minute or hour written in decimal.
    """
    total = 0
    position = 0
    while position < len(text):
        match = _PART.match(text, position)
        if not match or not (match.group(1) or match.group(2)):
            return None
        whole, fraction, unit = match.groups()
        unit_ns = _NANOSECONDS[unit]
        total += int(whole or "0") * unit_ns
        if fraction:
            numerator, scale = _fraction(fraction)
            total += int(float(numerator) * (float(unit_ns) / scale))
        position = match.end()
    return total


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
    nanoseconds = _nanoseconds(text[1:] if text.startswith("+") else text) if text not in ("", "+") else None
    if nanoseconds is None:
        raise SecretOpsError("%s must be a duration such as 3600, '90s', '15m' or '1h', got %r" % (option, str(value)))
    if nanoseconds > _MAX_NANOSECONDS:
        raise SecretOpsError("%s is longer than Vault accepts (about 292 years), got %r" % (option, str(value)))
    return nanoseconds // _SECOND  # Vault keeps whole seconds, truncated (int(duration.Seconds()))


def same_duration(left, right):
    """True when two durations (any accepted form) are the same number of seconds."""
    return to_seconds(left) == to_seconds(right)
