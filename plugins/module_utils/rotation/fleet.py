# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the hosts of a rotate_secrets play (one a cluster) learn from each other: the rollouts
that failed elsewhere, the version each Vault path goes back to, and each cluster's report.

``hostvars`` is Ansible's ``hostvars`` (or any mapping of host -> its variables); a host that set
nothing yet counts as having nothing to say.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def host_var(hostvars, host, name, default=None):
    """Variable ``name`` of ``host``, ``default`` when the host has none (or is unknown)."""
    if host not in hostvars:
        return default
    variables = hostvars[host]
    return variables[name] if name in variables else default


def cluster(hostvars, host):
    """The cluster a host stands for: its rotate_secrets_cluster, else its name."""
    return host_var(hostvars, host, "rotate_secrets_cluster") or host


def failed_rollouts(hostvars, hosts, this_host):
    """The failed rollouts of the other hosts, each ``<cluster>: <rollout>``."""
    found = []
    for host in hosts:
        if host != this_host:
            found += ["%s: %s" % (cluster(hostvars, host), rollout) for rollout in host_var(hostvars, host, "rotate_secrets_failed_rollouts") or []]
    return found


def restore_targets(changed, hostvars, hosts, this_host, scope):
    """This host's changed secrets, each with ``to_version``: the version to restore.

    A fleet (``scope`` fleet) restores each Vault path to the newest version any of its clusters
    had before the run: the version Vault held then (a cluster that was behind still had an older
    one). Otherwise each secret goes back to its own ``old_version``.
    """
    versions = {}
    for host in (hosts if scope == "fleet" else [this_host]):
        for entry in host_var(hostvars, host, "rotate_secrets_changed") or []:
            versions[entry["vault_path"]] = max(versions.get(entry["vault_path"], 0), entry["old_version"])
    found = []
    for entry in changed or []:
        target = dict(entry)
        target["to_version"] = versions.get(entry.get("vault_path"), entry["old_version"])
        found.append(target)
    return found


def reports(hostvars, hosts):
    """Each cluster's registered report task, ``{cluster: result}`` (``{}`` for a host without one)."""
    return dict((cluster(hostvars, host), host_var(hostvars, host, "rotate_secrets_report", {})) for host in hosts)
