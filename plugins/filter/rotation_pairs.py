# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rotation_pairs filter: the selected [application, secret] pairs (rotation/selection.py; the rotate_secrets role)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: rotation_pairs
short_description: The [application, secret] pairs the rotate_secrets role rotates
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
- 'Pairs each secret of the applications with its application, reduced to its C(name) and C(namespace).'
- 'Only the secrets named in O(select) (by name or C(<namespace>/<name>)) when it is not empty.'
- 'Pairs hold values: set them with C(no_log).'
options:
  _input:
    description: 'The applications, each with C(name), C(namespace) and C(secrets) (an application without secrets is
      skipped).'
    type: list
    elements: dict
    required: true
  select:
    description: 'Secret names or C(<namespace>/<name>); empty selects every secret.'
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
rotate_secrets_pairs: "{{ rotate_secrets_applications | secretops.provisioning.rotation_pairs(rotate_secrets_select) }}"
"""

RETURN = r"""
_value:
  description: C([{name, namespace}, secret]) pairs.
  type: list
"""

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import selection
from ansible_collections.secretops.provisioning.plugins.plugin_utils.filters import filters


def rotation_pairs(applications, select):
    """The [application, secret] pairs the rotate_secrets role rotates."""
    return selection.select_pairs(applications, select)


class FilterModule(object):
    def filters(self):
        return filters(rotation_pairs)
