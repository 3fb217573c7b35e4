# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secret type names: the friendly names users write and the API's real type strings."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

OPAQUE = "Opaque"
DOCKERCONFIGJSON = "kubernetes.io/dockerconfigjson"
DOCKERCFG = "kubernetes.io/dockercfg"
TLS = "kubernetes.io/tls"
BASIC_AUTH = "kubernetes.io/basic-auth"
SSH_AUTH = "kubernetes.io/ssh-auth"
SERVICE_ACCOUNT_TOKEN = "kubernetes.io/service-account-token"
BOOTSTRAP_TOKEN = "bootstrap.kubernetes.io/token"

FRIENDLY_TYPES = {
    "opaque": OPAQUE,
    "dockerconfigjson": DOCKERCONFIGJSON,
    "dockercfg": DOCKERCFG,
    "tls": TLS,
    "basic-auth": BASIC_AUTH,
    "ssh-auth": SSH_AUTH,
    "service-account-token": SERVICE_ACCOUNT_TOKEN,
    "bootstrap-token": BOOTSTRAP_TOKEN,
}

# Keys the token controller writes into a service-account-token Secret; they are never
# compared, sent or removed by the module.
SERVICE_ACCOUNT_CONTROLLER_KEYS = ("token", "ca.crt", "namespace")


def normalize_type(value):
    """Return the API type string for ``value`` (friendly name, real name or custom type).

    ``None`` and the empty string mean ``Opaque``. Friendly names match case-insensitively;
    anything else is a custom type and is passed through unchanged.
    """
    if value is None or value == "":
        return OPAQUE
    friendly = FRIENDLY_TYPES.get(value.lower())
    if friendly:
        return friendly
    if value.lower() == OPAQUE.lower():
        return OPAQUE
    return value
