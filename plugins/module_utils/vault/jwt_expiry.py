# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""When a JWT says it expires: its ``exp`` claim, read without verifying the signature.

Only the expiry is taken out; it is no secret (anyone holding the token can read it, and it says
nothing about the signature). The token itself is never returned, printed or put in an error: a
token that is not a JWT, or has no numeric ``exp``, simply has no expiry here. Pure: no I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import datetime
import json

from ansible_collections.secretops.provisioning.plugins.module_utils.timestamps import utc_text

_YEAR_10000 = 253402300800  # seconds since the epoch


def expiry(token):
    """The ``exp`` claim of ``token`` as an integer (seconds since the epoch), or ``None``."""
    parts = (token or "").strip().split(".")
    if len(parts) != 3:
        return None
    payload = parts[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode("utf-8"))
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    if isinstance(exp, bool) or not isinstance(exp, (int, float)) or not 0 <= exp < _YEAR_10000:
        return None  # no expiry, or none a date can hold
    return int(exp)


def as_text(exp):
    """``exp`` (seconds since the epoch) as ISO 8601 UTC text, such as ``2026-12-07T10:32:27Z``."""
    moment = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=exp)
    return utc_text(moment)
