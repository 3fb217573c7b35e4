# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which consumers see a Secret change in place, without a restart (``restart: not_in_place``). Pure: no I/O.

The kubelet rewrites a Secret volume (and a projected volume's Secret source) in running Pods, at its
sync period; it never changes an environment variable (``env``, ``envFrom``), an argument built from
one (``$(VAR)``), a file mounted with ``subPath`` or ``subPathExpr``, nor what a volume plugin was
handed at mount time. A consumer is left to update in place only when every way it uses every rotated
Secret is a volume the kubelet rewrites; any other use, or one this file does not know, restarts it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.workloads.consumers import (
    CONTAINER_FIELDS,
    pod_spec,
    secret_uses,
)

# restart option values: every consumer (today's behaviour), or only those that cannot see the change in place.
RESTART_ALL = "all"
RESTART_NOT_IN_PLACE = "not_in_place"
RESTART_CHOICES = (RESTART_ALL, RESTART_NOT_IN_PLACE)

IN_PLACE_VIAS = ("volume", "projected")


def _mounts(spec, volume):
    """Every volumeMount of ``volume`` in the pod spec's containers (init, regular, ephemeral)."""
    mounts = []
    for field in CONTAINER_FIELDS:
        for container in spec.get(field) or []:
            mounts.extend(dict(mount, container=container.get("name")) for mount in container.get("volumeMounts") or []
                          if mount.get("name") == volume)
    return mounts


def _use_needs_restart(spec, use):
    """Why this use of a Secret does not follow a change in place (text), or None when it does."""
    via = use.get("via")
    if via in ("env", "envFrom"):
        return "container %s reads it from environment variables (or arguments built from them)" % use.get("container")
    if via not in IN_PLACE_VIAS:
        return "it uses it through %s, which the kubelet does not update in running Pods" % via
    for mount in _mounts(spec, use.get("volume")):
        if mount.get("subPath") or mount.get("subPathExpr"):
            return "container %s mounts volume %s with subPath, which the kubelet does not update" % (mount["container"], use.get("volume"))
    return None


def restart_reason(workload, secret_names):
    """Why ``workload`` must restart to see ``secret_names``' new content, or None when it sees it in place.

    A workload that uses none of the Secrets (listed by name by the caller) must restart: nothing proves
    it follows them in place.
    """
    spec = pod_spec(workload)
    found = False
    for name in secret_names:
        for use in secret_uses(workload, name):
            found = True
            reason = _use_needs_restart(spec, use)
            if reason:
                return "%s: %s" % (name, reason)
    return None if found else "not found using the Secrets in its pod template"


IN_PLACE_REASON = ("every use of %s is a mounted Secret volume without subPath: the kubelet updates the files in the running "
                   "Pods at its sync period (about a minute by default); not restarted (restart: not_in_place)")


def in_place_reason(workload, secret_names):
    """The report's reason for a workload left to update in place."""
    return IN_PLACE_REASON % ", ".join(secret_names)
