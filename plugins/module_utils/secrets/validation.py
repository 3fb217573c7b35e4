# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks a Secret against the API server's own rules before anything is sent.

Every check raises ``SecretOpsError`` with a message naming the field or key and what to do;
no message ever contains a value. Patterns are matched with ``fullmatch``: one ending in ``$``
would also accept a trailing newline.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import json
import re

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets import types

MAX_SECRET_BYTES = 1024 * 1024  # the API server's limit on the decoded size of all values
DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
SECRET_KEY = re.compile(r"[-._a-zA-Z0-9]+")
LABEL_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")

# type -> keys that must be present in data (besides what the type's builder checks itself)
REQUIRED_KEYS = {
    types.DOCKERCONFIGJSON: (".dockerconfigjson",),
    types.DOCKERCFG: (".dockercfg",),
    types.TLS: ("tls.crt", "tls.key"),
    types.BASIC_AUTH: ("username", "password"),
    types.SSH_AUTH: ("ssh-privatekey",),
    types.BOOTSTRAP_TOKEN: ("token-id", "token-secret"),
}


def validate_name(name, field="name"):
    if not name:
        raise SecretOpsError("%s is required: give the Secret's name" % field)
    if len(name) > 253 or not DNS_SUBDOMAIN.fullmatch(name):
        raise SecretOpsError(
            "%s %r is not a valid Secret name: use at most 253 lowercase letters, digits, '-' and '.', "
            "starting and ending with a letter or digit" % (field, name)
        )


def validate_namespace(namespace):
    if not namespace:
        raise SecretOpsError("namespace is required: give the Secret's namespace")
    if len(namespace) > 63 or not DNS_LABEL.fullmatch(namespace):
        raise SecretOpsError(
            "namespace %r is not valid: use at most 63 lowercase letters, digits and '-', "
            "starting and ending with a letter or digit" % namespace
        )


def validate_key(key, source="data"):
    """A Secret data key: ``[-._a-zA-Z0-9]+``, at most 253 characters, not '.' / '..'."""
    if not isinstance(key, str) or not key:
        raise SecretOpsError("%s has an empty key: every key needs a name of [-._a-zA-Z0-9] characters" % source)
    if len(key) > 253 or not SECRET_KEY.fullmatch(key) or key in (".", "..") or key.startswith(".."):
        raise SecretOpsError(
            "%s key %r is not a valid Secret key: use only letters, digits, '-', '_' and '.' "
            "(at most 253, not '.' or '..' and not starting with '..')" % (source, key)
        )


def _validate_label_name(name, field):
    prefix, _sep, local = name.rpartition("/")
    if prefix and (len(prefix) > 253 or not DNS_SUBDOMAIN.fullmatch(prefix)):
        raise SecretOpsError("%s key %r has an invalid prefix: the part before '/' must be a DNS subdomain" % (field, name))
    if len(local) > 63 or not LABEL_NAME.fullmatch(local):
        raise SecretOpsError(
            "%s key %r is not valid: use at most 63 letters, digits, '-', '_' and '.' (after an optional "
            "DNS-subdomain prefix and '/'), starting and ending with a letter or digit" % (field, name)
        )


def validate_metadata(labels, annotations):
    for name, value in (labels or {}).items():
        _validate_label_name(name, "labels")
        if not isinstance(value, str) or len(value) > 63 or not LABEL_VALUE.fullmatch(value):
            raise SecretOpsError(
                "labels value of %r is not valid: give a string of at most 63 letters, digits, '-', '_' and '.', "
                "starting and ending with a letter or digit (quote numbers and booleans)" % name
            )
    for name, value in (annotations or {}).items():
        _validate_label_name(name, "annotations")
        if not isinstance(value, str):
            raise SecretOpsError("annotations value of %r must be a string: quote numbers and booleans" % name)


def decoded_size(data):
    """Total decoded bytes of a ``key -> base64`` map."""
    total = 0
    for value in data.values():
        # 3 bytes per 4 characters, minus padding: exact without decoding
        total += len(value) // 4 * 3 - value[-2:].count("=")
    return total


def validate_size(data, what="the Secret's values"):
    size = decoded_size(data)
    if size > MAX_SECRET_BYTES:
        raise SecretOpsError(
            "%s total %d bytes, more than the API server's limit of 1 MiB (%d bytes): "
            "split the content over several Secrets" % (what, size, MAX_SECRET_BYTES),
            size=size,
        )


def validate_base64(key, value, source="binary_data"):
    if not isinstance(value, str):
        raise SecretOpsError("%s key %r must be a base64 string" % (source, key))
    try:
        base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise SecretOpsError(
            "%s key %r is not valid base64: give the value base64-encoded (b64encode filter), as in a Secret "
            "manifest, or put the plain text under string_data instead" % (source, key)
        )


def _decoded_json(data, key):
    try:
        document = json.loads(base64.b64decode(data[key]).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise SecretOpsError("key %r must hold a JSON document: use registries to build it, or fix the JSON" % key)
    if not isinstance(document, dict):
        raise SecretOpsError("key %r must hold a JSON object: use registries to build it" % key)
    return document


def validate_type_keys(secret_type, data):
    """The keys ``secret_type`` requires are in ``data`` (a ``key -> base64`` map), and well formed."""
    for key in REQUIRED_KEYS.get(secret_type, ()):
        if key not in data:
            raise SecretOpsError(
                "a %s Secret needs the key %r: %s" % (secret_type, key, _REQUIRED_HINTS.get(secret_type, "add it to data"))
            )
    if secret_type == types.DOCKERCONFIGJSON:
        if not isinstance(_decoded_json(data, ".dockerconfigjson").get("auths"), dict):
            raise SecretOpsError("key '.dockerconfigjson' must hold an object with 'auths': use registries to build it")
    elif secret_type == types.DOCKERCFG:
        _decoded_json(data, ".dockercfg")


_REQUIRED_HINTS = {
    types.DOCKERCONFIGJSON: "give registries (a list of server, username, password)",
    types.DOCKERCFG: "give registries (a list of server, username, password)",
    types.TLS: "give tls.cert and tls.key (PEM text) or tls.cert_file and tls.key_file",
    types.BASIC_AUTH: "give basic_auth.username and basic_auth.password",
    types.SSH_AUTH: "give ssh_auth.private_key",
    types.BOOTSTRAP_TOKEN: "give bootstrap_token with token_id (token_secret is generated when omitted)",
}
