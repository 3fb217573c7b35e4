# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Decides what to do with one Secret: compares the desired Secret with the object on the server.

Pure: takes a ``DesiredSecret`` and the current object as the API returns it (a dict, or None)
and returns a ``Plan``; the service carries it out. How the key set is honoured:

- exact (default): the target data is the desired data; keys on the server that are not in it
  are removed (server-side apply drops the keys this field manager applied before, and the
  service removes any left over that another manager owns);
- merge (``merge_data``): the target data is the server's data updated with the desired keys;
  the 1 MiB limit is checked on that merged data.

A change of type, or a data/immutability change on an immutable Secret, needs the Secret to be
deleted and created again (``recreate``); ``allow_recreate=False`` refuses instead.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets import types, validation

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"

CREATE = "created"
UPDATE = "updated"
RECREATE = "recreated"
DELETE = "deleted"
UNCHANGED = "unchanged"


class Plan(object):
    """``action`` plus what the service needs to carry it out and report it."""

    def __init__(self, action, desired, current=None, target_data=None, key_changes=None, reasons=()):
        self.action = action
        self.desired = desired
        self.current = current
        self.target_data = target_data
        self.key_changes = key_changes or {"added": [], "removed": [], "changed": []}
        self.reasons = list(reasons)

    @property
    def changed(self):
        return self.action != UNCHANGED

    @property
    def writes(self):
        return self.action in (CREATE, UPDATE, RECREATE, DELETE)

    def body(self):
        return self.desired.manifest(self.target_data)


def owned_fields(current, manager, *path):
    """Names under ``metadata.<path>`` or ``<path>`` that ``manager`` applied (server-side apply)."""
    names = set()
    for entry in (current.get("metadata") or {}).get("managedFields") or []:
        if entry.get("manager") != manager or entry.get("operation") != "Apply":
            continue
        node = entry.get("fieldsV1") or {}
        for part in path:
            node = node.get("f:" + part) or {}
        names.update(name[2:] for name in node if name.startswith("f:"))
    return names


def comparable_data(secret_type, data):
    """The server's data without the keys a controller writes (service-account tokens)."""
    data = dict(data or {})
    if secret_type == types.SERVICE_ACCOUNT_TOKEN:
        for key in types.SERVICE_ACCOUNT_CONTROLLER_KEYS:
            data.pop(key, None)
    return data


def _key_changes(current_data, target_data):
    return {
        "added": sorted(set(target_data) - set(current_data)),
        "removed": sorted(set(current_data) - set(target_data)),
        "changed": sorted(key for key in set(target_data) & set(current_data) if target_data[key] != current_data[key]),
    }


def _metadata_differs(desired, current, manager, field):
    wanted = getattr(desired, field)
    present = (current.get("metadata") or {}).get(field) or {}
    if any(present.get(key) != value for key, value in wanted.items()):
        return True
    # keys this manager applied before and no longer wants are removed by the apply
    return bool(owned_fields(current, manager, "metadata", field) - set(wanted))


def plan_secret(desired, current, manager, merge_data=False, allow_recreate=True):
    """Return the ``Plan`` that turns ``current`` (API dict or None) into ``desired``."""
    if desired.state == "absent":
        return Plan(DELETE if current else UNCHANGED, desired, current)
    if current is None:
        return Plan(CREATE, desired, None, dict(desired.data), _key_changes({}, desired.data))
    server_data = comparable_data(current.get("type"), current.get("data"))
    desired_data = dict(desired.data)
    for key in desired.generated_keys:
        # a generated bootstrap token secret must not rotate on every run: keep the server's
        if key in server_data and key != "token-id":
            desired_data[key] = server_data[key]
    target = dict(server_data, **desired_data) if merge_data else desired_data
    if merge_data:
        # the merged object is what the API server stores
        validation.validate_size(target, "the Secret's values merged with the keys already in it (merge_data)")
    changes = _key_changes(server_data, target)
    data_changed = any(changes.values())
    current_immutable = bool(current.get("immutable"))
    reasons = []
    if current.get("type") != desired.type:
        reasons.append("its type changes from %s to %s" % (current.get("type"), desired.type))
    if current_immutable and data_changed:
        reasons.append("it is immutable and its data changes")
    if current_immutable and not desired.immutable:
        reasons.append("it is immutable and immutable is now false")
    if reasons:
        if not allow_recreate:
            raise SecretOpsError(
                "Secret %s must be deleted and created again because %s, and allow_recreate is false: "
                "set allow_recreate to true, or keep the current type and content" % (desired.ref, " and ".join(reasons))
            )
        return Plan(RECREATE, desired, current, target, _key_changes(server_data, target), reasons)
    annotations = (current.get("metadata") or {}).get("annotations") or {}
    if (
        data_changed
        or desired.immutable != current_immutable
        or LAST_APPLIED in annotations
        or _metadata_differs(desired, current, manager, "labels")
        or _metadata_differs(desired, current, manager, "annotations")
    ):
        return Plan(UPDATE, desired, current, target, changes)
    return Plan(UNCHANGED, desired, current, target, changes)
