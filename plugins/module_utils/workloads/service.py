# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Workload API calls: list the workloads of a namespace, patch pod templates, poll rollouts.

Decisions (who consumes what, what to patch, whether a rollout is done) are in ``consumers.py``
and ``rollout.py``; this file only moves objects between the API server and those functions.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import paths
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.content_key import namespace_key
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.secret_service import SecretService
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.checksum import content_mac
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import consumers as discovery
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import in_place, rollout, stamps
from ansible_collections.secretops.provisioning.plugins.module_utils.timestamps import utc_now_text

# The collection path of each kind discovery lists; objects are the API's JSON (camelCase keys).
COLLECTIONS = paths.BY_KIND
STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"


def _object_path(kind):
    return COLLECTIONS[kind] + "/{name}"


def _listed(client, namespace, kind):
    """The objects of ``kind`` in ``namespace``, each with its ``kind`` set (list items carry none)."""
    listing = client.request("GET", COLLECTIONS[kind], path_params={"namespace": namespace},
                             action="list %ss in namespace %s" % (kind, namespace))
    return [dict(item, kind=kind) for item in listing.get("items") or []]


def list_workloads(client, namespace):
    """Every workload of the kinds discovery knows, in ``namespace``: one LIST per kind."""
    workloads = []
    for kind in discovery.WORKLOAD_KINDS:
        workloads.extend(_listed(client, namespace, kind))
    return workloads


def list_service_accounts(client, namespace):
    return dict((account["metadata"]["name"], account) for account in _listed(client, namespace, "ServiceAccount"))


def find_consumers(client, namespace, secret_names):
    """``(consumers, opted_out)`` of every Secret in ``secret_names`` (lists are made once)."""
    return _consumers_in(list_workloads(client, namespace), list_service_accounts(client, namespace), secret_names)


def _consumers_in(workloads, accounts, secret_names):
    consumers, opted_out = [], []
    for name in secret_names:
        found, ignored = discovery.find_consumers(name, workloads, accounts)
        consumers.extend(found)
        opted_out.extend(ignored)
    return consumers, opted_out


# Keys of a restart result that only the wait uses; ``public_results`` drops them.
INTERNAL_KEYS = ("generation", "patched_at")

# The RBAC resource of each kind the collection patches, to name a missing permission.
RBAC_RESOURCES = {"Deployment": "deployments.apps", "StatefulSet": "statefulsets.apps", "DaemonSet": "daemonsets.apps",
                  "CronJob": "cronjobs.batch"}


def public_results(results):
    """Copies of restart results without the wait's bookkeeping, ready to return."""
    return [dict((key, value) for key, value in result.items() if key not in INTERNAL_KEYS) for result in results]


def _read(client, namespace, kind, name):
    """A workload dict, or None when it does not exist."""
    workload = client.request("GET", _object_path(kind), path_params={"namespace": namespace, "name": name},
                              action="read %s %s/%s" % (kind, namespace, name), missing_ok=True)
    return None if workload is None else dict(workload, kind=kind)


def read_workload(client, namespace, kind, name):
    if kind not in discovery.WORKLOAD_KINDS:
        raise SecretOpsError("unsupported workload kind %s: use one of %s" % (kind, ", ".join(discovery.WORKLOAD_KINDS)))
    workload = _read(client, namespace, kind, name)
    if workload is None:
        raise SecretOpsError("%s %s/%s does not exist: check the workload name and namespace" % (kind, namespace, name), status=404)
    return workload


def patch_workload(client, namespace, kind, name, patch):
    """Patch a workload (a strategic-merge patch) and return it, or None when it no longer exists.

    A 403 names the workload and the permission the identity lacks.
    """
    try:
        patched = client.request("PATCH", _object_path(kind), path_params={"namespace": namespace, "name": name}, body=patch,
                                 content_type=STRATEGIC_MERGE_PATCH, action="patch %s %s/%s" % (kind, namespace, name), missing_ok=True)
    except SecretOpsError as error:
        if error.details.get("status") == 403:
            raise SecretOpsError("%s; a restart needs the 'patch' verb on %s in namespace %s: grant it to the identity "
                                 "(a Role and RoleBinding), or restart the workload another way"
                                 % (error, RBAC_RESOURCES.get(kind, kind), namespace), status=403)
        raise
    return None if patched is None else dict(patched, kind=kind)


