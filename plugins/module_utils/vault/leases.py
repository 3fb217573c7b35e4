# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Vault leases (``sys/leases/lookup``, ``renew``, ``revoke``) and the token that holds them.

A lease dies with the token that created it: when that token is revoked or expires, Vault revokes
every lease it holds, and a database engine drops the users it made. ``token_facts`` tells a
caller whether the token it holds will outlive a lease.

``plan`` is the pure decision of what to do with a lease: keep it while it reaches past
``renew_before``, renew it when it no longer does, and issue a new one when it cannot be renewed
or a renewal did not reach past ``renew_before`` either (the role's max TTL caps it).
``renew_before`` is a duration or a percentage of the lease's current lifetime (from its issue or
last renewal to its end), as Vault reports it, so the decision never depends on the clock of the
host that runs it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.durations import to_seconds
from ansible_collections.secretops.provisioning.plugins.module_utils.timestamps import parse_rfc3339

KEEP = "keep"
RENEW = "renew"
ISSUE = "issue"
GONE = "the lease has expired or was revoked"
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


def parse_renew_before(value):
    """``("percent", float)`` or ``("seconds", int)`` for a ``renew_before`` option value."""
    match = _PERCENT.match(str(value)) if isinstance(value, str) else None
    if match:
        percent = float(match.group(1))
        if not 0 < percent < 100:
            raise SecretOpsError("renew_before as a percentage must be between 0 and 100 (exclusive), got %r" % value)
        return "percent", percent
    return "seconds", to_seconds(value, "renew_before")


def renew_before_seconds(renew_before, lifetime):
    """``renew_before`` (parsed) in seconds for a lease whose lifetime is ``lifetime`` seconds."""
    unit, amount = renew_before
    return int(lifetime * amount / 100) if unit == "percent" else amount


def parse_time(text):
    """A Vault timestamp (RFC 3339, nanoseconds allowed) as an aware UTC datetime, or None."""
    if not text:
        return None
    return parse_rfc3339(str(text).strip())


def lifetime(lease):
    """Seconds from the lease's issue or last renewal to its end, as Vault reports them (0 when unknown)."""
    start = parse_time(lease.get("last_renewal")) or parse_time(lease.get("issue_time"))
    end = parse_time(lease.get("expire_time"))
    if not start or not end:
        return int(lease.get("ttl") or 0)
    return max(0, int((end - start).total_seconds()))


def plan(lease, renew_before):
    """``(action, reason)`` for a lease as ``lookup`` returns it (None: gone) and a parsed ``renew_before``."""
    if lease is None:
        return ISSUE, GONE
    remaining = int(lease.get("ttl") or 0)
    threshold = renew_before_seconds(renew_before, lifetime(lease))
    if remaining > threshold:
        return KEEP, "the lease ends in %ds, past renew_before (%ds)" % (remaining, threshold)
    if not lease.get("renewable"):
        return ISSUE, "the lease ends in %ds, within renew_before (%ds), and is not renewable" % (remaining, threshold)
    return RENEW, "the lease ends in %ds, within renew_before (%ds)" % (remaining, threshold)


def renewal_suffices(lease, renewed_seconds, renew_before):
    """Whether a renewal to ``renewed_seconds`` reaches past ``renew_before`` (judged by the lifetime
    the lease had before it, so a capped renewal never counts as a full one)."""
    return renewed_seconds > renew_before_seconds(renew_before, lifetime(lease))


def lookup(client, lease_id):
    """The lease (``id``, ``ttl``, ``renewable``, ``issue_time``, ``expire_time``, ``last_renewal``), or None when Vault has none."""
    try:
        body = client.write("sys/leases/lookup", {"lease_id": lease_id}, action="look up lease %s" % lease_id)
    except SecretOpsError as error:
        # Vault answers 400 "invalid lease" for a lease it does not know (expired, revoked, never existed).
        if error.details.get("status") == 400 and "invalid lease" in str(error).lower():
            return None
        raise
    return (body or {}).get("data") or None


def renew(client, lease_id, increment=None):
    """Renew the lease; return the seconds it now has left (Vault caps them at the role's max TTL)."""
    data = {"lease_id": lease_id}
    if increment is not None:
        data["increment"] = to_seconds(increment, "ttl")
    body = client.write("sys/leases/renew", data, action="renew lease %s" % lease_id)
    return int((body or {}).get("lease_duration") or 0)


def revoke(client, lease_id):
    """Revoke the lease and wait until the engine revoked the credentials (an unknown lease is fine)."""
    client.write("sys/leases/revoke", {"lease_id": lease_id, "sync": True}, action="revoke lease %s" % lease_id)


def token_facts(client):
    """What matters about the client's token for the leases it creates: ``ttl`` (0: never expires),
    ``period``, ``orphan``, ``renewable`` (``None`` values when this token may not look itself up)."""
    try:
        data = (client.read("auth/token/lookup-self") or {}).get("data") or {}
    except SecretOpsError as error:
        if error.details.get("status") != 403:
            raise
        data = {}
    return {
        "ttl": data.get("ttl"),
        "period": to_seconds(data.get("period") or 0, "period") if data else None,
        "orphan": data.get("orphan"),
        "renewable": data.get("renewable"),
    }


def renew_token(client):
    """Renew the client's own (periodic) token; return its new TTL in seconds."""
    body = client.write("auth/token/renew-self", {}, action="renew the token (auth/token/renew-self)")
    return int(((body or {}).get("auth") or {}).get("lease_duration") or 0)
