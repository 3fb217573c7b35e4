# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rules of ``bootstrap.kubernetes.io/token`` Secrets (kubeadm join tokens).

The Secret is named ``bootstrap-token-<token-id>`` and lives in ``kube-system``; the id is
``[a-z0-9]{6}`` and the secret ``[a-z0-9]{16}``. The id is required (from ``token_id`` or the
name): it is the token's identity, and a generated one would make a new join token on every run.
A missing token secret is generated and reported in ``generated``, so the caller keeps the one
already on the server instead of rotating it on every run.

``expiration`` follows Go's ``time.RFC3339`` as the bootstrap authenticator and the token cleaner
parse it (``2006-01-02T15:04:05Z07:00``, optional fraction of a second): a value they cannot parse
makes the token count as expired, so anything else is refused here.
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
TOKEN_ID = re.compile(r"[a-z0-9]{6}")
TOKEN_SECRET = re.compile(r"[a-z0-9]{16}")
EXTRA_GROUP = re.compile(r"system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]")
RFC3339 = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))")
USAGES = ("authentication", "signing")
OPTION_NAMES = ("token_id", "token_secret", "expiration", "usages", "auth_extra_groups", "description")
_ALPHABET = string.ascii_lowercase + string.digits
_SYSTEM_RANDOM = random.SystemRandom()


def generate(length, rng=None):
    rng = rng or _SYSTEM_RANDOM
    return "".join(rng.choice(_ALPHABET) for _position in range(length))


def _is_rfc3339(value):
    match = RFC3339.fullmatch(value) if isinstance(value, str) else None
    if not match:
        return False
    year, month, day, hour, minute, second, offset_hours, offset_minutes = match.groups()
    try:
        datetime.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
    except ValueError:
        return False
    return offset_hours is None or (int(offset_hours) <= 23 and int(offset_minutes) <= 59)


def _check_expiration(value):
    if not _is_rfc3339(value):
        raise SecretOpsError(
            "bootstrap_token.expiration %r is not an RFC 3339 time as Kubernetes reads it (Kubernetes treats a token whose "
            "expiration it cannot read as expired): write YYYY-MM-DDThh:mm:ss with seconds, then Z or an offset +hh:mm, "
            "for example 2030-01-31T00:00:00Z or 2030-01-31T02:00:00+02:00" % (value,)
        )


def bootstrap_token_content(options, name=None, namespace=None, rng=None):
    """Return ``(name, namespace, data, generated)`` for the ``bootstrap_token`` option.

    ``data`` maps Secret keys to text values; ``generated`` lists keys whose values were made up
    here (``token-secret``). ``token-id`` comes from ``options``, else from ``name``; without
    either this raises.
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
        raise SecretOpsError(
            "a bootstrap token needs a fixed token id, or every run would make a new join token: give its name or "
            "bootstrap_token.token_id (6 characters of a-z and 0-9, for example the part before the dot of "
            "'kubeadm token generate'); the Secret is named bootstrap-token-<token id>"
        )
    if not TOKEN_ID.fullmatch(token_id):
        raise SecretOpsError("bootstrap_token.token_id %r is not valid: use exactly 6 characters of a-z and 0-9" % token_id)
    token_secret = options.get("token_secret")
    if token_secret is None:
        token_secret = generate(16, rng)
        generated.append("token-secret")
    elif not TOKEN_SECRET.fullmatch(token_secret):
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
        if not isinstance(group, str) or not EXTRA_GROUP.fullmatch(group):
            raise SecretOpsError(
                "bootstrap_token.auth_extra_groups has %r: each group must look like system:bootstrappers:<name> "
                "(a-z, 0-9, ':' and '-')" % (group,)
            )
    if groups:
        data["auth-extra-groups"] = ",".join(groups)
    if options.get("description"):
        data["description"] = options["description"]
    return NAME_PREFIX + token_id, NAMESPACE, data, generated
