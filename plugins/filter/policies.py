# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters for the roles' application policies: the policy text and its name, made in Python (vault/app_policy.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import app_policy


def application_policy(application, kv_mount="secret"):
    """An application ({name, secrets, dynamic_access}) -> the HCL of its least-privilege policy."""
    try:
        return app_policy.render(application, kv_mount)
    except SecretOpsError as error:
        raise AnsibleFilterError("application_policy: %s" % error)


def application_policy_name(name, cluster=""):
    """An application name (and the cluster, in a fleet) -> its policy name."""
    try:
        return app_policy.policy_name(name, cluster)
    except SecretOpsError as error:
        raise AnsibleFilterError("application_policy_name: %s" % error)


class FilterModule(object):
    def filters(self):
        return {"application_policy": application_policy, "application_policy_name": application_policy_name}
