# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one body of vault_database_role and vault_database_static_role: they differ only in the
kind of role (database_roles.DYNAMIC or STATIC), which decides their options and Vault path."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import database_roles
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import vault_session
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.options import vault_argument_spec, vault_params


def apply(params, kind, check_mode):
    settings = dict((name, params[name]) for name in database_roles.ROLE_KINDS[kind])
    with vault_session(vault_params(params)) as client:
        return database_roles.ensure_role(client, params["mount_point"], params["name"], settings, kind=kind,
                                          state=params["state"], check_mode=check_mode)


def main(kind):
    module = AnsibleModule(argument_spec=vault_argument_spec(**database_roles.argument_spec(kind)), supports_check_mode=True)
    run(module, lambda: apply(module.params, kind, module.check_mode))
