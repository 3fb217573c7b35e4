# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters for Secret content: registry JSON and decoding a Secret's data."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.decode import decode_data
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.dockerconfig import dockerconfigjson as build_dockerconfigjson


def dockerconfigjson(registries):
    """Registries ({server, username, password, email}, one or a list) -> .dockerconfigjson text."""
    try:
        return build_dockerconfigjson(registries)
    except SecretOpsError as error:
        raise AnsibleFilterError("dockerconfigjson: %s" % error)


def b64decode_data(data):
    """A Secret's data (key -> base64) -> key -> decoded text."""
    try:
        return decode_data(data)
    except SecretOpsError as error:
        raise AnsibleFilterError("b64decode_data: %s" % error)


class FilterModule(object):
    def filters(self):
        return {"dockerconfigjson": dockerconfigjson, "b64decode_data": b64decode_data}
