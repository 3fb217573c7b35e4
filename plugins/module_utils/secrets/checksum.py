# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Digests over Secret content: a keyed content MAC, kubectl's name hash, and diff fingerprints.

- ``content_mac(key, name, data)``: HMAC-SHA256 of a Secret's name and content under a key only
  Secret readers hold (``k8s/content_key.py`` keeps one per namespace). The same content gives
  the same MAC in every run, so a pod-template stamp shows whether the pods run the current
  content; without the key nobody can test a guessed value against it, which a plain hash allows
  (a 6-digit password falls to a million guesses in under a second).
- ``append_hash_suffix(name, secret_type, data)``: the suffix ``kubectl create secret --append-hash``
  adds to the name. It is kubectl's unkeyed hash by design (the option exists for kubectl
  compatibility); docs/security.md says what it reveals.
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


CONTENT_MAC_PREFIX = "hmac-sha256:"


def content_mac(key, name, data, encoded=True):
    """``hmac-sha256:<hex>`` over the Secret ``name`` and its content, keyed with ``key`` (bytes).

    ``data`` maps keys to values: base64 strings as in the API's ``data`` field (default) or, with
    ``encoded=False``, the plain values (text or bytes). The MAC takes the UTF-8 name and then, for
    each key in sorted order, the UTF-8 key, a NUL byte, the value's length as 8 big-endian bytes and
    the value, so neither key order nor a value that looks like a separator can collide. The name is
    bound in so two Secrets with equal content do not show equal stamps.
    """
    if not key:
        raise ValueError("content_mac needs a key")
    mac = hmac.new(key, name.encode("utf-8") + b"\0", hashlib.sha256)
    for item in sorted(data or {}):
        value = _value_bytes(data[item], encoded)
        mac.update(item.encode("utf-8") + b"\0" + struct.pack(">Q", len(value)))
        mac.update(value)
    return CONTENT_MAC_PREFIX + mac.hexdigest()


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
