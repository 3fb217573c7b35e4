# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rolling restarts, pure part: which workloads to restart, the patch to send, and whether a
rollout has finished. No I/O; ``workloads/service.py`` does the API calls.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.workloads.annotations import (
    RESTARTED_AT_ANNOTATION,
    checksum_annotation,
)

# Kinds whose pods are replaced by patching the pod template, and which report rollout status.
ROLLING_KINDS = ("Deployment", "StatefulSet", "DaemonSet")
RESTARTABLE_KINDS = ROLLING_KINDS + ("CronJob",)

COMPLETE = "complete"
PROGRESSING = "progressing"
FAILED = "failed"
PAUSED = "paused"
# An OnDelete StatefulSet or DaemonSet whose pods still run the old template: not a failure.
ON_DELETE = "on_delete"


# Why a built-in kind the collection finds cannot be restarted by patching its pod template.
_NOT_RESTARTABLE = {
    "Job": "a Job runs its pods to completion and cannot be restarted in place: delete and re-create it to pick the change up",
    "Pod": "a Pod without a controller cannot be restarted in place: delete and re-create it to pick the change up",
    "ReplicaSet": ("a ReplicaSet does not replace its pods when its template changes: delete its pods (it re-creates them "
                   "with the change), or run it from a Deployment"),
    "ReplicationController": ("a ReplicationController does not replace its pods when its template changes: delete its pods "
                              "(it re-creates them with the change), or run it from a Deployment"),
}


def not_restartable_reason(kind):
    """Why a workload of ``kind`` cannot be restarted (None for the kinds in ``RESTARTABLE_KINDS``)."""
    if kind in RESTARTABLE_KINDS:
        return None
    return _NOT_RESTARTABLE.get(kind) or "the collection cannot restart a %s: restart it through the controller that manages it" % kind


def plan_restarts(consumers):
    """Group consumers (of one or more Secrets) into one restart target per workload.

    Returns a list of ``{kind, name, secrets}`` in first-seen order, so a workload using three
    changed Secrets is restarted once. A consumer discovery marked ``restartable: false`` keeps
    its ``reason`` (and ``api_version``, for kinds of other API groups) on its target.
    """
    targets = []
    index = {}
    for consumer in consumers:
        key = (consumer["kind"], consumer["name"], consumer.get("api_version"))
        if key not in index:
            index[key] = {"kind": consumer["kind"], "name": consumer["name"], "secrets": []}
            if consumer.get("restartable") is False:
                index[key]["reason"] = consumer.get("reason")
            if consumer.get("api_version"):
                index[key]["api_version"] = consumer["api_version"]
            targets.append(index[key])
        secret = consumer.get("secret")
        if secret and secret not in index[key]["secrets"]:
            index[key]["secrets"].append(secret)
    return targets


# How many workloads roll at once by default (k8s_rollout_restart max_concurrent_restarts).
DEFAULT_MAX_CONCURRENT = 10


def batches(targets, size):
    """``targets`` in order, cut into batches of at most ``size`` (0 or None: one batch): the restart pacing,
    where each batch is waited for before the next is patched. Always at least one batch, empty when
    there is no target, so a caller's restart runs (and reports) once."""
    if not size or size < 1:
        return [list(targets)]
    return [list(targets[start:start + size]) for start in range(0, len(targets), size)] or [[]]


# Outcomes that are failed rollouts (``failed_rollouts``); on_delete, deleted, skipped and paused are not.
FAILED_OUTCOMES = ("failed", "timeout")
# A workload of a later batch, not patched because a rollout of an earlier batch failed (``held_back``).
HELD_BACK = "held_back"


def held_back(targets, namespace, failed):
    """Results for ``targets`` (``{kind, name, secrets}``) of a batch not patched because the rollouts of
    ``failed`` (``Kind/name``) failed in an earlier batch: they keep running their current pods."""
    reason = "not restarted: the rollout of %s failed in an earlier batch, so no more workloads were put on the new content" \
        % ", ".join(failed)
    return [{"kind": target["kind"], "name": target["name"], "namespace": namespace, "secrets": list(target.get("secrets") or []),
             "restarted": False, "outcome": HELD_BACK, "reason": reason} for target in targets]


