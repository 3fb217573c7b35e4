# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether a consumer runs a Secret's current content: its stamps, or the proof its Pods give. Pure, no I/O.

A stamp (``checksum.secretops.io/<secret>``, the keyed content MAC) on the pod template says which
content the Pods were started with; the collection writes it with each restart. A consumer it has
never stamped is not necessarily stale: when every Pod of it that uses the Secret was created after
the Secret's last write (the API server's clock on both sides: the Pods' ``creationTimestamp``, the
newest ``managedFields`` time of the Secret), those Pods demonstrably run the current content. Such
a consumer is stamped without a restart: the stamp goes on the workload's own metadata, never on its
pod template (a template change is a rollout). The template's stamp, when there is one, decides;
the workload's own stamp counts only when the template has none for that Secret, so a restart (which
stamps the template, and drops the workload's own stamps) always has the last word.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import consumers as discovery
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads.annotations import checksum_annotation
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads.rollout import template_metadata

# The state of one Secret in one consumer.
CURRENT = "current"      # a stamp (the template's, else the workload's own) is the Secret's current checksum
PROVEN = "proven"        # no current stamp, but every Pod that uses the Secret started after its last write
STALE = "stale"          # the template's stamp (or the workload's own, with no proof from the Pods) is another content's
UNSTAMPED = "unstamped"  # never stamped, and the Pods do not prove they run the current content

# What to do with a consumer.
UNCHANGED = "unchanged"
RECORD = "record"    # stamp the workload's own metadata, no restart
RESTART = "restart"

FINISHED_PHASES = ("Succeeded", "Failed")


def parse_time(text):
    """An API server timestamp (``2026-12-07T09:30:00Z``, whole seconds) as an aware datetime, or None."""
    if not text:
        return None
    try:
        return datetime.datetime.strptime(str(text)[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        return None


def last_write_time(secret):
    """The newest ``managedFields`` time of ``secret`` (text), or None when it records none.

    The API server sets an entry's time whenever that manager sets or changes a field, so no write of
    the Secret's data is newer. Taking every entry, not only those owning ``data``, errs on the side
    of a restart (a label change counts as a write).
    """
    times = [entry.get("time") for entry in ((secret or {}).get("metadata") or {}).get("managedFields") or [] if entry.get("time")]
    return max(times, key=lambda text: parse_time(text) or datetime.datetime.max.replace(tzinfo=datetime.timezone.utc)) if times else None


class PodEvidence(object):
    """The Pods of a namespace, to tell whether a consumer's Pods all started after a Secret's last write.

    ``workloads`` are the listed objects of ``consumers.WORKLOAD_KINDS`` (Pods among them, each with
    its ``kind``), ``accounts`` the ServiceAccounts by name, ``written_at`` Secret name -> its
    ``last_write_time``. The Secrets must be read before the Pods are listed: a Pod created before the
    write that read saw is then in the list (and fails the proof), and one created after the read
    holds the content read or a newer one, whose stamp the next run finds stale.
    """

    def __init__(self, workloads, accounts, written_at):
        self.index = dict(((item.get("kind"), (item.get("metadata") or {}).get("name")), item) for item in workloads)
        self.pods = [item for item in workloads if item.get("kind") == "Pod"]
        self.accounts = accounts or {}
        self.written_at = written_at or {}

    def pods_of(self, kind, name, secret):
        """The Pods (not finished) of the consumer ``kind/name`` that use ``secret``."""
        found = []
        for pod in self.pods:
            if ((pod.get("status") or {}).get("phase")) in FINISHED_PHASES:
                continue
            top, _reference = discovery.top_controller(pod, self.index)
            if top is None or top.get("kind") != kind or (top.get("metadata") or {}).get("name") != name:
                continue
            if discovery.secret_uses(pod, secret, self.accounts):
                found.append(pod)
        return found

    def started_after_write(self, kind, name, secret):
        """True when the Secret's last write is known and every Pod of ``kind/name`` using it was created after it.

        A consumer without such Pods (scaled to zero, a CronJob between runs) qualifies: the Pods it
        makes next read the current content. API server times have whole seconds, so a Pod created
        in the second of the write proves nothing.
        """
        written = parse_time(self.written_at.get(secret))
        if written is None:
            return False
        for pod in self.pods_of(kind, name, secret):
            created = parse_time((pod.get("metadata") or {}).get("creationTimestamp"))
            if created is None or created <= written:
                return False
        return True


def own_annotations(workload):
    return (workload.get("metadata") or {}).get("annotations") or {}


def secret_state(workload, secret, checksum, evidence=None):
    """The state (``CURRENT``, ``PROVEN``, ``STALE``, ``UNSTAMPED``) of ``secret`` in ``workload``.

    ``checksum`` is the Secret's current keyed MAC (None when unknown: check mode before the key
    exists), ``evidence`` a ``PodEvidence`` (None: no proof from the Pods is sought).
    """
    key = checksum_annotation(secret)
    on_template = (template_metadata(workload).get("annotations") or {}).get(key)
    if on_template is not None:
        return CURRENT if checksum and on_template == checksum else STALE
    own = own_annotations(workload).get(key)
    if checksum and own == checksum:
        return CURRENT
    if evidence is not None and evidence.started_after_write(workload.get("kind"), (workload.get("metadata") or {}).get("name"), secret):
        return PROVEN
    return STALE if own is not None else UNSTAMPED


# Why a consumer is restarted, by the worst state among its Secrets.
CAUSES = {
    STALE: "stale_stamp",
    UNSTAMPED: "never_stamped",
}


def decide(workload, secrets, checksums, evidence=None):
    """``(action, states)``: ``RESTART`` when a Secret is stale or unproven, ``RECORD`` when some are only
    proven by the Pods, else ``UNCHANGED``. ``states`` maps each Secret to its state.

    Without ``checksums`` (None: the caller stamps nothing) every consumer restarts.
    """
    if checksums is None or not secrets:
        return RESTART, {}
    states = dict((secret, secret_state(workload, secret, checksums.get(secret), evidence)) for secret in secrets)
    values = set(states.values())
    if STALE in values or UNSTAMPED in values:
        return RESTART, states
    if PROVEN in values:
        return RECORD, states
    return UNCHANGED, states


def restart_cause(states):
    """``stale_stamp`` or ``never_stamped`` for a consumer restarted by ``decide``, or None (no checksums)."""
    values = set(states.values())
    for state in (STALE, UNSTAMPED):
        if state in values:
            return CAUSES[state]
    return None


def record_patch(states, checksums):
    """A merge patch putting the checksum of each ``PROVEN`` Secret on the workload's own metadata."""
    annotations = dict((checksum_annotation(secret), checksums[secret]) for secret, state in sorted(states.items())
                       if state == PROVEN and checksums.get(secret))
    return {"metadata": {"annotations": annotations}}


def forget_own_stamps(workload, secrets):
    """Annotations (set to None, removing them) that drop the workload's own stamps of ``secrets``: a
    restart stamps the template, which decides from then on."""
    own = own_annotations(workload)
    return dict((checksum_annotation(secret), None) for secret in secrets if checksum_annotation(secret) in own)
