#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vault_database_connection
short_description: Manage a connection of a Vault or OpenBao database secrets engine
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
  - Creates, updates or deletes the connection at C(<mount_point>/config/<name>), writing only when a
    setting differs. Lists of roles compare as sets, durations by value. Omitted settings are not managed.
  - Vault never returns the password, so it is not compared. It is sent when the connection is
    created, and on every run with O(password_update=always) (how a changed password is applied);
    the result says whether it was sent (RV(password_sent)).
  - O(rotate_root) makes Vault replace the password of O(username) with one only Vault knows.
seealso:
  - module: secretops.provisioning.vault_database_role
  - module: secretops.provisioning.vault_database_static_role
  - module: secretops.provisioning.vault_database_credentials
options:
  mount_point:
    description: Path of the database secrets engine.
    type: str
    default: database
  name:
    description: Name of the connection (the C(db_name) roles refer to).
    type: str
    required: true
  state:
    description: V(present) creates or updates the connection; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  plugin_name:
    description: The database plugin, for example V(postgresql-database-plugin). Required to create the connection.
    type: str
  connection_url:
    description:
      - Connection string with the V({{username}}) and V({{password}}) templates, for example
        V(postgresql://{{username}}:{{password}}@db.example.com:5432/postgres). Required to create the connection.
      - Every password position must hold exactly V({{password}}), in each form the plugins take, which are the userinfo of a URL
        (V(user:{{password}}@host)), a MySQL DSN (V({{username}}:{{password}}@tcp(host:3306\)/)), Oracle
        (V({{username}}/{{password}}@host:1521/ORCL)), and every password parameter of a keyword, ODBC or query string
        (V(password=), V(pwd=), V(passwd=), V(sslpassword=); any case). Anything else there is refused, naming the position,
        never its content, since Vault returns the URL on every read. The text before the last C(@) counts as credentials,
        so percent-encode an C(@) after the host (C(%40)).
    type: str
  username:
    description: The database user Vault connects as (and manages with O(rotate_root)).
    type: str
  password:
    description:
      - Password of O(username). Required to create the connection. Never compared (Vault does not return it).
    type: str
  password_update:
    description:
      - V(on_create) sends O(password) only when the connection is created.
      - V(always) sends it on every run, which is how a changed password reaches Vault; the task then reports a change on every run.
        It cannot be combined with O(rotate_root), after which the given password is stale.
    type: str
    choices: [on_create, always]
    default: on_create
  allowed_roles:
    description: Roles (dynamic and static) allowed to use this connection; V(*) allows any. Compared as a set.
    type: list
    elements: str
  verify_connection:
    description: Whether Vault connects to the database before it saves a write. Sent with every write; a failed check writes nothing.
    type: bool
    default: true
  root_rotation_statements:
    description: SQL statements that rotate the root password (a string is one entry). The plugin's default when omitted.
    type: raw
  password_policy:
    description: Name of a Vault password policy for the passwords Vault generates.
    type: str
  max_open_connections:
    description: Maximum open connections from Vault to the database.
    type: int
  max_idle_connections:
    description: Maximum idle connections from Vault to the database.
    type: int
  max_connection_lifetime:
    description: Maximum lifetime of a connection, in seconds or as a duration such as V(5m); compared by value.
    type: raw
  rotate_root:
    description:
      - V(on_create) rotates the root credential right after the task created the connection, so only Vault knows it.
      - V(always) rotates it on every run (a scheduled rotation; reports a change each time). Use it once to finish a
        rotation when a run died between the creation and the rotation.
      - V(never) leaves it as it is.
    type: str
    choices: [never, on_create, always]
    default: never
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
    details:
      - The password never appears; the diff says whether it would be sent.
      - A literal password Vault already holds in its C(connection_url) (written by hand or an older release) is masked as C(********).
"""

EXAMPLES = r"""
- name: PostgreSQL connection whose root password only Vault knows afterwards
  secretops.provisioning.vault_database_connection:
    name: shop
    plugin_name: postgresql-database-plugin
    # raw: the {{username}} and {{password}} templates are Vault's, not Jinja's
    connection_url: "{% raw %}postgresql://{{username}}:{{password}}@db.shop.svc:5432/postgres{% endraw %}"
    username: vault_admin
    password: "{{ vault_admin_initial_password }}"
    allowed_roles: [shop-app, shop-migrations]
    rotate_root: on_create

- name: Apply a changed password (without root rotation)
  secretops.provisioning.vault_database_connection:
    name: reporting
    password: "{{ reporting_db_password }}"
    password_update: always
"""

RETURN = r"""
name:
  description: The connection name.
  returned: always
  type: str
  sample: shop
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
  sample: [allowed_roles]
password_sent:
  description: Whether the password was (or in check mode would be) sent to Vault.
  returned: always
  type: bool
  sample: true
root_rotated:
  description: Whether the root credential was (or would be) rotated.
  returned: always
  type: bool
  sample: false
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import database_connection
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import vault_session
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.options import vault_argument_spec, vault_params


def apply(module):
    params = module.params
    settings = dict((name, params[name]) for name in database_connection.CONNECTION_KINDS)
    with vault_session(vault_params(params)) as client:
        return database_connection.ensure_connection(
            client, params["mount_point"], params["name"], settings, password=params["password"],
            password_update=params["password_update"], verify_connection=params["verify_connection"],
            rotate_root=params["rotate_root"], state=params["state"], check_mode=module.check_mode,
        )


def main():
    module = AnsibleModule(argument_spec=vault_argument_spec(**database_connection.argument_spec()), supports_check_mode=True)
    run(module, lambda: apply(module))


if __name__ == "__main__":
    main()
