#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: secret_sync
short_description: Seed a secret in Vault KV and build the typed Kubernetes Secret from it
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
  - Seeds the KV v2 secret at O(vault_path) - fields in O(values) are written when they differ;
    fields in O(generate) get a generated password only when Vault does not have them yet, and are
    never regenerated.
  - Then makes the Kubernetes Secret O(name) hold the Vault fields through O(mapping), typed as
    O(type), annotated with C(secretops.io/vault-path) and C(secretops.io/vault-version), and
    nothing derived from a value. Keys other writers added to the Secret are kept. A concurrent
    update (HTTP 409) is retried on the fresh object.
  - The Secret is built by the same code as M(secretops.provisioning.k8s_secret), with the same
    checks - key names, the API server's 1 MiB limit, the keys each type needs, the
    C(.dockerconfigjson) document, and for V(tls) that the key matches the certificate and the
    chain is in order - and they run on the data about to be seeded, before anything is written
    to Vault. A task that fails them changes neither Vault nor Kubernetes.
  - A Vault field that is not a string becomes its compact JSON text in the Secret - V(true) or
    V(false), decimal numbers, V(null), objects (keys sorted, no spaces) and lists - as Vault
    Secrets Operator writes it, never Python's spelling. A value in O(values) that is not a string
    is written to Vault as it is (KV holds JSON).
  - Vault is written before Kubernetes, with check-and-set against the version read.
