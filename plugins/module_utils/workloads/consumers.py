# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which workloads use a Secret: pure discovery over workload objects, no I/O.

Input objects are API dicts in their JSON shape (camelCase, as the API server sends them). A
workload uses a Secret through container ``env[].valueFrom.secretKeyRef``, ``envFrom[].secretRef``,
a ``secret`` or ``projected`` volume, the secret reference of a volume plugin
(``csi.nodePublishSecretRef``, ``cephfs``/``rbd``/``iscsi``/``flexVolume``/``scaleIO``/``storageos``
``secretRef``, ``azureFile.secretName``), ``imagePullSecrets`` of the pod or of its service account,
in regular, init and ephemeral containers. No annotation is needed to be found;
an annotation opts a workload out.

Each object that uses the Secret is reported through the top of its controller chain (Pod ->
ReplicaSet -> Deployment, Pod -> Job -> CronJob), so a Pod of a ReplicaSet, a ReplicationController
or an operator's custom resource is never hidden: a consumer the collection cannot restart is
reported with ``restartable: false`` and the reason.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.workloads import rollout
from ansible_collections.secretops.provisioning.plugins.module_utils.workloads.annotations import OPT_OUT_ANNOTATION

# Kinds listed in a namespace, in the order they are reported, and the API group of each ("" is
# the core group). Owner references are followed through these kinds; an owner of any other kind
# (a custom resource such as an Argo Rollout) ends the chain and is reported from the reference.
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job", "ReplicaSet", "ReplicationController", "Pod")
API_GROUPS = {"Deployment": "apps", "StatefulSet": "apps", "DaemonSet": "apps", "ReplicaSet": "apps",
              "CronJob": "batch", "Job": "batch", "ReplicationController": "", "Pod": ""}

# Kinds whose pod template the collection patches to restart what they control: the chain stops at
# them, and their own template decides whether they use a Secret.
TEMPLATE_OWNERS = rollout.RESTARTABLE_KINDS

CONTAINER_FIELDS = ("initContainers", "containers", "ephemeralContainers")

# Volume plugins handed a whole Secret (mount credentials): (plugin, field holding the reference, name key).
PLUGIN_SECRET_REFS = (
    ("csi", "nodePublishSecretRef", "name"),
    ("cephfs", "secretRef", "name"),
    ("rbd", "secretRef", "name"),
    ("iscsi", "secretRef", "name"),
    ("flexVolume", "secretRef", "name"),
    ("scaleIO", "secretRef", "name"),
    ("storageos", "secretRef", "name"),
    ("azureFile", None, "secretName"),
)


def pod_spec(workload):
    """The pod spec of a workload object (``{}`` when it has none)."""
    kind = workload.get("kind")
    spec = workload.get("spec") or {}
    if kind == "Pod":
        return spec
    if kind == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    return (spec.get("template") or {}).get("spec") or {}


def controller_reference(workload):
    """The ownerReference of the object that controls ``workload`` (a Pod's ReplicaSet, a Job's CronJob), or None.

    Owners that are not controllers (``controller`` unset) do not manage the object's pods and are ignored.
    """
    for owner in (workload.get("metadata") or {}).get("ownerReferences") or []:
        if owner.get("controller"):
            return owner
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
                                 "data_keys": [ref.get("key")], "optional": bool(ref.get("optional"))})
            for source in container.get("envFrom") or []:
                ref = source.get("secretRef") or {}
                if ref.get("name") == secret_name:
                    uses.append({"via": "envFrom", "container": name, "container_type": field, "prefix": source.get("prefix"),
                                 "data_keys": None, "optional": bool(ref.get("optional"))})
    return uses


