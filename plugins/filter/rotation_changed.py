# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rotation_changed filter: the secrets that changed in a run (rotation/outcomes.py; the rotate_secrets role)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: rotation_changed
short_description: The secrets whose Secret got a new value in this run
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
- 'The targets of the results that rotated (or finished an interrupted rotation), with C(old_version),
  C(new_version) and C(vault_path): what a roll-back restores.'
options:
  _input:
    description: 'The results (P(secretops.provisioning.rotation_results#filter)).'
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
rotate_secrets_changed: "{{ rotate_secrets_rotations.results | secretops.provisioning.rotation_changed }}"
"""

RETURN = r"""
_value:
  description: The changed targets.
  type: list
"""

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import outcomes
from ansible_collections.secretops.provisioning.plugins.plugin_utils.filters import filters


def rotation_changed(rotation_results):
    """The secrets whose Secret got a new value in this run."""
    return outcomes.changed(rotation_results)


class FilterModule(object):
    def filters(self):
        return filters(rotation_changed)
