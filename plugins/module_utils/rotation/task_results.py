# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading registered task results, as the rotation reports do: loop results, their loop items,
and the Secret a module result is about."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def results(value):
    """Loop results (``register`` of a loop), a list, or a single result -> a list of result dicts."""
    if not value:
        return []
    if isinstance(value, dict):
        return value.get("results", [value]) if "results" in value else [value]
    return list(value)


def loop_item(result):
    """The loop item of a registered loop result (the role loops over value-free dicts), or ``{}``."""
    item = result.get(result.get("ansible_loop_var") or "item")
    return item if isinstance(item, dict) else {}


def secret_name(result):
    """The name of the Secret a module result is about: ``name`` (``secret`` is a dict that names it)."""
    secret = result.get("secret")
    return result.get("name") or (secret.get("name") if isinstance(secret, dict) else secret)
