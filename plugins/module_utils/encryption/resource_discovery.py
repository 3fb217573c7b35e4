# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Asks the API where a listed resource lives (``resource_map.location``): a custom resource when
its CustomResourceDefinition exists, the group's preferred version from discovery, and refuses a
resource the API does not serve or that an aggregated API server (not this etcd) stores."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption import resource_map
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

CRD = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name}"
API_SERVICE = "/apis/apiregistration.k8s.io/v1/apiservices/{name}"


def needs_api(names):
    """Whether any name has a group (a core resource's place needs no question to the API)."""
    return any(resource_map.parse(name)[1] for name in names)


def locate(client, name):
    """``resource_map.location`` of ``name``; a core resource is located without a request."""
    resource, group = resource_map.parse(name)
    if not group:
        return resource_map.location(name)
    custom = client.request("GET", CRD, path_params={"name": name}, missing_ok=True,
                            action="read the CustomResourceDefinition %s" % name) is not None
    served = client.request("GET", "/apis/" + group, missing_ok=True, action="discover the API group %s" % group)
    if not served:
        raise SecretOpsError("resource %r: the API serves no group %s" % (name, group))
    version = served["preferredVersion"]["version"]
    service = client.request("GET", API_SERVICE, path_params={"name": "%s.%s" % (version, group)}, missing_ok=True,
                             action="read the APIService %s.%s" % (version, group))
    if ((service or {}).get("spec") or {}).get("service"):
        raise SecretOpsError("resource %r: the group %s is served by an aggregated API server, which does not store "
                             "in this etcd" % (name, group))
    root = "/apis/%s/%s" % (group, version)
    listed = client.request("GET", root, action="discover the resources of %s" % root)
    if not any(entry.get("name") == resource for entry in listed.get("resources") or []):
        raise SecretOpsError("resource %r: %s serves no resource %s" % (name, root, resource))
    return resource_map.location(name, version, custom)


def locate_all(client, names):
    return [locate(client, name) for name in names]
