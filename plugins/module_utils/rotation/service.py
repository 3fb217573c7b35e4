# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Vault -> Kubernetes Secret transactions: seed and sync, rotate, roll back.

Order is the safety property: Vault is written first (a new version, check-and-set against the
version read), and only then the Kubernetes Secret. When Vault cannot be written nothing in
Kubernetes changes; when the Secret update fails after Vault was written, the Secret's
``vault-version`` annotation lags Vault and the next rotate run finishes the sync instead of
generating again. Results carry versions, key names and fingerprints, never values: each call
fingerprints with its own random HMAC key (``checksum.Fingerprinter``), so the old and new
fingerprints of one result compare, and no fingerprint can be matched against a guessed value.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import time

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.secret_service import NOT_LISTED, SecretService, secret_ref
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import age, mapping, plan
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.checksum import Fingerprinter
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.diff import text_fingerprints
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import kv, paths

VAULT_PATH_ANNOTATION = "secretops.io/vault-path"
VAULT_VERSION_ANNOTATION = "secretops.io/vault-version"


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def _where(vault, spec, mount_point):
    # The path also goes into the application's policy (vault/app_policy.py): plain characters only.
    try:
        paths.plain_path(spec["vault_path"], "vault_path")
        if mount_point:
            paths.plain_path(mount_point, "mount_point")
    except SecretOpsError as error:
        raise SecretOpsError("secret %s: %s" % (spec["name"], error)) from None
    where = kv.resolve(vault, spec["vault_path"], mount_point)
    if where.version != 2:
        raise SecretOpsError("secret %s: %s is a KV v1 mount; versions and check-and-set need KV v2" % (spec["name"], where.mount))
    return where


def _read(vault, where, spec, version=None):
    secret = kv.read_secret(vault, where, version)
    if not secret or secret.get("data") is None:
        return None
    return secret


def _write(vault, where, data, cas):
    body = vault.write(where.api("data"), {"data": data, "options": {"cas": int(cas)}},
                       action="write secret %s (check-and-set on version %s)" % (where.full, cas))
    return int(((body or {}).get("data") or {}).get("version"))


def sync_secret(k8s, spec, namespace, where, vault_data, vault_version, check_mode, before_write=None, desired=None, listed=NOT_LISTED,
                fingerprinter=None):
    """Make the Kubernetes Secret of ``spec`` hold ``vault_data`` (version ``vault_version``).

    ``desired`` is the Secret ``mapping.desired_secret`` built from ``vault_data`` (built here when
    not given). ``listed`` is the Secret as its namespace's LIST returned it (None: absent), which
    saves the first read (bulk runs). The Secret carries the Vault path and version, never anything
    derived from a value. With ``fingerprinter`` (diff mode), a change returns a value-free ``diff``.
    """
    if desired is None:
        desired = mapping.desired_secret(spec, namespace, vault_data)
    annotations = {VAULT_PATH_ANNOTATION: where.full, VAULT_VERSION_ANNOTATION: str(vault_version)}
    extra = {} if listed is NOT_LISTED else {"listed": listed}
    if fingerprinter is not None:
        extra["fingerprinter"] = fingerprinter
    result = SecretService(k8s).update_keys(namespace, spec["name"], desired.type, desired.data, annotations,
                                            mapping.managed_keys(spec, vault_data), check_mode, before_write, **extra)
    result["data_keys"] = sorted(desired.data)
    result["warnings"] = list(desired.warnings)
    return result


def provision(vault, k8s, spec, namespace, mount_point=None, seed=True, check_mode=False, listed=NOT_LISTED, fingerprinter=None):
    """Seed the Vault fields of ``spec`` (given values; generated ones only when missing), then sync.

    The Secret is built and checked from the seeded data before Vault is written: data the Secret
    could not hold never reaches Vault. When another writer seeds the path between the read and
    the write (the same application provisioned on several clusters at once), the check-and-set
    write is refused and the seeding starts again from what that writer wrote, once: every cluster
    ends with the same generated values.
    """
    return _once_more_after_a_lost_race(lambda: _provision(vault, k8s, spec, namespace, mount_point, seed, check_mode, listed, fingerprinter))


def _once_more_after_a_lost_race(attempt):
    """``attempt()``, and once more when its check-and-set write lost to another writer's version."""
    try:
        return attempt()
    except SecretOpsError as error:
        if not kv.lost_cas_race(error):
            raise
    return attempt()


