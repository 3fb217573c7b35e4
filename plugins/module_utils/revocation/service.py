# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Revoke what a Secret's credentials replaced, only when it is the automation's and no Pod holds it.

Shared by certificates and database leases: the caller gives ``confirm`` (ask Vault whether the
recorded credential is still there and is what was issued) and ``revoke``. Each pending credential
of the record is, in order: confirmed with Vault (gone: dropped; not what was issued: refused,
dropped and reported); held back while a Pod may still hold it (``holders.py``), unless the
operator accepted the loss for this run; otherwise revoked and dropped from the record.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import paths
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.content_key import namespace_key
from ansible_collections.secretops.provisioning.plugins.module_utils.revocation import holders as gate
from ansible_collections.secretops.provisioning.plugins.module_utils.revocation import record as records
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.checksum import content_mac

PODS = paths.PODS
# How long to wait for Pods that are already terminating (a rollout just replaced them) to be gone.
TERMINATING_WAIT_SECONDS = 60
POLL_SECONDS = 1.0
REVOCABLE = "revocable"
GONE = "gone"


def _pods(k8s, namespace):
    listing = k8s.request("GET", PODS, path_params={"namespace": namespace}, action="list Pods in namespace %s" % namespace)
    return listing.get("items") or []


def _stamp(k8s, namespace, name, secret):
    key = namespace_key(k8s, namespace, create=False)
    return content_mac(key, name, secret.get("data") or {}) if key is not None and secret is not None else None


def outcome():
    return {"revoked": [], "held": [], "refused": [], "gone": [], "failed": []}


def _settled_pods(k8s, namespace, name, entries, stamp, clock=time.monotonic, sleep=time.sleep):
    """The namespace's Pods once no holder of ``entries`` is merely terminating (a rollout that just
    ended leaves old Pods in their grace period), waiting at most ``TERMINATING_WAIT_SECONDS``."""
    deadline = clock() + TERMINATING_WAIT_SECONDS
    while True:
        pods = _pods(k8s, namespace)
        holding = [pod for entry in entries for pod in gate.holding_pods(pods, name, entry.get("replaced_at"), stamp)]
        if not holding or not all(gate.terminating(pod) for pod in holding) or clock() >= deadline:
            return pods
        sleep(POLL_SECONDS)


def revoke_pending(k8s, secret_ref, secret, record, confirm, revoke, accept_in_use=False, check_mode=False):
    """Revoke the pending credentials of ``record`` that may go; return ``(record, outcome)``.

    ``secret_ref`` is ``(namespace, name)``; ``secret`` the Secret as read (None: gone).
    ``confirm(entry)`` returns ``(REVOCABLE | GONE | None, reason)`` (None: refused, with the reason);
    ``revoke(entry)`` revokes it. ``outcome``: ``revoked`` ids, ``held`` (id, replaced_at, holders),
    ``refused`` (id, reason), ``gone`` ids, ``failed`` (id, error: it stays pending).
    """
    namespace, name = secret_ref
    result = outcome()
    pending = record["pending"]
    if not pending:
        return record, result
    delivered = [entry for entry in pending if entry.get("replaced_at")]
    stamp = _stamp(k8s, namespace, name, secret) if delivered and not accept_in_use else None
    pods = _settled_pods(k8s, namespace, name, delivered, stamp) if delivered and not accept_in_use else []
    done = []
    for entry in pending:
        state, reason = confirm(entry)
        if state == GONE:
            result["gone"].append(entry["id"])
            done.append(entry["id"])
            continue
        if state != REVOCABLE:
            result["refused"].append({"id": entry["id"], "reason": reason})
            done.append(entry["id"])
            continue
        held = gate.holders(pods, name, entry.get("replaced_at"), stamp)
        if held and not accept_in_use:
            result["held"].append({"id": entry["id"], "replaced_at": entry.get("replaced_at"), "holders": held})
            continue
        if not check_mode:
            try:
                revoke(entry)
            except SecretOpsError as error:  # it stays pending: the next run tries again
                result["failed"].append({"id": entry["id"], "error": str(error)})
                continue
        result["revoked"].append(entry["id"])
        done.append(entry["id"])
    return records.without_pending(record, done), result


def warnings(what, result):
    """The warnings of a revocation ``outcome``: what was held back, refused or failed, and why."""
    lines = ["the replaced %s %s is not revoked: %s may still hold it (started before the Secret changed); a later run revokes it "
             "once they are replaced, or accept the loss with accept_revocation_in_use" % (what, item["id"], ", ".join(item["holders"]))
             for item in result["held"]]
    lines += ["%s %s was not revoked: %s" % (what, item["id"], item["reason"]) for item in result["refused"]]
    lines += ["%s %s was not revoked (a later run tries again): %s" % (what, item["id"], item["error"]) for item in result["failed"]]
    return lines
