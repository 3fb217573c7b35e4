# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""New Vault field values: seeding (generate once, never again) and rotation (generate or take given)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.mapping import PREVIOUS_SUFFIX, previous_twins
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.passwords import generate_password, normalize_rules


def check_fields(name, fields):
    """Each field spec has exactly one of ``value`` and ``generate``."""
    for field, spec in (fields or {}).items():
        if not isinstance(spec, dict) or ("value" in spec) == ("generate" in spec):
            raise SecretOpsError("secret %s: field %r needs exactly one of value or generate" % (name, field))
        if "generate" in spec:
            normalize_rules(spec["generate"], "secret %s: field %s: generate" % (name, field))


def _same(vault_value, given):
    """Whether Vault already holds ``given``: equal as JSON, so ``1`` is not ``true`` nor ``1.0``."""
    return json.dumps(vault_value, sort_keys=True) == json.dumps(given, sort_keys=True)


def seed(name, fields, existing, generate=generate_password):
    """``(data, written_fields)``: Vault data holding every field of ``fields``.

    Given values are the desired state (written when they differ); generated fields are created
    only when missing and never regenerated. Fields Vault has that ``fields`` does not name are kept.
    A given value that is not a string is written as it is (KV holds JSON: a boolean stays a
    boolean); the Secret gets its JSON text (``secrets.field_text``).
    """
    check_fields(name, fields)
    data = dict(existing or {})
    written = []
    for field, spec in sorted((fields or {}).items()):
        if "value" in spec:
            if field not in data or not _same(data[field], spec["value"]):
                data[field] = spec["value"]
                written.append(field)
        elif field not in data:
            data[field] = generate(spec["generate"])
            written.append(field)
    return data, written


def rotate(name, fields, current, new_values=None, keep_previous=False, generate=generate_password):
    """``(data, rotated_fields)``: the next version's data.

    Fields with ``generate`` rules get a new value, fields in ``new_values`` take the given one
    (as it is, like ``seed``); the rest carry over. With ``keep_previous`` the old value of each
    rotated field is kept as ``<field>_previous``; without it, stale ones are dropped. Only those
    previous twins (``mapping.previous_twins``, and the twins of the rotated fields) are the
    collection's: a field such as ``api_previous`` with no ``api`` field is the user's and carries over.
    """
    check_fields(name, fields)
    new_values = new_values or {}
    current = current or {}
    rotated = sorted(set(f for f, spec in (fields or {}).items() if "generate" in spec) | set(new_values))
    if not rotated:
        raise SecretOpsError("secret %s: nothing to rotate: give a field generate rules, or a new value in values" % name)
    managed = previous_twins(current) | set(field + PREVIOUS_SUFFIX for field in rotated)
    data = dict((field, value) for field, value in current.items() if field not in managed)
    for field in rotated:
        if field in new_values:
            value = new_values[field]
        else:
            value = generate(fields[field]["generate"])
        if keep_previous and field in current:
            data[field + PREVIOUS_SUFFIX] = current[field]
        data[field] = value
    return data, rotated
