"""rotation/outcomes.py: per-secret results, what changed, what restarts, the revocation gate, the reasons."""

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import outcomes

SELECTED = [{"index": 0, "namespace": "shop", "secret": "db"}, {"index": 4, "namespace": "blog", "secret": "db"},
            {"index": 5, "namespace": "api", "secret": "token"}]


def target(namespace, secret, **more):
    return dict({"namespace": namespace, "secret": secret}, **more)


def test_one_result_per_selected_secret_and_a_whole_task_failure_fails_each():
    rotation = {"rotations": [{"changed": True, "old_version": 1, "new_version": 2, "vault_path": "shop/db"}, {"failed": True, "msg": "sealed"}]}
    found = outcomes.results(rotation, SELECTED)
    assert found[0] == {"failed": False, "changed": True, "old_version": 1, "new_version": 2, "vault_path": "shop/db",
                        "rotate_secrets_target": SELECTED[0]}
    assert found[1]["failed"] and found[1]["msg"] == "sealed"
    assert found[2] == {"failed": True, "changed": False, "secret": "token", "namespace": "api", "msg": "not rotated",
                        "rotate_secrets_target": SELECTED[2]}
    assert [r["msg"] for r in outcomes.results({"failed": True, "msg": "no Vault"}, SELECTED)] == ["no Vault"] * 3
    assert outcomes.results(None, []) == []


def test_changed_secrets_are_those_with_a_new_version():
    found = outcomes.results({"rotations": [{"changed": True, "old_version": 1, "new_version": 2, "vault_path": "shop/db"},
                                            {"changed": True, "old_version": 3, "new_version": 3},
                                            {"changed": False, "old_version": 1, "new_version": 4}]}, SELECTED)
    assert outcomes.changed(found) == [dict(SELECTED[0], old_version=1, new_version=2, vault_path="shop/db")]
    assert outcomes.changed(outcomes.results({}, SELECTED)) == [] and outcomes.changed(None) == []


def test_groups_sort_the_namespaces_and_leave_out_failed_results_and_skipped_ones_when_asked():
    results = [{"failed": False, "t": target("shop", "db")}, {"failed": True, "t": target("blog", "db")},
               {"skipped": True, "t": target("api", "x")}, {"t": target("api", "token")}, {"t": target("shop", "db")},
               {"t": target("shop", "api")}]
    assert outcomes.groups(results, "t", skipped=False) == [{"namespace": "api", "secrets": ["token"]},
                                                            {"namespace": "shop", "secrets": ["db", "api"]}]
    assert outcomes.groups(None, "t") == []


def test_a_secret_skipped_as_not_due_still_has_its_consumers_checked():
    # A run killed between the Secret write and the restart: the re-run finds nothing due, and the
    # consumers that still run the older content must be restarted all the same.
    results = [{"skipped": True, "t": target("shop", "db")}, {"failed": True, "t": target("shop", "config")}]
    assert outcomes.groups(results, "t") == [{"namespace": "shop", "secrets": ["db"]}]


def test_groups_add_dynamic_secrets_after_the_checked_ones():
    checked = [{"namespace": "shop", "secrets": ["db"]}]
    dynamic = [{"failed": False, "t": target("zz", "cert")}, {"failed": True, "t": target("b", "pg")},
               {"failed": False, "t": target("shop", "cert")}, {"failed": False, "t": target("b", "pg2")}]
    assert outcomes.groups(dynamic, "t", checked) == [{"namespace": "shop", "secrets": ["db", "cert"]}, {"namespace": "zz", "secrets": ["cert"]},
                                                      {"namespace": "b", "secrets": ["pg2"]}]
    assert outcomes.groups([], "t", checked) == checked


def test_the_revocation_gate_skips_failures_and_database_static_roles():
    results = [{"failed": False, "rotate_secrets_target": target("a", "cert", source="pki", static=False)},
               {"failed": True, "rotate_secrets_target": target("a", "cert2", source="pki", static=False)},
               {"failed": False, "rotate_secrets_target": target("a", "pg", source="database", static=True)},
               {"failed": False, "rotate_secrets_target": target("a", "pg2", source="database", static=False)}]
    assert [t["secret"] for t in outcomes.revocable(results, "pki")] == ["cert"]
    assert [t["secret"] for t in outcomes.revocable(results, "database")] == ["pg2"]
    assert outcomes.revocable(None, "pki") == []


def test_a_fleet_failure_rolls_back_only_a_cluster_that_changed():
    assert outcomes.rollback_cause([], [], []) == [] and outcomes.rollback_cause([], None, [{}]) == []
    assert outcomes.rollback_cause(["Deployment/web"], ["eu: Deployment/api"], []) == ["Deployment/web", "eu: Deployment/api"]
    assert outcomes.rollback_cause([], ["eu: Deployment/api"], []) == []
    assert outcomes.rollback_cause([], ["eu: Deployment/api"], [{"secret": "db"}]) == ["eu: Deployment/api"]


def test_the_rollback_reason_names_the_rollouts_else_the_failed_task():
    assert outcomes.rollback_reason(["Deployment/web"], ["eu: x"], "t", {}) == "rollout failed: Deployment/web"
    assert outcomes.rollback_reason([], ["eu: Deployment/web"], "t", {}) == (
        "rollout failed in another cluster of the fleet (rotate_secrets_rollback_scope: fleet): eu: Deployment/web")
    loop = {"results": [{"failed": True, "msg": "forbidden"}, {"failed": False, "msg": "fine"}, {"failed": True}]}
    assert outcomes.rollback_reason([], [], "Restart the stale consumers of the selected Secrets", loop) == "restart failed: forbidden; "
    assert outcomes.rollback_reason([], [], "Collect", {"failed": True, "msg": "boom"}) == "Collect failed: boom"


def test_the_failure_message_lists_the_errors_of_the_report():
    result = {"summary_path": "/r/s.txt", "report": {
        "outcome": "rollback_failed", "secrets": [{"secret": "a", "error": "boom"}, {"secret": "b"}], "dynamic": [{"secret": "c", "error": "x"}],
        "restarts": [{"kind": "Deployment", "name": "web", "reason": "r", "outcome": "failed"}, {"outcome": "complete"}],
        "restart_errors": [{"namespace": "n", "error": "e"}], "rollback": {"errors": [{"secret": "a", "to_version": 3, "error": "z"}], "restart_errors": []}}}
    # The text the role's Jinja rendered before it moved here, to the space.
    assert outcomes.failure_message(result) == ("Rotation rollback failed:  a: boom;  c: x;  Deployment/web: r;  restart in n: e;  "
                                                "roll-back of a to v3: z;   see /r/s.txt")
