"""Every Vault module against each real Vault dev server (OpenBao, HashiCorp Vault): check mode writes nothing, the first run
changes, the second does not, diffs show what changed, and state=absent removes."""

from tests.integration.ansible_run import run_tasks
from tests.integration.vault_it_helpers import merged, task, unique, vault_env


def test_auth_method_check_create_rerun_tune_disable(local_env, vault_client):
    path = unique("k8s")
    enable = task("enable", "vault_auth_method", type="kubernetes", mount_path=path, description="it", default_lease_ttl="1h")

    checked = run_tasks([enable], env=vault_env(local_env), check=True).assert_ok()
    assert checked.task("enable")["changed"] is True
    assert path + "/" not in vault_client.sys.list_auth_methods()["data"]

    first = run_tasks([enable], env=vault_env(local_env)).assert_ok()
    assert first.task("enable")["action"] == "enabled"
    assert vault_client.sys.list_auth_methods()["data"][path + "/"]["type"] == "kubernetes"

    again = task("enable", "vault_auth_method", type="kubernetes", mount_path=path, description="it", default_lease_ttl=3600)
    second = run_tasks([again], env=vault_env(local_env)).assert_ok()
    assert second.task("enable")["changed"] is False

    tune = task("tune", "vault_auth_method", type="kubernetes", mount_path=path, default_lease_ttl="2h",
                listing_visibility="unauth", audit_non_hmac_request_keys=["role"])
    tuned = run_tasks([tune], env=vault_env(local_env), diff=True).assert_ok().task("tune")
    assert tuned["action"] == "tuned"
    assert tuned["diff"]["before"]["default_lease_ttl"] == 3600 and tuned["diff"]["after"]["default_lease_ttl"] == 7200
    assert sorted(tuned["changed_settings"]) == ["audit_non_hmac_request_keys", "default_lease_ttl", "listing_visibility"]
    assert vault_client.sys.read_auth_method_tuning(path)["data"]["listing_visibility"] == "unauth"

    wrong_type = run_tasks([task("wrong", "vault_auth_method", type="approle", path=path)], env=vault_env(local_env))
    assert wrong_type.returncode != 0 and "already enabled at %s" % path in wrong_type.task("wrong")["msg"]

    # `path` is the former name of mount_path, kept as an alias.
    disable = task("disable", "vault_auth_method", path=path, state="absent")
    assert run_tasks([disable], env=vault_env(local_env), check=True).assert_ok().task("disable")["changed"] is True
    assert path + "/" in vault_client.sys.list_auth_methods()["data"]
    assert run_tasks([disable], env=vault_env(local_env)).assert_ok().task("disable")["changed"] is True
    assert path + "/" not in vault_client.sys.list_auth_methods()["data"]
    assert run_tasks([disable], env=vault_env(local_env)).assert_ok().task("disable")["changed"] is False


def test_secrets_engine_kv_v1_then_upgrade_to_v2(local_env, vault_client):
    path = unique("kv")
    v1 = task("mount", "vault_secrets_engine", mount_point=path, type="kv", kv_version=1, max_lease_ttl="24h")
    assert run_tasks([v1], env=vault_env(local_env), check=True).assert_ok().task("mount")["changed"] is True
    assert path + "/" not in vault_client.sys.list_mounted_secrets_engines()["data"]
    assert run_tasks([v1], env=vault_env(local_env)).assert_ok().task("mount")["action"] == "enabled"
    assert run_tasks([v1], env=vault_env(local_env)).assert_ok().task("mount")["changed"] is False

    v2 = task("mount", "vault_secrets_engine", mount_point=path, type="kv", kv_version=2, max_lease_ttl=86400)
    upgraded = run_tasks([v2], env=vault_env(local_env), diff=True).assert_ok().task("mount")
    assert upgraded["changed_settings"] == ["options"]
    assert upgraded["diff"]["after"]["options"] == {"version": "2"}
    assert vault_client.sys.list_mounted_secrets_engines()["data"][path + "/"]["options"]["version"] == "2"

    # `path` is the former name of mount_point, kept as an alias.
    gone = run_tasks([task("mount", "vault_secrets_engine", path=path, state="absent")], env=vault_env(local_env)).assert_ok()
    assert gone.task("mount")["action"] == "disabled"
    assert path + "/" not in vault_client.sys.list_mounted_secrets_engines()["data"]


