"""The pure parts of SecretService: the annotations and keys the next version of a Secret keeps."""

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.secret_service import merged_data, taken_over_annotations


LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def test_the_last_applied_annotation_is_dropped_and_the_others_kept():
    current = {LAST_APPLIED: '{"data":{"password":"b2xk"}}', "team": "a", "secretops.io/version": "1"}
    assert taken_over_annotations(current, {"secretops.io/version": "2"}) == {"team": "a", "secretops.io/version": "2"}
    assert LAST_APPLIED in current, "inputs are not changed"
    assert taken_over_annotations(None, {"a": "b"}) == {"a": "b"}
    assert taken_over_annotations({"a": "b"}, None) == {"a": "b"}


def test_the_unkeyed_checksum_of_older_versions_is_dropped():
    current = {"secretops.io/checksum": "9b1e" * 16, "secretops.io/vault-version": "3"}
    assert taken_over_annotations(current, {"secretops.io/vault-version": "4"}) == {"secretops.io/vault-version": "4"}


def test_merged_data_keeps_other_writers_keys_and_drops_stale_managed_ones():
    current = {"password": "old", "password_previous": "older", "extra": "theirs"}
    desired = {"password": "new", "username": "app"}
    managed = ["username", "password", "username_previous", "password_previous"]
    assert merged_data(current, desired, managed) == {"password": "new", "username": "app", "extra": "theirs"}
    assert merged_data(None, desired, managed) == desired
    assert current == {"password": "old", "password_previous": "older", "extra": "theirs"}, "inputs are not changed"
