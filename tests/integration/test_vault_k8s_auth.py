"""End to end against the real apiserver and each Vault server (OpenBao, HashiCorp Vault): configure Kubernetes auth with the modules,
then log in with real service-account tokens through vault_k8s_login_check and through the lookup's
kubernetes auth method; an unbound service account is denied with a precise reason."""

import pytest
from kubernetes import client as k8s_client

from tests.integration.ansible_run import run_playbook, run_tasks
from tests.integration.vault_it_helpers import merged, task, unique, vault_env

AUDIENCE = "vault-it"


def _token(core, namespace, service_account, audiences=None, seconds=3600):
    spec = k8s_client.V1TokenRequestSpec(audiences=audiences or [], expiration_seconds=seconds)
    model = getattr(k8s_client, "AuthenticationV1TokenRequest", None) or getattr(k8s_client, "V1TokenRequest")
    return core.create_namespaced_service_account_token(service_account, namespace, model(spec=spec)).status.token


@pytest.fixture
def k8s_auth_setup(local_env, k8s_api, vault_client, namespace):
    """Service accounts (reviewer bound to system:auth-delegator, app, intruder) and Kubernetes auth
    configured through the collection's modules; removed afterwards."""
    core = k8s_client.CoreV1Api(k8s_api)
    rbac = k8s_client.RbacAuthorizationV1Api(k8s_api)
    for name in ("reviewer", "app", "intruder"):
        core.create_namespaced_service_account(namespace, k8s_client.V1ServiceAccount(metadata=k8s_client.V1ObjectMeta(name=name)))
    binding = unique("vault-reviewer")
    rbac.create_cluster_role_binding(k8s_client.V1ClusterRoleBinding(
        metadata=k8s_client.V1ObjectMeta(name=binding),
        role_ref=k8s_client.V1RoleRef(api_group="rbac.authorization.k8s.io", kind="ClusterRole", name="system:auth-delegator"),
        subjects=[k8s_client.RbacV1Subject(kind="ServiceAccount", name="reviewer", namespace=namespace)],
    ))
    mount = unique("k8s")
    app = unique("app")
    reviewer_jwt = _token(core, namespace, "reviewer")
    with open(local_env.ca_cert) as handle:
        ca_text = handle.read()
    value = unique("db-password")
    tasks = [
        task("auth", "vault_auth_method", type="kubernetes", mount_path=mount),
        task("config", "vault_k8s_auth_config", mount_path=mount, kubernetes_host=local_env.api_server, kubernetes_ca_cert=ca_text,
             token_reviewer_jwt=reviewer_jwt, disable_local_ca_jwt=True),
        task("policy", "vault_policy", name=app, rules=[{"path": "secret/data/%s/*" % app, "capabilities": ["read"]}]),
        task("secret", "vault_kv", path="secret/%s/db" % app, data={"password": value}),
        task("role", "vault_k8s_auth_role", mount_path=mount, name=app, bound_service_account_names=["app"],
             bound_service_account_namespaces=[namespace], audience=AUDIENCE, token_policies=[app], token_ttl="10m"),
    ]
    setup = run_tasks(tasks, env=vault_env(local_env)).assert_ok()
    assert all(setup.task(name)["changed"] for name in ("auth", "config", "policy", "secret", "role"))
    rerun = run_tasks(tasks, env=vault_env(local_env)).assert_ok()
    assert not any(rerun.task(name)["changed"] for name in ("auth", "config", "policy", "secret", "role"))
    yield {"core": core, "namespace": namespace, "mount": mount, "app": app, "value": value, "reviewer_jwt": reviewer_jwt}
    vault_client.sys.disable_auth_method(mount)
    vault_client.sys.delete_acl_policy(app)
    vault_client.secrets.kv.v2.delete_metadata_and_all_versions(path="%s/db" % app, mount_point="secret")
    rbac.delete_cluster_role_binding(binding)


def _check(setup, service_account, **extra):
    args = dict(service_account=service_account, service_account_namespace=setup["namespace"], role=setup["app"], mount_path=setup["mount"],
                audience=AUDIENCE, read_path="secret/data/%s/db" % setup["app"])
    args.update(extra)
    return task("check", "vault_k8s_login_check", **args)


