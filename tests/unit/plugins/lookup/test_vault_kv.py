"""The vault_kv lookup's run() against a fake of VaultClient.request: one session for every term,
a field or the whole map, and value-free AnsibleErrors with nothing chained."""

import pytest
from ansible.errors import AnsibleError

from ansible_collections.secretops.provisioning.plugins.lookup import vault_kv
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

from ..module_utils.vault.fakes import FakeVaultApi, denied

PASSWORD = "Hunter2-correct-horse"
KV2 = {"data": {"path": "secret/", "type": "kv", "options": {"version": "2"}}}


def kv2(**secrets):
    answers = {}
    for path, data in secrets.items():
        answers[("GET", "sys/internal/ui/mounts/secret/" + path)] = KV2
        answers[("GET", "secret/data/" + path)] = {"data": {"data": data, "metadata": {"version": 3}}}
    return FakeVaultApi(answers)


@pytest.fixture
def sessions(monkeypatch):
    """Every vault_session the lookup opens, each yielding the fake Vault of ``sessions.vault``."""
    opened = []

    class Sessions(object):
        vault = FakeVaultApi()

    class Session(object):
        def __init__(self, params):
            opened.append(params)

        def __enter__(self):
            return Sessions.vault

        def __exit__(self, *exc_info):
            return False

    monkeypatch.setattr(vault_kv, "vault_session", Session)
    Sessions.opened = opened
    return Sessions


def test_one_session_reads_every_term_as_a_map_or_a_field(sessions, run_lookup):
    sessions.vault = kv2(db={"user": "app", "password": PASSWORD}, api={"token": "t0ken"})
    assert run_lookup(vault_kv.LookupModule, ["secret/db", "secret/api"]) == [{"user": "app", "password": PASSWORD}, {"token": "t0ken"}]
    assert len(sessions.opened) == 1
    assert run_lookup(vault_kv.LookupModule, ["secret/db"], field="password") == [PASSWORD]


def test_a_path_relative_to_the_mount_point_and_a_version(sessions, run_lookup):
    sessions.vault = kv2(db={"password": PASSWORD})
    sessions.vault.answers[("GET", "secret/data/db?version=2")] = {"data": {"data": {"password": "older"}, "metadata": {"version": 2}}}
    assert run_lookup(vault_kv.LookupModule, ["db"], mount_point="secret", field="password") == [PASSWORD]
    assert run_lookup(vault_kv.LookupModule, ["db"], mount_point="secret", field="password", version=2) == ["older"]


def test_a_missing_field_names_the_fields_never_the_values(sessions, run_lookup):
    sessions.vault = kv2(db={"user": "app", "password": PASSWORD})
    with pytest.raises(AnsibleError) as caught:
        run_lookup(vault_kv.LookupModule, ["secret/db"], field="pasword")
    assert str(caught.value) == "vault_kv lookup: secret secret/db has no field pasword; its fields are: password, user"
    assert caught.value.__cause__ is None


def test_an_absent_secret_is_an_error(sessions, run_lookup):
    sessions.vault = FakeVaultApi({("GET", "sys/internal/ui/mounts/secret/gone"): KV2})
    with pytest.raises(AnsibleError, match="vault_kv lookup: no secret at secret/gone \\(absent, deleted or destroyed\\)"):
        run_lookup(vault_kv.LookupModule, ["secret/gone"])


def test_a_version_on_a_kv1_mount_is_refused_before_reading(sessions, run_lookup):
    sessions.vault = FakeVaultApi({("GET", "sys/internal/ui/mounts/old/db"): {"data": {"path": "old/", "type": "kv", "options": {}}}})
    with pytest.raises(AnsibleError, match="version needs a KV v2 mount; old is KV v1"):
        run_lookup(vault_kv.LookupModule, ["old/db"], version=1)
    assert [path for _method, path, _data in sessions.vault.sent] == ["sys/internal/ui/mounts/old/db"]


def test_a_refused_read_is_an_ansible_error_with_nothing_chained(sessions, run_lookup):
    sessions.vault = FakeVaultApi({("GET", "sys/internal/ui/mounts/secret/db"): KV2, ("GET", "secret/data/db"): denied("secret/data/db")})
    with pytest.raises(AnsibleError, match="vault_kv lookup: permission denied on secret/data/db") as caught:
        run_lookup(vault_kv.LookupModule, ["secret/db"])
    assert caught.value.__cause__ is None and not isinstance(caught.value, SecretOpsError)
