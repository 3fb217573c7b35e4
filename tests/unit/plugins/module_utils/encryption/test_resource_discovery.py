"""Locating a listed resource through the API (encryption/resource_discovery.py): a CustomResourceDefinition
makes it a custom resource, the group's preferred version names its API path, and what this etcd does
not hold (a group not served, an aggregated API, an unknown resource) is refused."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption import resource_discovery
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

from ..k8s.fakes import FakeApiServer


def api(**extra):
    objects = {
        "/apis/apps": {"preferredVersion": {"version": "v1"}},
        "/apis/apps/v1": {"resources": [{"name": "deployments"}, {"name": "deployments/status"}]},
        "/apis/example.com": {"preferredVersion": {"version": "v2"}},
        "/apis/example.com/v2": {"resources": [{"name": "widgets"}]},
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com": {"kind": "CustomResourceDefinition"},
        "/apis/apiregistration.k8s.io/v1/apiservices/v1.apps": {"spec": {"group": "apps"}},
        "/apis/metrics.k8s.io": {"preferredVersion": {"version": "v1beta1"}},
        "/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io": {"spec": {"service": {"name": "metrics-server"}}},
    }
    objects.update(extra)
    return FakeApiServer(objects=objects)


def test_built_in_and_custom_resources():
    server = api()
    deployments = resource_discovery.locate(server, "deployments.apps")
    assert (deployments["etcd_path"], deployments["version"], deployments["custom"]) == ("deployments", "v1", False)
    widgets = resource_discovery.locate(server, "widgets.example.com")
    assert (widgets["etcd_path"], widgets["version"], widgets["custom"]) == ("example.com/widgets", "v2", True)


def test_a_core_resource_needs_no_request():
    server = api()
    assert resource_discovery.locate(server, "configmaps")["etcd_path"] == "configmaps"
    assert server.requests == []
    assert not resource_discovery.needs_api(["secrets", "configmaps"]) and resource_discovery.needs_api(["secrets", "deployments.apps"])


@pytest.mark.parametrize("name, message", [
    ("gadgets.example.org", "serves no group example.org"), ("statefulsetz.apps", "serves no resource statefulsetz"),
    ("nodes.metrics.k8s.io", "aggregated API server")])
def test_what_this_etcd_does_not_hold_is_refused(name, message):
    with pytest.raises(SecretOpsError, match=message):
        resource_discovery.locate(api(), name)
