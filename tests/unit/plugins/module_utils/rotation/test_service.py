"""rotation/service.py provision, rotate and roll_back over the fakes of Vault KV v2 (``vault/fakes.py``)
and of the API server (``k8s/fakes.py``), under the real SecretService: what is written where, and
that a Secret the checks refuse stops the run before Vault is written."""

import base64

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import service
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.validation import MAX_SECRET_BYTES
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.kv import KvPath

from ..k8s.fakes import FakeApiServer
from ..vault.fakes import FakeKv2, denied

PATH = "app/db"


def provision_setup(existing=None):
    """Vault holding ``existing`` at secret/app/db (None: nothing), and an API server without Secrets."""
    return kv2_holding([existing] if existing is not None else []), FakeApiServer()


def spec(**fields):
    return dict({"name": "db", "vault_path": "secret/" + PATH, "type": "opaque", "fields": {}, "mapping": {}, "keep_previous": False}, **fields)


def test_provision_writes_json_types_to_vault_and_json_text_to_the_secret():
    vault, api = provision_setup()
    fields = {"enabled": {"value": True}, "limits": {"value": {"rps": 10}}, "port": {"value": 5432}}
    result = service.provision(vault, api, spec(fields=fields), "shop")
    assert [(path, body["data"], body["options"]["cas"]) for _method, path, body in vault.writes()] == [
        ("secret/data/" + PATH, {"enabled": True, "limits": {"rps": 10}, "port": 5432}, 0)]
    assert secret_data(api)[0] == {"enabled": "true", "limits": '{"rps":10}', "port": "5432"}
    assert result["data_keys"] == ["enabled", "limits", "port"] and result["vault_version"] == 1


def test_the_secret_carries_vault_path_and_version_and_nothing_derived_from_a_value():
    vault, api = provision_setup()
    result = service.provision(vault, api, spec(fields={"password": {"value": "123456"}}), "shop")
    assert secret_data(api)[1] == {"secretops.io/vault-path": "secret/" + PATH, "secretops.io/vault-version": "1"}
    assert "checksum" not in result
    assert sorted(result) == ["changed", "data_keys", "name", "namespace", "secret", "secret_changed", "vault_changed", "vault_path",
                              "vault_version", "warnings", "written_fields"]


@pytest.mark.parametrize("case, secret, fields", [
    ("key name", {"mapping": {"DB PASS": "password"}}, {"password": {"value": "hunter2"}}),
    ("key name from a field", {}, {"my field": {"value": "hunter2"}}),
    ("1 MiB", {}, {"blob": {"value": "h" * (MAX_SECRET_BYTES + 1)}}),
    ("basic-auth keys", {"type": "basic-auth", "mapping": {"username": "username"}}, {"username": {"value": "hunter2"}}),
    ("basic-auth field", {"type": "basic-auth"}, {"username": {"value": "hunter2"}}),
    ("dockerconfigjson", {"type": "dockerconfigjson"},
     {"server": {"value": "r.example"}, "username": {"value": "robot"}, "password": {"value": ""}}),
    ("tls garbage", {"type": "tls"}, {"cert": {"value": "hunter2"}, "key": {"value": "hunter2"}}),
    ("ssh-auth", {"type": "ssh-auth"}, {"key": {"value": "hunter2"}}),
])
def test_a_secret_the_checks_refuse_is_never_seeded_in_vault(case, secret, fields):
    for existing in (None, {"other": "kept"}):
        vault, api = provision_setup(existing)
        with pytest.raises(SecretOpsError) as raised:
            service.provision(vault, api, spec(fields=fields, **secret), "shop")
        assert vault.writes() == [] and vault.versions.get(PATH, []) == ([existing] if existing else []) and api.writes() == [], case
        assert "hunter2" not in str(raised.value)


@pytest.mark.parametrize("case, cert, key", [
    ("key does not match the certificate", "chain_pem", "other_key_pem"),
    ("chain in the wrong order", "reversed_chain_pem", "key_pem"),
])
def test_tls_that_fails_its_checks_is_never_seeded_in_vault(pki, case, cert, key):
    vault, api = provision_setup({"cert": pki.chain_pem, "key": pki.key_pem})
    fields = {"cert": {"value": getattr(pki, cert)}, "key": {"value": getattr(pki, key)}}
    with pytest.raises(SecretOpsError, match="secret db: tls"):
        service.provision(vault, api, spec(type="tls", fields=fields), "shop")
    assert vault.writes() == [] and len(vault.versions[PATH]) == 1 and api.writes() == [], case