def test_login_check_succeeds_for_the_bound_service_account(local_env, k8s_auth_setup):
    run = run_tasks([_check(k8s_auth_setup, "app")], env=vault_env(local_env), check=True).assert_ok()
    result = run.task("check")
    assert result["success"] is True and result["step"] == "done" and result["read_ok"] is True
    assert result["changed"] is False
    assert k8s_auth_setup["app"] in result["token_policies"]
    assert k8s_auth_setup["value"] not in run.output


def test_login_check_reports_why_a_login_is_denied(local_env, k8s_auth_setup):
    denied = run_tasks([_check(k8s_auth_setup, "intruder", fail_on_error=False)], env=vault_env(local_env)).assert_ok().task("check")
    assert denied["success"] is False and denied["step"] == "login"
    assert "login at auth/%s/login failed for role %s" % (k8s_auth_setup["mount"], k8s_auth_setup["app"]) in denied["reason"]
    assert "not authorized" in denied["reason"]

    failing = run_tasks([_check(k8s_auth_setup, "intruder")], env=vault_env(local_env))
    assert failing.returncode != 0 and "login check failed at step login" in failing.task("check")["msg"]

    wrong_audience = run_tasks([_check(k8s_auth_setup, "app", audience="someone-else", fail_on_error=False)],
                               env=vault_env(local_env)).assert_ok().task("check")
    assert wrong_audience["success"] is False and wrong_audience["step"] == "login"

    no_such_account = run_tasks([_check(k8s_auth_setup, "ghost", fail_on_error=False)], env=vault_env(local_env)).assert_ok().task("check")
    assert no_such_account["step"] == "token_request" and "does not exist" in no_such_account["reason"]

    unreadable = run_tasks([_check(k8s_auth_setup, "app", read_path="sys/mounts", fail_on_error=False)],
                           env=vault_env(local_env)).assert_ok().task("check")
    assert unreadable["step"] == "read" and unreadable["read_ok"] is False and "permission denied on sys/mounts" in unreadable["reason"]


def test_lookup_logs_in_with_the_kubernetes_auth_method(local_env, k8s_auth_setup, tmp_path):
    setup = k8s_auth_setup
    jwt = _token(setup["core"], setup["namespace"], "app", [AUDIENCE], 600)
    jwt_file = tmp_path / "token"
    jwt_file.write_text(jwt)
    env = vault_env(local_env)
    env.pop("VAULT_TOKEN")
    lookup = "lookup('secretops.provisioning.vault_kv', 'secret/%s/db', field='password', auth_method='kubernetes', auth_role='%s', " \
             "auth_mount_path='%s', " % (setup["app"], setup["app"], setup["mount"])
    tasks = [
        {"name": "direct", "set_fact": {"v": "{{ %s jwt=the_jwt) }}" % lookup}},
        {"name": "file", "set_fact": {"v": "{{ %s jwt_file='%s') }}" % (lookup, jwt_file)}},
    ]
    run = run_tasks(tasks, env=env, vars={"the_jwt": jwt}).assert_ok()
    assert run.task("direct")["ansible_facts"]["v"] == setup["value"]
    assert run.task("file")["ansible_facts"]["v"] == setup["value"]

    intruder_jwt = _token(setup["core"], setup["namespace"], "intruder", [AUDIENCE], 600)
    denied = run_tasks([{"name": "denied", "set_fact": {"v": "{{ %s jwt=the_jwt) }}" % lookup}}], env=env, vars={"the_jwt": intruder_jwt})
    assert denied.returncode != 0 and "login at auth/%s/login failed" % setup["mount"] in denied.output
    assert intruder_jwt not in denied.output


# The issuer the local apiserver stamps on service-account tokens (tools/cluster/localenv.py).
SERVICE_ACCOUNT_ISSUER = "https://kubernetes.default.svc.cluster.local"


