# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compare what the user asked for with what Vault has, field by field, by meaning.

Only fields the user set (not ``None``) are managed. Each field has a kind: ``duration`` compares
seconds (``1h`` equals ``3600``), ``set`` ignores order and duplicates, ``str`` compares text,
``plain`` compares as is. Pure: no I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.vault.durations import to_seconds


# What an absent field means when Vault leaves it out of a read.
_ABSENT = {"set": [], "duration": 0}


def normalized(value, kind, name="value"):
    if value is None:
        return _ABSENT.get(kind)
    if kind == "duration":
        return to_seconds(value, name)
    if kind == "set":
        items = value if isinstance(value, list) else [item for item in str(value).split(",") if item != ""]
        return sorted(set(str(item).strip() for item in items))
    if kind == "str":
        return str(value)
    if kind == "int":
        return int(value)
    return value


def managed(desired, kinds):
    """The user's settings (``None`` dropped), each normalized by its kind."""
    return dict((name, normalized(value, kinds.get(name, "plain"), name)) for name, value in desired.items() if value is not None)


def differences(current, desired, kinds):
    """Names in ``desired`` (not ``None``) whose normalized value differs from ``current``'s.

    ``current`` is what Vault returned (``None`` when the object does not exist: then every
    managed field differs).
    """
    wanted = managed(desired, kinds)
    if current is None:
        return sorted(wanted)
    return sorted(
        name for name, value in wanted.items()
        if normalized(current.get(name), kinds.get(name, "plain"), name) != value
    )


def before_after(current, desired, kinds, names=None):
    """A diff of the managed fields: their current and desired normalized values."""
    wanted = managed(desired, kinds)
    names = sorted(wanted) if names is None else names
    before = None if current is None else dict(
        (name, normalized(current.get(name), kinds.get(name, "plain"), name)) for name in names
    )
    after = dict((name, wanted.get(name)) for name in names)
    return {"before": before, "after": after}


def sent(value, kind, name="value"):
    """A setting as it is written to Vault: a duration as ``<seconds>s``, anything else as given."""
    return "%ds" % normalized(value, "duration", name) if kind == "duration" else value


# The module option each kind of setting is; a ``plain`` setting's type differs per API.
_OPTION_TYPES = {"set": {"type": "list", "elements": "str"}, "duration": {"type": "raw"}, "int": {"type": "int"}, "str": {"type": "str"}}


def option_specs(kinds, plain="bool"):
    """Settings of these ``kinds`` as module options (``None`` default: not managed); ``plain`` settings are of type ``plain``."""
    return dict((name, dict(_OPTION_TYPES.get(kind) or {"type": plain})) for name, kind in kinds.items())