def test_tls_warnings_are_returned(pki):
    vault, api = provision_setup()
    fields = {"cert": {"value": pki.soon_pem}, "key": {"value": pki.key_pem}}
    result = service.provision(vault, api, spec(type="tls", fields=fields), "shop")
    assert any("expires" in warning for warning in result["warnings"])
    assert api.secrets[("shop", "db")]["type"] == "kubernetes.io/tls"


# rotate: when a Secret is resumed instead of rotated, and how many versions KV keeps (no I/O).
def test_a_secret_in_step_with_vault_or_without_a_version_is_not_resumed():
    assert service._resume_reason(True, 4, 4) is None
    assert service._resume_reason(True, None, 4) is None, "a Secret written by someone else rotates as before"


@pytest.mark.parametrize("exists, synced, expected", [
    (False, None, "the Secret did not exist: created from Vault version 4"),
    (True, 3, "finished an interrupted rotation: the Secret had version 3, Vault 4"),
    (True, 7, "the Secret had version 7, newer than Vault's current 4 (was the Vault path re-created?): synced to Vault"),
])
def test_a_secret_out_of_step_with_vault_is_resumed(exists, synced, expected):
    assert service._resume_reason(exists, synced, 4) == expected


def settings_vault(path_max, mount_max, status=None):
    """KV v2 holding app/db, keeping ``path_max`` versions of it and ``mount_max`` by the mount's config;
    with ``status``, the path's metadata read fails with it, as the real ``request`` raises."""
    path = "secret/metadata/" + PATH
    unavailable = SecretOpsError("Vault at https://vault.example.test:8200 is sealed or unavailable (HTTP %s) during GET %s: unseal it and retry"
                                 % (status, path), status=status, vault_path=path)
    failure = denied(path) if status == 403 else unavailable
    vault = FakeKv2(max_versions=path_max, mount_max_versions=mount_max, answers={("GET", path): failure} if status else None)
    vault.put(PATH, {"password": "v1"})
    return vault


def reads(vault):
    return [path for method, path, _data in vault.sent if method == "GET"]


WHERE = KvPath("secret", "app/db", 2)


@pytest.mark.parametrize("path_max, mount_max, kept", [(1, 0, 1), (0, 1, 1), (3, 1, 3), (0, 0, service.DEFAULT_KV_MAX_VERSIONS)])
def test_kept_versions_take_the_path_then_the_mount_then_vaults_default(path_max, mount_max, kept):
    vault = settings_vault(path_max, mount_max)
    assert service._kept_versions(vault, WHERE) == kept
    assert reads(vault) == ["secret/metadata/app/db"] + (["secret/config"] if not path_max else [])


def test_kept_versions_are_unknown_to_a_token_that_may_not_read_them():
    assert service._kept_versions(settings_vault(1, 1, status=403), WHERE) is None


def test_other_errors_while_reading_the_settings_are_not_hidden():
    with pytest.raises(SecretOpsError):
        service._kept_versions(settings_vault(1, 1, status=503), WHERE)


# rotate and roll_back against fakes of VaultClient.request (KV v2 with versions) and K8sClient.request
ROTATED = {"password": {"generate": {}}}


def rotation_setup(vault_versions, secret_version=None, max_versions=0):
    """Vault with ``vault_versions`` at secret/app/db, and Secret shop/db holding ``secret_version`` of them (None: no Secret)."""
    api = FakeApiServer()
    if secret_version is not None:
        service.provision(kv2_holding(vault_versions[:secret_version]), api, spec(fields=ROTATED), "shop", seed=False)
    api.calls[:] = []
    return kv2_holding(vault_versions, max_versions), api


def kv2_holding(versions, max_versions=0):
    vault = FakeKv2(max_versions=max_versions)
    for data in versions:
        vault.put(PATH, data)
    return vault


def secret_data(api):
    secret = api.secrets[("shop", "db")]
    return dict((key, base64.b64decode(value).decode()) for key, value in secret["data"].items()), secret["metadata"]["annotations"]


