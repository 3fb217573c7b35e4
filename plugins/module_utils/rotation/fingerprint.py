# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Value fingerprints for reports: enough to tell two values apart, never enough to recover one."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json


def fingerprint(value):
    """``sha256:`` and the first 12 hex digits of the SHA-256 of ``value`` (None stays None)."""
    if value is None:
        return None
    if not isinstance(value, (str, bytes)):
        value = json.dumps(value, sort_keys=True)
    if not isinstance(value, bytes):
        value = value.encode("utf-8")
    return "sha256:" + hashlib.sha256(value).hexdigest()[:12]


def fingerprints(data, fields=None):
    """field -> fingerprint for ``fields`` of ``data`` (all fields by default)."""
    data = data or {}
    return dict((field, fingerprint(data.get(field))) for field in sorted(fields if fields is not None else data))
