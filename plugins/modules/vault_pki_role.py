#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vault_pki_role
short_description: Manage roles of a Vault or OpenBao PKI secrets engine
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
  - Creates, updates or deletes roles at C(<mount_point>/roles/<name>), which decide what names, keys and lifetimes the
    certificates issued under them get.
  - Writes only when a managed setting differs. Durations compare by value (V(1h) equals V(3600)), lists as sets.
  - Omitted settings are not managed - Vault replaces a whole role on every write, so an update repeats the settings the
    task leaves out as Vault has them; a new role gets Vault's defaults for them.
  - Give one role with O(name), or many with O(roles); the list form logs in once and returns per-role results in input order.
  - Beside O(roles), every task-level option (O(mount_point), O(state) and each role setting) applies to every item that
    does not set it.
options:
  mount_point:
    description: Path of the PKI secrets engine. The default for every item of O(roles).
    type: str
    default: pki
  name:
    description: Name of the role. Mutually exclusive with O(roles).
    type: str
  state:
    description: V(present) creates or updates the role; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  allowed_domains:
    description: Domains certificates may be issued for (see O(allow_subdomains) and O(allow_bare_domains)). Compared as a set.
    type: list
    elements: str
  allow_subdomains:
    description: Whether names below O(allowed_domains) are allowed.
    type: bool
  allow_bare_domains:
    description: Whether the domains in O(allowed_domains) themselves are allowed.
    type: bool
  allow_glob_domains:
    description: Whether O(allowed_domains) may hold globs such as V(ftp*.example.com).
    type: bool
  allow_wildcard_certificates:
    description: Whether wildcard names (V(*.example.com)) may be issued.
    type: bool
  allow_localhost:
    description: Whether V(localhost) may be issued.
    type: bool
  allow_any_name:
    description: Whether any name may be issued (O(allowed_domains) is then ignored).
    type: bool
  allow_ip_sans:
    description: Whether IP subject alternative names may be requested.
    type: bool
  enforce_hostnames:
    description: Whether names must be valid host names.
    type: bool
  server_flag:
    description: Whether certificates are valid for server authentication.
    type: bool
  client_flag:
    description: Whether certificates are valid for client authentication.
    type: bool
  key_type:
    description: Key type of the certificates; V(any) only for signing CSRs.
    type: str
    choices: [rsa, ec, ed25519, any]
  key_bits:
    description: Key size - for V(rsa) 2048, 3072 or 4096; for V(ec) 224, 256, 384 or 521. V(0) picks the type's default.
    type: int
  ttl:
    description: Default lifetime of the certificates, in seconds or as a duration such as V(72h).
    type: raw
  max_ttl:
    description: Longest lifetime a request may ask for; longer requests are cut to it.
    type: raw
  no_store:
    description:
      - Whether Vault keeps no copy of the certificates. A certificate Vault did not store cannot be listed or revoked by
        serial, so M(secretops.provisioning.vault_pki_certificate) with O(secretops.provisioning.vault_pki_certificate#module:revoke_replaced)
        needs V(false).
    type: bool
  require_cn:
    description: Whether a request must carry a common name.
    type: bool
  organization:
    description: The O (organization) of the subject. Compared as a set.
    type: list
    elements: str
  ou:
    description: The OU (organizational unit) of the subject. Compared as a set.
    type: list
    elements: str
  roles:
    description:
      - Many roles in one task, each with the same options as a single role.
      - An item's option that is not set takes the task-level value. Mutually exclusive with O(name).
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the role.
        type: str
        required: true
      mount_point:
        description: Same as the top-level O(mount_point); defaults to it.
        type: str
      state:
        description: Same as the top-level O(state); defaults to it.
        type: str
        choices: [present, absent]
      allowed_domains:
        description: Same as the top-level O(allowed_domains).
        type: list
        elements: str
      allow_subdomains:
        description: Same as the top-level O(allow_subdomains).
        type: bool
      allow_bare_domains:
        description: Same as the top-level O(allow_bare_domains).
        type: bool
      allow_glob_domains:
        description: Same as the top-level O(allow_glob_domains).
        type: bool
      allow_wildcard_certificates:
        description: Same as the top-level O(allow_wildcard_certificates).
        type: bool
      allow_localhost:
        description: Same as the top-level O(allow_localhost).
        type: bool
      allow_any_name:
        description: Same as the top-level O(allow_any_name).
        type: bool
      allow_ip_sans:
        description: Same as the top-level O(allow_ip_sans).
        type: bool
      enforce_hostnames:
        description: Same as the top-level O(enforce_hostnames).
        type: bool
      server_flag:
        description: Same as the top-level O(server_flag).
        type: bool
      client_flag:
        description: Same as the top-level O(client_flag).
        type: bool
      key_type:
        description: Same as the top-level O(key_type).
        type: str
        choices: [rsa, ec, ed25519, any]
      key_bits:
        description: Same as the top-level O(key_bits).
        type: int
      ttl:
        description: Same as the top-level O(ttl).
        type: raw
      max_ttl:
        description: Same as the top-level O(max_ttl).
        type: raw
      no_store:
        description: Same as the top-level O(no_store).
        type: bool
      require_cn:
        description: Same as the top-level O(require_cn).
        type: bool
      organization:
        description: Same as the top-level O(organization).
        type: list
        elements: str
      ou:
        description: Same as the top-level O(ou).
        type: list
        elements: str
extends_documentation_fragment:
  - secretops.provisioning.vault_connection
  - secretops.provisioning.vault_connection.auth
  - secretops.provisioning.attributes
  - secretops.provisioning.attributes.action_group_vault
  - secretops.provisioning.list_form
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
seealso:
  - module: secretops.provisioning.vault_pki_ca
  - module: secretops.provisioning.vault_pki_certificate
"""

EXAMPLES = r"""
- name: Server certificates for the shop's names, 30 days at most
  secretops.provisioning.vault_pki_role:
    mount_point: pki_int
    name: shop-web
    allowed_domains: [shop.example.com]
    allow_subdomains: true
    allow_bare_domains: true
    key_type: ec
    key_bits: 256
    ttl: 72h
    max_ttl: 720h

- name: Many roles in one task
  secretops.provisioning.vault_pki_role:
    mount_point: pki_int
    roles:
      - name: api
        allowed_domains: [api.example.com]
        allow_bare_domains: true
      - name: retired
        state: absent
"""

RETURN = r"""
name:
  description: The role name (single form).
  returned: when O(name) is given
  type: str
  sample: shop-web
mount_point:
  description: The mount of the role (single form).
  returned: when O(name) is given
  type: str
  sample: pki_int
changed_settings:
  description: Settings that differed (single form).
  returned: when O(name) is given
  type: list
  elements: str
  sample: [max_ttl]
results:
  description: Per-role results in input order (list form), each with C(name), C(mount_point), C(changed) and C(changed_settings).
  returned: when O(roles) is given
  type: list
  elements: dict
  sample: [{"name": "api", "mount_point": "pki_int", "changed": true, "changed_settings": ["allowed_domains"]}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils import list_form
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import pki_role
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.batch import apply_single_or_list
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import vault_session
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.options import vault_argument_spec, vault_params

# Beside roles:, every task-level option applies to every item that does not set it (list_form.py).
INHERITED = ("mount_point", "state") + tuple(pki_role.ROLE_KINDS)
TASK_DEFAULTS = {"mount_point": "pki", "state": "present"}


def item_argument_spec():
    """An item's options (without defaults: an item that does not set one takes the task's)."""
    return list_form.named_item_options(pki_role.role_argument_spec(), "mount_point")


def apply(module):
    with vault_session(vault_params(module.params)) as client:

        def apply_one(item):
            settings = dict((name, item.get(name)) for name in pki_role.ROLE_KINDS)
            return pki_role.ensure_role(client, item["mount_point"], item["name"], settings, state=item["state"],
                                        check_mode=module.check_mode)

        return apply_single_or_list(module, "roles", apply_one, lambda item: "PKI role %s" % item["name"], inherited=INHERITED)


def main():
    spec = vault_argument_spec(**list_form.argument_spec("roles", item_argument_spec(), TASK_DEFAULTS, item_only=("name",)))
    module = AnsibleModule(
        argument_spec=spec, supports_check_mode=True,
        mutually_exclusive=[("name", "roles")], required_one_of=[("name", "roles")],
    )
    run(module, lambda: apply(module))


if __name__ == "__main__":
    main()