def _volume_uses(spec, secret_name):
    uses = []
    for volume in spec.get("volumes") or []:
        secret = volume.get("secret")
        if secret and secret.get("secretName") == secret_name:
            uses.append({"via": "volume", "volume": volume.get("name"), "data_keys": _item_keys(secret.get("items")),
                         "optional": bool(secret.get("optional"))})
        projected = volume.get("projected")
        for source in (projected or {}).get("sources") or []:
            secret = source.get("secret")
            if secret and secret.get("name") == secret_name:
                uses.append({"via": "projected", "volume": volume.get("name"), "data_keys": _item_keys(secret.get("items")),
                             "optional": bool(secret.get("optional"))})
        for plugin, field, name_key in PLUGIN_SECRET_REFS:
            source = volume.get(plugin) or {}
            ref = (source.get(field) or {}) if field else source
            if ref.get(name_key) == secret_name:
                uses.append({"via": "volumePlugin", "volume": volume.get("name"), "plugin": plugin,
                             "field": "%s.%s" % (plugin, field or name_key), "data_keys": None})
    return uses


def _pull_secret_uses(spec, secret_name, service_accounts):
    uses = []
    if any(ref.get("name") == secret_name for ref in spec.get("imagePullSecrets") or []):
        uses.append({"via": "imagePullSecrets", "data_keys": [".dockerconfigjson"]})
    account_name = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
    account = service_accounts.get(account_name)
    if account and any(ref.get("name") == secret_name for ref in account.get("imagePullSecrets") or []):
        uses.append({"via": "serviceAccountImagePullSecrets", "service_account": account_name, "data_keys": [".dockerconfigjson"]})
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
        if use.get("data_keys") is None:
            return None
        keys.update(use["data_keys"])
    return sorted(keys)


def _api_group(api_version):
    return api_version.split("/", 1)[0] if "/" in api_version else ""


def _object_key(workload):
    return (workload.get("kind"), (workload.get("metadata") or {}).get("name"))


def _is_listed_kind(reference):
    """True when an ownerReference names one of ``WORKLOAD_KINDS`` in its own API group (not a custom
    resource that happens to share the kind's name)."""
    kind = reference.get("kind")
    return kind in API_GROUPS and _api_group(reference.get("apiVersion") or "") == API_GROUPS[kind]


def _owner(reference, index):
    """The listed object an ownerReference points at, or None (another kind, or not listed)."""
    if not _is_listed_kind(reference):
        return None
    kind = reference.get("kind")
    owner = index.get((kind, reference.get("name")))
    uid = ((owner or {}).get("metadata") or {}).get("uid")
    if owner is None or (uid and reference.get("uid") and uid != reference.get("uid")):
        return None  # gone, or re-created under the same name: not this object's controller
    return owner


def top_controller(workload, index):
    """The top of ``workload``'s controller chain as ``(object, None)``, or ``(None, ownerReference)``.

    ``index`` maps ``(kind, name)`` to the listed objects. The chain is followed until an object
    without a controller, or one whose template the collection patches (a Deployment is the top even
    when an operator owns it: the restart annotation works on it). An owner that is not listed (a
    custom resource, or a controller being deleted) ends the chain as its ownerReference.
    """
    current = workload
    seen = set([_object_key(workload)])
    while current.get("kind") not in TEMPLATE_OWNERS:
        reference = controller_reference(current)
        if reference is None:
            break
        owner = _owner(reference, index)
        if owner is None:
            return None, reference
        if _object_key(owner) in seen:  # an ownership cycle: stop where it closes
            break
        seen.add(_object_key(owner))
        current = owner
    return current, None


def _unlisted_reason(reference):
    kind, name = reference.get("kind"), reference.get("name")
    if _is_listed_kind(reference):
        return "its controller %s %s was not found (it is being deleted, or was re-created): re-run to find the new one" % (kind, name)
    return ("controlled by %s %s (apiVersion %s), a kind the collection cannot restart: restart it through that controller "
            "(for an Argo Rollout: kubectl argo rollouts restart)" % (kind, name, reference.get("apiVersion")))


def _highest(found, index):
    """The objects in ``found`` whose controller is not also in ``found`` (a ReplicaSet, not its Pods)."""
    keys = set(_object_key(workload) for workload in found)
    highest = []
    for workload in found:
        reference = controller_reference(workload)
        owner = _owner(reference, index) if reference else None
        if owner is None or _object_key(owner) not in keys:
            highest.append(workload)
    return highest


