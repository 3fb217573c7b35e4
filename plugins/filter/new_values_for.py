# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The new_values_for filter: the given new values of one selected Secret (the rotate_secrets role)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: new_values_for
short_description: The given new values of one Secret, from values keyed by namespace/name or name
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
- 'Picks the C({field: value}) of Secret O(namespace)/O(name) out of values keyed by C(<namespace>/<name>) or by a bare Secret
  name (the shape of the rotate_secrets role''s C(rotate_secrets_new_values)).'
- A bare name is taken only when no other selected Secret of that name is in another namespace; an ambiguous bare name, or
  a Secret given under both keys, fails naming the keys (never a value).
options:
  _input:
    description: 'The given new values, C({<namespace>/<name> or name: {field: value}}).'
    type: dict
    required: true
  namespace:
    description: The Secret's namespace.
    type: str
    required: true
  name:
    description: The Secret's name.
    type: str
    required: true
  selected:
    description: The selected Secrets, each a mapping with C(namespace) and C(secret) (its name), to tell an ambiguous bare
      name.
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
# {"password": "..."} given as {"shop/db": {"password": "..."}} or, when only one selected Secret is named db, {"db": {...}}
new_values: "{{ rotate_secrets_new_values | secretops.provisioning.new_values_for('shop', 'db', rotate_secrets_selected) }}"
"""

RETURN = r"""
_value:
  description: Field -> new value; empty when none was given for the Secret.
  type: dict
"""

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.new_values import new_values_for as select_new_values
from ansible_collections.secretops.provisioning.plugins.plugin_utils.filters import filters


def new_values_for(new_values, namespace, name, selected):
    """``rotate_secrets_new_values`` -> the ``{field: value}`` of Secret ``namespace``/``name``."""
    return select_new_values(new_values, namespace, name, selected)


class FilterModule(object):
    def filters(self):
        return filters(new_values_for)