def test_changing_only_the_host_keeps_ca_issuer_and_local_ca_jwt(local_env, k8s_auth_setup, vault_client):
    """Vault's config write replaces the whole config: a task that gives only kubernetes_host must
    carry the CA, issuer, disable_local_ca_jwt and disable_iss_validation over, and logins keep working."""
    setup = k8s_auth_setup
    with open(local_env.ca_cert) as handle:
        ca_text = handle.read()
    unreachable = "https://127.0.0.1:1"
    full = task("full", "vault_k8s_auth_config", mount_path=setup["mount"], kubernetes_host=unreachable, kubernetes_ca_cert=ca_text,
                issuer=SERVICE_ACCOUNT_ISSUER, disable_iss_validation=False, disable_local_ca_jwt=True,
                token_reviewer_jwt=setup["reviewer_jwt"])
    run_tasks([full], env=vault_env(local_env)).assert_ok()
    broken = run_tasks([_check(setup, "app", fail_on_error=False)], env=vault_env(local_env)).assert_ok().task("check")
    assert broken["success"] is False and broken["step"] == "login"  # the host matters: nothing listens there

    real_host = local_env.api_server.replace("127.0.0.1", "localhost")  # another name on the serving certificate
    host_only = task("host", "vault_k8s_auth_config", mount_path=setup["mount"], kubernetes_host=real_host,
                     token_reviewer_jwt=setup["reviewer_jwt"])
    changed = run_tasks([host_only], env=vault_env(local_env), diff=True).assert_ok().task("host")
    assert changed["changed"] is True and changed["write_reasons"] == ["settings differ: kubernetes_host"]
    assert {"kubernetes_ca_cert", "issuer", "disable_local_ca_jwt", "disable_iss_validation", "pem_keys"} <= set(changed["kept_settings"])
    after = changed["diff"]["after"]
    assert after["kubernetes_host"] == real_host and after["issuer"] == SERVICE_ACCOUNT_ISSUER
    assert after["disable_local_ca_jwt"] is True and after["disable_iss_validation"] is False
    assert after["kubernetes_ca_cert"] == ca_text.strip() and after["token_reviewer_jwt_set"] is True

    stored = vault_client.read("auth/%s/config" % setup["mount"])["data"]
    assert stored["kubernetes_host"] == real_host
    assert stored["kubernetes_ca_cert"].strip() == ca_text.strip()
    assert stored["issuer"] == SERVICE_ACCOUNT_ISSUER and stored["disable_iss_validation"] is False
    assert stored["disable_local_ca_jwt"] is True and stored["token_reviewer_jwt_set"] is True

    # A real login: the kept CA verifies the apiserver, the kept issuer is checked against the token's.
    works = run_tasks([_check(setup, "app")], env=vault_env(local_env)).assert_ok().task("check")
    assert works["success"] is True and works["read_ok"] is True

    again = run_tasks([host_only], env=vault_env(local_env)).assert_ok().task("host")
    assert again["changed"] is False and again["kept_settings"] == []


def test_a_change_without_the_reviewer_jwt_is_refused_and_logins_keep_working(local_env, k8s_auth_setup, vault_client):
    """With disable_local_ca_jwt, Vault reviews every login with the reviewer JWT: a write that
    dropped it (a task giving only kubernetes_host) made every login fail with "permission denied"."""
    setup = k8s_auth_setup
    path = "auth/%s/config" % setup["mount"]
    stored = vault_client.read(path)["data"]
    # What both servers return: whether a reviewer JWT is set, never the JWT.
    assert stored["token_reviewer_jwt_set"] is True and stored["disable_local_ca_jwt"] is True
    assert setup["reviewer_jwt"] not in repr(stored) and not stored.get("token_reviewer_jwt")

    other_host = local_env.api_server.replace("127.0.0.1", "localhost")  # another name on the serving certificate
    host_args = dict(mount_path=setup["mount"], kubernetes_host=other_host)
    host_only = task("host", "vault_k8s_auth_config", **host_args)
    for check in (True, False):
        refused = run_tasks([host_only], env=vault_env(local_env), check=check, diff=True)
        assert refused.returncode != 0, refused.output
        message = refused.task("host")["msg"]
        assert "token_reviewer_jwt" in message and "token_reviewer_jwt_clear=true" in message and "settings differ: kubernetes_host" in message
    stored = vault_client.read(path)["data"]
    assert stored["token_reviewer_jwt_set"] is True and stored["kubernetes_host"] == local_env.api_server
    works = run_tasks([_check(setup, "app")], env=vault_env(local_env)).assert_ok().task("check")
    assert works["success"] is True

    clearing = task("host", "vault_k8s_auth_config", **merged(host_args, token_reviewer_jwt_clear=True))
    cleared = run_tasks([clearing], env=vault_env(local_env)).assert_ok().task("host")
    assert cleared["changed"] is True and cleared["token_reviewer_jwt_cleared"] is True
    assert vault_client.read(path)["data"]["token_reviewer_jwt_set"] is False
    # Why the refusal matters: the application's own token may not call TokenReview.
    denied = run_tasks([_check(setup, "app", fail_on_error=False)], env=vault_env(local_env)).assert_ok().task("check")
    assert denied["success"] is False and denied["step"] == "login" and "permission denied" in denied["reason"]


