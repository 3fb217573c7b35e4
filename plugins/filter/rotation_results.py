# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rotation_results filter: one rotation result per selected secret (rotation/outcomes.py; the rotate_secrets role)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: rotation_results
short_description: One rotation result per selected secret
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
- 'The secret_rotation module''s answers, one per selected target and tagged with it
  (C(rotate_secrets_target)).'
- 'A task that failed as a whole (no per-secret answers) fails every secret with its message.'
options:
  _input:
    description: 'The registered secret_rotation task.'
    type: dict
    required: true
  selected:
    description: 'The selected KV targets.'
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
results: "{{ rotate_secrets_rotation | secretops.provisioning.rotation_results(rotate_secrets_selected) }}"
"""

RETURN = r"""
_value:
  description: The results.
  type: list
"""

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import outcomes
from ansible_collections.secretops.provisioning.plugins.plugin_utils.filters import filters


def rotation_results(rotation, selected):
    """One rotation result per selected secret."""
    return outcomes.results(rotation, selected)


class FilterModule(object):
    def filters(self):
        return filters(rotation_results)
