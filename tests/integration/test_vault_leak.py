"""Leak test: a play at -vvvv with the default (human) callback, exercising every secret-bearing
path (KV data, lookup values, the token reviewer JWT, a login JWT, the Vault token) prints none of them."""

import pytest
from kubernetes import client as k8s_client

from tests.integration.ansible_run import run_tasks
from tests.integration.vault_it_helpers import task, unique


def _token(core, namespace, service_account, audiences=None):
    spec = k8s_client.V1TokenRequestSpec(audiences=audiences or [], expiration_seconds=600)
    model = getattr(k8s_client, "AuthenticationV1TokenRequest", None) or getattr(k8s_client, "V1TokenRequest")
    return core.create_namespaced_service_account_token(service_account, namespace, model(spec=spec)).status.token


def test_no_token_jwt_or_value_in_vvvv_output(local_env, k8s_api, vault_client, namespace):
    core = k8s_client.CoreV1Api(k8s_api)
    rbac = k8s_client.RbacAuthorizationV1Api(k8s_api)
    for name in ("reviewer", "app"):
        core.create_namespaced_service_account(namespace, k8s_client.V1ServiceAccount(metadata=k8s_client.V1ObjectMeta(name=name)))
    binding = unique("leak-reviewer")
    rbac.create_cluster_role_binding(k8s_client.V1ClusterRoleBinding(
        metadata=k8s_client.V1ObjectMeta(name=binding),
        role_ref=k8s_client.V1RoleRef(api_group="rbac.authorization.k8s.io", kind="ClusterRole", name="system:auth-delegator"),
        subjects=[k8s_client.RbacV1Subject(kind="ServiceAccount", name="reviewer", namespace=namespace)],
    ))
    mount = unique("leak")
    app = unique("leakapp")
    value = unique("kv-secret-value")
    rotated = unique("kv-rotated-value")
    reviewer_jwt = _token(core, namespace, "reviewer")
    login_jwt = _token(core, namespace, "app", ["vault"])
    with open(local_env.ca_cert) as handle:
        ca_text = handle.read()
    lookup = "lookup('secretops.provisioning.vault_kv', 'secret/%s', field='password', auth_method='kubernetes', auth_role='%s', " \
             "auth_mount_point='%s', jwt=login_jwt)" % (app, app, mount)
    tasks = [
        task("auth", "vault_auth_method", type="kubernetes", mount_path=mount),
        task("config", "vault_k8s_auth_config", mount_path=mount, kubernetes_host=local_env.api_server, kubernetes_ca_cert=ca_text,
             token_reviewer_jwt=reviewer_jwt, disable_local_ca_jwt=True, token_reviewer_jwt_update="always"),
        task("policy", "vault_policy", name=app, rules=[{"path": "secret/data/%s" % app, "capabilities": ["read"]}]),
        task("role", "vault_k8s_auth_role", mount_path=mount, name=app, bound_service_account_names=["app"],
             bound_service_account_namespaces=[namespace], audience="vault", token_policies=[app]),
        task("write", "vault_kv", path="secret/%s" % app, data={"password": value}),
        task("rotate", "vault_kv", path="secret/%s" % app, data={"password": rotated}),
        task("info", "vault_kv_info", path="secret/%s" % app),
        task("check", "vault_k8s_login_check", service_account="app", service_account_namespace=namespace, role=app, mount_path=mount,
             audience="vault", read_path="secret/data/%s" % app),
        {"name": "lookup", "set_fact": {"looked_up": "{{ %s }}" % lookup}, "no_log": True},
        {"name": "use", "assert": {"that": ["looked_up == rotated_value"]}, "vars": {"rotated_value": rotated}},
        task("batch", "vault_kv", secrets=[{"path": "secret/%s-b" % app, "data": {"k": value}}]),
    ]
    try:
        run = run_tasks(tasks, env=local_env.env, extra_args=["-vvvv"], diff=True,
                        vars={"login_jwt": login_jwt}).assert_ok()
        assert "vault_k8s_login_check" in run.output and "changed=" in run.output
        for secret in (value, rotated, reviewer_jwt, login_jwt, local_env.vault_token):
            assert secret not in run.output
        # Token fragments would also be a leak (a JWT's signature part is unique to it).
        for jwt in (reviewer_jwt, login_jwt):
            assert jwt.split(".")[2] not in run.output
    finally:
        vault_client.sys.disable_auth_method(mount)
        vault_client.sys.delete_acl_policy(app)
        rbac.delete_cluster_role_binding(binding)


@pytest.mark.usefixtures("vault_server")
def test_a_token_with_a_line_break_is_never_echoed(local_env, tmp_path):
    """requests rejects a header value with CR/LF with an error that quotes it; the module and the
    lookup must name the problem instead, at any verbosity."""
    for bad in ("hvs.%s\n" % unique("LEAKCHECK"), "hvs.%s\r\nX-Injected: 1" % unique("LEAKCHECK")):
        secret_part = bad.split("\r")[0].split("\n")[0]
        env = dict(local_env.env, VAULT_TOKEN=bad)
        tasks = [
            dict(task("module", "vault_kv_info", path="secret/leak-check"), ignore_errors=True),
            {"name": "lookup", "set_fact": {"v": "{{ lookup('secretops.provisioning.vault_kv', 'secret/leak-check') }}"}, "ignore_errors": True},
        ]
        run = run_tasks(tasks, env=env, extra_args=["-vvvv"])
        assert [entry["status"] for entry in run.results] == ["failed", "failed"]
        module, lookup = run.task("module"), run.task("lookup")
        assert "token (VAULT_TOKEN) contains a line break (CR or LF)" in module["msg"]
        assert "token (VAULT_TOKEN) contains a line break (CR or LF)" in lookup["msg"]
        assert secret_part not in run.output
        assert secret_part[4:] not in run.output  # not even without its prefix
