# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rotation_targets filter: value-free references to the selected secrets of one kind (rotation/selection.py; the rotate_secrets role)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: rotation_targets
short_description: Value-free references to the selected secrets of one kind
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
- 'One C({index, namespace, secret}) per pair of O(kind), C(index) its place in the pairs.'
- 'A dynamic one adds C(source) (pki or database), C(forced) (named in O(select), or O(force_dynamic)),
  C(static) (a database static role) and, for a database secret, the C(renew_before) to ask for (a century
  when forced, so new credentials are issued).'
options:
  _input:
    description: 'The pairs (the P(secretops.provisioning.rotation_pairs#filter) filter''s output).'
    type: list
    required: true
  kind:
    description: 'C(kv) (secrets kept in Vault''s KV), C(dynamic) (pki and database), C(pki) or C(database).'
    type: str
    default: kv
  select:
    description: 'Secret names or C(<namespace>/<name>) that force a dynamic secret''s renewal.'
    type: list
    elements: str
    default: []
  force_dynamic:
    description: 'Force the renewal of every dynamic secret.'
    type: bool
    default: false
"""

EXAMPLES = r"""
rotate_secrets_selected: "{{ rotate_secrets_pairs | secretops.provisioning.rotation_targets }}"
"""

RETURN = r"""
_value:
  description: The references.
  type: list
"""

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import selection
from ansible_collections.secretops.provisioning.plugins.plugin_utils.filters import filters


def rotation_targets(pairs, kind="kv", select=(), force_dynamic=False):
    """Value-free references to the selected secrets of one kind."""
    return selection.targets(pairs, kind, select, force_dynamic)


class FilterModule(object):
    def filters(self):
        return filters(rotation_targets)
