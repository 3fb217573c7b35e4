"""Annotation keys stay valid for any Secret name."""

from ansible_collections.secretops.provisioning.plugins.module_utils.workloads.annotations import checksum_annotation


def test_long_secret_names_get_a_valid_annotation_key():
    key = checksum_annotation("s" * 200)
    assert key.startswith("checksum.secretops.io/") and len(key.split("/", 1)[1]) <= 63
    assert checksum_annotation("s" * 200) != checksum_annotation("s" * 199)
