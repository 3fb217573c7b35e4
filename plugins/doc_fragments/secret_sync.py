# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Options of module_utils/rotation/options.py; the vault dict is the vault_dict fragment.
    DOCUMENTATION = r"""
options:
  name:
    description: Name of the Kubernetes Secret. Required without O(secrets).
    type: str
  namespace:
    description:
      - Kubernetes namespace of the Secret. (The Vault namespace is O(vault.namespace).) Required without O(secrets).
      - With O(secrets), the namespace of the items that do not set one.
    type: str
  type:
    description:
      - Type of the Kubernetes Secret. V(basic-auth), V(tls) and V(dockerconfigjson) build the
        typed Secret from Vault fields through O(mapping).
    type: str
    default: opaque
    choices: [opaque, basic-auth, tls, dockerconfigjson]
  vault_path:
    description:
      - KV v2 path of the secret, including the mount (V(secret/shop/db)) or relative to O(mount_point). Required without O(secrets).
    type: str
  mount_point:
    description: KV v2 mount O(vault_path) is relative to. Without it O(vault_path) starts with the mount.
    type: str
  generate:
    description:
      - Vault fields whose value is a generated password, each with its rules (an empty mapping
        means the defaults) - C(length) (default 32), C(lowercase), C(uppercase), C(digits)
        (default true), C(symbols) (default false), C(symbol_set), C(exclude) (characters never used).
      - At least one character of each enabled class is included.
    type: dict
    default: {}
  mapping:
    description:
      - Kubernetes key to Vault field. Defaults - V(opaque) every Vault field under its own name;
        V(basic-auth) C(username)/C(password); V(tls) C(tls.crt) from C(cert), C(tls.key) from C(key),
        C(ca.crt) from C(ca) when present; V(dockerconfigjson) maps the registry parts C(server),
        C(username), C(password), C(email) to fields of the same name.
      - A field that is not a string becomes its compact JSON text (V(true), V(5432), V({"a":1})).
    type: dict
    default: {}
  keep_previous:
    description:
      - Keep the value a rotation replaced as C(<field>_previous) in Vault and C(<key>_previous) in
        the Kubernetes Secret, for applications that accept the old and the new value during a grace window.
      - Only a C(<field>_previous) next to its C(<field>) is such a kept value; any other field whose name
        ends in C(_previous) (C(api_previous) with no C(api)) is an ordinary field and is never dropped.
      - Ignored for V(dockerconfigjson).
    type: bool
    default: false
  concurrency:
    description: With O(secrets), how many secrets are read (and, for a sync, written) at the same time.
    type: int
    default: 8
requirements:
  - kubernetes >= 29.0.0 (Python library)
  - hvac >= 2.0.0 (Python library)
"""
