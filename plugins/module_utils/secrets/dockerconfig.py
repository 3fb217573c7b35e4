# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Builds registry credentials exactly as ``kubectl create secret docker-registry`` does.

kubectl marshals Go structs: entry fields in the order username, password, email, auth (empty
ones omitted), ``auth`` is base64 of ``username:password``, no whitespace, and ``<``, ``>``, ``&``,
U+2028 and U+2029 escaped as ``\\uXXXX`` while other non-ASCII text stays UTF-8. Matching it byte for
byte keeps Secrets made by kubectl and by this collection identical (same hash, no spurious change).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
from collections import OrderedDict

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

DEFAULT_SERVER = "https://index.docker.io/v1/"
_GO_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), (u"\u2028", "\\u2028"), (u"\u2029", "\\u2029"))


def _go_json(document):
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    for char, escaped in _GO_ESCAPES:
        text = text.replace(char, escaped)
    return text


def _entry(registry, index):
    if not isinstance(registry, dict):
        raise SecretOpsError("registries[%d] must be a mapping with server, username and password" % index)
    unknown = sorted(set(registry) - set(("server", "username", "password", "email")))
    if unknown:
        raise SecretOpsError("registries[%d] has unknown field(s) %s: use server, username, password, email" % (index, ", ".join(unknown)))
    username = registry.get("username") or ""
    password = registry.get("password") or ""
    if not username or not password:
        raise SecretOpsError("registries[%d] needs both username and password" % index)
    for field in ("username", "password", "email", "server"):
        if registry.get(field) is not None and not isinstance(registry.get(field), str):
            raise SecretOpsError("registries[%d].%s must be a string: quote it" % (index, field))
    entry = OrderedDict()
    entry["username"] = username
    entry["password"] = password
    if registry.get("email"):
        entry["email"] = registry["email"]
    entry["auth"] = base64.b64encode((username + ":" + password).encode("utf-8")).decode("ascii")
    return registry.get("server") or DEFAULT_SERVER, entry


def _auths(registries):
    if isinstance(registries, dict):
        registries = [registries]
    if not isinstance(registries, (list, tuple)) or not registries:
        raise SecretOpsError("registries must be a non-empty list of {server, username, password, email}")
    auths = OrderedDict()
    for index, registry in enumerate(registries):
        server, entry = _entry(registry, index)
        if server in auths:
            raise SecretOpsError("registries[%d]: server %r is given twice: keep one entry per server" % (index, server))
        auths[server] = entry
    # Go marshals map keys sorted
    return OrderedDict(sorted(auths.items()))


def dockerconfigjson(registries):
    """The ``.dockerconfigjson`` text for ``registries`` (a list of {server, username, password, email})."""
    return _go_json({"auths": _auths(registries)})


def dockercfg(registries):
    """The legacy ``.dockercfg`` text: the ``auths`` map without the wrapper."""
    return _go_json(_auths(registries))
