# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The hygiene audit's reads: each namespace's Secrets, workloads, service accounts and ConfigMaps,
one LIST each; the findings come from ``hygiene.py``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible_collections.secretops.provisioning.plugins.module_utils.audit import hygiene
from ansible_collections.secretops.provisioning.plugins.module_utils.audit.inventory import read_namespace
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import paths

CONFIG_MAPS = paths.CONFIG_MAPS


def list_config_maps(client, namespace):
    listing = client.request("GET", CONFIG_MAPS, path_params={"namespace": namespace}, action="list ConfigMaps in namespace %s" % namespace)
    return listing.get("items") or []


def secret_findings(namespace, secret, max_age, window, now):
    """The findings of one Secret of ``namespace`` (an ``inventory.Namespace``)."""
    consumers, opted_out = namespace.consumers(secret["metadata"]["name"])
    checks = (
        hygiene.unused(secret, consumers, opted_out),
        hygiene.static_uses(secret, consumers, namespace.index),
        hygiene.not_rotated(secret, max_age, now),
        hygiene.expiring(secret, window, now),
        hygiene.legacy_token(secret),
        hygiene.multiple_writers(secret),
    )
    return [item for item in checks if item is not None]


def audit(client, namespaces, max_age=None, expiry_window=None, categories=None, now=None):
    """``{"findings": [...], "summary": {...}}`` for ``namespaces``; ``max_age`` and ``expiry_window`` in seconds
    (None: that check is off), ``categories`` keeps only those (None: all)."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    findings = []
    for name in namespaces:
        namespace = read_namespace(client, name, with_key=False)
        for _secret_name, secret in sorted(namespace.secrets.items()):
            findings.extend(secret_findings(namespace, secret, max_age, expiry_window, now))
        for config_map in list_config_maps(client, name):
            item = hygiene.secret_like_configmap(config_map)
            if item is not None:
                findings.append(item)
    if categories:
        findings = [item for item in findings if item["category"] in categories]
    return {"findings": findings, "summary": hygiene.summary(findings)}