def test_rotate_writes_a_new_version_with_cas_then_the_secret():
    vault, api = rotation_setup([{"password": "old-value-1"}], secret_version=1)
    result = service.rotate(vault, api, spec(fields=ROTATED), "shop")
    assert result["changed"] and (result["old_version"], result["new_version"]) == (1, 2) and result["rotated_fields"] == ["password"]
    assert [entry[2]["options"] for entry in vault.writes()] == [{"cas": 1}]
    new_password = vault.versions[PATH][1]["password"]
    assert new_password != "old-value-1"
    data, annotations = secret_data(api)
    assert data == {"password": new_password} and annotations["secretops.io/vault-version"] == "2"
    assert "old-value-1" not in repr(result) and new_password not in repr(result)
    assert result["fingerprints"]["password"]["old"] != result["fingerprints"]["password"]["new"]


def test_rotate_in_check_mode_writes_neither_vault_nor_the_secret():
    vault, api = rotation_setup([{"password": "old-value-1"}], secret_version=1)
    result = service.rotate(vault, api, spec(fields=ROTATED), "shop", check_mode=True)
    assert result["changed"] and result["new_version"] == 2
    assert vault.writes() == [] and api.writes() == []
    assert secret_data(api)[0] == {"password": "old-value-1"}


def test_the_single_form_reports_a_rotation_left_alone_as_ok_not_skipped():
    # issue 22: Ansible shows a result with skipped: true as a skipped task; the list form says ok
    vault, api = rotation_setup([{"password": "old-value-1"}], secret_version=1)
    result = service.rotate(vault, api, spec(fields={"password": {"value": "old-value-1"}}), "shop")
    assert "skipped" not in result and result["rotation_skipped"] is True and not result["changed"]
    assert result["name"] == "db" and result["namespace"] == "shop" and result["secret"] == {"name": "db", "namespace": "shop"}
    planned = service.plan_rotation(vault, spec(fields={"password": {"value": "old-value-1"}}), "shop", lambda: (True, 1))
    assert planned.result["skipped"] is True and planned.result["rotation_skipped"] is True  # list entries keep both
    rotated = service.rotate(vault, api, spec(fields=ROTATED), "shop")
    assert "skipped" not in rotated and rotated["rotation_skipped"] is False


def test_a_secret_behind_vault_is_synced_instead_of_rotated():
    vault, api = rotation_setup([{"password": "v1"}, {"password": "v2"}], secret_version=1)
    result = service.rotate(vault, api, spec(fields=ROTATED), "shop")
    assert result["resumed"] and result["changed"] and (result["old_version"], result["new_version"]) == (1, 2)
    assert vault.writes() == []
    assert secret_data(api) == ({"password": "v2"}, {"secretops.io/vault-path": "secret/" + PATH, "secretops.io/vault-version": "2"})


def test_a_single_kept_version_is_refused_before_anything_is_written():
    vault, api = rotation_setup([{"password": "v1"}], secret_version=1, max_versions=1)
    with pytest.raises(SecretOpsError, match="keeps a single version \\(max_versions=1\\)"):
        service.rotate(vault, api, spec(fields=ROTATED), "shop")
    assert vault.writes() == [] and api.writes() == []


def test_a_run_that_dies_after_the_vault_write_is_repaired_by_the_next_run():
    vault, api = rotation_setup([{"password": "v1"}], secret_version=1)
    api.failures[("PUT", "shop", "db")] = [503]
    with pytest.raises(SecretOpsError) as caught:
        service.rotate(vault, api, spec(fields=ROTATED), "shop")
    assert caught.value.details["status"] == 503
    assert len(vault.versions[PATH]) == 2 and secret_data(api)[0] == {"password": "v1"}
    again = service.rotate(vault, api, spec(fields=ROTATED), "shop")
    assert again["resumed"] and again["old_version"] == 1 and len(vault.versions[PATH]) == 2
    assert secret_data(api)[0] == vault.versions[PATH][1]


def test_rotate_needs_a_provisioned_secret():
    vault, api = rotation_setup([])
    with pytest.raises(SecretOpsError, match="nothing in Vault at secret/app/db to rotate: provision it first"):
        service.rotate(vault, api, spec(fields=ROTATED), "shop")


