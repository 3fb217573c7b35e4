#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vault_database_role
short_description: Manage a dynamic role of a Vault or OpenBao database secrets engine
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
  - Creates, updates or deletes the dynamic role at C(<mount_point>/roles/<name>), writing only the settings that
    differ. Each credentials request on the role makes a new database user with a lease (see
    M(secretops.provisioning.vault_database_credentials)).
  - Statements compare as Vault stores them, an ordered list; durations compare by value. Omitted settings are not managed.
seealso:
  - module: secretops.provisioning.vault_database_connection
  - module: secretops.provisioning.vault_database_credentials
options:
  mount_point:
    description: Path of the database secrets engine.
    type: str
    default: database
  name:
    description: Name of the role.
    type: str
    required: true
  state:
    description: V(present) creates or updates the role; V(absent) deletes it (leases already issued stay valid until they end).
    type: str
    choices: [present, absent]
    default: present
  db_name:
    description: The connection (M(secretops.provisioning.vault_database_connection)) the role uses; it must allow the role. Required to create it.
    type: str
  creation_statements:
    description:
      - SQL that creates the user, with Vault's templates C({{name}}), C({{password}}) and C({{expiration}}).
        A string is one entry (it may hold several statements); a list holds several. Required to create the role.
    type: raw
  revocation_statements:
    description: SQL that removes the user when its lease ends or is revoked (a string or a list). The plugin's default when omitted.
    type: raw
  rollback_statements:
    description: SQL run when creating the user failed part way (a string or a list).
    type: raw
  renew_statements:
    description: SQL run when a lease is renewed (a string or a list), for example to move C(VALID UNTIL).
    type: raw
  default_ttl:
    description: Lease TTL of new credentials, in seconds or as a duration such as V(1h); compared by value.
    type: raw
  max_ttl:
    description: Longest a lease can be renewed to, in seconds or as a duration; compared by value.
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
- name: Short-lived PostgreSQL users for the shop application
  secretops.provisioning.vault_database_role:
    name: shop-app
    db_name: shop
    # raw: {{name}}, {{password}} and {{expiration}} are Vault's templates, not Jinja's
    creation_statements: >-
      {% raw %}CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';
      GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{{name}}";{% endraw %}
    default_ttl: 1h
    max_ttl: 24h
"""

RETURN = r"""
name:
  description: The role name.
  returned: always
  type: str
  sample: shop-app
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
  sample: [default_ttl]
"""

from ansible_collections.secretops.provisioning.plugins.module_utils.vault import database_role_module, database_roles


def main():
    database_role_module.main(database_roles.DYNAMIC)


if __name__ == "__main__":
    main()