def _finish(result, outcome, reason, clock):
    result.update(outcome=outcome, reason=reason, duration=round(clock() - result.get("patched_at", clock()), 1))


def _pending_names(results):
    return ", ".join("%s/%s" % (result["kind"], result["name"]) for result in results)


def _abandon(waiting, reason, clock):
    """Mark every workload still waited for as ``unknown``: the caller raises next."""
    for result in waiting:
        _finish(result, "unknown", reason, clock)


def wait_for_rollouts(client, namespace, pending, timeout, poll_interval=1.0, clock=time.monotonic, sleep=time.sleep, unreachable_grace=10):
    """Poll each workload in ``pending`` (list of result dicts with kind/name/generation) until its
    rollout completes or fails, or ``timeout`` seconds pass. Sets ``outcome`` and ``reason`` on each.

    Outcomes: ``complete``, ``failed``, ``paused``, ``on_delete`` (an OnDelete StatefulSet or
    DaemonSet whose pods still run the old template), ``deleted`` (the workload was deleted while
    waited for), ``timeout``. When the API server stays unreachable for ``unreachable_grace``
    seconds (or past the deadline), or refuses a read, the workloads still pending get outcome
    ``unknown`` and a ``SecretOpsError`` names the server and those workloads.
    """
    deadline = clock() + timeout
    waiting = list(pending)
    unreachable_since = None
    while waiting:
        still = []
        for position, result in enumerate(waiting):
            try:
                workload = _read(client, namespace, result["kind"], result["name"])
            except SecretOpsError as error:
                still.extend(waiting[position:])
                unreachable = error.details.get("unreachable")
                if unreachable:
                    unreachable_since = clock() if unreachable_since is None else unreachable_since
                    if clock() - unreachable_since < unreachable_grace and clock() < deadline:
                        break  # a blip: poll again
                _abandon(still, "the API server became unreachable while waiting" if unreachable
                         else "could not read the workload while waiting: %s" % error, clock)
                raise SecretOpsError("%s, while waiting for the rollouts of %s: their outcome is unknown%s"
                                     % (error, _pending_names(still), "; when the API server is back, re-run to check them" if unreachable else ""),
                                     **error.details)
            unreachable_since = None
            if workload is None:
                _finish(result, "deleted", "%s %s/%s was deleted while waiting for its rollout" % (result["kind"], namespace, result["name"]), clock)
                continue
            observed = (workload.get("status") or {}).get("observedGeneration") or 0
            state, reason = rollout.rollout_state(workload)
            if state in (rollout.COMPLETE, rollout.ON_DELETE) and observed < result.get("generation", 0):
                state = rollout.PROGRESSING  # the status still describes the template before the patch
            result["reason"] = reason
            if state == rollout.PROGRESSING:
                still.append(result)
            else:
                _finish(result, state, reason, clock)
        waiting = still
        if waiting and clock() >= deadline:
            for result in waiting:
                _finish(result, "timeout", "not complete after %ss: %s" % (timeout, result.get("reason")), clock)
            break
        if waiting:
            sleep(poll_interval)


def restart(client, namespace, targets, restarted_at, checksums=None, check_mode=False, evidence=None, restart_mode=in_place.RESTART_ALL):
    """Patch the pod template of each target once. Returns one result dict per target.

    ``targets`` come from ``rollout.plan_restarts`` (``{kind, name, secrets}``, plus ``reason`` for
    a consumer discovery found not restartable). With ``checksums`` (Secret name -> checksum), a
    workload whose stamps are all current is left alone, so a re-run with no Secret change restarts
    nothing; with ``evidence`` too (``stamps.PodEvidence``), one never stamped whose Pods all
    started after the Secret's last write is stamped on its own metadata, not restarted
    (``stamps.decide``). With ``restart_mode`` ``not_in_place``, a consumer that sees its Secrets
    change in place (``in_place.restart_reason``) is left alone with outcome ``in_place``. A patch
    refused with 403 gives outcome ``forbidden`` and the
    other targets are still restarted (the caller fails afterwards); any other API
    error raises at once, with the results so far in its ``results`` detail.
    """
    results = []
    try:
        for target in targets:
            results.append(_restart_one(client, namespace, target, restarted_at, checksums, check_mode, evidence, restart_mode))
    except SecretOpsError as error:
        error.details.setdefault("results", public_results(results))
        raise
    return results


