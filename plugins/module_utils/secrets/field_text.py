# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Vault KV field values as the text of a Kubernetes Secret key.

A KV secret is a JSON object, so a field holds a string, a boolean, a number, null, an object or a
list; a Secret key holds bytes. A string is taken as it is; anything else is written as its
compact JSON text (``true``/``false``, decimal numbers, ``null``, objects with their keys sorted,
no spaces), which is what ``vault kv get -format=json -field=NAME`` prints for it (less the
indentation) and what Vault Secrets Operator and Vault Agent's ``toJSON`` write, so an application
parses it with any JSON library. Never ``str()``: Python's ``True`` and ``{'a': 1}`` are neither.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json


def field_text(value):
    """The Secret text of one Vault field value (see the module docstring)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
