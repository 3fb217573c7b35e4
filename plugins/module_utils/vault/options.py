# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Vault connection and authentication options: the single source of truth.

``CONNECTION_OPTIONS`` and ``AUTH_OPTIONS`` drive the module argument spec (with ``VAULT_*``
environment fallbacks: the Vault CLI's, and one per login option, which the AWX credential types
in ``extensions/awx/`` inject) and the names lookups read through Ansible's option system.
``plugins/doc_fragments/vault_connection.py`` documents the same set; a unit test keeps them in step.

``validate_certs`` has no fixed default: left unset, it is the inverse of ``VAULT_SKIP_VERIFY`` (the
Vault CLI's and community.hashi_vault's variable), else true; ``vault_params`` resolves it, so modules
and lookups read it the same way.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

from ansible_collections.secretops.provisioning.plugins.module_utils.vault.auth import METHODS


SKIP_VERIFY_ENV = "VAULT_SKIP_VERIFY"


def _option(opt_type, env=None, no_log=False, default=None, choices=None, aliases=None):
    return {"type": opt_type, "env": env or [], "no_log": no_log, "default": default, "choices": choices, "aliases": aliases or []}


CONNECTION_OPTIONS = {
    "url": _option("str", ["VAULT_ADDR"]),
    "namespace": _option("str", ["VAULT_NAMESPACE"]),
    "ca_cert": _option("path", ["VAULT_CACERT"]),
    "validate_certs": _option("bool"),  # unset: the inverse of VAULT_SKIP_VERIFY, else true (vault_params)
    # Paths, not secrets: the key file's content never passes through the options.
    "client_cert": _option("path", ["VAULT_CLIENT_CERT"]),
    "client_key": _option("path", ["VAULT_CLIENT_KEY"]),
    "timeout": _option("int", default=30),
    "retries": _option("int", default=3),
}

AUTH_OPTIONS = {
    "auth_method": _option("str", ["VAULT_AUTH_METHOD"], default="token", choices=sorted(METHODS)),
    "token": _option("str", ["VAULT_TOKEN"], no_log=True),
    # The login method's mount: an auth method's mount is a mount_path everywhere (docs/vault.md).
    "auth_mount_path": _option("str", ["VAULT_AUTH_MOUNT_PATH"], aliases=["auth_mount_point"]),
    "auth_role": _option("str", ["VAULT_AUTH_ROLE"]),
    "jwt": _option("str", no_log=True),
    # A file, not the JWT itself: AWX's file injector writes the JWT there (extensions/awx/).
    "jwt_file": _option("path", ["VAULT_JWT_FILE"]),
    "role_id": _option("str", ["VAULT_ROLE_ID"]),
    "secret_id": _option("str", ["VAULT_SECRET_ID"], no_log=True),
    "revoke_token": _option("bool", default=True),
}

ALL_OPTIONS = dict(CONNECTION_OPTIONS, **AUTH_OPTIONS)


def _spec(options):
    spec = {}
    for name, option in options.items():
        entry = {"type": option["type"]}
        if option["env"]:
            entry["fallback"] = (env_fallback, option["env"])
        for key in ("choices", "aliases"):
            if option[key]:
                entry[key] = option[key]
        entry["no_log"] = option["no_log"]  # explicit, also false for client_key (a path)
        if option["default"] is not None:
            entry["default"] = option["default"]
        spec[name] = entry
    return spec


def connection_argument_spec():
    """Connection options only (for modules that authenticate some other way)."""
    return _spec(CONNECTION_OPTIONS)


def vault_argument_spec(**extra):
    """Connection and auth options, plus the module's own ``extra`` options."""
    spec = _spec(ALL_OPTIONS)
    spec.update(extra)
    return spec


def vault_params(options, names=None):
    """Pick the Vault options out of module params (a mapping) or a lookup's ``get_option``."""
    getter = options if callable(options) else options.get
    params = dict((name, getter(name)) for name in (names or ALL_OPTIONS))
    if "validate_certs" in params and params["validate_certs"] is None:
        params["validate_certs"] = validate_certs_from_environment()
    return params


def validate_certs_from_environment(environ=None):
    """The inverse of ``VAULT_SKIP_VERIFY`` when it is set (a boolean, as the Vault CLI reads it), else true."""
    value = (os.environ if environ is None else environ).get(SKIP_VERIFY_ENV, "")
    if not value:
        return True
    try:
        return not boolean(value, strict=True)
    except TypeError:
        raise SecretOpsError("%s must be a boolean (true or false), not %r" % (SKIP_VERIFY_ENV, value)) from None
