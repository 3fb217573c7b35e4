# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rotation_failure_message filter: the message of a failed run (rotation/outcomes.py; the rotate_secrets role)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: rotation_failure_message
short_description: The message a rotation run fails with
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
- 'The report''s outcome and errors (value-free), and where the summary is.'
options:
  _input:
    description: 'The registered secret_rotation_report task.'
    type: dict
    required: true
"""

EXAMPLES = r"""
msg: "{{ rotate_secrets_report | secretops.provisioning.rotation_failure_message }}"
"""

RETURN = r"""
_value:
  description: The message.
  type: str
"""

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import outcomes
from ansible_collections.secretops.provisioning.plugins.plugin_utils.filters import filters


def rotation_failure_message(report_result):
    """The message a rotation run fails with."""
    return outcomes.failure_message(report_result)


class FilterModule(object):
    def filters(self):
        return filters(rotation_failure_message)
