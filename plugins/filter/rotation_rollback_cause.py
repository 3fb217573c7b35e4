# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rotation_rollback_cause filter: the failed rollouts a run rolls back for (rotation/outcomes.py; the rotate_secrets role)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: rotation_rollback_cause
short_description: The failed rollouts a run rolls back for
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
- 'This cluster''s failed rollouts, or, in a fleet, another cluster''s when this cluster received a new value;
  empty when nothing rolls back.'
options:
  changed:
    description: 'The secrets that changed in this run (P(secretops.provisioning.rotation_changed#filter)).'
    type: list
    elements: dict
    required: true
extends_documentation_fragment:
  - secretops.provisioning.rotation_play.ROLLOUTS
"""

EXAMPLES = r"""
cause: "{{ rotate_secrets_failed_rollouts | secretops.provisioning.rotation_rollback_cause(rotate_secrets_fleet_failed_rollouts, rotate_secrets_changed) }}"
"""

RETURN = r"""
_value:
  description: The failed rollouts (all of them), or empty.
  type: list
"""

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import outcomes
from ansible_collections.secretops.provisioning.plugins.plugin_utils.filters import filters


def rotation_rollback_cause(failed_rollouts, fleet_failed_rollouts, changed):
    """The failed rollouts a run rolls back for."""
    return outcomes.rollback_cause(failed_rollouts, fleet_failed_rollouts, changed)


class FilterModule(object):
    def filters(self):
        return filters(rotation_rollback_cause)
