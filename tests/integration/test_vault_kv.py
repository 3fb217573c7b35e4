"""vault_kv, vault_kv_info and the vault_kv lookup against each real Vault dev server (OpenBao, HashiCorp Vault), on KV v1 and v2."""

import pytest

from tests.integration.ansible_run import run_tasks
from tests.integration.vault_it_helpers import task, unique, vault_env


def _kv2(vault_client, path):
    return vault_client.secrets.kv.v2.read_secret_version(path=path, mount_point="secret", raise_on_deleted_version=False)


def test_kv2_write_check_rerun_metadata_delete_destroy(local_env, vault_client):
    name = unique("app")
    value = unique("pw-value")
    write = task("write", "vault_kv", path="secret/%s/db" % name, data={"password": value, "user": "svc-user"})

    checked = run_tasks([write], env=vault_env(local_env), check=True, diff=True).assert_ok().task("write")
    assert checked["changed"] is True and checked["changed_keys"] == ["password", "user"]
    assert vault_client.read("secret/data/%s/db" % name) is None

    first = run_tasks([write], env=vault_env(local_env), diff=True).assert_ok().task("write")
    assert first["changed"] is True and first["version"] == 1 and first["kv_version"] == 2 and first["mount"] == "secret"
    assert first["diff"]["after"] == {"password": "VALUE_HIDDEN (changed)", "user": "VALUE_HIDDEN (changed)"}
    assert _kv2(vault_client, "%s/db" % name)["data"]["data"] == {"password": value, "user": "svc-user"}

    relative = task("write", "vault_kv", mount_point="secret", path="%s/db" % name, data={"password": value, "user": "svc-user"})
    second = run_tasks([relative], env=vault_env(local_env)).assert_ok().task("write")
    assert second["changed"] is False and second["version"] == 1

    once = task("write", "vault_kv", path="secret/%s/db" % name, data={"password": "other"}, only_if_missing=True)
    kept = run_tasks([once], env=vault_env(local_env)).assert_ok().task("write")
    assert kept["changed"] is False and kept["skipped_existing"] is True
    assert _kv2(vault_client, "%s/db" % name)["data"]["data"]["password"] == value

    stale_cas = task("write", "vault_kv", path="secret/%s/db" % name, data={"password": "new"}, cas=0)
    rejected = run_tasks([stale_cas], env=vault_env(local_env))
    assert rejected.returncode != 0 and "check-and-set" in rejected.task("write")["msg"]

    updated = run_tasks([task("write", "vault_kv", path="secret/%s/db" % name, data={"password": "v2-" + value}, cas=1,
                              max_versions=4, custom_metadata={"owner": "team-a"})], env=vault_env(local_env)).assert_ok().task("write")
    assert updated["version"] == 2 and updated["removed_keys"] == ["user"] and sorted(updated["metadata_changed"]) == ["custom_metadata", "max_versions"]
    metadata = vault_client.secrets.kv.v2.read_secret_metadata(path="%s/db" % name, mount_point="secret")["data"]
    assert metadata["max_versions"] == 4 and metadata["custom_metadata"] == {"owner": "team-a"}

    info = run_tasks([task("info", "vault_kv_info", path="secret/%s/db" % name),
                      task("old", "vault_kv_info", path="secret/%s/db" % name, version=1, return_values=True)],
                     env=vault_env(local_env)).assert_ok()
    latest = info.task("info")
    assert latest["exists"] is True and latest["version"] == 2 and latest["data_keys"] == ["password"] and "data" not in latest
    assert latest["secret_metadata"]["custom_metadata"] == {"owner": "team-a"}
    assert info.task("old")["data"] == {"password": value, "user": "svc-user"}

    delete = task("delete", "vault_kv", path="secret/%s/db" % name, state="absent")
    assert run_tasks([delete], env=vault_env(local_env), check=True).assert_ok().task("delete")["changed"] is True
    assert _kv2(vault_client, "%s/db" % name)["data"]["metadata"]["deletion_time"] == ""
    deleted = run_tasks([delete], env=vault_env(local_env)).assert_ok().task("delete")
    assert deleted["action"] == "deleted" and deleted["version"] == 2
    assert run_tasks([delete], env=vault_env(local_env)).assert_ok().task("delete")["changed"] is False
    gone = run_tasks([task("info", "vault_kv_info", path="secret/%s/db" % name)], env=vault_env(local_env)).assert_ok().task("info")
    assert gone["exists"] is False

    destroy = task("destroy", "vault_kv", path="secret/%s/db" % name, state="absent", destroy_versions=[1])
    assert run_tasks([destroy], env=vault_env(local_env)).assert_ok().task("destroy")["destroyed_versions"] == [1]
    assert run_tasks([destroy], env=vault_env(local_env)).assert_ok().task("destroy")["changed"] is False

    purge = task("purge", "vault_kv", path="secret/%s/db" % name, state="absent", delete_all_versions=True)
    assert run_tasks([purge], env=vault_env(local_env)).assert_ok().task("purge")["action"] == "deleted_all_versions"
    assert run_tasks([purge], env=vault_env(local_env)).assert_ok().task("purge")["changed"] is False
    for run_output in (checked, first):
        assert value not in repr(run_output)