options:
  values:
    description: Vault fields and their values (the desired state). Values are never shown.
    type: dict
    default: {}
  seed:
    description:
      - Write O(values) and missing O(generate) fields to Vault. With V(false), only sync Kubernetes from Vault.
      - A KV v2 path whose current version is deleted (soft delete) or destroyed counts as missing, as for
        O(secretops.provisioning.vault_kv#module:only_if_missing); seeding writes a new version over it. Without
        anything to seed, the task fails saying that version is deleted.
    type: bool
    default: true
  secrets:
    description:
      - Many secrets in one task, each item the options above for one secret. O(namespace), O(type), O(mount_point),
        O(generate), O(mapping), O(keep_previous), O(values) and O(seed) given at task level apply to the items that do
        not set them.
      - One Vault session and one Kubernetes client for the whole list, one LIST per namespace reads the Secrets, and
        O(concurrency) secrets are synced at a time, each Vault first, then its Secret. An item that fails does not
        stop the others (see the notes); every item's result is in RV(results).
      - Mutually exclusive with O(name) and O(vault_path).
    type: list
    elements: dict
    suboptions:
      name:
        description: See O(name).
        type: str
        required: true
      namespace:
        description: See O(namespace).
        type: str
      type:
        description: See O(type).
        type: str
        choices: [opaque, basic-auth, tls, dockerconfigjson]
      vault_path:
        description: See O(vault_path).
        type: str
        required: true
      mount_point:
        description: See O(mount_point).
        type: str
      generate:
        description: See O(generate).
        type: dict
      mapping:
        description: See O(mapping).
        type: dict
      keep_previous:
        description: See O(keep_previous).
        type: bool
      values:
        description: See O(values).
        type: dict
      seed:
        description: See O(seed).
        type: bool
extends_documentation_fragment:
  - secretops.provisioning.secret_sync
  - secretops.provisioning.vault_dict
  - secretops.provisioning.k8s_connection
  - secretops.provisioning.attributes
  - secretops.provisioning.attributes.action_group_k8s
  - secretops.provisioning.list_form
attributes:
  check_mode:
    support: full
    details: Reports what would be written to Vault and Kubernetes; writes nothing.
  diff_mode:
    support: full
    details:
      - One diff per Kubernetes Secret created or changed - its type, the C(secretops.io/vault-*) annotations and per key whether it
        is added, removed or changed, with a salted fingerprint, never a value (as M(secretops.provisioning.k8s_secret) shows).
      - Vault writes are not shown as a diff; RV(written_fields) names the fields written.
seealso:
  - module: secretops.provisioning.secret_rotation
"""

EXAMPLES = r"""
- name: Database credentials - username given, password generated once
  secretops.provisioning.secret_sync:
    name: db-credentials
    namespace: shop
    type: basic-auth
    vault_path: secret/shop/db
    values:
      username: shop_app
    generate:
      password: {length: 32, symbols: true}

- name: Registry credentials as a dockerconfigjson Secret
  secretops.provisioning.secret_sync:
    name: registry
    namespace: shop
    type: dockerconfigjson
    vault_path: secret/shop/registry
    values:
      server: registry.example.com
      username: robot
      password: "{{ registry_password }}"

- name: Every secret of an application in one task
  secretops.provisioning.secret_sync:
    namespace: shop
    mount_point: secret
    secrets:
      - name: db-credentials
        type: basic-auth
        vault_path: shop/db
        values: {username: shop_app}
        generate: {password: {length: 32}}
      - name: api
        vault_path: shop/api
        generate: {API_KEY: {}}
"""

RETURN = r"""
name:
  description: Name of the Kubernetes Secret, as M(secretops.provisioning.k8s_secret) returns it.
  returned: always
  type: str
  sample: db-credentials
namespace:
  description: Namespace of the Kubernetes Secret.
  returned: always
  type: str
  sample: shop
secret:
  description:
    - The Kubernetes Secret, as a dict that names it (the first keys of M(secretops.provisioning.k8s_secret)'s C(secret)).
    - Before 0.2.0 the name as a string; read RV(name) for the name.
  returned: always
  type: dict
  contains:
    name:
      description: Name of the Secret, the same as RV(name).
      returned: always
      type: str
      sample: db-credentials
    namespace:
      description: Namespace of the Secret, the same as RV(namespace).
      returned: always
      type: str
      sample: shop
  sample: {"name": "db-credentials", "namespace": "shop"}
vault_path:
  description: Full KV path (mount included).
  returned: always
  type: str
  sample: secret/shop/db
vault_version:
  description: The Vault version the Secret holds.
  returned: always
  type: int
  sample: 1
vault_changed:
  description: Whether Vault was written.
  returned: always
  type: bool
  sample: true
written_fields:
  description: Names of the Vault fields written (given values that differed, generated fields that were missing).
  returned: always
  type: list
  elements: str
  sample: [password, username]
secret_changed:
  description: Whether the Kubernetes Secret was created or updated.
  returned: always
  type: bool
  sample: true
data_keys:
  description: Keys the collection manages in the Secret.
  returned: always
  type: list
  elements: str
  sample: [password, username]
results:
  description:
    - With O(secrets), one result per item in input order - C(name), C(secret), C(namespace), C(vault_path), C(vault_version),
      C(vault_changed), C(written_fields), C(secret_changed), C(data_keys) and C(changed) as above; C(failed) and C(msg)
      for an item that failed.
  returned: with O(secrets)
  type: list
  elements: dict
  sample: [{"name": "db-credentials", "secret": {"name": "db-credentials", "namespace": "shop"}, "namespace": "shop",
            "vault_path": "secret/shop/db", "vault_version": 1,
            "vault_changed": true, "written_fields": ["password"], "secret_changed": true, "data_keys": ["password", "username"],
            "changed": true}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import k8s_session
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import bulk, options, service


def sync(module):
    params = module.params
    if params["secrets"] is not None:
        return bulk.sync_all(params, module.check_mode, module.warn, options.diff_fingerprinter(module._diff))
    with options.vault_session(params) as vault, k8s_session(options.k8s_params(params)) as k8s:
        result = service.provision(vault, k8s, options.secret_spec(params, params["values"]), params["namespace"],
                                   params["mount_point"], params["seed"], module.check_mode,
                                   fingerprinter=options.diff_fingerprinter(module._diff))
    for warning in result.pop("warnings"):
        module.warn("secret %s: %s" % (params["name"], warning))
    return result


def main():
    spec = options.argument_spec(
        item_extra=dict(values=dict(type="dict", no_log=True), seed=dict(type="bool")),
        values=dict(type="dict", default={}, no_log=True), seed=dict(type="bool", default=True),
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True, **options.LIST_FORM)
    run(module, lambda: sync(module))


if __name__ == "__main__":
    main()
