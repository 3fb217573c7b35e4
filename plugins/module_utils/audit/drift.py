# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether what runs is what Vault says: the drift state of one Secret and its consumers. Pure, no I/O.

Three things are compared, none of them a value: the current version of the Vault KV path (from its
metadata), the version the Secret records (``secretops.io/vault-version``, written by the sync), and
the keyed stamp each consumer's Pods were started with (``workloads/stamps.py``) against the keyed
MAC of the Secret's current content. Dynamic secrets (database leases, PKI certificates) carry their
lease or serial in annotations instead of a version; their Pods are compared the same way.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.service import (
    VAULT_PATH_ANNOTATION, synced_version_of,
)
from ansible_collections.secretops.provisioning.plugins.module_utils.delivery import database_annotations
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import kv
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.pki_certificate import NOT_AFTER_ANNOTATION, SERIAL_ANNOTATION
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import stamps

IN_SYNC = "in_sync"
SECRET_BEHIND_VAULT = "secret_behind_vault"
PODS_BEHIND_SECRET = "pods_behind_secret"
VAULT_PATH_MISSING = "vault_path_missing"
UNMANAGED = "unmanaged"
STATES = (IN_SYNC, SECRET_BEHIND_VAULT, PODS_BEHIND_SECRET, VAULT_PATH_MISSING, UNMANAGED)

# A consumer whose stamp cannot be tested: the namespace's content key is missing or unreadable.
UNKNOWN = "unknown"
BEHIND = (stamps.STALE, stamps.UNSTAMPED)


def annotations_of(secret):
    return ((secret or {}).get("metadata") or {}).get("annotations") or {}


def recorded_path(secret):
    """The Vault path the Secret says it is synced from (``secretops.io/vault-path``), or None."""
    return annotations_of(secret).get(VAULT_PATH_ANNOTATION) or None


def is_managed(secret):
    """Whether the collection wrote ``secret`` from Vault: it carries the Vault path annotation."""
    return recorded_path(secret) is not None


def dynamic_record(secret):
    """``{kind, serial or lease_end, ...}`` for a Secret holding a database lease or a PKI certificate, else None.

    The lease id itself is left out: with a token allowed to, it renews or revokes the lease.
    """
    found = annotations_of(secret)
    if found.get(SERIAL_ANNOTATION):
        return {"kind": "pki", "serial": found[SERIAL_ANNOTATION], "not_after": found.get(NOT_AFTER_ANNOTATION) or None}
    record = database_annotations.read_record(secret)
    if record and record.get("lease_id"):
        return {"kind": "database_lease", "lease_end": record["lease_end"], "renewable": record["renewable"]}
    if record and record.get("last_rotation"):
        return {"kind": "database_static", "last_rotation": record["last_rotation"]}
    return None


def vault_current(metadata):
    """``(version, live)`` of a KV v2 path from its metadata (None: the path has none): the current
    version, and whether its data is there (not deleted or destroyed)."""
    if not metadata:
        return None, False
    version = int(metadata.get("current_version") or 0)
    if not version:
        return None, False
    version_metadata = (metadata.get("versions") or {}).get(str(version)) or {}
    return version, kv.not_live(version_metadata) is None


def consumer_state(workload, secret_name, checksum, evidence):
    """The ``stamps`` state of ``secret_name`` in ``workload``; ``UNKNOWN`` for a stamp that cannot be tested (no key)."""
    state = stamps.secret_state(workload, secret_name, checksum, evidence)
    if checksum is None and state == stamps.STALE:
        return UNKNOWN
    return state


def decide(secret, vault_path, vault_version, vault_live, consumers):
    """``(state, reason)`` of one Secret.

    ``secret`` is the Secret as listed (None: absent), ``vault_path`` the path it is compared with
    (None: unmanaged), ``vault_version``/``vault_live`` from ``vault_current`` (for a dynamic secret
    ``vault_version`` is None and ``vault_live`` True: there is no KV path to compare), ``consumers``
    the consumer dicts with their ``state``.
    """
    if vault_path is None:
        return UNMANAGED, "the Secret records no Vault path (secretops.io/vault-path) and none was given"
    if not vault_live:
        if vault_version is None:
            return VAULT_PATH_MISSING, "Vault has no secret at %s" % vault_path
        return VAULT_PATH_MISSING, "the current version %d of %s is deleted or destroyed" % (vault_version, vault_path)
    if secret is None:
        return SECRET_BEHIND_VAULT, "the Secret does not exist; Vault has version %s" % vault_version
    if vault_version is not None:
        _exists, synced = synced_version_of(secret)
        if synced != vault_version:
            return SECRET_BEHIND_VAULT, ("the Secret records Vault version %s, Vault's current version is %d"
                                         % (synced if synced is not None else "none", vault_version))
    behind = [consumer for consumer in consumers if consumer["state"] in BEHIND]
    if behind:
        return PODS_BEHIND_SECRET, "%s started with other content than the Secret's current content" % ", ".join(
            "%s/%s" % (consumer["kind"], consumer["name"]) for consumer in behind)
    unknown = [consumer for consumer in consumers if consumer["state"] == UNKNOWN]
    if unknown:
        return IN_SYNC, "the Secret matches Vault; the stamps of %s cannot be tested without the namespace's content key" % ", ".join(
            "%s/%s" % (consumer["kind"], consumer["name"]) for consumer in unknown)
    return IN_SYNC, "the Secret matches Vault and every consumer runs its current content"


def behind_since(secret, state):
    """The time the Pods fell behind (the Secret's last write) for ``PODS_BEHIND_SECRET``, else None."""
    if state != PODS_BEHIND_SECRET:
        return None
    return stamps.last_write_time(secret)


def summary(results):
    """Counts per state, every state present (0 when none)."""
    counts = dict((state, 0) for state in STATES)
    for result in results:
        counts[result["state"]] = counts.get(result["state"], 0) + 1
    counts["total"] = len(results)
    return counts