def _consumer(secret_name, kind, name, namespace, uses, reason=None, api_version=None, found_through=None):
    keys = _union_keys(uses)
    consumer = {
        "kind": kind,
        "name": name,
        "namespace": namespace,
        "secret": secret_name,
        "uses": uses,
        "data_keys": keys,
        "all_keys": keys is None,
        "restartable": reason is None,
        "reason": reason,
    }
    if api_version:
        consumer["api_version"] = api_version
    if found_through:
        consumer["found_through"] = found_through
    return consumer


def _sort_key(consumer):
    order = dict((kind, index) for index, kind in enumerate(WORKLOAD_KINDS))
    return (order.get(consumer["kind"], len(order)), consumer["kind"], consumer["name"] or "", consumer.get("api_version") or "")


def find_consumers(secret_name, workloads, service_accounts=None):
    """Return ``(consumers, opted_out)`` for the Secret ``secret_name``.

    ``workloads`` is a list of workload dicts of the kinds in ``WORKLOAD_KINDS`` (each with its
    ``kind`` set), all in the Secret's namespace. Each consumer is ``{kind, name, namespace, secret,
    uses, data_keys, all_keys, restartable, reason}``; ``data_keys`` is None when the whole Secret is used. A
    consumer found through objects it controls, not its own template (a ReplicaSet's Pods, an
    operator's ReplicaSet), also has ``found_through`` (``Kind/name`` of those objects), and one of
    a kind outside ``WORKLOAD_KINDS`` has the ``api_version`` of its ownerReference.
    """
    index = dict((_object_key(workload), workload) for workload in workloads if workload.get("kind") in API_GROUPS)
    tops = {}  # top key -> [top object or None, ownerReference or None, objects that use the Secret]
    order = []
    for workload in workloads:
        if workload.get("kind") not in API_GROUPS or not secret_uses(workload, secret_name, service_accounts):
            continue
        top, reference = top_controller(workload, index)
        key = _object_key(top) if top is not None else (reference.get("kind"), reference.get("name"), reference.get("apiVersion"))
        if key not in tops:
            tops[key] = [top, reference, []]
            order.append(key)
        tops[key][2].append(workload)

    consumers, opted_out = [], []
    for key in order:
        top, reference, found = tops[key]
        if top is not None and any(workload is top for workload in found):
            # The top's own template decides; what it controls follows that template.
            uses = secret_uses(top, secret_name, service_accounts)
            consumer = _consumer(secret_name, top["kind"], top["metadata"].get("name"), top["metadata"].get("namespace"), uses,
                                 reason=rollout.not_restartable_reason(top["kind"]))
            ignored = is_opted_out(top, secret_name)
        elif top is not None and top["kind"] in TEMPLATE_OWNERS:
            continue  # leftovers of an older template (an old ReplicaSet): the rollout replaces them
        else:
            highest = _highest(found, index)
            uses = []
            for workload in highest:
                uses.extend(use for use in secret_uses(workload, secret_name, service_accounts) if use not in uses)
            through = sorted("%s/%s" % _object_key(workload) for workload in highest)
            namespace = found[0]["metadata"].get("namespace")
            if top is not None:
                consumer = _consumer(secret_name, top["kind"], top["metadata"].get("name"), namespace, uses,
                                     reason=rollout.not_restartable_reason(top["kind"]), found_through=through)
            else:
                api_version = None if _is_listed_kind(reference) else reference.get("apiVersion")
                consumer = _consumer(secret_name, reference.get("kind"), reference.get("name"), namespace, uses,
                                     reason=_unlisted_reason(reference), api_version=api_version, found_through=through)
            ignored = (top is not None and is_opted_out(top, secret_name)) or any(is_opted_out(w, secret_name) for w in highest)
        (opted_out if ignored else consumers).append(consumer)
    return sorted(consumers, key=_sort_key), sorted(opted_out, key=_sort_key)
