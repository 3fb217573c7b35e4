# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a resource named as EncryptionConfiguration names it (``secrets``, ``deployments.apps``,
``widgets.example.com``) lives: its etcd key prefix and its API paths. Pure: whether a name is a
custom resource and which version the API prefers come from ``resource_discovery.py``.

kube-apiserver stores a built-in resource under ``<etcd_prefix>/<resource>/`` (a few under another
name, ``SpecialDefaultResourcePrefixes`` in kube-apiserver, or under their group), a custom resource
under ``<etcd_prefix>/<group>/<resource>/``; an object's key ends in ``<namespace>/<name>`` or ``<name>``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import paths

# kube-apiserver's SpecialDefaultResourcePrefixes (pkg/kubeapiserver/default_storage_factory_builder.go),
# and the two servers that store under their group: (group, resource) -> path under the etcd prefix.
ETCD_OVERRIDES = {
    ("", "replicationcontrollers"): "controllers",
    ("", "endpoints"): "services/endpoints",
    ("", "nodes"): "minions",
    ("", "services"): "services/specs",
    ("networking.k8s.io", "ingresses"): "ingress",
    ("apiregistration.k8s.io", "apiservices"): "apiregistration.k8s.io/apiservices",
    ("apiextensions.k8s.io", "customresourcedefinitions"): "apiextensions.k8s.io/customresourcedefinitions",
}
# What kube-apiserver refuses in an EncryptionConfiguration (apiserver/pkg/apis/apiserver/validation).
NOT_REST = ("apiserveripinfo", "serviceipallocations", "servicenodeportallocations")
_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def parse(name, wildcards=False):
    """(resource, group) of ``name`` ("secrets" -> ("secrets", ""), "deployments.apps" -> ("deployments", "apps")).
    Wildcards ("*.apps", "*.", "*.*") only with ``wildcards``."""
    resource, _dot, group = (name or "").partition(".")
    if "*" in name and not wildcards:
        raise SecretOpsError("%r is a wildcard: the migration and the etcd check need every resource by name "
                             "(for example secrets, configmaps, deployments.apps, widgets.example.com)" % name)
    if name == "*":
        _refuse(name, "use '*.' for every core resource or '*.*' for every resource")
    if resource != "*" and not _NAME.match(resource):
        _refuse(name, "a resource is its lower-case plural, optionally followed by .<group> (secrets, deployments.apps)")
    if group and group != "*" and not all(_NAME.match(part) for part in group.split(".")):
        _refuse(name, "the group must be a DNS name in lower case (apps, example.com)")
    return resource, group


def _refuse(name, why):
    raise SecretOpsError("resource %r: %s" % (name, why))


def check_config_names(names):
    """Refuse what kube-apiserver refuses in an EncryptionConfiguration's resource list, before it is written."""
    parsed = []
    for name in names:
        resource, group = parse(name, wildcards=True)
        if resource in NOT_REST:
            _refuse(name, "it has no REST API and cannot be encrypted")
        if group == "events.k8s.io":
            _refuse(name, "events of events.k8s.io are stored as core events: list 'events' instead")
        if group == "extensions":
            _refuse(name, "the extensions group has been removed")
        if group == "*" and resource != "*":
            _refuse(name, "one resource across every group cannot be encrypted: name its group")
        if (resource, group) in parsed:
            _refuse(name, "listed twice")
        parsed.append((resource, group))
    for resource, group in parsed:
        if (resource == "*" and len(parsed) > 1 and
                any(other != (resource, group) and (group == "*" or other[1] == group) for other in parsed)):
            _refuse("%s.%s" % (resource, group), "it overlaps another resource of the list, which it would mask")


def etcd_path(resource, group, custom):
    """The path of the resource's objects under the etcd prefix (no slashes around it)."""
    if custom:
        return "%s/%s" % (group, resource)
    return ETCD_OVERRIDES.get((group, resource), resource)


def candidate_etcd_paths(name):
    """Without the API (the key-retirement guards): every path ``name`` may be stored under, the
    built-in one and, for a name with a group, the custom resource's. Counting over both never misses an object."""
    resource, group = parse(name)
    paths = [etcd_path(resource, group, False)]
    if group and etcd_path(resource, group, True) not in paths:
        paths.append(etcd_path(resource, group, True))
    return paths


def location(name, version="v1", custom=False):
    """Everything the migration needs about a resource: its name as listed, group, resource, the API's preferred
    version, whether it is a custom resource, and its etcd path. A core resource needs no more than its name."""
    resource, group = parse(name)
    return {"name": name, "resource": resource, "group": group, "version": version, "custom": bool(custom),
            "etcd_path": etcd_path(resource, group, custom)}


def object_path(loc, name):
    """The API path of an object from its etcd name ("<namespace>/<name>" or "<name>")."""
    if not loc["group"]:
        return paths.core_object(loc["resource"], name)
    root = "/apis/%s/%s" % (loc["group"], loc["version"])
    if "/" in name:
        namespace, short = name.split("/", 1)
        return "%s/namespaces/%s/%s/%s" % (root, namespace, loc["resource"], short)
    return "%s/%s/%s" % (root, loc["resource"], name)
