# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: vault_kv
short_description: Read a field or the whole map of a Vault or OpenBao KV v1/v2 secret
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
  - Returns, for each term (a secret path), the secret's key/value map, or one field of it with O(field).
  - The KV version is detected from the mount; O(version) reads an older KV v2 version.
  - One lookup call logs in once, however many terms it reads; a token that login made is revoked when the
    call returns (see O(revoke_token)), and the next call logs in again.
  - Options are read from direct arguments, environment variables, C(ansible.cfg) section
    C([secretops_vault]) and variables, with the same names as the Vault modules.
options:
  _terms:
    description: Secret paths, full (V(secret/app/db)) or inside O(mount_point). Do not include C(data/).
    type: list
    elements: str
    required: true
  mount_point:
    description:
      - Path of the KV mount, when the terms are relative to it.
      - The alias O(engine_mount_point) is community.hashi_vault's name for it (there, C(mount_point) is the auth mount).
    type: str
    aliases: [engine_mount_point]
  field:
    description: Return only this key's value instead of the whole map. A missing key is an error.
    type: str
  version:
    description: KV v2 version to read; the latest when omitted.
    type: int
extends_documentation_fragment:
  - secretops.provisioning.vault_connection
  - secretops.provisioning.vault_connection.auth
  - secretops.provisioning.vault_connection.plugins
"""

EXAMPLES = r"""
- name: The whole map
  ansible.builtin.debug:
    msg: "{{ lookup('secretops.provisioning.vault_kv', 'secret/app/db') }}"
  no_log: true

- name: One field, logging in from a pod with its service account
  ansible.builtin.set_fact:
    db_password: "{{ lookup('secretops.provisioning.vault_kv', 'secret/app/db', field='password',
                     auth_method='kubernetes', auth_role='ansible') }}"
  no_log: true
"""

RETURN = r"""
_raw:
  description: One entry per term, the secret's map, or the value of O(field).
  type: list
  elements: raw
"""

from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import vault_session
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.kv import read_secret, resolve
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.options import vault_params
from ansible_collections.secretops.provisioning.plugins.plugin_utils.lookup_options import option_getter


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        try:
            with vault_session(vault_params(option_getter(self))) as client:  # one login for all terms
                return [self._read(client, term) for term in terms]
        except SecretOpsError as exc:
            # The message is value-free; the chain is dropped so nothing below it is shown.
            raise AnsibleError("vault_kv lookup: %s" % exc) from None

    def _read(self, client, term):
        where = resolve(client, term, self.get_option("mount_point"))
        version = self.get_option("version")
        if version and where.version == 1:
            raise SecretOpsError("version needs a KV v2 mount; %s is KV v1" % where.mount)
        secret = read_secret(client, where, version)
        if not secret or secret["data"] is None:
            raise SecretOpsError("no secret at %s%s (absent, deleted or destroyed)" % (where.full, " version %s" % version if version else ""))
        field = self.get_option("field")
        if field is None:
            return secret["data"]
        if field not in secret["data"]:
            raise SecretOpsError("secret %s has no field %s; its fields are: %s" % (where.full, field, ", ".join(sorted(secret["data"]))))
        return secret["data"][field]