def test_kv2_only_if_missing_generates_once(local_env, vault_client):
    name = unique("gen")
    generate = task("gen", "vault_kv", path="secret/%s" % name,
                    data={"password": "{{ lookup('ansible.builtin.password', '/dev/null', length=24) }}"}, only_if_missing=True)
    first = run_tasks([generate], env=vault_env(local_env)).assert_ok().task("gen")
    assert first["changed"] is True and first["version"] == 1
    stored = _kv2(vault_client, name)["data"]["data"]["password"]
    second = run_tasks([generate], env=vault_env(local_env)).assert_ok().task("gen")
    assert second["changed"] is False and second["version"] == 1
    assert _kv2(vault_client, name)["data"]["data"]["password"] == stored


def test_kv1_mount_is_detected(local_env, vault_client):
    mount = unique("kv1")
    vault_client.sys.enable_secrets_engine("kv", path=mount, options={"version": "1"})
    try:
        write = task("write", "vault_kv", path="%s/app" % mount, data={"token": "kv1-value"})
        first = run_tasks([write], env=vault_env(local_env)).assert_ok().task("write")
        assert first["changed"] is True and first["kv_version"] == 1 and first["version"] is None
        assert vault_client.secrets.kv.v1.read_secret(path="app", mount_point=mount)["data"] == {"token": "kv1-value"}
        assert run_tasks([write], env=vault_env(local_env)).assert_ok().task("write")["changed"] is False
        cas = run_tasks([task("write", "vault_kv", path="%s/app" % mount, data={"a": "b"}, cas=1)], env=vault_env(local_env))
        assert cas.returncode != 0 and "need a KV v2 mount" in cas.task("write")["msg"]
        delete = task("delete", "vault_kv", path="%s/app" % mount, state="absent")
        assert run_tasks([delete], env=vault_env(local_env)).assert_ok().task("delete")["action"] == "deleted"
        assert run_tasks([delete], env=vault_env(local_env)).assert_ok().task("delete")["changed"] is False
    finally:
        vault_client.sys.disable_secrets_engine(mount)


def test_kv_list_form(local_env, vault_client):
    names = [unique("many") for count in range(4)]
    # Distinct values: Ansible masks every no_log value wherever it appears in the output.
    secrets = [{"path": "secret/%s" % name, "data": {"n": unique("value")}} for name in names]
    first = run_tasks([task("many", "vault_kv", secrets=secrets)], env=vault_env(local_env)).assert_ok().task("many")
    assert [item["path"] for item in first["results"]] == names and all(item["version"] == 1 for item in first["results"])
    assert run_tasks([task("many", "vault_kv", secrets=secrets)], env=vault_env(local_env)).assert_ok().task("many")["changed"] is False