def _provision(vault, k8s, spec, namespace, mount_point, seed, check_mode, listed, fingerprinter=None):
    where = _where(vault, spec, mount_point)
    current = kv.read_secret(vault, where)
    # A deleted or destroyed current version counts as missing (as for vault_kv only_if_missing);
    # the check-and-set write still names that version, since Vault compares cas with it.
    cas = kv.create_cas(current)
    version = cas
    data = current["data"] if current and current.get("data") is not None else {}
    written = []
    if seed:
        data, written = plan.seed(spec["name"], spec.get("fields"), data)
    if not data:
        raise SecretOpsError("secret %s: nothing in Vault at %s%s: give fields to seed it" % (spec["name"], where.full, _not_live_note(current)),
                             vault_path=where.full)
    desired = mapping.desired_secret(spec, namespace, data)
    if written:
        version = cas + 1 if check_mode else _write(vault, where, data, cas)
    synced = sync_secret(k8s, spec, namespace, where, data, version, check_mode, desired=desired, listed=listed, fingerprinter=fingerprinter)
    return _with_diff(synced, {
        "changed": bool(written) or synced["changed"],
        "name": spec["name"], "secret": secret_ref(namespace, spec["name"]), "namespace": namespace, "vault_path": where.full, "vault_version": version,
        "vault_changed": bool(written), "written_fields": written, "secret_changed": synced["changed"],
        "data_keys": synced["data_keys"], "warnings": synced["warnings"],
    })


def _with_diff(outcome, result):
    """``result`` with the Secret's value-free ``diff`` from ``outcome`` (``sync_secret``), when it has one."""
    if "diff" in outcome:
        result["diff"] = outcome["diff"]
    return result


def _not_live_note(current):
    """`` (its current version N is deleted...)`` when ``current`` (``kv.read_secret``) is a version
    whose data is gone, else ``""``."""
    state = kv.not_live((current or {}).get("metadata"))
    if not state:
        return ""
    version = int(current["metadata"].get("version") or 0)
    return " (its current version %d is %s%s)" % (version, state, ": undelete it to keep its value" if state == "deleted" else "")


def _synced_version(k8s, namespace, name):
    """``(exists, version)`` of the Kubernetes Secret: whether it exists, and the Vault version its
    ``vault-version`` annotation names (None when it carries none)."""
    return synced_version_of(SecretService(k8s).get(namespace, name))


def synced_version_of(secret):
    """``(exists, version)`` of a Secret as read or listed (None: absent); see ``_synced_version``."""
    if secret is None:
        return False, None
    value = (secret["metadata"].get("annotations") or {}).get(VAULT_VERSION_ANNOTATION)
    return True, int(value) if value and value.isdigit() else None


# What KV v2 keeps when neither the secret's metadata nor the mount's config sets max_versions.
DEFAULT_KV_MAX_VERSIONS = 10


def _kept_versions(vault, where):
    """How many versions KV v2 keeps at ``where``; None when this token may not read the settings."""
    try:
        kept = int((kv.read_metadata(vault, where) or {}).get("max_versions") or 0)
        if not kept:
            kept = int(((vault.read("%s/config" % where.mount) or {}).get("data") or {}).get("max_versions") or 0)
    except SecretOpsError as error:
        if error.details.get("status") != 403:
            raise
        return None
    return kept or DEFAULT_KV_MAX_VERSIONS


def _resume_reason(exists, synced, version):
    """Why the Secret is synced to Vault's current version instead of rotated, or None when it is in step."""
    if not exists:
        return "the Secret did not exist: created from Vault version %d" % version
    if synced is None or synced == version:
        return None
    if synced < version:
        return "finished an interrupted rotation: the Secret had version %d, Vault %d" % (synced, version)
    return "the Secret had version %d, newer than Vault's current %d (was the Vault path re-created?): synced to Vault" % (synced, version)


# What a planned rotation does when it is carried out.
RESUME, SKIP, ROTATE = "resume", "skip", "rotate"


class RotationPlan(object):
    """One secret's rotation decided from reads only: nothing is written until ``carry_out``.

    ``data`` (the values to write) lives here only until the plan is carried out.
    """

    __slots__ = ("action", "spec", "namespace", "where", "result", "data", "version", "desired", "started", "unrecorded")

    def __init__(self, action, spec, namespace, where, result, started, data=None, version=None, desired=None, unrecorded=False):
        self.action = action
        self.spec = spec
        self.namespace = namespace
        self.where = where
        self.result = result
        self.started = started
        self.data = data
        self.version = version
        self.desired = desired
        self.unrecorded = unrecorded  # the Secret exists without a vault-version annotation (adopted)