def _patched(client, namespace, result, patch):
    """Send ``patch`` for the workload of ``result``: the patched object, or None with the outcome set
    (``forbidden`` on a 403, ``deleted`` when it is gone)."""
    kind, name = result["kind"], result["name"]
    try:
        patched = patch_workload(client, namespace, kind, name, patch)
    except SecretOpsError as error:
        if error.details.get("status") != 403:
            raise
        result.update(outcome="forbidden", reason=str(error))
        return None
    if patched is None:
        result.update(outcome="deleted", reason="%s %s/%s was deleted before it could be patched" % (kind, namespace, name))
    return patched


RECORD_REASON = ("never stamped, and every Pod that uses %s started after the Secret's current content was written: "
                 "stamped on the workload's metadata, not restarted")


def _record(client, namespace, result, states, checksums, check_mode):
    """Stamp the Secrets the Pods proved current on the workload's own metadata: no rollout."""
    proven = ", ".join(sorted(secret for secret, state in states.items() if state == stamps.PROVEN))
    if check_mode:
        result.update(outcome="would_stamp", reason="check mode; " + RECORD_REASON % proven)
        return result
    if _patched(client, namespace, result, stamps.record_patch(states, checksums)) is not None:
        result.update(outcome="stamped", reason=RECORD_REASON % proven)
    return result


def _restart_one(client, namespace, target, restarted_at, checksums, check_mode, evidence=None, restart_mode=in_place.RESTART_ALL):
    kind, name = target["kind"], target["name"]
    result = {"kind": kind, "name": name, "namespace": namespace, "secrets": list(target.get("secrets") or []), "restarted": False}
    if target.get("api_version"):
        result["api_version"] = target["api_version"]
    reason = target.get("reason") or rollout.not_restartable_reason(kind)
    if reason:
        result.update(outcome="skipped", reason=reason)
        return result
    workload = read_workload(client, namespace, kind, name)
    action, states = stamps.decide(workload, result["secrets"], checksums, evidence)
    if action == stamps.UNCHANGED:
        result.update(outcome="unchanged", reason="the workload already carries the current Secret checksums")
        return result
    if action == stamps.RECORD:
        return _record(client, namespace, result, states, checksums, check_mode)
    if restart_mode == in_place.RESTART_NOT_IN_PLACE and target.get("secrets") and in_place.restart_reason(workload, result["secrets"]) is None:
        result.update(outcome="in_place", reason=in_place.in_place_reason(workload, result["secrets"]))
        return result
    cause = stamps.restart_cause(states)
    if cause:
        result["cause"] = cause
    if kind == "Deployment" and (workload.get("spec") or {}).get("paused"):
        result.update(outcome="paused", reason="the Deployment is paused: not restarted; resume it to roll out")
        return result
    on_delete = kind in ("StatefulSet", "DaemonSet") and rollout.update_strategy(workload) == "OnDelete"
    if check_mode:
        result.update(restarted=True, outcome="would_restart",
                      reason="check mode" + ("; %s" % rollout.on_delete_reason(kind) if on_delete else ""))
        return result
    annotations = rollout.desired_annotations(result["secrets"], checksums, restarted_at)
    patch = rollout.restart_patch(kind, annotations, stamps.forget_own_stamps(workload, result["secrets"]))
    patched = _patched(client, namespace, result, patch)
    if patched is None:
        return result
    result.update(restarted=True, generation=(patched.get("metadata") or {}).get("generation") or 0, patched_at=time.monotonic())
    if kind == "CronJob":
        result.update(outcome="template_updated", reason="the next scheduled Job uses the new template")
    elif on_delete:
        result.update(outcome="on_delete", reason=rollout.on_delete_reason(kind))
    else:
        result.update(outcome="restarted", reason="pod template annotated")
    return result


