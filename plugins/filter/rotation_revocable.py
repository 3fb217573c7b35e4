# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rotation_revocable filter: the dynamic secrets whose replaced ones may be revoked (rotation/outcomes.py; the rotate_secrets role)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: rotation_revocable
short_description: The dynamic secrets whose replaced certificate or lease may be revoked
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
- 'The revocation gate, run once every rollout was healthy: the targets of O(source) whose renewal did not fail;
  never a database static role (Vault rotates its password in place).'
options:
  _input:
    description: 'The registered renewal results.'
    type: list
    elements: dict
    required: true
  source:
    description: 'C(pki) or C(database).'
    type: str
    required: true
"""

EXAMPLES = r"""
loop: "{{ rotate_secrets_dynamic_results | secretops.provisioning.rotation_revocable('pki') }}"
"""

RETURN = r"""
_value:
  description: The targets.
  type: list
"""

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import outcomes
from ansible_collections.secretops.provisioning.plugins.plugin_utils.filters import filters


def rotation_revocable(dynamic_results, source):
    """The dynamic secrets whose replaced certificate or lease may be revoked."""
    return outcomes.revocable(dynamic_results, source)


class FilterModule(object):
    def filters(self):
        return filters(rotation_revocable)
