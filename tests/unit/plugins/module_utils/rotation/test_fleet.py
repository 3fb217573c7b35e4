"""rotation/fleet.py: what the hosts (clusters) of a rotation play learn from each other."""

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import fleet

HOSTVARS = {
    "h1": {"rotate_secrets_cluster": "eu", "rotate_secrets_failed_rollouts": ["Deployment/web"], "rotate_secrets_report": {"report": 1},
           "rotate_secrets_changed": [{"secret": "db", "vault_path": "shop/db", "old_version": 3}]},
    "h2": {"rotate_secrets_changed": [{"secret": "db", "vault_path": "shop/db", "old_version": 4},
                                      {"secret": "api", "vault_path": "shop/api", "old_version": 1}]},
    "h3": {"rotate_secrets_cluster": ""},
}
HOSTS = ["h1", "h2", "h3"]


def test_the_other_clusters_failed_rollouts_are_named_by_cluster():
    assert fleet.failed_rollouts(HOSTVARS, HOSTS, "h2") == ["eu: Deployment/web"]
    assert fleet.failed_rollouts(HOSTVARS, HOSTS, "h1") == []
    assert fleet.failed_rollouts(HOSTVARS, HOSTS + ["gone"], "h3") == ["eu: Deployment/web"]


def test_a_fleet_restores_the_newest_version_any_cluster_had():
    mine = HOSTVARS["h1"]["rotate_secrets_changed"]
    assert [t["to_version"] for t in fleet.restore_targets(mine, HOSTVARS, HOSTS, "h1", "fleet")] == [4]
    assert [t["to_version"] for t in fleet.restore_targets(mine, HOSTVARS, HOSTS, "h1", "cluster")] == [3]
    assert fleet.restore_targets(mine, HOSTVARS, HOSTS, "h1", "fleet")[0]["secret"] == "db" and "to_version" not in mine[0]
    assert fleet.restore_targets(None, HOSTVARS, HOSTS, "h3", "fleet") == []


def test_reports_are_keyed_by_cluster():
    assert fleet.reports(HOSTVARS, HOSTS) == {"eu": {"report": 1}, "h2": {}, "h3": {}}
