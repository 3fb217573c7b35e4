"""The benchmark's Secret generator: every tool gets the same Secrets, and the module items match
k8s_secret's options."""

import base64
import json

import pytest

from benchmarks import playbooks, secretset, tlspair


@pytest.fixture(scope="module")
def tls_pairs():
    return tlspair.generate("bench.example.com"), tlspair.generate("rotated.example.com")


def test_specs_mix_the_four_types_and_are_deterministic(tls_pairs):
    specs = secretset.build_specs(8, tls_pairs[0])
    assert [spec["kind"] for spec in specs] == list(secretset.KINDS) * 2
    assert specs == secretset.build_specs(8, tls_pairs[0])
    assert len({spec["name"] for spec in specs}) == 8


def test_changed_specs_change_one_in_ten(tls_pairs):
    specs = secretset.build_specs(100, tls_pairs[0])
    changed = secretset.changed_specs(specs, tls_pairs[1])
    differing = [index for index, (before, after) in enumerate(zip(specs, changed)) if before != after]
    assert len(differing) == secretset.changed_count(100) == 10
    assert {specs[index]["kind"] for index in differing} == set(secretset.KINDS)
    assert [spec["name"] for spec in specs] == [spec["name"] for spec in changed]


def test_manifest_carries_the_plain_data_base64_encoded(tls_pairs):
    for spec in secretset.build_specs(4, tls_pairs[0]):
        manifest = secretset.manifest(spec, "ns")
        assert manifest["type"] == secretset.K8S_TYPES[spec["kind"]]
        decoded = {key: base64.b64decode(value).decode() for key, value in manifest["data"].items()}
        assert decoded == secretset.plain_data(spec)


def test_dockerconfigjson_matches_kubectl_layout():
    registry = {"server": "r.example.com", "username": "u", "password": "p", "email": "e@example.com"}
    document = json.loads(secretset.dockerconfigjson(registry))
    assert document == {"auths": {"r.example.com": {"username": "u", "password": "p", "email": "e@example.com",
                                                    "auth": base64.b64encode(b"u:p").decode()}}}


def test_module_items_use_only_k8s_secret_options(tls_pairs):
    k8s_secret = pytest.importorskip("ansible_collections.secretops.provisioning.plugins.modules.k8s_secret")
    options = set(k8s_secret.ITEM_OPTIONS)
    for spec in secretset.build_specs(4, tls_pairs[0]):
        assert set(secretset.module_item(spec, "ns")) <= options
    assert set(playbooks.LOOP_OPTIONS) <= options


def test_opaque_set_is_small_opaque_secrets_and_one_in_ten_changes(tls_pairs):
    specs = secretset.build_specs(100, tls_pairs[0], secret_set="opaque")
    assert {spec["kind"] for spec in specs} == {"opaque"}
    assert all(set(spec["data"]) == {"username", "password"} and len(spec["data"]["password"]) == 24 for spec in specs)
    changed = secretset.changed_specs(specs, tls_pairs[1])
    assert sum(1 for before, after in zip(specs, changed) if before != after) == 10