# A workload stamped on its own metadata, not restarted (workloads/stamps.py): a change, but no rollout.
STAMPED_OUTCOMES = ("stamped", "would_stamp")
# A consumer that sees the Secrets change in place, left alone with restart: not_in_place (workloads/in_place.py).
IN_PLACE_OUTCOMES = ("in_place",)


def workload_names(results, outcomes=None):
    """``Kind/name`` of the results with one of ``outcomes``, or of those restarted (patched) when None."""
    return ["%s/%s" % (r["kind"], r["name"]) for r in results if (r["outcome"] in outcomes if outcomes else r["restarted"])]


def summary(results):
    """The module result of a restart: every result, what was restarted, which rollouts failed."""
    return {
        "changed": any(result["restarted"] or result["outcome"] in STAMPED_OUTCOMES for result in results),
        "results": results,
        "restarted": workload_names(results),
        "failed_rollouts": workload_names(results, FAILED_OUTCOMES),
        "in_place": workload_names(results, IN_PLACE_OUTCOMES),
    }


def failure_message(results, fail_on_rollout_failure=True):
    """Why a restart fails, or None: a patch refused (403) always fails; a failed rollout unless the caller handles it."""
    problems = [r["reason"] for r in results if r["outcome"] == "forbidden"]
    failed = ["%s/%s: %s" % (r["kind"], r["name"], r["reason"]) for r in results if r["outcome"] in FAILED_OUTCOMES]
    if failed and fail_on_rollout_failure:
        problems.append("rollout did not complete for %s" % "; ".join(failed))
    return "; ".join(problems) or None


def template_metadata(workload):
    """The pod template's metadata of a workload dict (``{}`` when absent)."""
    spec = workload.get("spec") or {}
    if workload.get("kind") == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    return (spec.get("template") or {}).get("metadata") or {}


def desired_annotations(secrets, checksums, restarted_at):
    """Pod-template annotations for a restart: the time, plus one checksum per Secret when known."""
    annotations = {RESTARTED_AT_ANNOTATION: restarted_at}
    for secret in secrets:
        if checksums and secret in checksums:
            annotations[checksum_annotation(secret)] = checksums[secret]
    return annotations


def restart_patch(kind, annotations, own_annotations=None):
    """A strategic-merge patch that sets ``annotations`` on the pod template of ``kind`` (and
    ``own_annotations``, None values removing, on the workload's own metadata)."""
    template = {"template": {"metadata": {"annotations": annotations}}}
    patch = {"spec": {"jobTemplate": {"spec": template}}} if kind == "CronJob" else {"spec": template}
    if own_annotations:
        patch["metadata"] = {"annotations": own_annotations}
    return patch


def _condition(status, condition_type):
    for condition in status.get("conditions") or []:
        if condition.get("type") == condition_type:
            return condition
    return {}


def _generation_observed(workload):
    generation = (workload.get("metadata") or {}).get("generation") or 0
    return ((workload.get("status") or {}).get("observedGeneration") or 0) >= generation


def update_strategy(workload):
    """The update strategy type of a StatefulSet or DaemonSet (``RollingUpdate`` when unset, as the API defaults it)."""
    return ((workload.get("spec") or {}).get("updateStrategy") or {}).get("type") or "RollingUpdate"


def on_delete_reason(kind):
    return ("updateStrategy OnDelete: the %s's pod template carries the change, but its pods keep running the old one "
            "until each is deleted (kubectl delete pod); the controller then re-creates it with the new template" % kind)


def _on_delete_state(kind, updated, ready, replicas):
    """OnDelete pods are replaced only when deleted: complete once every pod runs the new template
    (someone deleted them), otherwise reported as such, never as a failure."""
    if updated >= replicas and ready >= replicas:
        return COMPLETE, "updateStrategy OnDelete: all %d pods run the new template" % replicas
    return ON_DELETE, "%s (%d of %d pods updated)" % (on_delete_reason(kind), updated, replicas)


