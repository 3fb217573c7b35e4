# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rotation_fleet_reports filter: each cluster's report (rotation/fleet.py; the rotate_secrets role)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: rotation_fleet_reports
short_description: Each cluster's rotation report
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
- 'C({cluster: registered report task}) over the play''s hosts.'
extends_documentation_fragment:
  - secretops.provisioning.rotation_play
"""

EXAMPLES = r"""
reports: "{{ hostvars | secretops.provisioning.rotation_fleet_reports(ansible_play_hosts_all) }}"
"""

RETURN = r"""
_value:
  description: The reports.
  type: dict
"""

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import fleet
from ansible_collections.secretops.provisioning.plugins.plugin_utils.filters import filters


def rotation_fleet_reports(hostvars, hosts):
    """Each cluster's rotation report."""
    return fleet.reports(hostvars, hosts)


class FilterModule(object):
    def filters(self):
        return filters(rotation_fleet_reports)
