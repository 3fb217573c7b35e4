#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vault_database_static_role
short_description: Manage a static role of a Vault or OpenBao database secrets engine
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
  - Creates, updates or deletes the static role at C(<mount_point>/static-roles/<name>), writing only the settings
    that differ. A static role is an existing database user whose password Vault rotates every O(rotation_period);
    creating the role rotates it at once.
  - Vault cannot move a static role to another user; a different O(username) is refused with what to do.
seealso:
  - module: secretops.provisioning.vault_database_connection
  - module: secretops.provisioning.vault_database_credentials
options:
  mount_point:
    description: Path of the database secrets engine.
    type: str
    default: database
  name:
    description: Name of the static role.
    type: str
    required: true
  state:
    description: V(present) creates or updates the role; V(absent) deletes it (the database user keeps its last password).
    type: str
    choices: [present, absent]
    default: present
  db_name:
    description: The connection the role uses; it must allow the role. Required to create it.
    type: str
  username:
    description: The existing database user. Required to create the role; cannot change afterwards.
    type: str
  rotation_period:
    description: How often Vault rotates the password, in seconds or as a duration such as V(24h); compared by value. Required to create it.
    type: raw
  rotation_statements:
    description: SQL that sets the password, with C({{name}}) and C({{password}}) (a string or a list). The plugin's default when omitted.
    type: raw
extends_documentation_fragment:
  - secretops.provisioning.vault_connection
  - secretops.provisioning.vault_connection.auth
  - secretops.provisioning.attributes
  - secretops.provisioning.attributes.action_group_vault
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
"""

EXAMPLES = r"""
- name: Vault rotates the reporting user's password daily
  secretops.provisioning.vault_database_static_role:
    name: reporting
    db_name: shop
    username: reporting
    rotation_period: 24h
"""

RETURN = r"""
name:
  description: The role name.
  returned: always
  type: str
  sample: reporting
mount_point:
  description: The mount path, without slashes.
  returned: always
  type: str
  sample: database
changed_settings:
  description: Settings that differed.
  returned: always
  type: list
  elements: str
  sample: [rotation_period]
"""

from ansible_collections.secretops.provisioning.plugins.module_utils.vault import database_role_module, database_roles


def main():
    database_role_module.main(database_roles.STATIC)


if __name__ == "__main__":
    main()