# The three functions below follow kubectl's rollout status (k8s.io/kubectl/pkg/polymorphichelpers/
# rollout_status.go) check for check, in its order, so a verdict here is the one kubectl gives.

def _deployment_state(workload):
    spec = workload.get("spec") or {}
    status = workload.get("status") or {}
    if spec.get("paused"):
        return PAUSED, "the Deployment is paused; resume it (kubectl rollout resume) to roll out"
    if not _generation_observed(workload):
        # A ProgressDeadlineExceeded condition here belongs to the previous generation.
        return PROGRESSING, "waiting for the controller to observe the new generation"
    progressing = _condition(status, "Progressing")
    if progressing.get("reason") == "ProgressDeadlineExceeded":
        return FAILED, "ProgressDeadlineExceeded: %s" % (progressing.get("message") or "the new pods did not become available in time")
    replicas = spec.get("replicas", 1)
    updated = status.get("updatedReplicas") or 0
    available = status.get("availableReplicas") or 0
    total = status.get("replicas") or 0
    if updated < replicas:
        return PROGRESSING, "%d of %d replicas updated" % (updated, replicas)
    if total > updated:
        return PROGRESSING, "%d old replicas pending termination" % (total - updated)
    if available < updated:
        return PROGRESSING, "%d of %d updated replicas available" % (available, updated)
    return COMPLETE, "%d of %d replicas updated and available" % (available, replicas)


def _statefulset_state(workload):
    spec = workload.get("spec") or {}
    status = workload.get("status") or {}
    replicas = spec.get("replicas", 1)
    updated = status.get("updatedReplicas") or 0
    ready = status.get("readyReplicas") or 0
    observed = status.get("observedGeneration") or 0
    if not observed or not _generation_observed(workload):
        return PROGRESSING, "waiting for the controller to observe the new generation"
    if update_strategy(workload) == "OnDelete":
        return _on_delete_state("StatefulSet", updated, ready, replicas)
    if ready < replicas:
        return PROGRESSING, "%d of %d replicas ready" % (ready, replicas)
    rolling_update = (spec.get("updateStrategy") or {}).get("rollingUpdate")
    if rolling_update is not None:
        partition = rolling_update.get("partition") or 0
        if updated < replicas - partition:
            return PROGRESSING, "%d of %d replicas updated" % (updated, replicas - partition)
        if partition:
            return COMPLETE, ("partitioned roll out complete: %d new pods updated; the %d pods with an ordinal below the partition (%d) "
                              "keep the old template" % (updated, min(partition, replicas), partition))
        return COMPLETE, "%d of %d replicas updated and ready" % (updated, replicas)
    if status.get("updateRevision") != status.get("currentRevision"):
        return PROGRESSING, "%d of %d replicas updated" % (updated, replicas)
    return COMPLETE, "%d of %d replicas updated and ready" % (ready, replicas)


def _daemonset_state(workload):
    status = workload.get("status") or {}
    if not _generation_observed(workload):
        return PROGRESSING, "waiting for the controller to observe the new generation"
    desired = status.get("desiredNumberScheduled") or 0
    updated = status.get("updatedNumberScheduled") or 0
    available = status.get("numberAvailable") or 0
    if update_strategy(workload) == "OnDelete":
        return _on_delete_state("DaemonSet", updated, available, desired)
    if updated < desired:
        return PROGRESSING, "%d of %d nodes updated" % (updated, desired)
    if available < desired:
        return PROGRESSING, "%d of %d pods available" % (available, desired)
    return COMPLETE, "%d of %d pods updated and available" % (available, desired)


def rollout_state(workload):
    """``(state, reason)`` of a workload's rollout: complete, progressing, failed, paused or on_delete."""
    kind = workload.get("kind")
    if kind == "Deployment":
        return _deployment_state(workload)
    if kind == "StatefulSet":
        return _statefulset_state(workload)
    if kind == "DaemonSet":
        return _daemonset_state(workload)
    return COMPLETE, "%s has no rollout to wait for" % kind
