# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rotation_groups filter: the secrets of the results that went well, per namespace (rotation/outcomes.py; the rotate_secrets role)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: rotation_groups
short_description: The secrets of the results that went well, per namespace
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
- 'C([{namespace, secrets}]) over the results that did not fail (nor were skipped, with O(skipped=false)), each
  secret read from the result''s O(loop_var).'
- 'Without O(add_to) the namespaces are sorted; with it, the secrets are added to its groups (new namespaces
  after).'
options:
  _input:
    description: 'A registered task''s item results.'
    type: list
    elements: dict
    required: true
  loop_var:
    description: 'The loop variable holding each result''s target.'
    type: str
    required: true
  add_to:
    description: 'Groups to add to.'
    type: list
    elements: dict
  skipped:
    description: 'Whether skipped results count (a secret not due still has consumers to check).'
    type: bool
    default: true
"""

EXAMPLES = r"""
rotate_secrets_checked: "{{ rotate_secrets_rotations.results | secretops.provisioning.rotation_groups('rotate_secrets_target') }}"
"""

RETURN = r"""
_value:
  description: The groups.
  type: list
"""

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import outcomes
from ansible_collections.secretops.provisioning.plugins.plugin_utils.filters import filters


def rotation_groups(task_results, loop_var, add_to=None, skipped=True):
    """The secrets of the results that went well, per namespace."""
    return outcomes.groups(task_results, loop_var, add_to, skipped)


class FilterModule(object):
    def filters(self):
        return filters(rotation_groups)