EQUIVALENT_HCL = """
# the same policy, written by hand
path "secret/metadata/%(app)s/*" { capabilities = ["list"] }
path "secret/data/%(app)s/*" {
  capabilities = ["list", "read"]
}
"""


def test_policy_rules_equivalent_hcl_diff_and_absent(local_env, vault_client):
    name = unique("pol")
    rules = [
        {"path": "secret/data/%s/*" % name, "capabilities": ["read", "list"]},
        {"path": "secret/metadata/%s/*" % name, "capabilities": ["list"]},
    ]
    create = task("policy", "vault_policy", name=name, rules=rules)
    assert run_tasks([create], env=vault_env(local_env), check=True).assert_ok().task("policy")["changed"] is True
    assert name not in vault_client.sys.list_acl_policies()["data"]["keys"]

    created = run_tasks([create], env=vault_env(local_env), diff=True).assert_ok().task("policy")
    assert created["changed"] is True and created["diff"]["before"] is None
    assert 'path "secret/data/%s/*"' % name in vault_client.sys.read_acl_policy(name)["data"]["policy"]

    same = task("policy", "vault_policy", name=name, policy=EQUIVALENT_HCL % {"app": name})
    assert run_tasks([same], env=vault_env(local_env)).assert_ok().task("policy")["changed"] is False

    narrower = task("policy", "vault_policy", name=name, rules=rules[:1])
    changed = run_tasks([narrower], env=vault_env(local_env), diff=True).assert_ok().task("policy")
    assert changed["changed"] is True
    assert "secret/metadata/%s/*" % name in changed["diff"]["before"]
    assert "secret/metadata/%s/*" % name not in changed["diff"]["after"]

    absent = task("policy", "vault_policy", name=name, state="absent")
    assert run_tasks([absent], env=vault_env(local_env)).assert_ok().task("policy")["changed"] is True
    assert name not in vault_client.sys.list_acl_policies()["data"]["keys"]
    assert run_tasks([absent], env=vault_env(local_env)).assert_ok().task("policy")["changed"] is False


def test_policy_list_form_keeps_order_and_is_idempotent(local_env, vault_client):
    names = [unique("bulk") for count in range(5)]
    items = [{"name": name, "rules": [{"path": "secret/data/%s" % name, "capabilities": ["read"]}]} for name in names]
    first = run_tasks([task("bulk", "vault_policy", policies=items)], env=vault_env(local_env), diff=True).assert_ok().task("bulk")
    assert [result["name"] for result in first["results"]] == names
    assert all(result["changed"] for result in first["results"])
    second = run_tasks([task("bulk", "vault_policy", policies=items)], env=vault_env(local_env)).assert_ok().task("bulk")
    assert second["changed"] is False
    removal = [{"name": name, "state": "absent"} for name in reversed(names)]
    removed = run_tasks([task("bulk", "vault_policy", policies=removal)], env=vault_env(local_env)).assert_ok().task("bulk")
    assert [result["name"] for result in removed["results"]] == list(reversed(names))
    remaining = vault_client.sys.list_acl_policies()["data"]["keys"]
    assert not set(names) & set(remaining)


def test_policy_list_form_task_level_state_absent_deletes_every_item_and_refuses_rules(local_env, vault_client):
    names = [unique("gone") for count in range(3)]
    for name in names:
        vault_client.sys.create_or_update_acl_policy(name, 'path "secret/data/%s" {\n  capabilities = ["read"]\n}\n' % name)
    rules = [{"path": "secret/data/x", "capabilities": ["read"]}]
    # Refused: one rules list cannot be every policy's; the task fails before deleting anything.
    refused = run_tasks([task("bulk", "vault_policy", state="absent", rules=rules, policies=[{"name": name} for name in names])],
                        env=vault_env(local_env))
    assert refused.returncode != 0 and refused.task("bulk")["msg"].startswith("rules cannot be set at task level beside policies")
    assert set(names) <= set(vault_client.sys.list_acl_policies()["data"]["keys"])
    # Regression: task-level state: absent beside policies: used to be ignored (the items defaulted to present).
    removal = task("bulk", "vault_policy", state="absent", policies=[{"name": name} for name in names])
    removed = run_tasks([removal], env=vault_env(local_env)).assert_ok().task("bulk")
    assert [result["name"] for result in removed["results"]] == names and all(result["changed"] for result in removed["results"])
    assert not set(names) & set(vault_client.sys.list_acl_policies()["data"]["keys"])
    assert run_tasks([removal], env=vault_env(local_env)).assert_ok().task("bulk")["changed"] is False


