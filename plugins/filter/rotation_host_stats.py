# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rotation_host_stats filter: one host's outcome for AWX workflows (rotation/stats.py; the rotate_secrets role)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: rotation_host_stats
short_description: One host's rotation outcome for AWX workflows (set_stats)
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
- 'Counts, outcome, run id and report paths, from the value-free report only (docs/awx.md).'
options:
  _input:
    description: 'The registered secret_rotation_report task.'
    type: dict
    required: true
  check_mode:
    description: 'Whether the run is in check mode.'
    type: bool
    required: true
  run_id:
    description: 'This host''s run id.'
    type: str
    required: true
"""

EXAMPLES = r"""
rotate_secrets_stats: "{{ rotate_secrets_report | secretops.provisioning.rotation_host_stats(ansible_check_mode, rotate_secrets_report_id) }}"
"""

RETURN = r"""
_value:
  description: The host's stats.
  type: dict
"""

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import stats
from ansible_collections.secretops.provisioning.plugins.plugin_utils.filters import filters


def rotation_host_stats(report_result, check_mode, run_id):
    """One host's rotation outcome for AWX workflows (set_stats)."""
    return stats.host_stats(report_result, check_mode, run_id)


class FilterModule(object):
    def filters(self):
        return filters(rotation_host_stats)
