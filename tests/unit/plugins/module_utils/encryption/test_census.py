"""encryption/census.py, its public behaviour beyond test_envelope_census.py: the census read from etcd
(the one fake, ``fakes.py``) per resource, key versions, the keys in use and the "encrypted" condition."""

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption import census

from .fakes import FakeEtcd
from .test_envelope_census import kms_v2


def test_the_census_counts_each_resource_under_its_own_prefix():
    reader = FakeEtcd({b"/registry/secrets/shop/db": kms_v2("p", "t/k:v1"), b"/registry/secrets/shop/api": b"k8s\x00plain",
                       b"/registry/configmaps/shop/settings": b"k8s:enc:aescbc:v1:key1:xx", b"/other/secrets/x": b"plain"})
    counts = census.take_census(reader, "/registry/", ["secrets", "configmaps", "volumeattachments"])
    assert counts["secrets"] == {"total": 2, "plaintext": 1, "providers": {"kms-v2:p": 1}, "key_ids": {"t/k:v1": 1}}
    assert counts["configmaps"] == {"total": 1, "plaintext": 0, "providers": {"aescbc:key1": 1}, "key_ids": {}}
    assert counts["volumeattachments"]["total"] == 0
    assert census.resource_prefix("/registry/", "secrets") == b"/registry/secrets/"


def test_key_versions_are_read_from_plugin_key_ids_only():
    assert census.key_version("transit/k8s:v12") == ("transit/k8s", 12)
    assert census.key_version("transit/k8s") is None and census.key_version(None) is None


def test_the_keys_in_use_and_still_encrypted_objects():
    numbers = census.count([kms_v2("p", "t/k:v2"), b"k8s:enc:secretbox:v1:old:xx", b"k8s\x00plain"])
    assert census.keys_in_use(numbers) == ["secretbox:old", "t/k:v2"]
    assert census.failures({"secrets": numbers}, ["encrypted"]) == ["secrets: 2 of 3 objects are still encrypted"]
    assert census.failures({"secrets": census.count([b"k8s\x00plain"])}, ["encrypted", "mixed_keys"]) == []


def test_the_store_census_counts_every_object_under_the_prefix_by_area():
    reader = FakeEtcd({b"/registry/secrets/shop/db": kms_v2("p", "t/k:v1"), b"/registry/configmaps/shop/settings": kms_v2("p", "t/k:v1"),
                       b"/registry/widgets.example.com/widgets/shop/w0": kms_v2("p", "t/k:v2"),
                       b"/registry/masterleases/10.0.0.1": b"k8s\x00plain", b"/other/secrets/x": kms_v2("p", "t/k:v1")})
    counts = census.take_store_census(reader, "/registry")
    assert sorted(counts) == ["configmaps", "masterleases", "secrets", "widgets.example.com/widgets"]
    assert counts["configmaps"]["key_ids"] == {"t/k:v1": 1} and counts["masterleases"]["plaintext"] == 1
    # A resource no configuration listed still holds the key: a guard over the store sees it.
    assert census.older_versions(counts, "t/k", 2) == {"t/k:v1": 2}
    assert [start for start, _end, _limit in reader.ranges] == [b"/registry/"]


def test_a_store_area_is_a_resource_directory_or_a_groups_resource_directory():
    prefix = b"/registry/"
    assert census.store_area(prefix, b"/registry/secrets/shop/db") == "secrets"
    assert census.store_area(prefix, b"/registry/apiextensions.k8s.io/customresourcedefinitions/w.example.com") == (
        "apiextensions.k8s.io/customresourcedefinitions")
    assert census.store_area(prefix, b"/registry/services/specs/default/kubernetes") == "services"
    assert census.store_area(prefix, b"/registry/ranges/serviceips") == "ranges"