def test_policy_list_form_applies_the_items_after_a_failed_one_and_names_it(local_env, vault_client):
    # Regression (issue 21): the first failed item stopped vault_policy's list, unlike every other list form.
    names = [unique("pol") for count in range(3)]
    items = [{"name": names[0], "rules": [{"path": "secret/data/a", "capabilities": ["read"]}]},
             {"name": names[1], "policy": 'path "secret/data/b" {\n  capabilities = ["read"\n'},
             {"name": names[2], "rules": [{"path": "secret/data/c", "capabilities": ["read"]}]}]
    run = run_tasks([task("bulk", "vault_policy", policies=items)], env=vault_env(local_env))
    result = run.task("bulk")
    assert run.returncode != 0 and result["msg"].startswith("1 of 3 policies failed: policies[1] (policy %s): " % names[1]), result["msg"]
    assert [entry.get("failed", False) for entry in result["results"]] == [False, True, False]
    kept = set(vault_client.sys.list_acl_policies()["data"]["keys"])
    assert names[0] in kept and names[2] in kept and names[1] not in kept


def test_k8s_auth_role_list_form_inherits_task_level_settings_and_state(local_env, vault_client):
    mount = unique("k8s")
    vault_client.sys.enable_auth_method("kubernetes", path=mount)
    try:
        roles = [{"name": "a", "bound_service_account_names": ["a"]}, {"name": "b", "bound_service_account_names": ["b"], "token_ttl": "5m"}]
        common = dict(mount_path=mount, bound_service_account_namespaces=["ns"], audience="vault", token_ttl="10m")
        run_tasks([task("roles", "vault_k8s_auth_role", roles=roles, **common)], env=vault_env(local_env)).assert_ok()
        # Regression: token_ttl and the other settings beside roles: were dropped without a word.
        assert vault_client.read("auth/%s/role/a" % mount)["data"]["token_ttl"] == 600
        assert vault_client.read("auth/%s/role/b" % mount)["data"]["token_ttl"] == 300
        assert vault_client.read("auth/%s/role/a" % mount)["data"]["bound_service_account_namespaces"] == ["ns"]
        gone = run_tasks([task("roles", "vault_k8s_auth_role", mount_path=mount, state="absent", roles=[{"name": "a"}, {"name": "b"}])],
                         env=vault_env(local_env)).assert_ok().task("roles")
        assert all(result["changed"] for result in gone["results"])
        assert not (vault_client.list("auth/%s/role" % mount) or {}).get("data", {}).get("keys")
    finally:
        vault_client.sys.disable_auth_method(mount)


def test_k8s_auth_role_durations_by_value_audience_warning_list_form(local_env, vault_client):
    mount = unique("k8s")
    vault_client.sys.enable_auth_method("kubernetes", path=mount)
    try:
        role = dict(mount_path=mount, name="app", bound_service_account_names=["app"], bound_service_account_namespaces=["prod"],
                    token_policies=["b", "a"], token_ttl="1h", token_max_ttl="2h")
        checked = run_tasks([task("role", "vault_k8s_auth_role", **role)], env=vault_env(local_env), check=True).assert_ok()
        assert checked.task("role")["changed"] is True
        first = run_tasks([task("role", "vault_k8s_auth_role", **role)], env=vault_env(local_env), diff=True).assert_ok()
        result = first.task("role")
        assert result["changed"] is True and result["diff"]["after"]["token_ttl"] == 3600
        assert any("has no audience" in warning for warning in result.get("warnings", []))
        stored = vault_client.read("auth/%s/role/app" % mount)["data"]
        assert stored["token_ttl"] == 3600 and sorted(stored["token_policies"]) == ["a", "b"]

        same = merged(role, token_ttl=3600, token_max_ttl="120m", token_policies=["a", "b"])
        assert run_tasks([task("role", "vault_k8s_auth_role", **same)], env=vault_env(local_env)).assert_ok().task("role")["changed"] is False

        with_audience = merged(role, audience="vault", token_ttl="30m")
        changed = run_tasks([task("role", "vault_k8s_auth_role", **with_audience)], env=vault_env(local_env), diff=True).assert_ok().task("role")
        assert changed["changed_settings"] == ["audience", "token_ttl"]
        assert changed["diff"] == {"before": {"audience": None, "token_ttl": 3600}, "after": {"audience": "vault", "token_ttl": 1800},
                                   "before_header": "role app", "after_header": "role app"}
        assert not changed.get("warnings")

        roles = [dict(name="r%d" % index, bound_service_account_names=["sa%d" % index], bound_service_account_namespaces=["ns"],
                      audience="vault", token_ttl="10m") for index in range(3)]
        roles.append({"name": "app", "state": "absent"})
        bulk = run_tasks([task("roles", "vault_k8s_auth_role", mount_path=mount, roles=roles)], env=vault_env(local_env)).assert_ok().task("roles")
        assert [item["name"] for item in bulk["results"]] == ["r0", "r1", "r2", "app"]
        assert all(item["changed"] for item in bulk["results"])
        assert sorted(vault_client.list("auth/%s/role" % mount)["data"]["keys"]) == ["r0", "r1", "r2"]
        again = run_tasks([task("roles", "vault_k8s_auth_role", mount_path=mount, roles=roles)], env=vault_env(local_env)).assert_ok()
        assert again.task("roles")["changed"] is False
    finally:
        vault_client.sys.disable_auth_method(mount)


