# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The application_policy_name filter: an application (and cluster) -> its Vault policy name (vault/app_policy.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: application_policy_name
short_description: The name of an application's Vault policy
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
- The application's name on a single cluster, and C(<application>@<cluster>) when one Vault serves several clusters (a fleet).
  Neither name may contain C(@), so two pairs never share a policy (C(web@prod-eu-1) is not C(web-prod@eu-1)).
- The application name must be a Vault role name (letters, digits, C(_), and C(-) or C(.) inside), the cluster name letters,
  digits, C(_), C(-) and C(.); otherwise the filter fails naming it.
options:
  _input:
    description: The application name.
    type: str
    required: true
  cluster:
    description: The cluster's name; empty on a single cluster.
    type: str
    default: ''
"""

EXAMPLES = r"""
# web@prod-eu-1
policy_name: "{{ 'web' | secretops.provisioning.application_policy_name('prod-eu-1') }}"
"""

RETURN = r"""
_value:
  description: The policy name.
  type: str
"""

from ansible_collections.secretops.provisioning.plugins.module_utils.vault import app_policy
from ansible_collections.secretops.provisioning.plugins.plugin_utils.filters import filters


def application_policy_name(name, cluster=""):
    """An application name (and the cluster, in a fleet) -> its policy name."""
    return app_policy.policy_name(name, cluster)


class FilterModule(object):
    def filters(self):
        return filters(application_policy_name)
