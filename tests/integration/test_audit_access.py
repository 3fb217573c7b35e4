"""k8s_secret_access_info against the real apiserver and both Vault servers: crafted RBAC, every path found
and confirmed by a SubjectAccessReview, none invented; the Vault roles whose policies read the Secret's path."""

import time

from kubernetes import client as k8s_client

from ansible_collections.secretops.provisioning.plugins.module_utils.audit import access_service
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import build_client
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import build_client as build_vault_client
from tests.integration.ansible_run import run_tasks
from tests.integration.test_roles_support import container, create

RBAC_GROUP = "rbac.authorization.k8s.io"


def rule(verbs, resources, group="", names=None):
    found = {"apiGroups": [group], "resources": resources, "verbs": verbs}
    if names:
        found["resourceNames"] = names
    return found


def role(rbac, namespace, name, rules):
    rbac.create_namespaced_role(namespace, {"metadata": {"name": name}, "rules": rules})


def bind(rbac, namespace, name, role_kind, role_name, *subjects):
    rbac.create_namespaced_role_binding(namespace, {
        "metadata": {"name": name}, "roleRef": {"apiGroup": RBAC_GROUP, "kind": role_kind, "name": role_name},
        "subjects": [dict(subject, apiGroup=RBAC_GROUP) if subject["kind"] != "ServiceAccount" else subject for subject in subjects]})


def user(name):
    return {"kind": "User", "name": name}


