# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rewrites every object that etcd does not yet hold under the wanted KMS v2 provider and key id,
so it is stored again under the current key. Resumable by construction: each run asks etcd what is
left, so a run killed half-way is finished by the next one.

Resources are named as EncryptionConfiguration names them (``secrets``, ``deployments.apps``,
``widgets.example.com``; ``resource_discovery.py`` finds where they live). Each is migrated by
Kubernetes' StorageVersionMigration where the API serves it (``storage_migration.py``), or by reading
and writing back every object; either way etcd is read again and what is left is rewritten here.

Before rewriting, a probe Secret is written until etcd shows it under the wanted provider (and key
id): that proves the apiserver loaded the configuration (and noticed a key rotation), so a rewrite
is not wasted on the old one.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption import (census, envelope, resource_discovery, resource_map,
                                                                                        storage_migration)
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import paths

PROBE_NAME = "secretops-encryption-probe"
PROBE_ANNOTATION = "secretops.io/encryption-probe"
REWRITE, SVM = "rewrite", "storage_version_migration"


def is_target(value, params, key_id):
    """Whether a stored value is already where the migration takes it (plaintext, or the provider and key id)."""
    if params.get("target") == "identity":
        return envelope.describe(value)[0] == envelope.PLAINTEXT
    return census.is_current(value, params["provider_name"], key_id, wanted_kind(params))


def wanted_kind(params):
    """The envelope kind the migration stores under: KMS v2, or the aescbc / secretbox of the simpler mode."""
    provider_type = params.get("provider_type") or "kms"
    return envelope.KMS_V2 if provider_type == "kms" else provider_type


def pending(reader, params, loc, key_id):
    """etcd names of the objects of ``loc`` (a ``resource_map.location``) not yet stored as the migration wants, in key order."""
    etcd_prefix = params["etcd_prefix"]
    return [census.object_name(etcd_prefix, loc["etcd_path"], key)
            for key, value in reader.items(census.resource_prefix(etcd_prefix, loc["etcd_path"]))
            if not is_target(value, params, key_id)]


def target_label(params, key_id):
    """What the migration stores under, in words (and in the StorageVersionMigration's name)."""
    if params.get("target") == "identity":
        return "plaintext"
    return "%s %s key id %s" % (wanted_kind(params), params["provider_name"], key_id)


def write_probe(client, namespace, stamp):
    """Create or touch the probe Secret (its value is a timestamp, nothing secret)."""
    probe = {"namespace": namespace, "name": PROBE_NAME}
    body = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": PROBE_NAME, "namespace": namespace,
            "annotations": {PROBE_ANNOTATION: stamp}}, "type": "Opaque"}
    written = client.request("PUT", paths.SECRET, path_params=probe, body=body, missing_ok=True,
                             action="write the encryption probe Secret %s/%s" % (namespace, PROBE_NAME))
    if written is None:
        client.request("POST", paths.SECRETS, path_params={"namespace": namespace}, body=body,
                       action="create the encryption probe Secret %s/%s" % (namespace, PROBE_NAME))


def probe_state(reader, etcd_prefix, namespace):
    key = census.resource_prefix(etcd_prefix, "secrets") + ("%s/%s" % (namespace, PROBE_NAME)).encode("utf-8")
    for found, value in reader.items(key):
        if found == key:
            return envelope.describe(value)
    return None


def wait_for_provider(client, reader, params, sleep=time.sleep, clock=time.monotonic):
    """Write the probe until etcd stores it under the wanted provider and key id; return the key id
    it is stored under. Fails after ``wait_timeout`` seconds, naming what etcd shows instead."""
    deadline = clock() + params["wait_timeout"]
    seen = None
    while True:
        try:
            write_probe(client, params["probe_namespace"], "%.6f" % time.time())
        except SecretOpsError as exc:
            # An apiserver restarted while its KMS plugin was down refuses writes (HTTP 500, "not
            # transformable") until it has a data key again, a few seconds after the plugin is back;
            # one the kubelet restarts for the new flags (kubeadm) is unreachable meanwhile.
            retry = exc.details.get("unreachable") or (exc.details.get("status") or 0) >= 500
            if not retry or clock() >= deadline:
                raise
            sleep(params["poll_interval"])
            continue
        seen = probe_state(reader, params["etcd_prefix"], params["probe_namespace"])
        if params.get("target") == "identity":
            if seen and seen[0] == envelope.PLAINTEXT:
                return None
        elif seen and seen[0] == wanted_kind(params) and seen[1] == params["provider_name"] \
                and (not params.get("key_id") or seen[2] == params["key_id"]):
            return seen[2]
        if clock() >= deadline:
            kind = "KMS v2" if wanted_kind(params) == envelope.KMS_V2 else wanted_kind(params)
            wanted = "in plaintext" if params.get("target") == "identity" else "under %s provider %s%s" % (
                kind, params["provider_name"], " with key id %s" % params["key_id"] if params.get("key_id") else "")
            raise SecretOpsError("after %ss the apiserver still stores new Secrets as %s, not %s: check that "
                                 "kube-apiserver runs with --encryption-provider-config-automatic-reload=true on this configuration and "
                                 "that the KMS plugin is healthy (/healthz/kms-providers)"
                                 % (params["wait_timeout"], _label(seen), wanted))
        sleep(params["poll_interval"])


