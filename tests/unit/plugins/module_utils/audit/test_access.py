"""Candidate access paths from RBAC objects: rules as RBAC reads them, each path with the reviews that confirm it."""

from ansible_collections.secretops.provisioning.plugins.module_utils.audit import access


def rule(verbs, resources, group="", names=None):
    found = {"apiGroups": [group], "resources": resources, "verbs": verbs}
    if names:
        found["resourceNames"] = names
    return found


def binding(name, role_kind, role_name, subjects, namespace="shop"):
    kind = "RoleBinding" if namespace else "ClusterRoleBinding"
    metadata = {"name": name, "namespace": namespace} if namespace else {"name": name}
    return {"kind": kind, "metadata": metadata, "roleRef": {"kind": role_kind, "name": role_name}, "subjects": subjects}


def role(name, rules, kind="Role", **extra):
    return dict({"kind": kind, "metadata": {"name": name}, "rules": rules}, **extra)


SA = {"kind": "ServiceAccount", "name": "web"}


def test_rule_allows_reads_wildcards_and_names():
    assert access.rule_allows(rule(["get"], ["secrets"]), "get", "", "secrets", name="db")
    assert access.rule_allows(rule(["*"], ["*"], group="*"), "watch", "", "secrets")
    assert access.rule_allows(rule(["get"], ["secrets"], names=["db"]), "get", "", "secrets", name="db")
    assert not access.rule_allows(rule(["get"], ["secrets"], names=["db"]), "get", "", "secrets", name="other")
    assert not access.rule_allows(rule(["get"], ["secrets"], names=["db"]), "get", "", "secrets")
    assert not access.rule_allows(rule(["get"], ["secrets"], group="apps"), "get", "", "secrets")
    assert access.rule_allows(rule(["create"], ["pods/*"]), "create", "", "pods", "exec")
    assert access.rule_allows(rule(["create"], ["*/exec"]), "create", "", "pods", "exec")
    assert not access.rule_allows(rule(["create"], ["pods"]), "create", "", "pods", "exec")


def test_direct_candidates_review_by_name_only_for_named_rules():
    grants = access.grants([binding("b", "Role", "r", [SA]), binding("g", "Role", "n", [{"kind": "Group", "name": "ops"}])], [],
                           {"r": role("r", [rule(["get", "list"], ["secrets"])]), "n": role("n", [rule(["get"], ["secrets"], names=["db"])])}, {})
    found = access.direct_candidates(grants, "shop", "db")
    reviews = sorted((c.subject, c.via, c.reviews[0].get("name")) for c in found)
    assert reviews == [(("Group", "ops", None), "get", "db"), (("ServiceAccount", "web", "shop"), "get", None),
                       (("ServiceAccount", "web", "shop"), "list", None)]
    assert access.direct_candidates(grants, "shop", "other")[0].subject == ("ServiceAccount", "web", "shop")


def test_a_binding_to_a_missing_role_grants_nothing():
    assert access.grants([binding("b", "Role", "gone", [SA])], [], {}, {}) == []


def test_aggregated_cluster_role_names_its_sources():
    read = rule(["get"], ["secrets"])
    aggregated = role("agg", [read], kind="ClusterRole", aggregationRule={"clusterRoleSelectors": [{"matchLabels": {"a": "true"}}]})
    part = role("part", [read], kind="ClusterRole")
    part["metadata"]["labels"] = {"a": "true"}
    other = role("other", [read], kind="ClusterRole")
    cluster_roles = {"agg": aggregated, "part": part, "other": other}
    grants = access.grants([binding("b", "ClusterRole", "agg", [SA])], [], {}, cluster_roles)
    assert grants[0].describe()["aggregated_from"] == ["part"]


