# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kubernetes' own storage version migration (``storagemigration.k8s.io/v1``, GA in 1.37): one
StorageVersionMigration per resource and target key, run by kube-controller-manager's
storage-version-migrator-controller, which patches every object so the apiserver stores it anew.

The object's name is fixed by the resource and the key it migrates to, so a run killed while one
exists finds it again: a running one is waited for, a failed one replaced, a succeeded one taken as
done; each is deleted once waited for. Objects carry the label ``LABEL``; finished ones left by a
killed run are deleted by the next (``delete_finished``).

The controller starts only once its cache of the resource has seen the migration's resourceVersion,
which on a quiet resource takes until the next watch bookmark (about a minute) plus its retry
backoff; ``run`` shortens that by writing one object of the resource (``nudge``) and touching the
migration's annotation, which re-queues it at once (``_touch``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import re
import time

GROUP = "/apis/storagemigration.k8s.io/v1"
MIGRATIONS = GROUP + "/storageversionmigrations"
MIGRATION = MIGRATIONS + "/{name}"
LABEL = "secretops.io/encryption-migration"
NUDGED = "secretops.io/nudged"
FINAL = ("Succeeded", "Failed")
RETOUCH = 5
START_TIMEOUT = 30


def served(client):
    """Whether the API serves StorageVersionMigrations."""
    listed = client.request("GET", GROUP, missing_ok=True, action="discover %s" % GROUP)
    return any(entry.get("name") == "storageversionmigrations" for entry in (listed or {}).get("resources") or [])


def migration_name(loc, target):
    """The migration's name for a resource (a ``resource_map.location``) and a target (provider and key id)."""
    digest = hashlib.sha256(("%s|%s" % (loc["name"], target)).encode("utf-8")).hexdigest()[:10]
    return "secretops-%s-%s" % (re.sub(r"[^a-z0-9.-]", "-", loc["name"])[:200], digest)


def body(name, loc):
    return {"apiVersion": "storagemigration.k8s.io/v1", "kind": "StorageVersionMigration",
            "metadata": {"name": name, "labels": {LABEL: "true", "app.kubernetes.io/managed-by": "secretops.provisioning"}},
            "spec": {"resource": {"group": loc["group"], "resource": loc["resource"]}}}


def outcome(migration):
    """("Succeeded" or "Failed", message) once the migration ended, else None."""
    for condition in ((migration or {}).get("status") or {}).get("conditions") or []:
        if condition.get("type") in FINAL and condition.get("status") == "True":
            return condition["type"], condition.get("message") or ""
    return None


def _get(client, name):
    return client.request("GET", MIGRATION, path_params={"name": name}, missing_ok=True,
                          action="read the StorageVersionMigration %s" % name)


def delete(client, name):
    client.request("DELETE", MIGRATION, path_params={"name": name}, missing_ok=True,
                   action="delete the StorageVersionMigration %s" % name)


def ensure(client, name, loc):
    """The migration ``name``: the one there (running, or succeeded), else a new one (a failed one is replaced)."""
    current = _get(client, name)
    if current is not None and (outcome(current) or ("",))[0] == "Failed":
        delete(client, name)
        current = None
    if current is None:
        created = client.request("POST", MIGRATIONS, body=body(name, loc), exists_ok=True,
                                 action="create the StorageVersionMigration %s" % name)
        current = created if created else _get(client, name)
    return current


def run(client, loc, name, nudge, timeout, poll_interval, sleep=time.sleep, clock=time.monotonic):
    """Ensure the migration and wait for its end; returns (outcome, message), outcome "NotStarted" when no controller
    took it up (no status) within ``START_TIMEOUT`` seconds, "TimedOut" after ``timeout`` seconds. ``nudge()`` writes
    one object of the resource once the migration has its resourceVersion."""
    start = clock()
    deadline = start + timeout
    migration = ensure(client, name, loc)
    touched = None
    while True:
        ended = outcome(migration)
        if ended:
            return ended
        if migration is None:
            return "Failed", "the StorageVersionMigration was deleted while it ran"
        if (migration.get("status") or {}).get("resourceVersion") and (touched is None or clock() - touched >= RETOUCH):
            if touched is None:
                nudge()
            touched = clock()
            _touch(client, name, migration)
        if not migration.get("status") and clock() >= start + min(START_TIMEOUT, timeout):
            return "NotStarted", "no controller took it up within %ss: is kube-controller-manager running its " \
                                 "storage-version-migrator-controller?" % min(START_TIMEOUT, timeout)
        if clock() >= deadline:
            return "TimedOut", "no Succeeded or Failed condition after %ss" % timeout
        sleep(poll_interval)
        migration = _get(client, name)


def _touch(client, name, migration):
    """Annotate the migration, which re-queues it in the controller at once (its retries back off up to minutes);
    again every ``RETOUCH`` seconds, for a custom resource the controller's cache learns of only at its next
    discovery (every 30 s). A conflict (the controller wrote its status first) re-queues it as well."""
    metadata = migration["metadata"]
    metadata["annotations"] = dict(metadata.get("annotations") or {}, **{NUDGED: "%.3f" % time.time()})
    client.request("PUT", MIGRATION, path_params={"name": name}, body=migration, missing_ok=True, exists_ok=True,
                   action="annotate the StorageVersionMigration %s" % name)


def delete_finished(client):
    """Delete the finished migrations this collection created (by its label and name), left by a killed run."""
    listed = client.request("GET", MIGRATIONS, query={"labelSelector": LABEL}, action="list the StorageVersionMigrations")
    for migration in listed.get("items") or []:
        name = migration["metadata"]["name"]
        if name.startswith("secretops-") and outcome(migration):
            delete(client, name)