def test_roll_back_makes_an_old_version_current_again_and_puts_it_in_the_secret():
    vault, api = rotation_setup([{"password": "v1"}, {"password": "v2"}], secret_version=2)
    result = service.roll_back(vault, api, spec(fields=ROTATED), "shop", 1)
    assert result["changed"] and (result["restored_version"], result["replaced_version"], result["new_version"]) == (1, 2, 3)
    assert vault.versions[PATH][2] == {"password": "v1"} and [entry[2]["options"] for entry in vault.writes()] == [{"cas": 2}]
    assert secret_data(api) == ({"password": "v1"}, {"secretops.io/vault-path": "secret/" + PATH, "secretops.io/vault-version": "3"})
    assert "v1" not in repr(result["fingerprints"])


def test_roll_back_to_a_missing_version_is_refused_before_writing():
    vault, api = rotation_setup([{"password": "v1"}], secret_version=1)
    with pytest.raises(SecretOpsError, match="version 5 of secret/app/db is deleted or destroyed: cannot roll back to it"):
        service.roll_back(vault, api, spec(fields=ROTATED), "shop", 5)
    assert vault.writes() == [] and api.writes() == []


# Another writer between our read and our check-and-set write: the clusters of a fleet run that
# share a Vault path, or two runs at once. The path gets one new version, never two.

def test_a_rotation_that_loses_the_race_syncs_the_winners_version_instead_of_writing_another():
    vault, api = rotation_setup([{"password": "v1"}], secret_version=1)
    vault.racing_writes.append((PATH, {"password": "written-by-another-cluster"}))
    result = service.rotate(vault, api, spec(fields=ROTATED), "shop")
    assert len(vault.versions[PATH]) == 2 and vault.versions[PATH][1] == {"password": "written-by-another-cluster"}
    assert result["resumed"] and result["changed"] and (result["old_version"], result["new_version"]) == (1, 2)
    assert result["rotated_fields"] == [] and result["fingerprints"] == {} and "another run or cluster" in result["reason"]
    assert secret_data(api) == ({"password": "written-by-another-cluster"},
                                {"secretops.io/vault-path": "secret/" + PATH, "secretops.io/vault-version": "2"})
    assert "written-by-another-cluster" not in repr(result)


def test_provision_that_loses_the_race_keeps_the_winners_generated_values():
    vault, api = rotation_setup([])
    vault.racing_writes.append((PATH, {"password": "seeded-by-another-cluster"}))
    result = service.provision(vault, api, spec(fields=ROTATED), "shop")
    assert vault.versions[PATH] == [{"password": "seeded-by-another-cluster"}]
    assert result["vault_version"] == 1 and not result["vault_changed"] and result["secret_changed"]
    assert secret_data(api)[0] == {"password": "seeded-by-another-cluster"}


def test_a_roll_back_that_loses_the_race_to_the_same_roll_back_writes_only_the_secret():
    vault, api = rotation_setup([{"password": "v1"}, {"password": "v2"}], secret_version=2)
    vault.racing_writes.append((PATH, {"password": "v1"}))
    result = service.roll_back(vault, api, spec(fields=ROTATED), "shop", 1)
    assert vault.versions[PATH] == [{"password": "v1"}, {"password": "v2"}, {"password": "v1"}]
    assert result["changed"]  # the Secret changed; Vault was not written again
    assert (result["restored_version"], result["replaced_version"], result["new_version"]) == (1, 3, 3)
    assert secret_data(api) == ({"password": "v1"}, {"secretops.io/vault-path": "secret/" + PATH, "secretops.io/vault-version": "3"})


def test_a_write_refused_twice_is_an_error_not_a_loop():
    vault, api = rotation_setup([], secret_version=None)
    vault.racing_writes.extend([(PATH, {"password": "a"}), (PATH, {"other": "b"})])
    with pytest.raises(SecretOpsError, match="check-and-set parameter did not match"):
        service.provision(vault, api, spec(fields={"password": {"generate": {}}, "user": {"value": "app"}}), "shop")


# An adopted Secret: it existed before the collection managed it, so it has no vault-version.

