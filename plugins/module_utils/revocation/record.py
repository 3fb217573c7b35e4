# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the automation issued for one Secret, and what it still has to revoke: the revocation record.

Revoking is only safe for what the automation itself issued for this very Secret, so the record is
the automation's own, kept where tenants cannot write (``ledger.py``), and never rebuilt from the
Secret's annotations or data, which anyone who may edit the Secret can change. Pure: no I/O.

A record holds:

* ``current``: the credential the Secret holds (a lease id or a certificate serial), with the
  ``source`` it came from (``<mount>/creds/<role>``, ``<mount>/issue/<role>``) and ``match`` (what
  Vault's copy must show before it is revoked: for a certificate, its names);
* ``issued``: credentials issued but not yet known to be in the Secret: written before the Secret
  is, so a run killed in between leaves them recorded, and the next run either finds one in the
  Secret (it becomes ``current``) or, never delivered, revokes it;
* ``pending``: replaced credentials waiting for revocation, each with ``replaced_at``, the API
  server's time of the Secret write that replaced it (``None``: never delivered, so no pod holds it).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy


def empty(namespace, name):
    return {"secret": "%s/%s" % (namespace, name), "current": None, "issued": [], "pending": []}


def credential(credential_id, source, match=None):
    """One credential the automation issued: its id (lease id or serial), where from, and what Vault must confirm."""
    return {"id": credential_id, "source": source, "match": match or {}}


def _ids(entries):
    return [entry["id"] for entry in entries]


def note_issued(record, issued):
    """``record`` with ``issued`` (a ``credential``) recorded before it is written to the Secret."""
    result = copy.deepcopy(record)
    if issued["id"] not in _ids(result["issued"]):
        result["issued"].append(issued)
    return result


def _add_pending(record, entry, replaced_at):
    if entry["id"] not in _ids(record["pending"]):
        record["pending"].append(dict(entry, replaced_at=replaced_at))


def delivered(record, credential_id, replaced_at):
    """``record`` once the Secret holds ``credential_id`` (one of ``issued``): the former current one is
    pending from ``replaced_at`` (the Secret write, API server time)."""
    result = copy.deepcopy(record)
    entry = next((item for item in result["issued"] if item["id"] == credential_id), None)
    if entry is None:
        return result
    result["issued"] = [item for item in result["issued"] if item["id"] != credential_id]
    previous = result["current"]
    if previous and previous["id"] != credential_id:
        _add_pending(result, previous, replaced_at)
    result["current"] = entry
    result["pending"] = [item for item in result["pending"] if item["id"] != credential_id]
    return result


def undelivered(record, credential_id):
    """``record`` after the Secret write of ``credential_id`` failed and the credential was revoked."""
    result = copy.deepcopy(record)
    result["issued"] = [item for item in result["issued"] if item["id"] != credential_id]
    return result


def reconcile(record, in_secret, now):
    """Repair a record left by a run that died between its steps; return ``(record, notes)``.

    ``in_secret`` is the credential id the Secret holds now (None: none). An ``issued`` credential
    the Secret holds was delivered (the run died before recording it): it becomes current, and the
    former one pending from ``now`` (later than the real write, so never too early). Any other
    ``issued`` credential never reached the Secret, so no pod holds it: pending, revocable at once.
    """
    result = copy.deepcopy(record)
    notes = []
    if in_secret and in_secret in _ids(result["issued"]):
        result = delivered(result, in_secret, now)
        notes.append("an earlier run wrote %s to the Secret and stopped before recording it: recorded now" % in_secret)
    for entry in result["issued"]:
        _add_pending(result, entry, None)
        notes.append("an earlier run issued %s and stopped before writing it to the Secret: it waits for revocation" % entry["id"])
    result["issued"] = []
    return result, notes


def holds_current(record, in_secret):
    """Whether the Secret holds the credential the record says it does (not one planted or left by others)."""
    return bool(in_secret) and bool(record["current"]) and record["current"]["id"] == in_secret


def without_pending(record, credential_ids):
    """``record`` with the pending credentials ``credential_ids`` removed (revoked, or gone from Vault)."""
    result = copy.deepcopy(record)
    result["pending"] = [item for item in result["pending"] if item["id"] not in credential_ids]
    return result


def pending_ids(record):
    return _ids(record["pending"])
