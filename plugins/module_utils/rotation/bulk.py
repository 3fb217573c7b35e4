# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Many secrets in one module run: the ``secrets:`` list of secret_sync and secret_rotation.

One Vault session and one Kubernetes client serve the whole list, the Secrets of each namespace
are read with one paged LIST (instead of one GET per secret), and the Vault reads run
``concurrency`` at a time. Each item has its own value-free result, in input order; an item that
fails does not stop the others (its result has ``failed`` and ``msg``), and the task fails at the
end naming the failed items, with every result.

Sync: each item seeds Vault and then syncs its Secret on its own, ``concurrency`` items at a time.

Rotation keeps the order of docs/rotation.md: every item is read and decided first (concurrently;
nothing is written), then the writes - Vault, then the Secret - go one item at a time in input
order, each preceded by a read of the secret's KV settings (``max_versions``), so a Vault that
stopped answering fails that read rather than a write it might still apply after the run gave up.
A run that dies or loses a server therefore leaves at most one secret between its Vault write and
its Secret write (the next run resumes it), and the secrets after it untouched.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.secretops.provisioning.plugins.module_utils import list_form
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import k8s_session
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.secret_service import SecretService
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import options, service

# Task-level options an item takes over when it does not set them itself (list_form.py's rule).
SYNC_INHERITED = ("namespace", "type", "mount_point", "generate", "mapping", "keep_previous", "values", "seed")
ROTATION_INHERITED = ("namespace", "type", "mount_point", "generate", "mapping", "keep_previous", "new_values", "only_if_older_than")
# Task-level options a rotation item cannot take: a roll-back names one version of one secret.
ROTATION_REFUSED = ("to_version",)
# Options that identify an item; the single form keeps them apart from the list (mutually_exclusive).
ITEM_ONLY = options.ITEM_ONLY


MOUNT_INFO = "sys/internal/ui/mounts/"


class SharedReads(object):
    """The Vault client of a list, reading once what every secret on a mount shares: which mount a
    path is on (Vault mounts do not nest, so every path under a mount's path is on it) and the
    mount's ``config``. Everything else goes to the client."""

    def __init__(self, vault):
        self.vault = vault
        self.mounts = []
        self.configs = {}
        self.lock = threading.Lock()

    def __getattr__(self, name):
        return getattr(self.vault, name)

    def _mount_of(self, probe):
        for info in self.mounts:
            if (probe + "/").startswith(info["data"]["path"]):
                return info
        return None

    def read(self, path):
        if path.startswith(MOUNT_INFO):
            info = self._mount_of(path[len(MOUNT_INFO):])
            if info is None:
                info = self.vault.read(path)
                data = (info or {}).get("data") or {}
                if str(data.get("path") or "").endswith("/"):
                    with self.lock:
                        self.mounts.append(info)
            return info
        mount = path[:-len("/config")] + "/" if path.endswith("/config") else None
        if mount and any(info["data"]["path"] == mount for info in self.mounts):
            if path not in self.configs:
                self.configs[path] = self.vault.read(path)
            return self.configs[path]
        return self.vault.read(path)


class _Item(object):
    __slots__ = ("index", "params", "spec", "listed", "result")

    def __init__(self, index, params, spec):
        self.index = index
        self.params = params
        self.spec = spec
        self.listed = None
        self.result = None

    @property
    def label(self):
        return list_form.label("secrets", self.index, "%s/%s" % (self.params.get("namespace"), self.params.get("name")))

    def failed(self, error):
        """The item's result for ``error``: value-free, as every error message is."""
        result = {"name": self.params.get("name"), "secret": self.params.get("name"), "namespace": self.params.get("namespace"),
                  "failed": True, "changed": False,
                  "msg": str(error)}
        if error.details.get("vault_path"):
            result["vault_path"] = error.details["vault_path"]
        return result


def _items(params, inherited, refused, values_option=None):
    entries = list_form.list_items(params, "secrets", inherited, refused)
    items = []
    for index, entry in enumerate(entries):
        item = _Item(index, entry, None)
        if not entry.get("namespace"):
            item.result = item.failed(SecretOpsError("no namespace: set namespace on the item or at task level"))
        else:
            item.spec = options.secret_spec(entry, entry.get(values_option) if values_option else None)
        items.append(item)
    return items


