# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rotation_restore_targets filter: the secrets a roll-back restores, with their versions (rotation/fleet.py; the rotate_secrets role)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: rotation_restore_targets
short_description: The secrets a roll-back restores, each with the version to restore
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
- 'Each changed secret with C(to_version).'
- 'A fleet (O(scope=fleet)) restores each Vault path to the newest version any of its clusters had before the
  run; otherwise each secret goes back to its own C(old_version).'
options:
  changed:
    description: 'This host''s changed secrets (P(secretops.provisioning.rotation_changed#filter)).'
    type: list
    elements: dict
    required: true
  scope:
    description: 'C(fleet) or C(cluster) (C(rotate_secrets_rollback_scope)).'
    type: str
    required: true
extends_documentation_fragment:
  - secretops.provisioning.rotation_play
  - secretops.provisioning.rotation_play.THIS_HOST
"""

EXAMPLES = r"""
loop: "{{ hostvars | secretops.provisioning.rotation_restore_targets(ansible_play_hosts_all, inventory_hostname, rotate_secrets_changed, 'fleet') }}"
"""

RETURN = r"""
_value:
  description: The secrets to restore.
  type: list
"""

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import fleet
from ansible_collections.secretops.provisioning.plugins.plugin_utils.filters import filters


def rotation_restore_targets(hostvars, hosts, this_host, changed, scope):
    """The secrets a roll-back restores, each with the version to restore."""
    return fleet.restore_targets(changed, hostvars, hosts, this_host, scope)


class FilterModule(object):
    def filters(self):
        return filters(rotation_restore_targets)