def crafted_rbac(k8s_api, namespace):
    """A direct reader (service account), a reader through an aggregated ClusterRole, a group, a Pod creator, an
    exec-er, a token-minter, an impersonator, a binder, and subjects with none of these. Returns the ClusterRoles made."""
    rbac = k8s_client.RbacAuthorizationV1Api(k8s_api)
    core = k8s_client.CoreV1Api(k8s_api)
    core.create_namespaced_service_account(namespace, {"metadata": {"name": "reader"}})
    role(rbac, namespace, "read-db", [rule(["get"], ["secrets"], names=["db"])])
    bind(rbac, namespace, "reader", "Role", "read-db", {"kind": "ServiceAccount", "name": "reader", "namespace": namespace})
    bind(rbac, namespace, "group", "Role", "read-db", {"kind": "Group", "name": "it-readers"})
    label = "it-audit-%s" % namespace
    aggregated, component = "it-%s-aggregated" % namespace, "it-%s-component" % namespace
    rbac.create_cluster_role({"metadata": {"name": aggregated},
                              "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {label: "true"}}]}})
    rbac.create_cluster_role({"metadata": {"name": component, "labels": {label: "true"}}, "rules": [rule(["list"], ["secrets"])]})
    bind(rbac, namespace, "aggregated", "ClusterRole", aggregated, user("agg-user"))
    role(rbac, namespace, "pods", [rule(["create"], ["pods"])])
    bind(rbac, namespace, "pod-maker", "Role", "pods", user("pod-maker"))
    role(rbac, namespace, "exec", [rule(["create"], ["pods/exec"])])
    bind(rbac, namespace, "exec", "Role", "exec", user("exec-er"))
    role(rbac, namespace, "mint", [rule(["create"], ["serviceaccounts/token"], names=["reader"])])
    bind(rbac, namespace, "mint", "Role", "mint", user("minter"))
    role(rbac, namespace, "impersonate", [rule(["impersonate"], ["serviceaccounts"], names=["reader"])])
    bind(rbac, namespace, "impersonate", "Role", "impersonate", user("imp"))
    role(rbac, namespace, "binder", [rule(["bind"], ["clusterroles"], group=RBAC_GROUP), rule(["create"], ["rolebindings"], group=RBAC_GROUP)])
    bind(rbac, namespace, "binder", "Role", "binder", user("binder"))
    role(rbac, namespace, "bind-only", [rule(["bind"], ["clusterroles"], group=RBAC_GROUP)])  # cannot create the binding
    bind(rbac, namespace, "bind-only", "Role", "bind-only", user("bind-only"))
    role(rbac, namespace, "nothing", [rule(["get"], ["configmaps"]), rule(["get"], ["secrets"], names=["other"])])
    bind(rbac, namespace, "nothing", "Role", "nothing", user("nobody"))
    deadline = time.time() + 30
    while not rbac.read_cluster_role(aggregated).rules and time.time() < deadline:
        time.sleep(0.2)  # the aggregation controller fills the rules
    return [aggregated, component]


def vault_roles(vault_client, namespace):
    """A Kubernetes auth mount with a role whose policy reads the Secret's path, and one whose policy does not."""
    mount = "k8s-%s" % namespace
    vault_client.sys.enable_auth_method("kubernetes", path=mount)
    vault_client.sys.create_or_update_acl_policy("it-%s-reads" % namespace, 'path "secret/data/it/%s/*" { capabilities = ["read"] }' % namespace)
    vault_client.sys.create_or_update_acl_policy("it-%s-other" % namespace, 'path "secret/data/it/%s-other/*" { capabilities = ["read"] }' % namespace)
    for name, policy in (("reads", "it-%s-reads" % namespace), ("other", "it-%s-other" % namespace)):
        vault_client.write("auth/%s/role/%s" % (mount, name), bound_service_account_names=["reader"],
                           bound_service_account_namespaces=[namespace], token_policies=[policy])
    return mount


def paths_by_subject(result):
    return dict(((reader["subject"]["kind"], reader["subject"]["name"]), sorted(set(path["via"] for path in reader["paths"])))
                for reader in result["readers"])


def test_every_crafted_path_is_found_and_confirmed_none_invented(local_env, namespace, k8s_api, vault_client):
    vault_client.secrets.kv.v2.create_or_update_secret(path="it/%s/db" % namespace, secret={"password": "p"}, mount_point="secret")
    create(k8s_api, {"kind": "Secret", "metadata": {"name": "db", "namespace": namespace,
                                                    "annotations": {"secretops.io/vault-path": "secret/it/%s/db" % namespace}},
                     "stringData": {"password": "p"}})
    create(k8s_api, {"kind": "Pod", "metadata": {"name": "user", "namespace": namespace},
                     "spec": {"containers": [container(envFrom=[{"secretRef": {"name": "db"}}])]}})
    cluster_roles = crafted_rbac(k8s_api, namespace)
    mount = vault_roles(vault_client, namespace)
    k8s = build_client({"kubeconfig": local_env.kubeconfig})
    vault = build_vault_client({"url": local_env.vault_addr, "retries": 0})
    vault.set_token(local_env.vault_token)
    try:
        result = access_service.audit(k8s, vault, [namespace], ["db"], allowed_subjects=["ServiceAccount:%s:reader" % namespace])
    finally:
        k8s.close()
        vault.close()
        rbac = k8s_client.RbacAuthorizationV1Api(k8s_api)
        for name in cluster_roles:
            rbac.delete_cluster_role(name)
        vault_client.sys.disable_auth_method(mount)
        for policy in ("reads", "other"):
            vault_client.sys.delete_policy("it-%s-%s" % (namespace, policy))
    db = result["secrets"][0]
    found = paths_by_subject(db)
    assert found[("ServiceAccount", "reader")] == ["get"]
    assert found[("Group", "it-readers")] == ["get"]
    assert found[("User", "agg-user")] == ["list"]
    assert found[("User", "pod-maker")] == ["create_pods"]
    assert found[("User", "exec-er")] == ["exec"]
    assert found[("User", "minter")] == ["create_token"]
    assert found[("User", "imp")] == ["impersonate"]
    assert found[("User", "binder")] == ["bind"]
    assert ("User", "nobody") not in found and ("User", "bind-only") not in found
    aggregated = [path for reader in db["readers"] if reader["subject"]["name"] == "agg-user" for path in reader["paths"]][0]
    assert aggregated["aggregated_from"] == ["it-%s-component" % namespace] and aggregated["how"] == "direct"
    exec_path = [path for reader in db["readers"] if reader["subject"]["name"] == "exec-er" for path in reader["paths"]][0]
    assert exec_path["pod"] == "user" and exec_path["how"] == "indirect" and exec_path["binding"]["name"] == "exec"
    assert db["pods"] == ["user"]
    outside = set(db["outside_allowed"])
    assert "ServiceAccount:%s:reader" % namespace not in outside and "User:pod-maker" in outside
    # The cluster's administrators read every Secret by design: listed among the readers, allowed by default.
    assert {"kind": "Group", "name": "system:masters"} in [reader["subject"] for reader in db["readers"]]
    assert not [key for key in outside if key == "Group:system:masters" or key.startswith("ServiceAccount:kube-system:")]
    assert [(r["auth_mount"], r["role"], r["binds_secret_namespace"]) for r in db["vault_roles"]] == [(mount, "reads", True)]
    assert db["vault_roles"][0]["policies"][0]["path"] == "secret/data/it/%s/*" % namespace


def test_access_module_without_vault(local_env, namespace, k8s_api):
    create(k8s_api, {"kind": "Secret", "metadata": {"name": "db", "namespace": namespace}, "stringData": {"password": "hidden-value"}})
    rbac = k8s_client.RbacAuthorizationV1Api(k8s_api)
    role(rbac, namespace, "read-db", [rule(["get"], ["secrets"], names=["db"])])
    bind(rbac, namespace, "reader", "Role", "read-db", user("jane"))
    tasks = [{"name": "access", "secretops.provisioning.k8s_secret_access_info": {
        "namespaces": [namespace], "check_vault": False, "allowed_subjects": []}}]
    run = run_tasks(tasks, env=local_env.env, check=True).assert_ok()
    result = run.task("access")
    db = [item for item in result["secrets"] if item["name"] == "db"][0]
    assert "User:jane" in db["outside_allowed"] and result["summary"]["outside_allowed"] >= 1
    assert "hidden-value" not in run.output
