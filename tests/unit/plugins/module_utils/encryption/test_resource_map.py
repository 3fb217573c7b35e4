"""Where a resource named as EncryptionConfiguration names it lives (encryption/resource_map.py): its etcd
path (built-in, special prefixes, custom resources), its API paths, and the names kube-apiserver refuses."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption import census, resource_map
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError


def test_names_split_into_resource_and_group():
    assert resource_map.parse("secrets") == ("secrets", "")
    assert resource_map.parse("deployments.apps") == ("deployments", "apps")
    assert resource_map.parse("widgets.stable.example.com") == ("widgets", "stable.example.com")
    assert resource_map.parse("*.apps", wildcards=True) == ("*", "apps")
    assert resource_map.parse("*.", wildcards=True) == ("*", "")


@pytest.mark.parametrize("name, message", [
    ("*.apps", "is a wildcard"), ("*.*", "is a wildcard"), ("Secrets", "lower-case plural"), ("deployments.Apps", "lower case"),
    ("deployments.apps/v1", "lower case"), ("", "lower-case plural")])
def test_what_the_migration_cannot_name_is_refused(name, message):
    with pytest.raises(SecretOpsError, match=message):
        resource_map.parse(name)


def test_etcd_paths_built_in_special_and_custom():
    assert resource_map.location("secrets")["etcd_path"] == "secrets"
    assert resource_map.location("deployments.apps", "v1")["etcd_path"] == "deployments"
    assert resource_map.location("services")["etcd_path"] == "services/specs"
    assert resource_map.location("nodes")["etcd_path"] == "minions"
    assert resource_map.location("ingresses.networking.k8s.io", "v1")["etcd_path"] == "ingress"
    assert resource_map.location("widgets.example.com", "v1beta1", custom=True)["etcd_path"] == "example.com/widgets"
    # without the API a name with a group is looked for in both places
    assert resource_map.candidate_etcd_paths("widgets.example.com") == ["widgets", "example.com/widgets"]
    assert resource_map.candidate_etcd_paths("secrets") == ["secrets"]


def test_api_paths_from_etcd_names():
    deployments = resource_map.location("deployments.apps", "v1")
    assert resource_map.object_path(deployments, "ns/web") == "/apis/apps/v1/namespaces/ns/deployments/web"
    assert resource_map.object_path(resource_map.location("secrets"), "ns/db") == "/api/v1/namespaces/ns/secrets/db"
    assert resource_map.object_path(resource_map.location("namespaces"), "ns") == "/api/v1/namespaces/ns"
    clustered = resource_map.location("clusterwidgets.example.com", "v2", custom=True)
    assert resource_map.object_path(clustered, "one") == "/apis/example.com/v2/clusterwidgets/one"


def test_configuration_names_kube_apiserver_accepts():
    resource_map.check_config_names(["secrets", "configmaps", "deployments.apps", "widgets.example.com"])
    resource_map.check_config_names(["*.apps", "secrets"])
    resource_map.check_config_names(["*.*"])


@pytest.mark.parametrize("names, message", [
    (["*"], "use '\\*.'"), (["secrets", "secrets"], "listed twice"), (["secrets", "*."], "overlaps"),
    (["secrets", "*.*"], "overlaps"), (["deployments.apps", "*.apps"], "overlaps"), (["events.events.k8s.io"], "list 'events'"),
    (["ingresses.extensions"], "removed"), (["secrets.*"], "across every group"), (["serviceipallocations"], "no REST API"),
    (["Secrets"], "lower-case")])
def test_configuration_names_kube_apiserver_refuses(names, message):
    with pytest.raises(SecretOpsError, match=message):
        resource_map.check_config_names(names)


class Etcd(object):
    def __init__(self, stored):
        self.stored = stored

    def items(self, prefix):
        return sorted((key, value) for key, value in self.stored.items() if key.startswith(prefix))


def test_the_census_reads_each_resource_where_it_lives():
    etcd = Etcd({b"/registry/example.com/widgets/ns/a": b"k8s\x00x", b"/registry/deployments/ns/web": b"k8s\x00x",
                 b"/registry/services/specs/ns/svc": b"k8s\x00x", b"/registry/services/endpoints/ns/svc": b"k8s\x00x"})
    located = [resource_map.location("widgets.example.com", "v1", custom=True), resource_map.location("deployments.apps", "v1"),
               resource_map.location("services")]
    counts = census.take_census(etcd, "/registry", located)
    assert dict((name, numbers["total"]) for name, numbers in counts.items()) == {
        "widgets.example.com": 1, "deployments.apps": 1, "services": 1}
    # names alone (no API): both candidate places are counted
    assert census.take_census(etcd, "/registry", ["widgets.example.com"])["widgets.example.com"]["total"] == 1