def _ca_text(local_env):
    with open(local_env.ca_cert) as handle:
        return handle.read()


def test_k8s_auth_config_reviewer_jwt_on_create_and_always(local_env, vault_client):
    mount = unique("k8s")
    reviewer_jwt = "reviewer-" + unique("jwt")  # Vault stores it without validating it
    vault_client.sys.enable_auth_method("kubernetes", path=mount)
    try:
        config = dict(mount_path=mount, kubernetes_host=local_env.api_server, kubernetes_ca_cert=_ca_text(local_env),
                      disable_local_ca_jwt=True, token_reviewer_jwt=reviewer_jwt)
        checked = run_tasks([task("config", "vault_k8s_auth_config", **config)], env=vault_env(local_env), check=True).assert_ok()
        assert checked.task("config")["changed"] is True
        assert not (vault_client.read("auth/%s/config" % mount) or {}).get("data", {}).get("kubernetes_host")

        first = run_tasks([task("config", "vault_k8s_auth_config", **config)], env=vault_env(local_env), diff=True).assert_ok().task("config")
        assert first["changed"] is True and first["token_reviewer_jwt_sent"] is True
        assert first["diff"]["after"]["token_reviewer_jwt_set"] is True
        stored = vault_client.read("auth/%s/config" % mount)["data"]
        assert stored["kubernetes_host"] == local_env.api_server and stored["token_reviewer_jwt_set"] is True

        second = run_tasks([task("config", "vault_k8s_auth_config", **config)], env=vault_env(local_env)).assert_ok().task("config")
        assert second["changed"] is False and second["token_reviewer_jwt_sent"] is False

        always = merged(config, token_reviewer_jwt_update="always")
        pushed = run_tasks([task("config", "vault_k8s_auth_config", **always)], env=vault_env(local_env)).assert_ok().task("config")
        assert pushed["changed"] is True and pushed["token_reviewer_jwt_sent"] is True
        assert pushed["write_reasons"] == ["token_reviewer_jwt_update=always"]

        without_jwt = merged(config, issuer="https://kubernetes.default.svc")
        without_jwt.pop("token_reviewer_jwt")
        refused = run_tasks([task("config", "vault_k8s_auth_config", **without_jwt)], env=vault_env(local_env))
        assert refused.returncode != 0 and "token_reviewer_jwt_clear" in refused.task("config")["msg"]
        assert vault_client.read("auth/%s/config" % mount)["data"]["token_reviewer_jwt_set"] is True
        clearing = merged(without_jwt, token_reviewer_jwt_clear=True)
        cleared = run_tasks([task("config", "vault_k8s_auth_config", **clearing)], env=vault_env(local_env)).assert_ok().task("config")
        assert cleared["token_reviewer_jwt_cleared"] is True
        assert vault_client.read("auth/%s/config" % mount)["data"]["token_reviewer_jwt_set"] is False

        bad = merged(config, kubernetes_ca_cert="/not/a/pem")
        failed = run_tasks([task("config", "vault_k8s_auth_config", **bad)], env=vault_env(local_env))
        assert failed.returncode != 0 and "must be PEM text" in failed.task("config")["msg"]
        for run in (checked, failed, refused):
            assert reviewer_jwt not in run.output
    finally:
        vault_client.sys.disable_auth_method(mount)