def _concurrently(function, items, concurrency):
    """``function(item)`` for each item, ``concurrency`` at a time; results in input order."""
    if concurrency <= 1 or len(items) <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(concurrency, len(items))) as pool:
        return list(pool.map(function, items))


def _list_secrets(k8s, items):
    """One LIST per namespace: each item gets the Secret it names (None when absent); the items of a
    namespace that cannot be listed fail."""
    by_namespace = {}
    for item in items:
        if item.result is None:
            by_namespace.setdefault(item.params["namespace"], []).append(item)
    secrets = SecretService(k8s)
    for namespace in sorted(by_namespace):
        wanted = by_namespace[namespace]
        try:
            found = secrets.list(namespace, set(item.params["name"] for item in wanted))
        except SecretOpsError as error:
            for item in wanted:
                item.result = item.failed(error)
            continue
        for item in wanted:
            item.listed = found.get(item.params["name"])


def _outcome(items, list_key):
    results = [item.result for item in items]
    diffs = [result.pop("diff") for result in results if "diff" in result]
    changed = any(result.get("changed") and not result.get("failed") for result in results)
    failures = [item for item in items if item.result.get("failed")]
    if failures:
        raise list_form.failure(["%s: %s" % (item.label, item.result["msg"]) for item in failures], len(results), "secrets",
                                changed=changed, **{list_key: results})
    outcome = {"changed": changed, list_key: results}
    if diffs:
        outcome["diff"] = diffs  # one value-free diff per changed Secret, as k8s_secret's bulk form gives
    return outcome


def _concurrency(params):
    return max(1, params.get("concurrency") or 1)


def sync_all(params, check_mode=False, warn=None, fingerprinter=None):
    """secret_sync's list form: ``{"changed", "results"}``, one result per item in input order."""
    warn = warn or (lambda message: None)
    items = _items(params, SYNC_INHERITED, (), "values")
    concurrency = _concurrency(params)
    with options.vault_session(params) as session, k8s_session(options.k8s_params(params), pool_size=concurrency) as k8s:
        vault = SharedReads(session)
        _list_secrets(k8s, items)

        def sync_one(item):
            if item.result is not None:
                return item.result
            entry = item.params
            try:
                return service.provision(vault, k8s, item.spec, entry["namespace"], entry["mount_point"], entry["seed"] is not False,
                                         check_mode, listed=item.listed, fingerprinter=fingerprinter)
            except SecretOpsError as error:
                return item.failed(error)

        for item, result in zip(items, _concurrently(sync_one, items, concurrency)):
            item.result = result
    for item in items:
        for warning in item.result.pop("warnings", None) or []:
            warn("secret %s: %s" % (item.params["name"], warning))
    return _outcome(items, "results")


def rotate_all(params, check_mode=False, fingerprinter=None):
    """secret_rotation's list form (``state=rotated``): ``{"changed", "rotations"}``, one result per
    item in input order (not ``results``: Ansible shows a task whose ``results`` are all
    ``skipped`` as skipped)."""
    items = _items(params, ROTATION_INHERITED, ROTATION_REFUSED)
    concurrency = _concurrency(params)
    with options.vault_session(params) as session, k8s_session(options.k8s_params(params), pool_size=concurrency) as k8s:
        vault = SharedReads(session)
        _list_secrets(k8s, items)

        def plan_one(item):
            if item.result is not None:
                return None
            entry = item.params
            try:
                return service.plan_rotation(vault, item.spec, entry["namespace"], lambda: service.synced_version_of(item.listed),
                                             entry["mount_point"], entry["new_values"], entry["only_if_older_than"])
            except SecretOpsError as error:
                item.result = item.failed(error)
                return None

        plans = _concurrently(plan_one, items, concurrency)
        for item, planned in zip(items, plans):
            if planned is None:
                continue
            try:
                item.result = service.carry_out(vault, k8s, planned, check_mode, listed=item.listed, fingerprinter=fingerprinter)
            except SecretOpsError as error:
                item.result = item.failed(error)
    return _outcome(items, "rotations")
