# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rotation_requests filter: the secret_rotation module's items for the selected secrets (rotation/selection.py; the rotate_secrets role)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: rotation_requests
short_description: The secret_rotation module's items for the selected KV secrets
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
- 'One item of the P(secretops.provisioning.secret_rotation#module) module''s
  O(secretops.provisioning.secret_rotation#module:secrets) per selected KV secret, with its given new values
  (P(secretops.provisioning.new_values_for#filter)).'
- 'Items hold values: pass them only to no_log options.'
options:
  _input:
    description: 'The pairs.'
    type: list
    required: true
  selected:
    description: 'The selected KV targets (P(secretops.provisioning.rotation_targets#filter)).'
    type: list
    elements: dict
    required: true
  new_values:
    description: 'The given new values, C({<namespace>/<name> or name: {field: value}}).'
    type: dict
    default: {}
"""

EXAMPLES = r"""
secrets: "{{ rotate_secrets_pairs | secretops.provisioning.rotation_requests(rotate_secrets_selected, rotate_secrets_new_values) }}"
"""

RETURN = r"""
_value:
  description: The module's items.
  type: list
"""

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import selection
from ansible_collections.secretops.provisioning.plugins.plugin_utils.filters import filters


def rotation_requests(pairs, selected, new_values=None):
    """The secret_rotation module's items for the selected KV secrets."""
    return selection.requests(pairs, selected, new_values)


class FilterModule(object):
    def filters(self):
        return filters(rotation_requests)