def restart_consumers(client, namespace, workloads, secret_names, checksum=False, wait=False, wait_timeout=300, check_mode=False,
                      restart_mode=in_place.RESTART_ALL, max_concurrent=0, clock=time.monotonic):
    """Restart ``workloads`` (``{kind, name}`` dicts) and the consumers of ``secret_names``, once each,
    optionally stamping the Secrets' checksums and waiting. Returns the results, ready to return.

    With ``checksum``, a consumer never stamped whose Pods all started after the Secret's last write
    is stamped without a restart (``stamps``). With ``restart_mode`` ``not_in_place``, a consumer of
    ``secret_names`` that sees them change in place is not restarted (``in_place``). With ``wait`` and
    ``max_concurrent`` (0: no limit), the workloads are patched in batches of at most that many
    (``rollout.batches``), each waited for before the next is patched, all within ``wait_timeout``;
    once a batch has a failed rollout, the later batches are not patched (outcome ``held_back``).
    A ``SecretOpsError`` raised on the way carries ``results`` and ``restarted`` in its details, so
    the caller knows which workloads were patched before it.
    """
    results = []
    deadline = clock() + wait_timeout
    try:
        consumers = [dict(item, secret=None) for item in workloads]
        # The Secrets are read before the Pods are listed: see stamps.PodEvidence.
        checksums, written_at = secret_stamps(client, namespace, secret_names, check_mode) if checksum else (None, {})
        listed, accounts = [], {}
        if secret_names:
            listed, accounts = list_workloads(client, namespace), list_service_accounts(client, namespace)
            consumers.extend(_consumers_in(listed, accounts, secret_names)[0])
        evidence = stamps.PodEvidence(listed, accounts, written_at) if checksum else None
        restarted_at = utc_now_text()
        failed = []
        for batch in rollout.batches(rollout.plan_restarts(consumers), max_concurrent if wait else 0):
            if failed:
                # A rollout failed in an earlier batch: the new content breaks the workloads, so no more are put on it.
                results.extend(rollout.held_back(batch, namespace, failed))
                continue
            done = restart(client, namespace, batch, restarted_at, checksums, check_mode, evidence, restart_mode)
            results.extend(done)
            patched = [result for result in done if result["outcome"] == "restarted"]
            if wait and patched:
                wait_for_rollouts(client, namespace, patched, max(0, deadline - clock()))
                failed = rollout.workload_names(patched, rollout.FAILED_OUTCOMES)
    except SecretOpsError as error:
        # A patch that failed in a batch carries that batch's results; the earlier batches are in ``results``.
        partial = public_results(results) + (error.details.pop("results", None) or [])
        error.details["results"] = partial
        error.details.setdefault("restarted", rollout.workload_names(partial))
        raise
    return public_results(results)


def secret_checksums(client, namespace, names, check_mode=False):
    """Secret name -> keyed content MAC of its current data, for the Secrets in ``names``."""
    return secret_stamps(client, namespace, names, check_mode)[0]


def secret_stamps(client, namespace, names, check_mode=False):
    """``(checksums, written_at)``: Secret name -> keyed content MAC of its current data, and -> the API
    server's time of its last write (``stamps.last_write_time``), one read of each Secret in ``names``.

    The namespace's key is made on first use (not in check mode: without a key every stamp
    counts as unknown, so each stamped consumer would restart, which is what the real run does when it
    makes the key).
    """
    key = namespace_key(client, namespace, create=not check_mode)
    checksums, written_at = {}, {}
    for name in names:
        secret = SecretService(client).get(namespace, name)
        if secret is None:
            raise SecretOpsError("Secret %s/%s does not exist: cannot stamp its checksum; create it first or set checksum=false" % (namespace, name))
        written_at[name] = stamps.last_write_time(secret)
        if key is not None:
            checksums[name] = content_mac(key, name, secret.get("data") or {})
    return checksums, written_at
