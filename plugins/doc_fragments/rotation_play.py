# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The options of the rotation_* filters that read what the play's hosts (one a cluster) set
    # (rotation/fleet.py, rotation/stats.py).
    DOCUMENTATION = r"""
options:
  _input:
    description: Ansible's C(hostvars) (a mapping of host -> its variables).
    type: dict
    required: true
  hosts:
    description: The play's hosts (C(ansible_play_hosts_all)).
    type: list
    elements: str
    required: true
"""

    THIS_HOST = r"""
options:
  this_host:
    description: This host (C(inventory_hostname)).
    type: str
    required: true
"""

    # The options of the filters that decide on failed rollouts (rotation/outcomes.py).
    ROLLOUTS = r"""
options:
  _input:
    description: This cluster's failed rollouts.
    type: list
    elements: str
    required: true
  fleet_failed_rollouts:
    description: The other clusters' failed rollouts (P(secretops.provisioning.rotation_fleet_failures#filter)).
    type: list
    elements: str
    required: true
"""
