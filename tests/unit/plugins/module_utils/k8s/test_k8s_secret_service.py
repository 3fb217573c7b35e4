"""The pure part of SecretService.update_keys: which keys the next version of a Secret keeps."""

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.secret_service import merged_data


def test_merged_data_keeps_other_writers_keys_and_drops_stale_managed_ones():
    current = {"password": "old", "password_previous": "older", "extra": "theirs"}
    desired = {"password": "new", "username": "app"}
    managed = ["username", "password", "username_previous", "password_previous"]
    assert merged_data(current, desired, managed) == {"password": "new", "username": "app", "extra": "theirs"}
    assert merged_data(None, desired, managed) == desired
    assert current == {"password": "old", "password_previous": "older", "extra": "theirs"}, "inputs are not changed"
