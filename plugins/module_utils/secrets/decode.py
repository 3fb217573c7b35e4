# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A Secret's ``data`` (key -> base64) to text and back: for the info module, lookup, filter and rotation."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError


def encode_value(text):
    """The base64 form of ``text`` (UTF-8), as a Secret's ``data`` holds it."""
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def encode_data(string_data):
    """``{key: base64}`` for a ``{key: text}`` map (a Secret's ``stringData`` -> ``data``)."""
    return dict((key, encode_value(text)) for key, text in (string_data or {}).items())


def decode_value(key, encoded):
    """The UTF-8 text of one base64 value; binary content is an error naming the key."""
    try:
        raw = base64.b64decode(encoded or "", validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise SecretOpsError("key %r is not base64: pass a Secret's data field (key -> base64)" % key)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SecretOpsError("key %r holds binary content, not UTF-8 text: use its base64 form (data[%r]) instead" % (key, key))


def decode_data(data):
    """``{key: text}`` for a ``{key: base64}`` map; a binary value is an error naming its key."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SecretOpsError("expected a Secret's data: a mapping of key -> base64 value")
    return dict((key, decode_value(key, value)) for key, value in data.items())


def split_text_and_binary(data):
    """``(text, binary)``: UTF-8 values decoded, the others left base64, for display."""
    text = {}
    binary = {}
    for key, value in (data or {}).items():
        try:
            text[key] = decode_value(key, value)
        except SecretOpsError:
            binary[key] = value
    return text, binary