def test_kv_list_form_task_level_state_absent_deletes_every_item(local_env, vault_client):
    # Regression: task-level state (and delete_all_versions) beside secrets: used to be ignored, so this wrote instead.
    names = [unique("gone") for count in range(3)]
    for name in names:
        vault_client.secrets.kv.v2.create_or_update_secret(path=name, secret={"n": "1"}, mount_point="secret")
    kept = unique("kept")
    vault_client.secrets.kv.v2.create_or_update_secret(path=kept, secret={"n": "1"}, mount_point="secret")
    items = [{"path": name} for name in names] + [{"path": kept, "state": "present", "data": {"n": "1"}}]
    removal = task("remove", "vault_kv", mount_point="secret", state="absent", delete_all_versions=True, secrets=items)

    checked = run_tasks([removal], env=vault_env(local_env), check=True).assert_ok().task("remove")
    assert [item.get("action") for item in checked["results"]] == ["deleted_all_versions"] * 3 + [None]
    assert all(_kv2(vault_client, name)["data"]["data"] == {"n": "1"} for name in names)

    removed = run_tasks([removal], env=vault_env(local_env)).assert_ok().task("remove")
    assert [item.get("action") for item in removed["results"]] == ["deleted_all_versions"] * 3 + [None]
    assert all(vault_client.read("secret/metadata/%s" % name) is None for name in names)
    assert _kv2(vault_client, kept)["data"]["data"] == {"n": "1"}  # an item's own state wins over the task's
    again = run_tasks([removal], env=vault_env(local_env)).assert_ok().task("remove")
    assert again["changed"] is False


def test_kv_list_form_refuses_per_secret_options_at_task_level_before_any_write(local_env, vault_client):
    # Regression: task-level data and cas beside secrets: used to be dropped without a word.
    names = [unique("refused") for count in range(2)]
    value = unique("refused-value")
    items = [{"path": "secret/%s" % name, "data": {"n": unique("item")}} for name in names]
    run = run_tasks([task("many", "vault_kv", data={"password": value}, cas=0, secrets=items)], env=vault_env(local_env))
    assert run.returncode != 0
    message = run.task("many")["msg"]
    assert message.startswith("data, cas cannot be set at task level beside secrets"), message
    assert value not in run.stdout + run.stderr
    assert all(vault_client.read("secret/metadata/%s" % name) is None for name in names)


def test_lookup_reads_field_map_and_version(local_env, vault_client):
    name = unique("look")
    vault_client.secrets.kv.v2.create_or_update_secret(path=name, mount_point="secret", secret={"user": "u1", "password": "p1"})
    vault_client.secrets.kv.v2.create_or_update_secret(path=name, mount_point="secret", secret={"user": "u2", "password": "p2"})
    lookup = "secretops.provisioning.vault_kv"
    tasks = [
        {"name": "field", "set_fact": {"v": "{{ lookup('%s', 'secret/%s', field='user') }}" % (lookup, name)}},
        {"name": "map", "set_fact": {"v": "{{ lookup('%s', '%s', mount_point='secret') }}" % (lookup, name)}},
        {"name": "old", "set_fact": {"v": "{{ lookup('%s', 'secret/%s', field='user', version=1) }}" % (lookup, name)}},
        {"name": "two", "set_fact": {"v": "{{ query('%s', 'secret/%s', 'secret/%s', field='password') }}" % (lookup, name, name)}},
    ]
    run = run_tasks(tasks, env=vault_env(local_env)).assert_ok()
    assert run.task("field")["ansible_facts"]["v"] == "u2"
    assert run.task("map")["ansible_facts"]["v"] == {"user": "u2", "password": "p2"}
    assert run.task("old")["ansible_facts"]["v"] == "u1"
    assert run.task("two")["ansible_facts"]["v"] == ["p2", "p2"]

    missing = run_tasks([{"name": "bad", "set_fact": {"v": "{{ lookup('%s', 'secret/%s', field='nope') }}" % (lookup, name)}}],
                        env=vault_env(local_env))
    assert missing.returncode != 0 and "has no field nope" in missing.output and "p2" not in missing.output