def plan_rotation(vault, spec, namespace, synced_state, mount_point=None, new_values=None, only_if_older_than=None, now=None):
    """Read Vault and decide what rotating one secret does; ``synced_state()`` gives the Secret's
    ``(exists, version)`` (``synced_version_of``), asked after Vault was read.

    A Secret that is not in step with Vault (a run wrote Vault and died before the Secret, or a
    roll-back restored Vault but could not reach Kubernetes) is synced to Vault's current version
    instead (``resumed``), whether or not a rotation is due: its ``old_version`` is the version the
    Secret held, which stays readable in Vault, so a failed restart can roll back to it. A new
    version is never written where KV keeps a single version, since that would destroy the value
    the pods use before their Secret changes. An adopted Secret (one without a ``vault-version``
    annotation) is annotated with the version read before Vault is written (``_record_version``),
    so an interrupted rotation of it is finished like any other.
    """
    started = time.monotonic()
    where = _where(vault, spec, mount_point)
    current = _read(vault, where, spec)
    if current is None:
        raise SecretOpsError("secret %s: nothing in Vault at %s to rotate: provision it first (app_secrets role)" % (spec["name"], where.full),
                             vault_path=where.full)
    version = int(current["metadata"]["version"])
    result = {"name": spec["name"], "secret": secret_ref(namespace, spec["name"]), "namespace": namespace, "vault_path": where.full, "old_version": version,
              "new_version": version, "rotated_fields": [], "fingerprints": {}, "resumed": False, "skipped": False,
              "rotation_skipped": False}
    exists, synced = synced_state()
    resume_reason = _resume_reason(exists, synced, version)
    if resume_reason:
        # Only a Secret behind Vault holds a version of this path's history to roll back to.
        old_version = synced if exists and synced is not None and synced < version else version
        result.update(resumed=True, old_version=old_version, reason=resume_reason)
        return RotationPlan(RESUME, spec, namespace, where, result, started, data=current["data"], version=version)
    if not any("generate" in field for field in (spec.get("fields") or {}).values()) and not new_values:
        result.update(changed=False, skipped=True, rotation_skipped=True, reason="nothing to rotate: no generate rules and no new values")
        return RotationPlan(SKIP, spec, namespace, where, result, started)
    due, reason = age.is_due(current["metadata"].get("created_time"), only_if_older_than, now or _now())
    if not due:
        result.update(changed=False, skipped=True, rotation_skipped=True, reason=reason)
        return RotationPlan(SKIP, spec, namespace, where, result, started)
    data, rotated = plan.rotate(spec["name"], spec.get("fields"), current["data"], new_values, spec.get("keep_previous"))
    desired = mapping.desired_secret(spec, namespace, data)  # checked before anything is written
    result["rotated_fields"] = rotated
    fingerprinter = Fingerprinter()  # one key for both sides, so old and new compare
    old = text_fingerprints(fingerprinter, current["data"], rotated)
    new = text_fingerprints(fingerprinter, data, rotated)
    result["fingerprints"] = dict((field, {"old": old[field], "new": new[field]}) for field in rotated)
    result["reason"] = reason
    return RotationPlan(ROTATE, spec, namespace, where, result, started, data=data, version=version, desired=desired,
                        unrecorded=exists and synced is None)


def carry_out(vault, k8s, planned, check_mode=False, before_write=None, listed=NOT_LISTED, fingerprinter=None):
    """Write what ``planned`` decided - Vault first (check-and-set on the version read), then the
    Secret - and return the value-free result."""
    result = planned.result
    if planned.action == RESUME:
        outcome = sync_secret(k8s, planned.spec, planned.namespace, planned.where, planned.data, planned.version, check_mode, before_write,
                              listed=listed, fingerprinter=fingerprinter)
        result.update(changed=outcome["changed"], attempts=outcome["attempts"])
        _with_diff(outcome, result)
    elif planned.action == ROTATE:
        # Read right before the write, not with the plan: a Vault that stopped answering since the
        # plan fails here, before a write is sent that it might still apply after the run gave up.
        where, spec = planned.where, planned.spec
        if _kept_versions(vault, where) == 1:
            raise SecretOpsError("secret %s: %s keeps a single version (max_versions=1): a new version would destroy the value the Secret "
                                 "and its pods use before they change, and a failed rollout could not be rolled back; set max_versions to "
                                 "2 or more on the path (vault_kv max_versions) or the mount" % (spec["name"], where.full),
                                 vault_path=where.full)
        if planned.unrecorded and not check_mode:
            _record_version(k8s, planned, listed)
            listed = NOT_LISTED  # the listed object is stale now
        try:
            new_version = planned.version + 1 if check_mode else _write(vault, planned.where, planned.data, planned.version)
        except SecretOpsError as error:
            if not kv.lost_cas_race(error):
                raise
            return carry_out(vault, k8s, _resume_after_race(vault, planned), check_mode, before_write, listed, fingerprinter)
        outcome = sync_secret(k8s, planned.spec, planned.namespace, planned.where, planned.data, new_version, check_mode, before_write,
                              desired=planned.desired, listed=listed, fingerprinter=fingerprinter)
        result.update(changed=True, new_version=new_version, attempts=outcome["attempts"])
        _with_diff(outcome, result)
    planned.data = planned.desired = None  # the values are no longer needed
    result["duration"] = round(time.monotonic() - planned.started, 2)
    return result


