# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hashes over Secret content: a stable checksum, kubectl's name hash, and diff fingerprints.

- ``content_checksum(data)``: the same hex string for the same keys and values, on any host and
  in any run; meant for a pod-template annotation (``checksum/secret``) so workloads restart when
  the content changes. Reused by the rotation roles and workload restarts.
- ``append_hash_suffix(name, secret_type, data)``: the suffix ``kubectl create secret --append-hash``
  adds to the name.
- ``Fingerprinter``: short HMACs keyed with a random per-run salt, for diffs: equal values look
  equal within one run, and nothing can be matched against a guessed value across runs.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib
import hmac
import json
import os
import struct


def _value_bytes(value, encoded):
    if encoded:
        return base64.b64decode(value)
    return value if isinstance(value, bytes) else value.encode("utf-8")


def content_checksum(data, encoded=True):
    """Stable sha256 hex digest of a Secret's content.

    ``data`` maps keys to values: base64 strings as in the API's ``data`` field (default) or, with
    ``encoded=False``, the plain values (text or bytes). For each key in sorted order the digest
    takes the UTF-8 key, a NUL byte, the value's length as 8 big-endian bytes and the value, so
    neither key order nor a value that looks like a separator can produce a collision. An empty
    Secret has the digest of no input.
    """
    digest = hashlib.sha256()
    for key in sorted(data or {}):
        value = _value_bytes(data[key], encoded)
        digest.update(key.encode("utf-8") + b"\0" + struct.pack(">Q", len(value)))
        digest.update(value)
    return digest.hexdigest()


def append_hash_suffix(name, secret_type, data):
    """The 10-character suffix ``kubectl create secret --append-hash`` computes for ``name``.

    kubectl hashes the JSON of ``{"data": <base64 map>, "kind": "Secret", "name": <name without
    suffix>, "type": <type>}`` (keys sorted, no spaces) with sha256 and maps the first ten hex digits 0, 1, 3, a, e to g, h, k, m, t
    so the suffix never spells words.
    """
    encoded = json.dumps({"data": dict(data), "kind": "Secret", "name": name, "type": secret_type}, sort_keys=True, separators=(",", ":"))
    hexdigest = hashlib.sha256(encoded.encode("utf-8")).hexdigest()[:10]
    return hexdigest.translate(str.maketrans("013ae", "ghkmt"))


class Fingerprinter(object):
    """Short value fingerprints for diffs, keyed with a secret salt drawn once per instance."""

    def __init__(self, salt=None):
        self._salt = salt if salt is not None else os.urandom(32)

    def fingerprint(self, key, encoded_value):
        mac = hmac.new(self._salt, key.encode("utf-8") + b"\0" + encoded_value.encode("ascii"), hashlib.sha256)
        return "hmac:" + mac.hexdigest()[:12]
