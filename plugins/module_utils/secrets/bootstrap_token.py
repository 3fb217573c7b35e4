# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rules of ``bootstrap.kubernetes.io/token`` Secrets (kubeadm join tokens).

The Secret is named ``bootstrap-token-<token-id>`` and lives in ``kube-system``; the id is
``[a-z0-9]{6}`` and the secret ``[a-z0-9]{16}``. Missing parts are generated; a generated
token secret is reported in ``generated`` so the caller can keep the one already on the server
instead of rotating it on every run.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import random
import re
import string

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

NAMESPACE = "kube-system"
NAME_PREFIX = "bootstrap-token-"
TOKEN_ID = re.compile(r"^[a-z0-9]{6}$")
TOKEN_SECRET = re.compile(r"^[a-z0-9]{16}$")
EXTRA_GROUP = re.compile(r"^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$")
USAGES = ("authentication", "signing")
OPTION_NAMES = ("token_id", "token_secret", "expiration", "usages", "auth_extra_groups", "description")
_ALPHABET = string.ascii_lowercase + string.digits
_SYSTEM_RANDOM = random.SystemRandom()


def generate(length, rng=None):
    rng = rng or _SYSTEM_RANDOM
    return "".join(rng.choice(_ALPHABET) for _position in range(length))


def _check_expiration(value):
    if not isinstance(value, str):
        raise SecretOpsError("bootstrap_token.expiration must be an RFC 3339 time string such as 2030-01-31T00:00:00Z")
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None or "T" not in value:
        raise SecretOpsError(
            "bootstrap_token.expiration %r is not an RFC 3339 time: write it like 2030-01-31T00:00:00Z (with a time zone)" % value
        )


def bootstrap_token_content(options, name=None, namespace=None, rng=None):
    """Return ``(name, namespace, data, generated)`` for the ``bootstrap_token`` option.

    ``data`` maps Secret keys to text values; ``generated`` lists keys whose values were made up
    here (``token-secret``), ``token-id`` comes from ``options``, else from ``name``, else is
    generated.
    """
    options = dict(options or {})
    unknown = sorted(set(options) - set(OPTION_NAMES))
    if unknown:
        raise SecretOpsError("bootstrap_token has unknown field(s) %s: use %s" % (", ".join(unknown), ", ".join(OPTION_NAMES)))
    if namespace and namespace != NAMESPACE:
        raise SecretOpsError("a bootstrap token must be in namespace kube-system, not %r: drop namespace or set it to kube-system" % namespace)
    generated = []
    token_id = options.get("token_id")
    if name and not name.startswith(NAME_PREFIX):
        raise SecretOpsError("a bootstrap token Secret must be named bootstrap-token-<token id>, not %r: drop name to derive it" % name)
    name_id = name[len(NAME_PREFIX):] if name else None
    if token_id and name_id and token_id != name_id:
        raise SecretOpsError("bootstrap_token.token_id %r does not match the name %r: name must be bootstrap-token-%s" % (token_id, name, token_id))
    token_id = token_id or name_id
    if not token_id:
        token_id = generate(6, rng)
        generated.append("token-id")
    if not TOKEN_ID.match(token_id):
        raise SecretOpsError("bootstrap_token.token_id %r is not valid: use exactly 6 characters of a-z and 0-9" % token_id)
    token_secret = options.get("token_secret")
    if token_secret is None:
        token_secret = generate(16, rng)
        generated.append("token-secret")
    elif not TOKEN_SECRET.match(token_secret):
        raise SecretOpsError("bootstrap_token.token_secret is not valid: use exactly 16 characters of a-z and 0-9")
    data = {"token-id": token_id, "token-secret": token_secret}
    if options.get("expiration"):
        _check_expiration(options["expiration"])
        data["expiration"] = options["expiration"]
    usages = options.get("usages")
    usages = list(USAGES) if usages is None else usages
    for usage in usages:
        if usage not in USAGES:
            raise SecretOpsError("bootstrap_token.usages has %r: use authentication and/or signing" % (usage,))
        data["usage-bootstrap-" + usage] = "true"
    groups = options.get("auth_extra_groups") or []
    for group in groups:
        if not isinstance(group, str) or not EXTRA_GROUP.match(group):
            raise SecretOpsError(
                "bootstrap_token.auth_extra_groups has %r: each group must look like system:bootstrappers:<name> "
                "(a-z, 0-9, ':' and '-')" % (group,)
            )
    if groups:
        data["auth-extra-groups"] = ",".join(groups)
    if options.get("description"):
        data["description"] = options["description"]
    return NAME_PREFIX + token_id, NAMESPACE, data, generated
