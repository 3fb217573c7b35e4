# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The k8s_encryption_info report: the etcd census, the apiserver's KMS health, the fail_on gate."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption import census, resource_discovery
from ansible_collections.secretops.provisioning.plugins.module_utils.encryption.etcd import etcd_reader
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import k8s_session


def kms_healthy(client):
    """Whether ``/healthz/kms-providers`` answers ok (an unhealthy plugin makes it fail)."""
    try:
        client.request("GET", "/healthz/kms-providers", action="read /healthz/kms-providers", text=True)
    except SecretOpsError as exc:
        if exc.details.get("status"):
            return False
        raise
    return True


def other_key_failure(provider_name, key, found):
    """The ``other_kms_key`` condition's message for ``found`` ({key_id: count}, not empty)."""
    return ("etcd holds objects that the KMS provider %s sealed with another key than %s (%s): a plugin of that provider on %s "
            "could never open them. Rotate the key (a new version) instead of replacing it, or turn encryption off first "
            "(mode decrypt, then identity) and on again with the new key"
            % (provider_name, key, ", ".join("%s: %d" % item for item in sorted(found.items())), key))


def report(params):
    if "unhealthy" in params["fail_on"] and not params["check_health"]:
        raise SecretOpsError("fail_on: unhealthy needs check_health: true")
    if "other_kms_key" in params["fail_on"] and not params.get("kms_key"):
        raise SecretOpsError("fail_on: other_kms_key needs kms_provider_name and kms_key")
    resources, healthy = params["resources"], None
    if params["check_health"] or resource_discovery.needs_api(resources):
        # a resource with a group is located through the API (custom resources live under their group in etcd)
        with k8s_session(params) as client:
            resources = resource_discovery.locate_all(client, resources)
            healthy = kms_healthy(client) if params["check_health"] else None
    reader = etcd_reader(params)
    counts = census.take_census(reader, params["etcd_prefix"], resources)
    result = {"changed": False, "resources": counts}
    found = census.failures(counts, params["fail_on"])
    if params.get("kms_key"):
        result["other_kms_keys"] = census.other_kms_keys(reader, params["etcd_prefix"], params["kms_provider_name"], params["kms_key"])
        if "other_kms_key" in params["fail_on"] and result["other_kms_keys"]:
            found.append(other_key_failure(params["kms_provider_name"], params["kms_key"], result["other_kms_keys"]))
    if params["check_health"]:
        result["kms_healthy"] = healthy
        if "unhealthy" in params["fail_on"] and not result["kms_healthy"]:
            found.append("the apiserver reports a KMS provider unhealthy (/healthz/kms-providers)")
    result["failures"] = found
    if found:
        raise SecretOpsError("; ".join(found), **result)
    return result
