# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Vault KV fields -> typed Kubernetes Secret, through a per-Secret mapping.

A mapping is ``Kubernetes key -> Vault field``. Typed Secrets have a default mapping
(``basic-auth``: username/password; ``tls``: cert/key/ca -> tls.crt/tls.key/ca.crt); a
``dockerconfigjson`` Secret maps the registry parts (server, username, password, email) and the
JSON document is built as kubectl builds it. Field values that are not strings become their JSON
text (``secrets.field_text``).

``<field>_previous`` next to ``<field>`` is the value a rotation with ``keep_previous`` kept (a
"previous twin"); with ``keep_previous`` every key whose field has one also gets a
``<key>_previous`` key. Any other field whose name ends in ``_previous`` is an ordinary field.

``desired_secret`` is the one way from Vault data to a Secret: it goes through ``k8s_secret``'s
builder (``secrets.builder.build_secret``), so synced Secrets get the same checks (key names,
1 MiB, TLS key against certificate and chain order, dockerconfigjson shape, required keys), and
callers run it before they write anything to Vault.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets import types, validation
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.builder import build_secret
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.dockerconfig import dockerconfigjson
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.field_text import field_text

PREVIOUS_SUFFIX = "_previous"

DEFAULT_MAPPINGS = {
    types.BASIC_AUTH: {"username": "username", "password": "password"},
    types.TLS: {"tls.crt": "cert", "tls.key": "key"},
    types.DOCKERCONFIGJSON: {"server": "server", "username": "username", "password": "password"},
}
OPTIONAL_DEFAULTS = {types.TLS: {"ca.crt": "ca"}, types.DOCKERCONFIGJSON: {"email": "email"}}
SUPPORTED_TYPES = (types.OPAQUE, types.BASIC_AUTH, types.TLS, types.DOCKERCONFIGJSON)
REGISTRY_PARTS = ("server", "username", "password", "email")


def previous_twins(fields):
    """The names among ``fields`` that are the kept previous value of another field of ``fields``."""
    names = set(fields or ())
    return set(name for name in names if name.endswith(PREVIOUS_SUFFIX) and name[:-len(PREVIOUS_SUFFIX)] in names)


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
        twins = previous_twins(vault_data)
        return dict((field, field) for field in vault_data if field not in twins)
    result = dict(DEFAULT_MAPPINGS[kind])
    for key, field in OPTIONAL_DEFAULTS.get(kind, {}).items():
        if field in vault_data:
            result[key] = field
    return result


def _field(spec, vault_data, field, key):
    if field not in vault_data:
        raise SecretOpsError("secret %s: Vault path %s has no field %r (needed for key %r): add it to fields or fix the mapping"
                             % (spec.get("name"), spec.get("vault_path"), field, key))
    return field_text(vault_data[field])


def string_data(spec, vault_data):
    """``(type, {key: text})`` of the Kubernetes Secret for ``spec`` built from ``vault_data``."""
    kind = secret_type(spec)
    mapping = effective_mapping(spec, vault_data)
    if kind == types.DOCKERCONFIGJSON:
        registry = dict((part, _field(spec, vault_data, field, part)) for part, field in mapping.items())
        try:
            return kind, {".dockerconfigjson": dockerconfigjson([registry])}
        except SecretOpsError as error:
            raise SecretOpsError("secret %s: the registry fields of %s: %s" % (spec.get("name"), spec.get("vault_path"), error))
    data = dict((key, _field(spec, vault_data, field, key)) for key, field in mapping.items())
    if spec.get("keep_previous"):
        for key, field in mapping.items():
            if field + PREVIOUS_SUFFIX in vault_data:
                data[key + PREVIOUS_SUFFIX] = _field(spec, vault_data, field + PREVIOUS_SUFFIX, key + PREVIOUS_SUFFIX)
    return kind, data


def desired_secret(spec, namespace, vault_data):
    """The checked Secret (a ``builder.DesiredSecret``) that ``spec`` syncs from ``vault_data``.

    Pure: raises ``SecretOpsError`` naming the secret, the key and what to fix (never a value)
    when Kubernetes or a client would reject the Secret. Call it on the data about to be written
    to Vault, before the write.
    """
    name = spec.get("name")
    kind, data = string_data(spec, vault_data)
    for key in data:
        validation.validate_key(key, "secret %s: the Secret" % name)
    for key in validation.REQUIRED_KEYS.get(kind, ()):
        if key not in data:
            raise SecretOpsError("secret %s: a %s Secret needs the key %r: map it to a Vault field in mapping (or drop mapping for the defaults)"
                                 % (name, kind, key))
    try:
        return build_secret({"name": name, "namespace": namespace, "type": kind, "string_data": data})
    except SecretOpsError as error:
        raise SecretOpsError("secret %s: %s" % (name, error), **error.details)


def managed_keys(spec, vault_data):
    """Keys this collection owns in the Secret: the mapped keys and their ``_previous`` twins."""
    kind = secret_type(spec)
    if kind == types.DOCKERCONFIGJSON:
        return [".dockerconfigjson"]
    keys = list(effective_mapping(spec, vault_data))
    return keys + [key + PREVIOUS_SUFFIX for key in keys]
