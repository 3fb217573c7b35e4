# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simpler mode's key set (``aescbc`` or ``secretbox`` keys kept in Vault KV): which keys the
EncryptionConfiguration lists, in which order, and when an old one may go. Pure: no I/O here.

A key set is ``{"keys": [{"name", "type", "secret"}, ...]}``, the key new writes use first. A rotation
puts a new key first and keeps the others for reads; retiring drops every key but the first, only
when etcd holds nothing under the dropped names. Secrets (32 random bytes, base64) never leave the
key set and the configuration built from it: results carry names and types only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import os
import time

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

TYPES = ("aescbc", "secretbox")
KEY_BYTES = 32


def new_key(key_type, taken, now=None, random=os.urandom):
    """A fresh key: a name from the UTC time (unique among ``taken``), 32 random bytes."""
    if key_type not in TYPES:
        raise SecretOpsError("the key type must be one of %s, got %r" % (", ".join(TYPES), key_type))
    base = "key-" + time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    name, suffix = base, 1
    while name in taken:
        suffix += 1
        name = "%s-%d" % (base, suffix)
    return {"name": name, "type": key_type, "secret": base64.b64encode(random(KEY_BYTES)).decode("ascii")}


def keys_of(stored):
    """The key list of a KV secret's data (None: no key set yet); a malformed one is refused by name only."""
    if stored is None:
        return None
    keys = stored.get("keys")
    if not isinstance(keys, list) or not keys or not all(
            isinstance(key, dict) and key.get("type") in TYPES and key.get("name") and key.get("secret") for key in keys):
        raise SecretOpsError("the key set in Vault KV is not a list of {name, type, secret} with type aescbc or secretbox: "
                             "fix or remove it by hand (it may still be needed to read etcd)")
    return keys


def names(keys):
    """``[{"name", "type"}]`` of a key list, no secret."""
    return [{"name": key["name"], "type": key["type"]} for key in keys or []]


def plan(keys, key_type, rotate, now=None, random=os.urandom):
    """The key list to store, and why: ``created`` (none yet), ``rotated`` (a new key first), or None.

    A rotation while older keys are still listed (one unfinished: killed before the old key was
    retired) adds nothing: it finishes that one. Another ``key_type`` than the current key's is a
    rotation to a key of that type, the old one kept for reads.
    """
    if not keys:
        return [new_key(key_type, (), now, random)], "created"
    if (rotate or keys[0]["type"] != key_type) and len(keys) == 1:
        return [new_key(key_type, set(key["name"] for key in keys), now, random)] + keys, "rotated"
    return keys, None


def providers(keys):
    """EncryptionConfiguration provider entries for ``keys`` in order, consecutive keys of one type in one entry."""
    entries = []
    for key in keys:
        if entries and key["type"] in entries[-1]:
            entries[-1][key["type"]]["keys"].append({"name": key["name"], "secret": key["secret"]})
        else:
            entries.append({key["type"]: {"keys": [{"name": key["name"], "secret": key["secret"]}]}})
    return entries


def still_used(counts, retired_names):
    """{"<type>:<name>": count} of objects a census (``{resource: counts}``) holds under ``retired_names``."""
    found = {}
    for resource_counts in counts.values():
        for label, number in resource_counts["providers"].items():
            kind, _sep, name = label.partition(":")
            if kind in TYPES and name in retired_names:
                found[label] = found.get(label, 0) + number
    return found


def retire(keys, counts):
    """The key list without every key but the first; refused while the census holds anything under them."""
    retired = set(key["name"] for key in keys[1:])
    if not retired:
        return keys
    used = still_used(counts, retired)
    if used:
        raise SecretOpsError("refusing to retire the old encryption keys: etcd still holds objects under them (%s); migrate "
                             "them first (k8s_encryption_migrate)" % ", ".join("%s: %d" % item for item in sorted(used.items())))
    return keys[:1]
