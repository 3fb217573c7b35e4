"""The playbooks run as AWX runs them: through ansible-runner, at -vvvv, with nothing but what AWX
credentials inject (the collection's Vault credential types, AWX's built-in Kubernetes bearer token
credential), against the real apiserver and OpenBao. Every job event and the stdout are scanned for
every value the runs handled; the rotate job's set_stats artifact carries its outcome."""

import base64
import os
import uuid

import yaml
from kubernetes import client as k8s_client

from tests.conftest import REPO_ROOT
from tests.integration.awx_runner import run_job
from tests.integration.test_roles_support import consumer_deployment, create, wait_available
from tests.unit.extensions.awx.awx_rules import inject, kubernetes_bearer_token

PLAYBOOKS = os.path.join(REPO_ROOT, "playbooks")
CREDENTIAL_TYPES = os.path.join(REPO_ROOT, "extensions", "awx", "credential_types")


def _unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:12])


def _credential_type(name):
    with open(os.path.join(CREDENTIAL_TYPES, name)) as handle:
        return yaml.safe_load(handle)


def _job_token(k8s_api, namespace):
    """A bearer token for the job: a service account bound to cluster-admin, as an AWX Kubernetes credential would hold."""
    core = k8s_client.CoreV1Api(k8s_api)
    core.create_namespaced_service_account(namespace, k8s_client.V1ServiceAccount(metadata=k8s_client.V1ObjectMeta(name="awx-job")))
    binding = "awx-job-" + namespace
    k8s_client.RbacAuthorizationV1Api(k8s_api).create_cluster_role_binding(k8s_client.V1ClusterRoleBinding(
        metadata=k8s_client.V1ObjectMeta(name=binding),
        role_ref=k8s_client.V1RoleRef(api_group="rbac.authorization.k8s.io", kind="ClusterRole", name="cluster-admin"),
        subjects=[k8s_client.RbacV1Subject(kind="ServiceAccount", name="awx-job", namespace=namespace)],
    ))
    model = getattr(k8s_client, "AuthenticationV1TokenRequest", None) or getattr(k8s_client, "V1TokenRequest")
    request = model(spec=k8s_client.V1TokenRequestSpec(audiences=[], expiration_seconds=3600))
    return binding, core.create_namespaced_service_account_token("awx-job", namespace, request).status.token


def _approle(vault_client, namespace):
    """An AppRole mount and role whose token may only rotate this application's secrets: the rotate job's credential."""
    mount = _unique("approle-awx")
    vault_client.sys.enable_auth_method("approle", path=mount)
    policy = "rotate-" + namespace
    vault_client.sys.create_or_update_policy(policy, """
path "secret/data/it/%(ns)s/*" { capabilities = ["create", "read", "update"] }
path "secret/metadata/it/%(ns)s/*" { capabilities = ["read"] }
""" % {"ns": namespace})
    vault_client.auth.approle.create_or_update_approle("rotate", token_policies=[policy], token_ttl="10m", mount_point=mount)
    role_id = vault_client.auth.approle.read_role_id("rotate", mount_point=mount)["data"]["role_id"]
    secret_id = vault_client.auth.approle.generate_secret_id("rotate", mount_point=mount)["data"]["secret_id"]
    return mount, policy, role_id, secret_id


def _kv_versions(vault_client, path):
    """Every version's data of a KV v2 secret under the ``secret`` mount."""
    metadata = vault_client.secrets.kv.v2.read_secret_metadata(path=path, mount_point="secret")["data"]
    return [vault_client.secrets.kv.v2.read_secret_version(path=path, version=int(version), mount_point="secret",
                                                           raise_on_deleted_version=True)["data"]["data"]
            for version in metadata["versions"]]


def _values(data):
    return [value for value in data.values() if isinstance(value, str) and len(value) >= 8]


def _application(namespace, username, mode):
    return {
        "secretops_kv_mount": "secret",
        "secretops_auth_mount_path": "k8s-" + namespace,
        "vault_k8s_auth_reviewer_namespace": namespace,
        "secretops_applications": [{
            "name": namespace, "namespace": namespace, "service_account": "app",
            "secrets": [
                {"name": "db", "type": "basic-auth", "vault_path": "it/%s/db" % namespace, "values": {"username": username},
                 "generate": {"password": {"length": 24, "symbols": True}}, "keep_previous": True},
                {"name": "config", "vault_path": "it/%s/config" % namespace, "values": {"MODE": mode}, "generate": {"API_KEY": {}}},
            ],
        }],
    }


