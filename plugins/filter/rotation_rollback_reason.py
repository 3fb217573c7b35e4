# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rotation_rollback_reason filter: why a run rolls back (rotation/outcomes.py; the rotate_secrets role)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: rotation_rollback_reason
short_description: Why the secrets of a run are rolled back
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
- 'The failed rollouts (of this cluster, else of the fleet), else the task that failed and its messages.'
options:
  failed_task:
    description: 'The name of the task that failed.'
    type: str
    required: true
  failed_result:
    description: 'Its result.'
    type: dict
    required: true
extends_documentation_fragment:
  - secretops.provisioning.rotation_play.ROLLOUTS
"""

EXAMPLES = r"""
reason: "{{ rotate_secrets_failed_rollouts | secretops.provisioning.rotation_rollback_reason([], ansible_failed_task.name, ansible_failed_result) }}"
"""

RETURN = r"""
_value:
  description: The reason.
  type: str
"""

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import outcomes
from ansible_collections.secretops.provisioning.plugins.plugin_utils.filters import filters


def rotation_rollback_reason(failed_rollouts, fleet_failed_rollouts, failed_task, failed_result):
    """Why the secrets of a run are rolled back."""
    return outcomes.rollback_reason(failed_rollouts, fleet_failed_rollouts, failed_task, failed_result)


class FilterModule(object):
    def filters(self):
        return filters(rotation_rollback_reason)