def _label(seen):
    if not seen:
        return "nothing (the probe is not in etcd)"
    return "%s%s%s" % (seen[0], " provider %s" % seen[1] if seen[1] else "", " key id %s" % seen[2] if seen[2] else "")


def rewrite(client, loc, name):
    """Read the object and write it back unchanged: the apiserver stores it under its current key.
    Returns False when it vanished meanwhile; a conflict (someone wrote it first) is a success,
    since that write stored it anew."""
    path = resource_map.object_path(loc, name)
    current = client.request("GET", path, action="read %s %s" % (loc["name"], name), missing_ok=True)
    if current is None:
        return False
    # a 409 answers {} (someone wrote it first), a 404 None (it vanished since it was read)
    return client.request("PUT", path, body=current, action="rewrite %s %s" % (loc["name"], name), missing_ok=True,
                          exists_ok=True) is not None


def choose_method(client, method):
    """``rewrite`` or ``storage_version_migration``: ``auto`` takes the latter where the API serves it."""
    if method == REWRITE:
        return REWRITE
    if storage_migration.served(client):
        return SVM
    if method == SVM:
        raise SecretOpsError("method storage_version_migration: the API serves no storagemigration.k8s.io/v1 "
                             "StorageVersionMigration (Kubernetes 1.37 serves it by default); use method auto or rewrite")
    return REWRITE


def by_storage_migration(client, loc, names, params, key_id, sleep, clock):
    """Run (or finish) the resource's StorageVersionMigration, then delete it; returns its report and how many objects the nudge wrote."""
    name = storage_migration.migration_name(loc, target_label(params, key_id))
    nudged = []
    ended, message = storage_migration.run(client, loc, name, lambda: nudged.append(rewrite(client, loc, names[0])),
                                           params["migration_timeout"], params["poll_interval"], sleep=sleep, clock=clock)
    storage_migration.delete(client, name)
    return {"name": name, "outcome": ended, "message": message}, sum(1 for done in nudged if done)


def migrate_resource(client, reader, params, loc, key_id, method, check_mode, sleep, clock):
    names = pending(reader, params, loc, key_id)
    report = {"pending": len(names), "method": method, "rewritten": 0}
    if check_mode or not names:
        report["remaining"] = len(names)
        return report
    if method == SVM:
        report[SVM], report["rewritten"] = by_storage_migration(client, loc, names, params, key_id, sleep, clock)
        names = pending(reader, params, loc, key_id)
        report["left_by_migration"] = len(names)
    for name in names:
        report["rewritten"] += 1 if rewrite(client, loc, name) else 0
    left = pending(reader, params, loc, key_id)
    report["remaining"] = len(left)
    return report


def migrate(client, reader, params, check_mode=False, sleep=time.sleep, clock=time.monotonic):
    """Wait for the provider, rewrite what is pending, verify from etcd; return the module result."""
    result = {"changed": False, "provider_name": params["provider_name"], "resources": {}}
    if check_mode:
        key_id = params.get("key_id")
    else:
        key_id = wait_for_provider(client, reader, params, sleep=sleep, clock=clock)
    result["key_id"] = key_id
    locations = resource_discovery.locate_all(client, params["resources"])
    method = choose_method(client, params.get("method") or "auto")
    if method == SVM and not check_mode:
        try:
            storage_migration.delete_finished(client)
        except SecretOpsError as exc:
            # auto on an identity without RBAC for StorageVersionMigrations: the rewrite needs none of it
            if exc.details.get("status") != 403 or (params.get("method") or "auto") != "auto":
                raise
            method = REWRITE
    for loc in locations:
        report = migrate_resource(client, reader, params, loc, key_id, method, check_mode, sleep, clock)
        result["resources"][loc["name"]] = report
        result["changed"] = result["changed"] or bool(report["pending"])
        if report["remaining"] and not check_mode:
            raise SecretOpsError("%d %s are still not stored as wanted (%s) after the rewrite: is another apiserver of the cluster "
                                 "still on the old configuration? Run again once every apiserver has reloaded it"
                                 % (report["remaining"], loc["name"], target_label(params, key_id)), **result)
    result["census"] = census.take_census(reader, params["etcd_prefix"], locations)
    return result
