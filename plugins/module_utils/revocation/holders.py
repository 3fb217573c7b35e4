# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which running Pods may still hold a credential a Secret no longer has: the revocation gate.

A replaced credential is revoked only when no Pod can hold it. The Pods decide, not the rollout
outcomes: a paused Deployment, bare Pods, the running Jobs of a CronJob, ``OnDelete`` DaemonSets and
StatefulSets, a partitioned StatefulSet, workloads opted out of restarts, and old Pods left by a
rollout that failed in an earlier run all keep Pods that started before the new credentials were
written. A Pod that uses the Secret (env, envFrom, volume, projected volume) and is not finished
holds the replaced credential unless it was created after the Secret write that replaced it (the
API server's clock on both sides), or its content stamp is the Secret's current one (it was made
from a pod template stamped after that write). Pure: no I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible_collections.secretops.provisioning.plugins.module_utils.workloads.annotations import checksum_annotation
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads.consumers import controller_reference, secret_uses
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads.stamps import FINISHED_PHASES, parse_time


def _started_after(pod, replaced_at):
    created = parse_time((pod.get("metadata") or {}).get("creationTimestamp"))
    # API server timestamps have whole seconds: a Pod made in the second of the write may predate it.
    return created is not None and created > replaced_at


def _stamped_current(pod, secret_name, current_stamp):
    annotations = (pod.get("metadata") or {}).get("annotations") or {}
    return bool(current_stamp) and annotations.get(checksum_annotation(secret_name)) == current_stamp


def may_hold(pod, secret_name, replaced_at, current_stamp=None):
    """Whether ``pod`` (API dict) may still hold the credential the Secret had before ``replaced_at``.

    ``replaced_at`` None: the credential never reached the Secret, so no Pod holds it.
    """
    if replaced_at is None:
        return False
    if ((pod.get("status") or {}).get("phase")) in FINISHED_PHASES:
        return False
    if not secret_uses(dict(pod, kind="Pod"), secret_name):
        return False
    return not (_started_after(pod, replaced_at) or _stamped_current(pod, secret_name, current_stamp))


def terminating(pod):
    """Whether the Pod is being deleted (its containers stop within its grace period)."""
    return bool((pod.get("metadata") or {}).get("deletionTimestamp"))


def describe(pod):
    """``Pod/<name>`` and the controller it belongs to, for the report (names only, never a value)."""
    name = "Pod/%s" % pod["metadata"]["name"]
    owner = controller_reference(pod)
    return "%s (%s/%s)" % (name, owner.get("kind"), owner.get("name")) if owner else name


def holding_pods(pods, secret_name, replaced_at, current_stamp=None):
    """The Pods of ``pods`` that may still hold the credential replaced at ``replaced_at`` (text)."""
    moment = parse_time(replaced_at) if replaced_at else None
    if replaced_at and moment is None:
        moment = datetime.datetime.max.replace(tzinfo=datetime.timezone.utc)  # unreadable: every Pod may hold it
    return [pod for pod in pods if may_hold(pod, secret_name, moment, current_stamp)]


def holders(pods, secret_name, replaced_at, current_stamp=None):
    """``holding_pods``, described and sorted, for results and reports."""
    return sorted(describe(pod) for pod in holding_pods(pods, secret_name, replaced_at, current_stamp))
