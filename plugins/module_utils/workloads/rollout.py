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


def plan_restarts(consumers):
    """Group consumers (of one or more Secrets) into one restart target per workload.

    Returns a list of ``{kind, name, secrets}`` in first-seen order, so a workload using three
    changed Secrets is restarted once.
    """
    targets = []
    index = {}
    for consumer in consumers:
        key = (consumer["kind"], consumer["name"])
        if key not in index:
            index[key] = {"kind": consumer["kind"], "name": consumer["name"], "secrets": []}
            targets.append(index[key])
        secret = consumer.get("secret")
        if secret and secret not in index[key]["secrets"]:
            index[key]["secrets"].append(secret)
    return targets


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


def checksums_current(workload, secrets, checksums):
    """True when the pod template already carries the checksum of every Secret in ``secrets``."""
    if not checksums or not secrets:
        return False
    current = template_metadata(workload).get("annotations") or {}
    return all(secret in checksums and current.get(checksum_annotation(secret)) == checksums[secret] for secret in secrets)


def restart_patch(kind, annotations):
    """A strategic-merge patch that sets ``annotations`` on the pod template of ``kind``."""
    template = {"template": {"metadata": {"annotations": annotations}}}
    if kind == "CronJob":
        return {"spec": {"jobTemplate": {"spec": template}}}
    return {"spec": template}


def _condition(status, condition_type):
    for condition in status.get("conditions") or []:
        if condition.get("type") == condition_type:
            return condition
    return {}


def _generation_observed(workload):
    generation = (workload.get("metadata") or {}).get("generation") or 0
    return ((workload.get("status") or {}).get("observedGeneration") or 0) >= generation


def _deployment_state(workload):
    spec = workload.get("spec") or {}
    status = workload.get("status") or {}
    if spec.get("paused"):
        return PAUSED, "the Deployment is paused; resume it (kubectl rollout resume) to roll out"
    progressing = _condition(status, "Progressing")
    if progressing.get("reason") == "ProgressDeadlineExceeded":
        return FAILED, "ProgressDeadlineExceeded: %s" % (progressing.get("message") or "the new pods did not become available in time")
    if not _generation_observed(workload):
        return PROGRESSING, "waiting for the controller to observe the new generation"
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
    if not _generation_observed(workload):
        return PROGRESSING, "waiting for the controller to observe the new generation"
    replicas = spec.get("replicas", 1)
    if (spec.get("updateStrategy") or {}).get("type") == "OnDelete":
        return COMPLETE, "updateStrategy OnDelete: pods pick the change up when deleted"
    updated = status.get("updatedReplicas") or 0
    ready = status.get("readyReplicas") or 0
    available = status.get("availableReplicas", ready) or 0
    if status.get("updateRevision") and status.get("updateRevision") != status.get("currentRevision"):
        return PROGRESSING, "%d of %d replicas updated" % (updated, replicas)
    if ready < replicas or available < replicas:
        return PROGRESSING, "%d of %d replicas ready" % (min(ready, available), replicas)
    return COMPLETE, "%d of %d replicas updated and ready" % (ready, replicas)


def _daemonset_state(workload):
    status = workload.get("status") or {}
    if not _generation_observed(workload):
        return PROGRESSING, "waiting for the controller to observe the new generation"
    desired = status.get("desiredNumberScheduled") or 0
    updated = status.get("updatedNumberScheduled") or 0
    available = status.get("numberAvailable") or 0
    if updated < desired:
        return PROGRESSING, "%d of %d nodes updated" % (updated, desired)
    if available < desired:
        return PROGRESSING, "%d of %d pods available" % (available, desired)
    return COMPLETE, "%d of %d pods updated and available" % (available, desired)


def rollout_state(workload):
    """``(state, reason)`` of a workload's rollout: complete, progressing, failed or paused."""
    kind = workload.get("kind")
    if kind == "Deployment":
        return _deployment_state(workload)
    if kind == "StatefulSet":
        return _statefulset_state(workload)
    if kind == "DaemonSet":
        return _daemonset_state(workload)
    return COMPLETE, "%s has no rollout to wait for" % kind
