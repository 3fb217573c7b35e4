# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which workloads use a Secret: pure discovery over workload objects, no I/O.

Input objects are API dicts in their JSON shape (camelCase, as ``ApiClient.sanitize_for_serialization``
returns them). A workload uses a Secret through container ``env[].valueFrom.secretKeyRef``,
``envFrom[].secretRef``, a ``secret`` or ``projected`` volume, ``imagePullSecrets`` of the pod or of
its service account, in regular, init and ephemeral containers. No annotation is needed to be found;
an annotation opts a workload out.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.workloads.annotations import OPT_OUT_ANNOTATION

# Kinds in the order they are reported, and where each keeps its pod spec.
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job", "Pod")

CONTAINER_FIELDS = ("initContainers", "containers", "ephemeralContainers")


def pod_spec(workload):
    """The pod spec of a workload object (``{}`` when it has none)."""
    kind = workload.get("kind")
    spec = workload.get("spec") or {}
    if kind == "Pod":
        return spec
    if kind == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    return (spec.get("template") or {}).get("spec") or {}


def controller_kind(workload):
    """The kind of the object that controls ``workload`` (a Pod's ReplicaSet, a Job's CronJob), or None."""
    for owner in (workload.get("metadata") or {}).get("ownerReferences") or []:
        if owner.get("controller"):
            return owner.get("kind")
    return None


def is_opted_out(workload, secret_name):
    """True when the workload's opt-out annotation is ``"true"``/``"*"`` or lists ``secret_name``.

    The value is a comma-separated list of Secret names, so one workload can ignore one Secret
    and still be restarted for the others.
    """
    value = ((workload.get("metadata") or {}).get("annotations") or {}).get(OPT_OUT_ANNOTATION)
    if value is None:
        return False
    names = [part.strip() for part in str(value).split(",") if part.strip()]
    return any(name.lower() in ("true", "*") or name == secret_name for name in names)


def _item_keys(items):
    """Keys named by a volume's ``items`` list, or None when the whole Secret is mounted."""
    if not items:
        return None
    return sorted(set(item.get("key") for item in items if item.get("key")))


def _container_uses(spec, secret_name):
    uses = []
    for field in CONTAINER_FIELDS:
        for container in spec.get(field) or []:
            name = container.get("name")
            for env in container.get("env") or []:
                ref = (env.get("valueFrom") or {}).get("secretKeyRef") or {}
                if ref.get("name") == secret_name:
                    uses.append({"via": "env", "container": name, "container_type": field, "env": env.get("name"),
                                 "keys": [ref.get("key")], "optional": bool(ref.get("optional"))})
            for source in container.get("envFrom") or []:
                ref = source.get("secretRef") or {}
                if ref.get("name") == secret_name:
                    uses.append({"via": "envFrom", "container": name, "container_type": field, "prefix": source.get("prefix"),
                                 "keys": None, "optional": bool(ref.get("optional"))})
    return uses


def _volume_uses(spec, secret_name):
    uses = []
    for volume in spec.get("volumes") or []:
        secret = volume.get("secret")
        if secret and secret.get("secretName") == secret_name:
            uses.append({"via": "volume", "volume": volume.get("name"), "keys": _item_keys(secret.get("items")),
                         "optional": bool(secret.get("optional"))})
        projected = volume.get("projected")
        for source in (projected or {}).get("sources") or []:
            secret = source.get("secret")
            if secret and secret.get("name") == secret_name:
                uses.append({"via": "projected", "volume": volume.get("name"), "keys": _item_keys(secret.get("items")),
                             "optional": bool(secret.get("optional"))})
    return uses


def _pull_secret_uses(spec, secret_name, service_accounts):
    uses = []
    if any(ref.get("name") == secret_name for ref in spec.get("imagePullSecrets") or []):
        uses.append({"via": "imagePullSecrets", "keys": [".dockerconfigjson"]})
    account_name = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
    account = service_accounts.get(account_name)
    if account and any(ref.get("name") == secret_name for ref in account.get("imagePullSecrets") or []):
        uses.append({"via": "serviceAccountImagePullSecrets", "service_account": account_name, "keys": [".dockerconfigjson"]})
    return uses


def secret_uses(workload, secret_name, service_accounts=None):
    """Every way ``workload`` uses the Secret ``secret_name`` (a list of dicts, empty when it does not).

    ``service_accounts`` maps service account name -> ServiceAccount dict, to find pull secrets a
    pod inherits from its account.
    """
    spec = pod_spec(workload)
    return (
        _container_uses(spec, secret_name)
        + _volume_uses(spec, secret_name)
        + _pull_secret_uses(spec, secret_name, service_accounts or {})
    )


def _union_keys(uses):
    """All keys used, or None when some use takes the whole Secret (envFrom, a volume without items)."""
    keys = set()
    for use in uses:
        if use.get("keys") is None:
            return None
        keys.update(use["keys"])
    return sorted(keys)


def _is_managed(workload):
    """Pods run by a controller and Jobs run by a CronJob are reported through their controller."""
    owner = controller_kind(workload)
    if workload.get("kind") == "Pod":
        return owner is not None
    if workload.get("kind") == "Job":
        return owner == "CronJob"
    return False


def find_consumers(secret_name, workloads, service_accounts=None):
    """Return ``(consumers, opted_out)`` for the Secret ``secret_name``.

    ``workloads`` is a list of workload dicts of the kinds in ``WORKLOAD_KINDS`` (each with its
    ``kind`` set), all in the Secret's namespace. Each consumer is
    ``{kind, name, namespace, uses, keys, all_keys}``; ``keys`` is None when the whole Secret is used.
    """
    consumers = []
    opted_out = []
    order = dict((kind, index) for index, kind in enumerate(WORKLOAD_KINDS))
    for workload in workloads:
        if workload.get("kind") not in order or _is_managed(workload):
            continue
        uses = secret_uses(workload, secret_name, service_accounts)
        if not uses:
            continue
        metadata = workload.get("metadata") or {}
        keys = _union_keys(uses)
        consumer = {
            "kind": workload["kind"],
            "name": metadata.get("name"),
            "namespace": metadata.get("namespace"),
            "secret": secret_name,
            "uses": uses,
            "keys": keys,
            "all_keys": keys is None,
        }
        (opted_out if is_opted_out(workload, secret_name) else consumers).append(consumer)

    def sort_key(item):
        return (order[item["kind"]], item["name"] or "")

    return sorted(consumers, key=sort_key), sorted(opted_out, key=sort_key)
