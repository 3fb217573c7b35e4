"""k8s_service_account against the real API server: diff mode (issue 22)."""

from tests.integration.ansible_run import run_tasks

MODULE = "secretops.provisioning.k8s_service_account"


def account(namespace, **options):
    return {"name": "account", MODULE: dict({"name": "robot", "namespace": namespace}, **options)}


def test_check_and_diff_show_each_object_it_would_create(local_env, namespace):
    binding = "%s-robot-view" % namespace
    checked = run_tasks([account(namespace, cluster_roles=["view"])], env=local_env.env, check=True, diff=True).assert_ok().task("account")
    assert checked["changed"] and checked["created"] == ["ServiceAccount/%s/robot" % namespace, "ClusterRoleBinding/%s" % binding]
    diff = checked["diff"]
    assert [entry["after_header"] for entry in diff] == checked["created"] and all(entry["before"] == {} for entry in diff)
    assert diff[0]["after"]["metadata"] == {"name": "robot", "namespace": namespace}
    assert diff[1]["after"]["roleRef"]["name"] == "view"
    run_tasks([account(namespace)], env=local_env.env).assert_ok()
    again = run_tasks([account(namespace)], env=local_env.env, check=True, diff=True).assert_ok().task("account")
    assert not again["changed"] and "diff" not in again