@pytest.mark.usefixtures("vault_server")
def test_lookup_options_from_vars_and_errors_without_token(local_env):
    name = unique("vars")
    env = vault_env(local_env)
    env.pop("VAULT_TOKEN")
    env.pop("VAULT_ADDR")
    env["HOME"] = "/nonexistent-home"
    plays = [{"name": "w", "set_fact": {"v": "{{ lookup('secretops.provisioning.vault_kv', 'secret/%s') }}" % name}}]
    no_token = run_tasks(plays, env=env, vars={"secretops_vault_url": local_env.vault_addr})
    assert no_token.returncode != 0 and "needs a token" in no_token.output
    unreachable_vars = {"secretops_vault_url": "http://127.0.0.1:9", "secretops_vault_token": "x", "secretops_vault_retries": 0}
    unreachable = run_tasks(plays, env=env, vars=unreachable_vars)
    assert unreachable.returncode != 0 and "cannot reach Vault at http://127.0.0.1:9" in unreachable.output
    denied = run_tasks(plays, env=env, vars={"secretops_vault_url": local_env.vault_addr, "secretops_vault_token": "not-a-real-token"})
    assert denied.returncode != 0 and "permission denied on sys/internal/ui/mounts/secret/%s" % name in denied.output
    assert "not-a-real-token" not in denied.output


def test_a_soft_deleted_current_version_counts_as_missing_and_cas_errors_say_what_to_do(local_env, vault_client):
    """Vault compares cas with the current version even when it is deleted: only_if_missing must use
    it, and a check-and-set write that names another version is told which one and how to recover."""
    from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
    from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import build_client

    name = unique("softdel")
    path = "secret/%s/db" % name
    first_value, second_value = unique("first"), unique("second")
    run_tasks([task("write", "vault_kv", path=path, data={"password": first_value}),
               task("delete", "vault_kv", path=path, state="absent")], env=vault_env(local_env)).assert_ok()
    try:
        once = task("once", "vault_kv", path=path, data={"password": second_value}, only_if_missing=True)
        created = run_tasks([once], env=vault_env(local_env)).assert_ok().task("once")
        assert created["changed"] is True and created["version"] == 2
        assert created["replaced_version"] == {"version": 1, "state": "deleted"}
        assert _kv2(vault_client, "%s/db" % name)["data"]["data"] == {"password": second_value}
        assert run_tasks([once], env=vault_env(local_env)).assert_ok().task("once")["changed"] is False
        # The deleted version is still there to undelete.
        assert vault_client.secrets.kv.v2.read_secret_metadata(path="%s/db" % name, mount_point="secret")["data"]["versions"]["1"]["deletion_time"]

        run_tasks([task("delete", "vault_kv", path=path, state="absent")], env=vault_env(local_env)).assert_ok()
        stale = run_tasks([task("stale", "vault_kv", path=path, data={"password": "x"}, cas=0)], env=vault_env(local_env))
        message = stale.task("stale")["msg"]
        assert stale.returncode != 0 and "check-and-set parameter did not match" in message
        assert "the current version 2 of %s is deleted" % path in message and "cas=2" in message
        assert "vault kv undelete -versions=2 %s" % path in message and "delete_all_versions=true" in message

        # The rotation code path writes through VaultClient.write with cas=0 when it reads nothing live: same message.
        client = build_client({"url": local_env.vault_addr})
        client.set_token(local_env.vault_token)
        try:
            client.write("secret/data/%s/db" % name, {"data": {"password": "x"}, "options": {"cas": 0}}, action="write secret %s" % path)
            raise AssertionError("the stale check-and-set write was accepted")
        except SecretOpsError as error:
            assert "the current version 2 of %s is deleted" % path in str(error) and "cas=2" in str(error)

        vault_client.secrets.kv.v2.destroy_secret_versions(path="%s/db" % name, versions=[2], mount_point="secret")
        destroyed = run_tasks([task("stale", "vault_kv", path=path, data={"password": "x"}, cas=1)], env=vault_env(local_env))
        message = destroyed.task("stale")["msg"]
        assert "the current version 2 of %s is destroyed" % path in message and "undelete" not in message
        for run in (stale, destroyed):
            assert first_value not in run.output and second_value not in run.output
    finally:
        vault_client.secrets.kv.v2.delete_metadata_and_all_versions(path="%s/db" % name, mount_point="secret")