def test_a_new_short_lived_reviewer_jwt_that_is_not_written_is_reported(local_env, k8s_auth_setup, vault_client):
    """A reviewer token made on every run (a TokenRequest, as kubectl create token does) is kept out
    with token_reviewer_jwt_update=on_create: Vault keeps the first one until it expires. The module
    says so, with the new token's expiry and never the token; with always it is written."""
    setup = k8s_auth_setup
    with open(local_env.ca_cert) as handle:
        ca_text = handle.read()
    fresh = _token(setup["core"], setup["namespace"], "reviewer", seconds=1800)
    config = dict(mount_path=setup["mount"], kubernetes_host=local_env.api_server, kubernetes_ca_cert=ca_text, disable_local_ca_jwt=True,
                  token_reviewer_jwt=fresh)
    kept = run_tasks([task("config", "vault_k8s_auth_config", **config)], env=vault_env(local_env)).assert_ok()
    result = kept.task("config")
    assert result["changed"] is False and result["token_reviewer_jwt_sent"] is False
    assert result["token_reviewer_jwt_expiring_unsent"] is True and result["token_reviewer_jwt_expires"].endswith("Z")
    warning = [text for text in result.get("warnings", []) if "was not written" in text]
    assert warning and result["token_reviewer_jwt_expires"] in warning[0] and "token_reviewer_jwt_update=always" in warning[0]
    assert fresh not in kept.output and fresh.split(".")[1] not in kept.output

    pushed = run_tasks([task("config", "vault_k8s_auth_config", token_reviewer_jwt_update="always", **config)],
                       env=vault_env(local_env)).assert_ok()
    result = pushed.task("config")
    assert result["changed"] is True and result["token_reviewer_jwt_sent"] is True
    assert result["token_reviewer_jwt_expiring_unsent"] is False and not [text for text in result.get("warnings", []) if "was not written" in text]
    assert fresh not in pushed.output
    works = run_tasks([_check(setup, "app")], env=vault_env(local_env)).assert_ok().task("check")
    assert works["success"] is True


def test_login_check_takes_the_vault_groups_auth_options_from_module_defaults(local_env, k8s_auth_setup):
    """The roles set the Vault group's options (auth included) once with module_defaults; the check is
    in the group, so it must accept them, and it still logs in as the service account."""
    group_defaults = {"url": local_env.vault_addr, "auth_method": "token", "token": local_env.env["VAULT_TOKEN"],
                      "auth_role": "ci", "auth_mount_path": "approle-ci", "revoke_token": True}
    play = {"name": "login check under module_defaults", "hosts": "localhost", "gather_facts": False,
            "module_defaults": {"group/secretops.provisioning.vault": group_defaults},
            "tasks": [_check(k8s_auth_setup, "app")]}
    result = run_playbook([play], env=vault_env(local_env)).assert_ok().task("check")
    assert result["success"] is True and result["read_ok"] is True
    assert k8s_auth_setup["app"] in result["token_policies"]