def test_indirect_candidates():
    rules = [rule(["create"], ["pods"]), rule(["patch"], ["deployments"], group="apps"), rule(["create"], ["pods/exec"]),
             rule(["create"], ["serviceaccounts/token"], names=["reader"]), rule(["impersonate"], ["serviceaccounts"]),
             rule(["bind"], ["clusterroles"], group=access.RBAC_GROUP)]
    grants = access.grants([binding("b", "Role", "r", [{"kind": "User", "name": "jane"}])], [], {"r": role("r", rules)}, {})
    vias = sorted(c.via for c in access.namespace_candidates(grants, "shop"))
    assert vias == ["change_workloads", "create_pods"]
    exec_paths = access.exec_candidates(grants, "shop", ["web-1", "web-2"])
    # a rule for every Pod is reviewed once, without a name; a rule for named Pods by name
    assert [c.reviews for c in exec_paths] == [[{"namespace": "shop", "verb": "create", "group": "", "resource": "pods", "subresource": "exec"}]] * 2
    assert [c.detail["pod"] for c in exec_paths] == ["web-1", "web-2"]
    named = access.grants([binding("b", "Role", "r", [SA])], [], {"r": role("r", [rule(["create"], ["pods/exec"], names=["web-2"])])}, {})
    assert [c.reviews[0]["name"] for c in access.exec_candidates(named, "shop", ["web-1", "web-2"])] == ["web-2"]
    readers = [("ServiceAccount", "reader", "shop"), ("ServiceAccount", "else", "shop")]
    tokens = access.token_candidates(grants, readers)
    assert [c.detail["service_account"] for c in tokens] == ["shop/reader"]
    assert access.token_candidates(grants, [("ServiceAccount", "reader", "other-ns")]) == []
    assert len(access.impersonate_candidates(grants, readers)) == 2
    bind = access.bind_candidates(grants, "shop")
    assert [c.via for c in bind] == ["bind"] and bind[0].reviews[1]["resource"] == "rolebindings" and bind[0].reviews[0]["namespace"] == "shop"


def test_review_identity():
    assert access.review_identity(("ServiceAccount", "web", "shop"))["user"] == "system:serviceaccount:shop:web"
    assert access.review_identity(("Group", "ops", None)) == {"groups": ["ops"]}
    assert access.review_identity(("User", "jane", None)) == {"user": "jane"}


def test_readers_group_paths_by_subject_and_outside_the_allowed_list():
    grants = access.grants([binding("b", "Role", "r", [SA, {"kind": "User", "name": "jane"}])], [],
                           {"r": role("r", [rule(["get"], ["secrets"])])}, {})
    readers = access.readers_of(access.direct_candidates(grants, "shop", "db") * 2)
    assert [r["subject"] for r in readers] == [{"kind": "ServiceAccount", "name": "web", "namespace": "shop"}, {"kind": "User", "name": "jane"}]
    assert len(readers[0]["paths"]) == 1 and readers[0]["direct"] is True
    assert access.outside(readers, ["ServiceAccount:shop:web"]) == ["User:jane"]


def test_the_control_plane_counts_as_allowed_unless_turned_off_and_patterns_match_any_text():
    subjects = [{"kind": "Group", "name": "system:masters"}, {"kind": "User", "name": "system:kube-controller-manager"},
                {"kind": "ServiceAccount", "name": "namespace-controller", "namespace": "kube-system"},
                {"kind": "ServiceAccount", "name": "web", "namespace": "shop"}, {"kind": "ServiceAccount", "name": "batch", "namespace": "shop"},
                {"kind": "User", "name": "jane"}, {"kind": "User", "name": "system:kube-controller-manager-evil"}]
    readers = [{"subject": subject} for subject in subjects]
    assert access.outside(readers, ["ServiceAccount:shop:web"]) == [
        "ServiceAccount:shop:batch", "User:jane", "User:system:kube-controller-manager-evil"]
    assert access.outside(readers, ["ServiceAccount:shop:*"]) == ["User:jane", "User:system:kube-controller-manager-evil"]
    assert access.outside(readers, ["ServiceAccount:shop:*"], control_plane_allowed=False) == [
        "Group:system:masters", "User:system:kube-controller-manager", "ServiceAccount:kube-system:namespace-controller",
        "User:jane", "User:system:kube-controller-manager-evil"]


def test_namespace_grants_keep_only_the_rules_each_path_reads():
    rules = [rule(["get"], ["secrets"], names=["db"]), rule(["get"], ["configmaps"]), rule(["create"], ["pods/exec"]),
             rule(["*"], ["*"], group="*"), rule(["impersonate"], ["groups"])]
    grants = access.NamespaceGrants(access.grants([binding("b", "Role", "r", [SA])], [], {"r": role("r", rules)}, {}), "shop")
    assert [g.rule for g in grants.secrets] == [rules[0], rules[3]]
    assert [g.rule for g in grants.exec] == [rules[2], rules[3]]
    assert [g.rule for g in grants.tokens] == [rules[3]]
    assert [g.rule for g in grants.impersonate] == [rules[3], rules[4]]
    assert [c.via for c in access.direct_paths(grants, "db")] == ["get", "list", "watch", "get"]
    assert [c.via for c in access.direct_paths(grants, "other")] == ["get", "list", "watch"]
    assert access.direct_paths(grants, "db")[0] is access.direct_paths(grants, "other")[0], "made once for every Secret"