def test_engine_mount_point_is_community_hashi_vaults_name_for_the_kv_mount(local_env, vault_client):
    """community.hashi_vault calls the KV mount engine_mount_point (its mount_point is the auth mount)."""
    name = unique("engine")
    lookup = "secretops.provisioning.vault_kv"
    tasks = [
        task("write", "vault_kv", path=name, engine_mount_point="secret", data={"user": "engine-user"}),
        task("many", "vault_kv", engine_mount_point="secret", secrets=[{"path": name + "-item", "data": {"user": "item-user"}}]),
        task("item", "vault_kv", secrets=[{"path": name + "-own", "engine_mount_point": "secret", "data": {"user": "own-user"}}]),
        task("info", "vault_kv_info", path=name, engine_mount_point="secret", return_values=True),
        {"name": "look", "set_fact": {"v": "{{ lookup('%s', '%s', engine_mount_point='secret', field='user') }}" % (lookup, name)}},
    ]
    run = run_tasks(tasks, env=vault_env(local_env)).assert_ok()
    assert run.task("write")["changed"] is True and _kv2(vault_client, name)["data"]["data"] == {"user": "engine-user"}
    assert _kv2(vault_client, name + "-item")["data"]["data"] == {"user": "item-user"}
    assert _kv2(vault_client, name + "-own")["data"]["data"] == {"user": "own-user"}
    assert run.task("info")["data"] == {"user": "engine-user"}
    assert run.task("look")["ansible_facts"]["v"] == "engine-user"


def _token_with_policy(vault_client, name, policy):
    vault_client.sys.create_or_update_policy(name=name, policy=policy)
    return vault_client.auth.token.create(policies=[name], ttl="10m")["auth"]["client_token"]


def test_a_mistyped_kv_mount_is_named_not_blamed_on_the_token(local_env, vault_client):
    """Vault answers the mount lookup of a missing mount with a 403, even for the root token."""
    missing = unique("no-such-mount")
    tasks = [task("info", "vault_kv_info", path="%s/app" % missing), task("write", "vault_kv", path="app", mount_point=missing, data={"key": unique("value")})]
    for item in tasks:
        failed = run_tasks([item], env=vault_env(local_env))
        msg = failed.task(item["name"])["msg"]
        assert failed.returncode != 0 and "no secrets engine is mounted at or above %s/app" % missing in msg, msg
        assert "invalid or expired" not in msg
    policy = unique("kv-one-path")
    token = _token_with_policy(vault_client, policy, 'path "secret/data/%s" { capabilities = ["read"] }' % policy)
    try:
        limited = run_tasks([tasks[0]], env=vault_env(local_env, VAULT_TOKEN=token))
        msg = limited.task("info")["msg"]
        assert limited.returncode != 0 and "no KV mount found at or above %s/app, or the token's policies grant nothing" % missing in msg, msg
        bad = run_tasks([tasks[0]], env=vault_env(local_env, VAULT_TOKEN="not-a-real-token"))
        assert bad.returncode != 0 and "invalid or expired" in bad.task("info")["msg"]
    finally:
        vault_client.sys.delete_policy(policy)


def test_a_data_only_policy_writes_and_reads_as_with_community_hashi_vault(local_env, vault_client):
    """No capability on <mount>/metadata/: vault_kv writes, vault_kv_info and the lookup read; only the
    secret's metadata (which needs metadata read) is left out, with a note."""
    name = unique("data-only")
    policy = unique("data-only-policy")
    token = _token_with_policy(vault_client, policy, 'path "secret/data/%s" { capabilities = ["create", "read", "update"] }' % name)
    env = vault_env(local_env, VAULT_TOKEN=token)
    value = unique("value")
    lookup = "{{ lookup('secretops.provisioning.vault_kv', 'secret/%s', field='user') }}" % name
    tasks = [task("write", "vault_kv", path="secret/%s" % name, data={"user": value}),
             task("info", "vault_kv_info", path="secret/%s" % name),
             {"name": "look", "set_fact": {"v": lookup}}]
    try:
        first = run_tasks(tasks, env=env).assert_ok()
        assert first.task("write")["changed"] is True and first.task("write")["version"] == 1
        info = first.task("info")
        assert info["exists"] is True and info["data_keys"] == ["user"] and info["version"] == 1
        assert "secret_metadata" not in info and "secret/metadata/%s" % name in info["secret_metadata_note"]
        assert first.task("look")["ansible_facts"]["v"] == value
        assert run_tasks(tasks[:1], env=env).assert_ok().task("write")["changed"] is False
    finally:
        vault_client.sys.delete_policy(policy)
        vault_client.secrets.kv.v2.delete_metadata_and_all_versions(path=name, mount_point="secret")
