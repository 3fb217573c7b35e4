# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rotation_fleet_stats filter: the play's outcome for AWX workflows (rotation/stats.py; the rotate_secrets role)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: rotation_fleet_stats
short_description: The rotation outcome of the play's hosts for AWX workflows (set_stats)
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
- 'C(dry_run) (any host''s), the worst C(outcome) (a host without one counts as failed) and the secret C(totals)
  summed over the hosts'' C(rotate_secrets_stats).'
options:
  check_mode:
    description: 'Whether the run is in check mode.'
    type: bool
    required: true
extends_documentation_fragment:
  - secretops.provisioning.rotation_play
"""

EXAMPLES = r"""
fleet: "{{ hostvars | secretops.provisioning.rotation_fleet_stats(ansible_play_hosts_all, ansible_check_mode) }}"
"""

RETURN = r"""
_value:
  description: C({dry_run, outcome, totals}).
  type: dict
"""

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import stats
from ansible_collections.secretops.provisioning.plugins.plugin_utils.filters import filters


def rotation_fleet_stats(hostvars, hosts, check_mode):
    """The rotation outcome of the play's hosts for AWX workflows (set_stats)."""
    return stats.fleet_stats(hostvars, hosts, check_mode)


class FilterModule(object):
    def filters(self):
        return filters(rotation_fleet_stats)