def test_bootstrap_provision_and_rotate_through_ansible_runner_leak_nothing(local_env, namespace, k8s_api, vault_client, tmp_path):
    binding, k8s_token = _job_token(k8s_api, namespace)
    approle_mount, policy, role_id, secret_id = _approle(vault_client, namespace)
    username, mode = _unique("user"), _unique("mode")
    app = _application(namespace, username, mode)
    reports = tmp_path / "reports"
    with open(local_env.ca_cert) as handle:
        k8s_ca = handle.read()
    # What AWX injects: the built-in Kubernetes credential (verified with its CA, and not), the Vault credential types.
    k8s_verified = kubernetes_bearer_token({"host": local_env.api_server, "bearer_token": k8s_token, "verify_ssl": True,
                                            "ssl_ca_cert": k8s_ca}, str(tmp_path))
    k8s_unverified = kubernetes_bearer_token({"host": local_env.api_server, "bearer_token": k8s_token, "verify_ssl": False}, str(tmp_path))
    vault_token, _files = inject(_credential_type("vault_token.yml"), {"vault_addr": local_env.vault_addr,
                                                                       "vault_token": local_env.vault_token}, str(tmp_path))
    vault_approle, _files = inject(_credential_type("vault_approle.yml"), {"vault_addr": local_env.vault_addr, "role_id": role_id,
                                                                           "secret_id": secret_id, "auth_mount_path": approle_mount},
                                   str(tmp_path))
    jobs = {}
    try:
        for name, credentials in (("bootstrap_vault_auth", dict(vault_token, **k8s_verified)),
                                  ("provision", dict(vault_token, **k8s_verified))):
            jobs[name] = run_job(str(tmp_path / name), os.path.join(PLAYBOOKS, name + ".yml"), extravars=app,
                                 envvars=dict(credentials, SECRETOPS_REPORT_DIR=str(reports)), ident=name)
            assert jobs[name].status == "successful", jobs[name].describe()
        assert "Log in as %s/app" % namespace in jobs["provision"].stdout
        create(k8s_api, consumer_deployment(namespace))
        wait_available(k8s_api, namespace, "web")
        before = _kv_versions(vault_client, "it/%s/db" % namespace)
        # The rotate job template: AppRole with a policy on this application's paths only, TLS not verified to Kubernetes.
        jobs["rotate"] = run_job(str(tmp_path / "rotate"), os.path.join(PLAYBOOKS, "rotate.yml"), extravars=app,
                                 envvars=dict(vault_approle, SECRETOPS_REPORT_DIR=str(reports), **k8s_unverified), ident="rotate")
        assert jobs["rotate"].status == "successful", jobs["rotate"].describe()
        db_versions = _kv_versions(vault_client, "it/%s/db" % namespace)
        assert len(db_versions) == len(before) + 1 and db_versions[-1]["password"] != before[-1]["password"]

        stats = jobs["rotate"].artifact_data()["secretops_rotation"]
        assert stats["outcome"] == "rotated"
        host = stats["hosts"]["localhost"]
        assert host["outcome"] == "rotated" and host["secrets"]["rotated"] == 2 and host["secrets"]["failed"] == 0
        assert host["restarts"]["complete"] == 1
        assert os.path.dirname(host["report"]) == str(reports) and os.path.isfile(host["report"]) and os.path.isfile(host["summary"])

        reviewer = k8s_client.CoreV1Api(k8s_api).read_namespaced_secret("vault-token-reviewer-token", namespace)
        handled = [local_env.vault_token, k8s_token, secret_id, base64.b64decode(reviewer.data["token"]).decode(), username, mode]
        for path in ("it/%s/db" % namespace, "it/%s/config" % namespace):
            for data in _kv_versions(vault_client, path):
                handled.extend(_values(data))
        # A JWT's signature part is unique to it: a fragment would be a leak too.
        handled.extend(token.rsplit(".", 1)[-1] for token in (k8s_token, handled[3]))
        assert len(handled) >= 14, "both secrets, every version, every credential"
        for name, job in jobs.items():
            texts = job.recorded_text()
            assert len(job.event_files()) > 20, name
            assert any('"verbose"' in text for text in texts), "-vvvv output is recorded as verbose events"
            assert any(namespace in text for text in texts), "the scan reads what the job recorded"
            for value in handled:
                for text in texts:
                    assert value not in text, "a value the %s job handled is in its job events or stdout" % name
    finally:
        k8s_client.RbacAuthorizationV1Api(k8s_api).delete_cluster_role_binding(binding)
        vault_client.sys.disable_auth_method(approle_mount)
        vault_client.sys.disable_auth_method("k8s-" + namespace)
        vault_client.sys.delete_policy(policy)
