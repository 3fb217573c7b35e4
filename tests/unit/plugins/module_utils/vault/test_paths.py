"""vault/paths.py: request paths and path options with a '..', '.' or empty segment, and plain policy inputs."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import paths


@pytest.mark.parametrize("path", ["a/../b", "..", "a/.", "a//b", "a/", "%2e%2e/x", "a/%2E/b", "a%2F%2Fb", "x/..?list=true"])
def test_request_paths_that_lead_elsewhere_are_refused(path):
    with pytest.raises(SecretOpsError, match="was not sent"):
        paths.check_request_path(path)


@pytest.mark.parametrize("path", ["secret/data/app", "/secret/data/app", "secret/data/app?version=2", "a/..b/c../.d", "sys/leases/lookup"])
def test_ordinary_request_paths_pass(path):
    paths.check_request_path(path)


@pytest.mark.parametrize("value, problem", [("../../database/rotate-root/x", "'..'"), ("a/./b", "'.'"), ("a//b", "an empty"),
                                            ("", "must not be empty"), (" / ", "must not be empty"), (None, "must not be empty")])
def test_path_options_name_the_option(value, problem):
    with pytest.raises(SecretOpsError) as error:
        paths.clean_path(value, "mount_point")
    assert str(error.value).startswith("mount_point") and problem in str(error.value)


def test_path_options_lose_only_their_outer_slashes_and_spaces():
    assert paths.clean_path(" /pki/int/ ", "mount_point") == "pki/int"


@pytest.mark.parametrize("value", ["a/b", "..", ".", "", "../../database/rotate-root/x"])
def test_names_are_one_plain_segment(value):
    with pytest.raises(SecretOpsError, match="^role"):
        paths.clean_name(value, "role")


@pytest.mark.parametrize("value", ['a"b', "a\nb", "a b", "a/*", "a/+/b", "{{identity.entity.id}}", "a${x}", "a%2fb", "a\\b", "a#b"])
def test_policy_inputs_hold_plain_characters_only(value):
    with pytest.raises(SecretOpsError) as error:
        paths.plain_path(value, "secrets[0].vault_path")
    assert str(error.value).startswith("secrets[0].vault_path")


@pytest.mark.parametrize("value", ["it/shop/db", "team_a/app-1/v1.2", "x/user@example.com", "k=v/a:b,c~d", "caf\u00e9"])
def test_plain_paths_pass(value):
    assert paths.plain_path(value, "vault_path") == value