def _record_version(k8s, planned, listed):
    """Annotate an adopted Secret (one without ``vault-version``) with the Vault version read, before
    Vault gets a new one: a run killed between that write and the Secret's then leaves a Secret
    behind Vault, which the next run syncs (``resumed``) instead of rotating a second time and
    losing, from the versions Vault keeps and the roll-back, the value the pods use. Only the
    annotations change; the data stays as it is."""
    secrets = SecretService(k8s)
    current = secrets.get(planned.namespace, planned.spec["name"]) if listed is NOT_LISTED else listed
    if current is None:
        return  # deleted since the plan: the sync creates it, with nothing to record here
    annotations = {VAULT_PATH_ANNOTATION: planned.where.full, VAULT_VERSION_ANNOTATION: str(planned.version)}
    secrets.update_keys(planned.namespace, planned.spec["name"], planned.desired.type, {}, annotations, [], listed=current)


def _resume_after_race(vault, planned):
    """The plan that replaces ``planned`` (a rotation) when another writer made a new version of the
    path between its read and its write: that version is synced to the Secret instead of writing a
    second one. A fleet run gives every cluster that shares a path the one version it writes."""
    current = _read(vault, planned.where, planned.spec)
    if current is None:
        raise SecretOpsError("secret %s: the secret at %s was deleted while it was rotated" % (planned.spec["name"], planned.where.full),
                             vault_path=planned.where.full)
    version = int(current["metadata"]["version"])
    result = dict(planned.result, resumed=True, new_version=version, rotated_fields=[], fingerprints={},
                  reason="version %d was written by another run or cluster while this one rotated: the Secret synced to it" % version)
    return RotationPlan(RESUME, planned.spec, planned.namespace, planned.where, result, planned.started, data=current["data"], version=version)


def rotate(vault, k8s, spec, namespace, mount_point=None, new_values=None, only_if_older_than=None, check_mode=False,
           now=None, before_write=None, fingerprinter=None):
    """Rotate one secret: new Vault version (check-and-set), then the Kubernetes Secret (see ``plan_rotation``).

    The single form's result: a rotation left alone is ``rotation_skipped``, without the list entries'
    ``skipped``, since Ansible shows a task whose result has ``skipped: true`` as skipped (and ``is
    skipped`` true), where the list form, and a run that checked the secret, say ``ok``.
    """
    planned = plan_rotation(vault, spec, namespace, lambda: _synced_version(k8s, namespace, spec["name"]), mount_point, new_values,
                            only_if_older_than, now)
    result = carry_out(vault, k8s, planned, check_mode, before_write, fingerprinter=fingerprinter)
    result.pop("skipped", None)
    return result


def roll_back(vault, k8s, spec, namespace, to_version, mount_point=None, check_mode=False, fingerprinter=None):
    """Make ``to_version``'s data current again (as a new Vault version) and put it back in the Secret.

    Vault first, as in a rotation: when the Secret cannot be written (the API server is gone), it
    lags Vault and the next rotate run syncs it to the restored version. When another writer
    restores the path between the read and the write (the clusters of a fleet rolled back at once),
    the check-and-set write is refused and the roll-back starts again, once: Vault then already
    holds the restored data, and only the Secret is written.
    """
    started = time.monotonic()
    return _once_more_after_a_lost_race(lambda: _roll_back(vault, k8s, spec, namespace, to_version, mount_point, check_mode, started,
                                                           fingerprinter))


def _roll_back(vault, k8s, spec, namespace, to_version, mount_point, check_mode, started, fingerprinter=None):
    where = _where(vault, spec, mount_point)
    current = _read(vault, where, spec)
    if current is None:
        raise SecretOpsError("secret %s: nothing in Vault at %s" % (spec["name"], where.full), vault_path=where.full)
    version = int(current["metadata"]["version"])
    target = _read(vault, where, spec, to_version)
    if target is None:
        raise SecretOpsError("secret %s: version %s of %s is deleted or destroyed: cannot roll back to it" % (spec["name"], to_version, where.full),
                             vault_path=where.full)
    desired = mapping.desired_secret(spec, namespace, target["data"])
    changed = target["data"] != current["data"]
    new_version = version
    if changed:
        new_version = version + 1 if check_mode else _write(vault, where, target["data"], version)
    outcome = sync_secret(k8s, spec, namespace, where, target["data"], new_version, check_mode, desired=desired, fingerprinter=fingerprinter)
    return _with_diff(outcome, {
        "changed": changed or outcome["changed"], "name": spec["name"], "secret": secret_ref(namespace, spec["name"]), "namespace": namespace,
        "vault_path": where.full,
        "restored_version": int(to_version), "replaced_version": version, "new_version": new_version,
        "fingerprints": text_fingerprints(Fingerprinter(), target["data"]),
        "duration": round(time.monotonic() - started, 2),
    })
