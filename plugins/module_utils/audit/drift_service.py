# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drift audit's reads: Secrets and workloads of each namespace, the KV metadata of each Vault path.

Decisions are in ``drift.py``. Only KV metadata is read from Vault (versions and their times),
never a secret's data; from Kubernetes the Secrets are read to compute the keyed stamp of their
content, which is compared and never returned.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.secretops.provisioning.plugins.module_utils.audit import drift
from ansible_collections.secretops.provisioning.plugins.module_utils.audit.inventory import read_namespace
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import kv, paths

UNKNOWN = "unknown"  # a Secret whose Vault side could not be read: the error says why
CONCURRENCY = 8  # KV metadata reads in flight at once


class VaultVersions(object):
    """``(version, live, created_time)`` of KV paths, each resolved and read once per run."""

    def __init__(self, vault):
        self.vault = vault
        self._seen = {}
        self._mounts = []  # (mount, KV version) resolved so far: paths under them need no lookup

    def current(self, path, mount_point=None):
        key = (path, mount_point)
        if key not in self._seen:
            self._seen[key] = self._outcome(key)
        outcome, error = self._seen[key]
        if error is not None:
            raise error
        return outcome

    def _outcome(self, key):
        try:
            return self._read(*key), None
        except SecretOpsError as error:
            return None, error

    def prefetch(self, keys, concurrency=CONCURRENCY):
        """Read the ``(path, mount_point)`` not read yet, ``concurrency`` at a time (each mount is looked up once, first)."""
        pending = sorted(set(key for key in keys if key not in self._seen), key=lambda key: (key[0], key[1] or ""))
        if len(pending) < 2 or self.vault is None:
            return
        first = dict((self._mount_of(key), key) for key in pending)
        for key in first.values():  # one lookup per mount, before the threads share what it found
            self._seen[key] = self._outcome(key)
        rest = [key for key in pending if key not in self._seen]
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            self._seen.update(zip(rest, pool.map(self._outcome, rest)))

    @staticmethod
    def _mount_of(key):
        path, mount_point = key
        return mount_point or path.strip("/").split("/", 1)[0]

    def _read(self, path, mount_point):
        if self.vault is None:
            raise SecretOpsError("no Vault connection: give the vault options (or VAULT_ADDR and a token) to compare with Vault")
        try:
            where = self._where(path, mount_point)
        except SecretOpsError as error:
            if "no secrets engine is mounted" in str(error) or "no KV mount found" in str(error):
                return None, False, None
            raise
        if where.version != 2:
            raise SecretOpsError("%s is on a KV v1 mount: it has no versions to compare" % where.full)
        metadata = kv.read_metadata(self.vault, where)
        version, live = drift.vault_current(metadata)
        created = (((metadata or {}).get("versions") or {}).get(str(version)) or {}).get("created_time") if version else None
        return version, live, created

    def _where(self, path, mount_point):
        """The ``KvPath`` of ``path``: under a mount already resolved without asking Vault, else resolved (``kv.resolve``)."""
        full = paths.clean_path("%s/%s" % (mount_point, path) if mount_point else path, "path")
        for mount, version in self._mounts:
            if full.startswith(mount + "/") and len(full) > len(mount) + 1:
                return kv.KvPath(mount, full[len(mount) + 1:], version)
        where = kv.resolve(self.vault, path, mount_point)
        self._mounts.append((where.mount, where.version))
        return where


def _consumer_result(namespace, consumer, secret_name):
    workload = namespace.workload(consumer["kind"], consumer["name"]) if not consumer.get("api_version") else None
    if workload is None:
        state = drift.UNKNOWN
    else:
        state = drift.consumer_state(workload, secret_name, namespace.checksum(secret_name), namespace.evidence)
    return {"kind": consumer["kind"], "name": consumer["name"], "state": state, "restartable": consumer["restartable"]}


def audit_secret(namespace, name, versions, vault_path=None, mount_point=None):
    """The drift result of the Secret ``name`` of ``namespace`` (an ``inventory.Namespace``)."""
    secret = namespace.secrets.get(name)
    recorded = drift.recorded_path(secret)
    path = vault_path or recorded
    dynamic = drift.dynamic_record(secret)
    result = {"name": name, "namespace": namespace.name, "exists": secret is not None, "vault_path": path,
              "recorded_vault_version": drift.synced_version_of(secret)[1], "vault_version": None, "vault_version_time": None}
    if dynamic:
        result["dynamic"] = dynamic
    if vault_path and recorded and recorded != vault_path.strip("/"):
        result["recorded_vault_path"] = recorded
    consumers = [_consumer_result(namespace, consumer, name) for consumer in namespace.consumers(name)[0]]
    result["consumers"] = consumers
    version, live = None, True
    if path and not dynamic:
        try:
            version, live, created = versions.current(path, mount_point)
        except SecretOpsError as error:
            result.update(state=UNKNOWN, reason=str(error))
            return result
        result.update(vault_version=version, vault_version_time=created)
    state, reason = drift.decide(secret, path, version, live, consumers)
    result.update(state=state, reason=reason, behind_since=drift.behind_since(secret, state))
    return result


def selection(namespace, secret_names=None, items=None):
    """``[(name, vault_path, mount_point)]`` to audit in ``namespace``: the named Secrets and items, or every managed Secret."""
    chosen = [(item["name"], item.get("vault_path"), item.get("mount_point")) for item in items or []]
    chosen.extend((name, None, None) for name in secret_names or [])
    if chosen:
        return chosen
    return [(name, None, None) for name, secret in sorted(namespace.secrets.items()) if drift.is_managed(secret)]


def vault_keys(namespace, chosen):
    """The ``(path, mount_point)`` the drift of ``chosen`` reads from Vault (dynamic secrets read none)."""
    keys = []
    for name, path, mount_point in chosen:
        secret = namespace.secrets.get(name)
        path = path or drift.recorded_path(secret)
        if path and not drift.dynamic_record(secret):
            keys.append((path, mount_point))
    return keys


def audit(client, vault, namespaces, secret_names=None, items=None):
    """``{"secrets": [...], "summary": {...}, "notes": [...]}`` for the ``namespaces``.

    ``items`` are ``{name, namespace, vault_path, mount_point}`` dicts (a Secret compared with a
    given path); ``secret_names`` names Secrets of every namespace in ``namespaces``. Without either,
    every Secret carrying the collection's Vault path annotation is audited.
    """
    by_namespace = {}
    for item in items or []:
        by_namespace.setdefault(item["namespace"], []).append(item)
    versions = VaultVersions(vault)
    results, notes = [], []
    for name in list(namespaces or []) + sorted(set(by_namespace) - set(namespaces or [])):
        namespace = read_namespace(client, name)
        if namespace.key_note:
            notes.append(namespace.key_note)
        chosen = selection(namespace, secret_names, by_namespace.get(name))
        versions.prefetch(vault_keys(namespace, chosen))
        for secret_name, path, mount_point in chosen:
            results.append(audit_secret(namespace, secret_name, versions, path, mount_point))
    return {"secrets": results, "summary": drift.summary(results), "notes": notes}
