# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The application_policy filter: an application -> the HCL of its least-privilege Vault policy (vault/app_policy.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: application_policy
short_description: The least-privilege Vault policy of an application
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
- Renders the policy the vault_k8s_auth and app_secrets roles write for an application - C(read) on the C(data/) and C(metadata/)
  paths of each KV secret, and, with C(dynamic_access=direct) only, what its pods need to get their certificates and database
  credentials from Vault themselves.
- Every input that goes into a path (O(kv_mount), C(vault_path), the C(pki) and C(database) mounts and roles) must be a path
  of plain segments - letters, digits and C(_), C(.), C(-), C(@), C(=), C(~), C(:) and C(,), no C(..), C(.) or empty segment
  - or the filter fails naming it (C(secrets[2] (db).vault_path)).
- The text is rendered with HCL escaping and parsed back; unless it holds exactly the expected path blocks, the filter fails
  and nothing is written.
options:
  _input:
    description:
    - The application, with C(name), C(secrets) (items with C(vault_path), C(pki) or C(database), as in the app_secrets role)
      and C(dynamic_access).
    - C(dynamic_access=delivered) (the default) - the collection delivers certificates and database credentials into the pods'
      Secrets, so the policy grants nothing on the PKI and database engines.
    - C(dynamic_access=direct) - the pods get them from Vault - C(<mount>/issue/<role>) (create, update), C(<mount>/cert/ca_chain)
      (read) with C(include_ca), C(<mount>/creds/<role>) or C(<mount>/static-creds/<role>) (read), and C(sys/leases/lookup)
      and C(sys/leases/renew) restricted to the leases of those roles. Never a revocation.
    type: dict
    required: true
  kv_mount:
    description: The KV v2 mount of the C(vault_path)s.
    type: str
    default: secret
seealso:
- module: secretops.provisioning.vault_policy
"""

EXAMPLES = r"""
policy_text: "{{ application | secretops.provisioning.application_policy(kv_mount='secret') }}"
"""

RETURN = r"""
_value:
  description: The policy text (HCL).
  type: str
"""

from ansible_collections.secretops.provisioning.plugins.module_utils.vault import app_policy
from ansible_collections.secretops.provisioning.plugins.plugin_utils.filters import filters


def application_policy(application, kv_mount="secret"):
    """An application ({name, secrets, dynamic_access}) -> the HCL of its least-privilege policy."""
    return app_policy.render(application, kv_mount)


class FilterModule(object):
    def filters(self):
        return filters(application_policy)
