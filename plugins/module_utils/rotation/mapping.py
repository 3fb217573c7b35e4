# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Vault KV fields -> typed Kubernetes Secret data, through a per-Secret mapping.

A mapping is ``Kubernetes key -> Vault field``. Typed Secrets have a default mapping
(``basic-auth``: username/password; ``tls``: cert/key/ca -> tls.crt/tls.key/ca.crt); a
``dockerconfigjson`` Secret maps the registry parts (server, username, password, email) and the
JSON document is built as kubectl builds it. With ``keep_previous``, every key whose field has a
``<field>_previous`` in Vault also gets a ``<key>_previous`` key.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets import types
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.dockerconfig import dockerconfigjson

PREVIOUS_SUFFIX = "_previous"

DEFAULT_MAPPINGS = {
    types.BASIC_AUTH: {"username": "username", "password": "password"},
    types.TLS: {"tls.crt": "cert", "tls.key": "key"},
    types.DOCKERCONFIGJSON: {"server": "server", "username": "username", "password": "password"},
}
OPTIONAL_DEFAULTS = {types.TLS: {"ca.crt": "ca"}, types.DOCKERCONFIGJSON: {"email": "email"}}
SUPPORTED_TYPES = (types.OPAQUE, types.BASIC_AUTH, types.TLS, types.DOCKERCONFIGJSON)
REGISTRY_PARTS = ("server", "username", "password", "email")


def secret_type(spec):
    value = types.normalize_type(spec.get("type"))
    if value not in SUPPORTED_TYPES:
        raise SecretOpsError("secret %s: type %s cannot be built from Vault fields; use opaque, basic-auth, tls or dockerconfigjson"
                             % (spec.get("name"), spec.get("type")))
    return value


def effective_mapping(spec, vault_data):
    """The ``key -> field`` mapping for ``spec`` given the fields Vault holds."""
    kind = secret_type(spec)
    mapping = spec.get("mapping")
    if mapping:
        if kind == types.DOCKERCONFIGJSON:
            unknown = sorted(set(mapping) - set(REGISTRY_PARTS))
            if unknown:
                raise SecretOpsError("secret %s: a dockerconfigjson mapping maps %s to Vault fields, not %s"
                                     % (spec.get("name"), ", ".join(REGISTRY_PARTS), ", ".join(unknown)))
        return dict(mapping)
    if kind == types.OPAQUE:
        return dict((field, field) for field in vault_data if not field.endswith(PREVIOUS_SUFFIX))
    result = dict(DEFAULT_MAPPINGS[kind])
    for key, field in OPTIONAL_DEFAULTS.get(kind, {}).items():
        if field in vault_data:
            result[key] = field
    return result


def _field(spec, vault_data, field, key):
    if field not in vault_data:
        raise SecretOpsError("secret %s: Vault path %s has no field %r (needed for key %r): add it to fields or fix the mapping"
                             % (spec.get("name"), spec.get("vault_path"), field, key))
    value = vault_data[field]
    return value if isinstance(value, str) else str(value)


def string_data(spec, vault_data):
    """``(type, {key: text})`` of the Kubernetes Secret for ``spec`` built from ``vault_data``."""
    kind = secret_type(spec)
    mapping = effective_mapping(spec, vault_data)
    if kind == types.DOCKERCONFIGJSON:
        registry = dict((part, _field(spec, vault_data, field, part)) for part, field in mapping.items())
        return kind, {".dockerconfigjson": dockerconfigjson([registry])}
    data = dict((key, _field(spec, vault_data, field, key)) for key, field in mapping.items())
    if spec.get("keep_previous"):
        for key, field in mapping.items():
            if field + PREVIOUS_SUFFIX in vault_data:
                data[key + PREVIOUS_SUFFIX] = _field(spec, vault_data, field + PREVIOUS_SUFFIX, key + PREVIOUS_SUFFIX)
    return kind, data


def managed_keys(spec, vault_data):
    """Keys this collection owns in the Secret: the mapped keys and their ``_previous`` twins."""
    kind = secret_type(spec)
    if kind == types.DOCKERCONFIGJSON:
        return [".dockerconfigjson"]
    keys = list(effective_mapping(spec, vault_data))
    return keys + [key + PREVIOUS_SUFFIX for key in keys]
