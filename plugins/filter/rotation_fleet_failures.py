# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rotation_fleet_failures filter: the rollouts that failed in the other clusters (rotation/fleet.py; the rotate_secrets role)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: rotation_fleet_failures
short_description: The rollouts that failed in the other clusters of the play
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
- 'Each C(<cluster>: <rollout>), the cluster a host''s C(rotate_secrets_cluster) or else its name.'
extends_documentation_fragment:
  - secretops.provisioning.rotation_play
  - secretops.provisioning.rotation_play.THIS_HOST
"""

EXAMPLES = r"""
rotate_secrets_fleet_failed_rollouts: "{{ hostvars | secretops.provisioning.rotation_fleet_failures(ansible_play_hosts_all, inventory_hostname) }}"
"""

RETURN = r"""
_value:
  description: The failed rollouts.
  type: list
"""

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import fleet
from ansible_collections.secretops.provisioning.plugins.plugin_utils.filters import filters


def rotation_fleet_failures(hostvars, hosts, this_host):
    """The rollouts that failed in the other clusters of the play."""
    return fleet.failed_rollouts(hostvars, hosts, this_host)


class FilterModule(object):
    def filters(self):
        return filters(rotation_fleet_failures)
