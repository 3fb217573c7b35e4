# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The b64decode_data filter: decode every value of a Kubernetes Secret's data."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: b64decode_data
short_description: Decode every value of a Kubernetes Secret's data
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
  - Turns a Secret's C(data) field (key -> base64) into key -> text.
  - A value that is not UTF-8 text fails, naming its key (never the value).
options:
  _input:
    description: The C(data) mapping of a Secret, for example from M(kubernetes.core.k8s_info).
    type: dict
    required: true
seealso:
  - module: secretops.provisioning.k8s_secret_info
"""

EXAMPLES = r"""
# {"password": "...", "username": "app"}
db_values: "{{ secret_object.data | secretops.provisioning.b64decode_data }}"
"""

RETURN = r"""
_value:
  description: Key -> decoded text.
  type: dict
"""

from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.decode import decode_data
from ansible_collections.secretops.provisioning.plugins.plugin_utils.filters import filters


def b64decode_data(data):
    """A Secret's data (key -> base64) -> key -> decoded text."""
    return decode_data(data)


class FilterModule(object):
    def filters(self):
        return filters(b64decode_data)
