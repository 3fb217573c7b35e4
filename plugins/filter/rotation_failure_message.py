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

from ansible.errors import AnsibleFilterError

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import outcomes


def rotation_failure_message(report_result):
    """The message a rotation run fails with."""
    try:
        return outcomes.failure_message(report_result)
    except SecretOpsError as error:
        raise AnsibleFilterError("rotation_failure_message: %s" % error)


class FilterModule(object):
    def filters(self):
        return {"rotation_failure_message": rotation_failure_message}
