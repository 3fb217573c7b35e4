"""vault/auth/jwt_source.py: where a login JWT comes from (given, or a file), and errors that name the
file, never the token."""

import os

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.auth.jwt_source import jwt_from

from .fakes import SECRET


def test_a_given_jwt_wins_over_any_file(tmp_path):
    assert jwt_from({"jwt": SECRET, "jwt_file": str(tmp_path / "absent")}, "jwt", default_file="/absent") == SECRET


def test_the_file_is_read_stripped_and_the_default_file_is_the_last_resort(tmp_path):
    given, default = tmp_path / "given", tmp_path / "default"
    given.write_text("\n  %s \n" % SECRET)
    default.write_text("default-" + SECRET)
    assert jwt_from({"jwt_file": str(given)}, "jwt", default_file=str(default)) == SECRET
    assert jwt_from({"jwt": "", "jwt_file": None}, "kubernetes", default_file=str(default)) == "default-" + SECRET


def test_without_a_source_it_says_what_to_set():
    with pytest.raises(SecretOpsError, match="^auth_method jwt needs a JWT: set jwt or jwt_file$"):
        jwt_from({}, "jwt")


def test_a_missing_file_is_named_with_the_pod_hint_only_for_the_default(tmp_path):
    missing = str(tmp_path / "absent")
    with pytest.raises(SecretOpsError) as raised:
        jwt_from({"jwt_file": missing}, "jwt")
    assert str(raised.value) == "auth_method jwt: the JWT file %s does not exist" % missing
    with pytest.raises(SecretOpsError, match="only exists inside a Kubernetes pod"):
        jwt_from({}, "kubernetes", default_file=missing)
    with pytest.raises(SecretOpsError, match="does not exist$"):
        jwt_from({"jwt_file": str(tmp_path)}, "jwt")  # a directory is no JWT file


def test_an_empty_file_is_refused(tmp_path):
    empty = tmp_path / "token"
    empty.write_text(" \n")
    with pytest.raises(SecretOpsError, match="the JWT file %s is empty" % empty):
        jwt_from({"jwt_file": str(empty)}, "jwt")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_named_with_the_reason_never_its_content(tmp_path):
    locked = tmp_path / "token"
    locked.write_text(SECRET)
    locked.chmod(0)
    with pytest.raises(SecretOpsError, match="cannot read the JWT file %s: Permission denied" % locked) as raised:
        jwt_from({"jwt_file": str(locked)}, "jwt")
    assert SECRET not in str(raised.value)
