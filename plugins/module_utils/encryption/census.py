# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Counts how a resource's objects are stored in etcd: plaintext, under which provider and which
KMS key id. Value-free: only counts, provider names and key ids (which etcd stores in clear).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption import envelope, resource_map

_VERSION = re.compile(r"^(?P<key>.+):v(?P<version>\d+)$")


def resource_prefix(etcd_prefix, path):
    """The etcd key prefix of a resource's objects, from its path under the etcd prefix (``resource_map.etcd_path``)."""
    return ("%s/%s/" % (etcd_prefix.rstrip("/"), path)).encode("utf-8")


def object_name(etcd_prefix, path, key):
    """"<namespace>/<name>" (or "<name>") of an etcd key under the resource's prefix."""
    return key[len(resource_prefix(etcd_prefix, path)):].decode("utf-8", "replace")


def etcd_paths(resource):
    """The etcd paths to count for ``resource``: a location's own (``resource_map.location``), or, for a bare
    name (no API asked), every path it may be stored under (``resource_map.candidate_etcd_paths``)."""
    if isinstance(resource, dict):
        return [resource["etcd_path"]]
    return resource_map.candidate_etcd_paths(resource)


def _empty():
    return {"total": 0, "plaintext": 0, "providers": {}, "key_ids": {}}


def _add(result, value):
    kind, name, key_id = envelope.describe(value)
    result["total"] += 1
    if kind == envelope.PLAINTEXT:
        result["plaintext"] += 1
        return
    label = "%s:%s" % (kind, name)
    result["providers"][label] = result["providers"].get(label, 0) + 1
    if key_id is not None:
        result["key_ids"][key_id] = result["key_ids"].get(key_id, 0) + 1


def count(values):
    """Counts of an iterable of stored values: total, plaintext, per provider, per key id."""
    result = _empty()
    for value in values:
        _add(result, value)
    return result


def key_version(key_id):
    """(key, version) of a plugin key id "<mount>/<key>:v<N>", or None for another format."""
    match = _VERSION.match(key_id or "")
    return (match.group("key"), int(match.group("version"))) if match else None


def older_versions(counts, key, version):
    """{key_id: count} of the objects in ``counts`` (a census) sealed by ``key`` below ``version``."""
    older = {}
    for resource_counts in counts.values():
        for key_id, number in resource_counts["key_ids"].items():
            parsed = key_version(key_id)
            if parsed and parsed[0] == key and parsed[1] < version:
                older[key_id] = older.get(key_id, 0) + number
    return older


def is_current(value, provider_name, key_id=None, wanted_kind=envelope.KMS_V2):
    """Whether one stored value is an envelope of kind ``wanted_kind`` (KMS v2 unless told) named
    ``provider_name`` (for aescbc / secretbox the key name), and under ``key_id`` when given."""
    kind, name, stored_key_id = envelope.describe(value)
    return kind == wanted_kind and name == provider_name and (key_id is None or stored_key_id == key_id)


def keys_in_use(numbers):
    """The keys one resource's objects are under: KMS v2 key ids, and "<type>:<name>" of the other providers."""
    return sorted(set(numbers["key_ids"]) | set(label for label in numbers["providers"] if not label.startswith(envelope.KMS_V2 + ":")))


def failures(counts, fail_on):
    """Messages for each ``fail_on`` condition a census meets: "plaintext" (any plaintext object),
    "not_kms" (any object not under KMS v2), "mixed_keys" (more than one key in a resource: KMS v2 key ids, aescbc /
    secretbox key names), "encrypted" (any object not in plaintext)."""
    found = []
    for resource, numbers in sorted(counts.items()):
        kms = sum(n for label, n in numbers["providers"].items() if label.startswith(envelope.KMS_V2 + ":"))
        if "plaintext" in fail_on and numbers["plaintext"]:
            found.append("%s: %d of %d objects are stored in plaintext" % (resource, numbers["plaintext"], numbers["total"]))
        if "not_kms" in fail_on and numbers["total"] - kms:
            found.append("%s: %d of %d objects are not sealed by KMS v2" % (resource, numbers["total"] - kms, numbers["total"]))
        if "encrypted" in fail_on and numbers["total"] - numbers["plaintext"]:
            found.append("%s: %d of %d objects are still encrypted" % (resource, numbers["total"] - numbers["plaintext"], numbers["total"]))
        keys = keys_in_use(numbers)
        if "mixed_keys" in fail_on and len(keys) > 1:
            found.append("%s: objects under %d keys (%s)" % (resource, len(keys), ", ".join(keys)))
    return found


def store_area(prefix, key):
    """Where an etcd key sits under the store's ``prefix`` (bytes, ending in "/"): the first element of its path (a
    resource's directory, such as ``secrets``), or the first two under a group's directory (``<group>/<plural>``)."""
    parts = key[len(prefix):].decode("utf-8", "replace").split("/")
    return "/".join(parts[:2]) if "." in parts[0] and len(parts) > 2 else parts[0]


def _store_items(reader, etcd_prefix):
    """(prefix, key, value) of every object under ``etcd_prefix``, page by page (nothing kept)."""
    prefix = (etcd_prefix.rstrip("/") + "/").encode("utf-8")
    for key, value in reader.items(prefix):
        yield prefix, key, value


def take_store_census(reader, etcd_prefix):
    """{area: counts} of every object under ``etcd_prefix`` (areas as ``store_area`` names them), whatever resources
    a configuration lists: what a guard reads before it lets a key go, so that no object of a resource nobody
    listed is left under it. One read of every value, page by page; nothing is kept but the counts."""
    counts = {}
    for prefix, key, value in _store_items(reader, etcd_prefix):
        _add(counts.setdefault(store_area(prefix, key), _empty()), value)
    return counts


def other_kms_keys(reader, etcd_prefix, provider_name, key):
    """{key_id: count} of the objects anywhere under ``etcd_prefix`` that the KMS v2 provider ``provider_name`` sealed with
    a key other than ``key`` (``<mount>/<name>``): what that provider's plugin, pointed at ``key``, could never open."""
    found = {}
    for _prefix, _key, value in _store_items(reader, etcd_prefix):
        kind, name, key_id = envelope.describe(value)
        if kind == envelope.KMS_V2 and name == provider_name and (key_version(key_id) or (None,))[0] != key:
            found[key_id] = found.get(key_id, 0) + 1
    return found


def take_census(reader, etcd_prefix, resources):
    """{resource name: counts} read from etcd; ``resources`` are names or locations (see ``etcd_paths``)."""
    return dict((resource["name"] if isinstance(resource, dict) else resource,
                 count(value for path in etcd_paths(resource) for _key, value in reader.items(resource_prefix(etcd_prefix, path))))
                for resource in resources)