def adopted_setup():
    vault, api = rotation_setup([{"password": "v1"}], secret_version=1)
    del api.secrets[("shop", "db")]["metadata"]["annotations"]["secretops.io/vault-version"]
    return vault, api


def test_an_adopted_secret_is_annotated_with_the_version_read_before_vault_is_written():
    vault, api = adopted_setup()
    seen = []
    vault_writes_before = []

    def before_write(attempt):
        seen.append(secret_data(api))
        vault_writes_before.append(len(vault.writes()))

    result = service.rotate(vault, api, spec(fields=ROTATED), "shop", before_write=before_write)
    assert not result["resumed"] and (result["old_version"], result["new_version"]) == (1, 2)
    assert seen == [({"password": "v1"}, {"secretops.io/vault-path": "secret/" + PATH, "secretops.io/vault-version": "1"})]
    assert vault_writes_before == [1]
    assert secret_data(api)[1]["secretops.io/vault-version"] == "2"


def test_an_adopted_secret_interrupted_after_the_vault_write_is_finished_not_rotated_again():
    vault, api = adopted_setup()

    def killed(attempt):
        raise KeyboardInterrupt("the run is killed before the Secret is written")

    with pytest.raises(KeyboardInterrupt):
        service.rotate(vault, api, spec(fields=ROTATED), "shop", before_write=killed)
    assert len(vault.versions[PATH]) == 2 and secret_data(api)[0] == {"password": "v1"}
    again = service.rotate(vault, api, spec(fields=ROTATED), "shop")
    assert again["resumed"] and (again["old_version"], again["new_version"]) == (1, 2)
    assert again["reason"] == "finished an interrupted rotation: the Secret had version 1, Vault 2"
    assert len(vault.versions[PATH]) == 2 and secret_data(api)[0] == vault.versions[PATH][1]


def test_an_adopted_secret_in_check_mode_is_not_annotated():
    vault, api = adopted_setup()
    service.rotate(vault, api, spec(fields=ROTATED), "shop", check_mode=True)
    assert api.writes() == [] and vault.writes() == []


# A soft-deleted current version (vault kv delete): missing for seeding, as for vault_kv only_if_missing.

def test_provision_seeds_a_path_whose_current_version_is_deleted():
    vault, api = rotation_setup([{"password": "v1"}])
    vault.delete_latest(PATH)
    result = service.provision(vault, api, spec(fields=ROTATED), "shop")
    assert [entry[2]["options"] for entry in vault.writes()] == [{"cas": 1}], "cas names the deleted version, as Vault wants"
    assert result["vault_changed"] and result["written_fields"] == ["password"] and result["vault_version"] == 2
    assert secret_data(api) == ({"password": vault.versions[PATH][1]["password"]},
                                {"secretops.io/vault-path": "secret/" + PATH, "secretops.io/vault-version": "2"})
    assert vault.versions[PATH][1]["password"] != "v1"


def test_provision_without_seeding_says_the_current_version_is_deleted():
    vault, api = rotation_setup([{"password": "v1"}])
    vault.delete_latest(PATH)
    for case, kwargs in (("seed=false", {"seed": False}), ("no fields", {})):
        with pytest.raises(SecretOpsError) as raised:
            service.provision(vault, api, spec(fields=ROTATED if kwargs else {}), "shop", **kwargs)
        assert str(raised.value) == ("secret db: nothing in Vault at secret/app/db (its current version 1 is deleted: undelete it to keep "
                                     "its value): give fields to seed it"), case
    assert vault.writes() == [] and api.writes() == []


def test_an_adopted_secret_deleted_since_the_plan_is_not_recreated_empty_to_be_annotated():
    vault, api = adopted_setup()
    planned = service.plan_rotation(vault, spec(fields=ROTATED), "shop", lambda: service._synced_version(api, "shop", "db"))
    del api.secrets[("shop", "db")]
    api.calls[:] = []
    result = service.carry_out(vault, api, planned)
    assert result["new_version"] == 2 and [call[0] for call in api.writes()] == ["POST"], "one create, with the new data"
    assert secret_data(api) == ({"password": vault.versions[PATH][1]["password"]},
                                {"secretops.io/vault-path": "secret/" + PATH, "secretops.io/vault-version": "2"})
