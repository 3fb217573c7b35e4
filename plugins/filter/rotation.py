# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the rotate_secrets role: the given new values of one selected Secret."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.new_values import new_values_for as select_new_values


def new_values_for(new_values, namespace, name, selected):
    """``rotate_secrets_new_values`` -> the ``{field: value}`` of Secret ``namespace``/``name``."""
    try:
        return select_new_values(new_values, namespace, name, selected)
    except SecretOpsError as error:
        raise AnsibleFilterError("new_values_for: %s" % error)


class FilterModule(object):
    def filters(self):
        return {"new_values_for": new_values_for}
