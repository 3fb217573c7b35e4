"""A fleet of three real clusters and one OpenBao, driven by the collection's playbooks against
examples/fleet/inventory.yml (one host per cluster, one fork each): bootstrap, provision, rotate;
an independent Vault login from each cluster through its own auth method, refused across clusters;
a shared Vault path written once and synced everywhere; a failed rollout in one cluster rolls back
all three."""

import uuid

import pytest
from hvac.exceptions import Forbidden, InvalidRequest
from kubernetes import client as k8s_client

from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.checksum import content_mac
from tests.integration.fleet_support import (
    INVENTORY, Fleet, cluster_path, delete_namespace, deploy_consumers, fleet_app, kv, reports, run_fleet_playbook, secret,
    service_account_token, shared_path,
)
from tests.integration.rotation_faults_support import (
    AdmissionHook, BackgroundPlaybook, content_key, is_data_write_of, secret_state, stamp,
)
from tests.integration.test_roles_support import make_rollouts_fail

pytestmark = pytest.mark.fleet


@pytest.fixture(scope="module")
def fleet(fleet_env, local_env_description):
    fleet = Fleet(dict(local_env_description, clusters=fleet_env))
    yield fleet
    fleet.close()


@pytest.fixture
def fleet_namespace(fleet):
    """A namespace name used in every cluster (the provision playbook creates it), deleted after the test."""
    name = "fleet-" + uuid.uuid4().hex[:10]
    yield name
    delete_namespace(fleet, name)


def login(fleet, mount, role, jwt):
    return fleet.vault.auth.kubernetes.login(role=role, jwt=jwt, mount_point=mount, use_token=False)


def test_bootstrap_provision_and_rotate_a_fleet(fleet, fleet_namespace):
    app = fleet_app(fleet_namespace)
    run_fleet_playbook(fleet, "bootstrap_vault_auth", app).assert_ok()
    # One auth method per cluster, each with that cluster's API server and CA.
    methods = fleet.vault.sys.list_auth_methods()["data"]
    for cluster in fleet.clusters:
        mount = "kubernetes-%s" % cluster["name"]
        assert methods[mount + "/"]["type"] == "kubernetes"
        config = fleet.vault.read("auth/%s/config" % mount)["data"]
        with open(cluster["ca_cert"]) as handle:
            assert config["kubernetes_host"] == cluster["api_server"] and config["kubernetes_ca_cert"].strip() == handle.read().strip()
    run_fleet_playbook(fleet, "provision", app).assert_ok()

    # The shared path was seeded once, by whichever cluster came first; every cluster holds that value.
    version, shared = kv(fleet, shared_path(fleet_namespace))
    assert version == 1
    for cluster in fleet.names:
        assert secret(fleet, cluster, fleet_namespace, "db") == (shared, "1")
        own_version, own = kv(fleet, cluster_path(fleet_namespace, cluster))
        assert secret(fleet, cluster, fleet_namespace, "config") == (own, str(own_version)) and own["CLUSTER"] == cluster
    assert len({kv(fleet, cluster_path(fleet_namespace, cluster))[1]["API_KEY"] for cluster in fleet.names}) == 3

    # Least privilege per cluster: the policy of the application in cluster-1 reads the shared path and
    # cluster-1's own path, not the other clusters' paths.
    policy = fleet.vault.sys.read_acl_policy("%s@%s" % (fleet_namespace, fleet.names[0]))["data"]["policy"]
    assert "secret/data/" + shared_path(fleet_namespace) in policy and "secret/data/" + cluster_path(fleet_namespace, fleet.names[0]) in policy
    assert all(cluster_path(fleet_namespace, other) not in policy for other in fleet.names[1:])

    # An independent login from each cluster through its own auth method; a token of one cluster is
    # refused by another cluster's method (its API server rejects the token in the TokenReview).
    for cluster in fleet.names:
        auth = login(fleet, "kubernetes-" + cluster, fleet_namespace, service_account_token(fleet, cluster, fleet_namespace))["auth"]
        assert sorted(auth["token_policies"]) == ["default", "%s@%s" % (fleet_namespace, cluster)]
    foreign = service_account_token(fleet, fleet.names[0], fleet_namespace)
    with pytest.raises((Forbidden, InvalidRequest)):
        login(fleet, "kubernetes-" + fleet.names[1], fleet_namespace, foreign)

    # Rotation: the shared path gets one new version, synced to every cluster's Secret, whose
    # consumers restart once; each cluster's own path gets its own new version.
    deploy_consumers(fleet, fleet_namespace)
    run = run_fleet_playbook(fleet, "rotate", app).assert_ok()
    version, rotated = kv(fleet, shared_path(fleet_namespace))
    assert version == 2 and rotated["password"] != shared["password"]
    for cluster in fleet.names:
        assert secret(fleet, cluster, fleet_namespace, "db") == (rotated, "2")
        assert kv(fleet, cluster_path(fleet_namespace, cluster))[0] == 2
        deployment = k8s_client.AppsV1Api(fleet.apis[cluster]).read_namespaced_deployment("web", fleet_namespace)
        assert deployment.metadata.generation == 2, "one restart in %s" % cluster
    found = reports(run)
    assert set(found) == set(fleet.names) | {"fleet"}
    writers = [name for name in fleet.names for entry in found[name]["secrets"]
               if entry["secret"] == "db" and not entry.get("resumed") and entry["new_version"] != entry["old_version"]]
    assert len(writers) == 1, "the shared path is written by one cluster, the others sync: %s" % found
    assert all(found[name]["outcome"] == "rotated" for name in fleet.names)
    assert found["fleet"]["outcome"] == "rotated"
    assert rotated["password"] not in run.output and shared["password"] not in run.output


@pytest.mark.parametrize("scope", ["fleet", "cluster"])
def test_a_failed_rollout_in_one_cluster_rolls_back_the_fleet_or_that_cluster(fleet, fleet_namespace, scope):
    app = fleet_app(fleet_namespace)
    run_fleet_playbook(fleet, "provision", dict(app, app_secrets_vault_access=False)).assert_ok()
    deploy_consumers(fleet, fleet_namespace)
    version, before = kv(fleet, shared_path(fleet_namespace))
    broken = fleet.names[1]
    make_rollouts_fail(fleet.apis[broken], fleet_namespace, "web")
    run = run_fleet_playbook(fleet, "rotate", dict(app, secretops_wait_timeout=60, secretops_rollback_scope=scope))
    assert run.returncode != 0
    found = reports(run)
    if scope == "fleet":
        # Every cluster that received the new value is back on the value Vault had before the run.
        current, restored = kv(fleet, shared_path(fleet_namespace))
        assert restored == before and current == version + 2, "rotated once, restored once"
        for cluster in fleet.names:
            data, synced = secret(fleet, cluster, fleet_namespace, "db")
            assert data == before and synced == str(current), cluster
            assert found[cluster]["outcome"] == "rolled_back", (cluster, found[cluster])
        assert "rollout failed in another cluster" in found[fleet.names[0]]["rollback"]["reason"]
        assert "rollout failed: Deployment/web" in found[broken]["rollback"]["reason"]
        assert found["fleet"]["outcome"] == "rolled_back" and found["fleet"]["inconsistent"] == []
    else:
        assert found[broken]["outcome"] == "rolled_back"
        assert all(found[cluster]["outcome"] == "rotated" for cluster in fleet.names if cluster != broken)
        # Vault holds the restored value; the other clusters keep the new one until the next run: the
        # fleet report says so.
        assert found["fleet"]["outcome"] == "rolled_back" and found["fleet"]["inconsistent"] == ["secret/" + shared_path(fleet_namespace)]


def test_a_fleet_run_killed_midway_is_repaired_by_the_next_run(fleet, fleet_namespace):
    """SIGKILL the fleet's rotate run when cluster-2's shared Secret is about to get the new value
    (the other clusters are wherever their forks got to): the next scheduled run (nothing due) writes
    no new version and brings every cluster to Vault's current version, its consumers restarted."""
    app = fleet_app(fleet_namespace)
    run_fleet_playbook(fleet, "provision", dict(app, app_secrets_vault_access=False)).assert_ok()
    deploy_consumers(fleet, fleet_namespace)
    broken = [cluster for cluster in fleet.clusters if cluster["name"] == fleet.names[1]][0]
    holder = {}

    def kill_on_the_shared_write(request):
        if is_data_write_of(request, "db"):
            holder["play"].kill()
            return "the test killed the play before this write"
        return None

    with AdmissionHook(fleet.apis[broken["name"]], type("Cluster", (), {"ca_cert": broken["ca_cert"]})(), fleet_namespace,
                       kill_on_the_shared_write):
        holder["play"] = BackgroundPlaybook("rotate", dict(app, secretops_hosts="fleet"), fleet.env(),
                                            extra_args=["-i", INVENTORY, "-f", str(len(fleet.names))])
        killed = holder["play"].wait()
    assert killed.killed and killed.returncode == -9
    assert kv(fleet, shared_path(fleet_namespace))[0] == 2 and secret_state(fleet.apis[broken["name"]], fleet_namespace, "db")[1] == "1"

    rerun = run_fleet_playbook(fleet, "rotate", dict(app, secretops_only_if_older_than="1h")).assert_ok()
    version, current = kv(fleet, shared_path(fleet_namespace))
    assert version == 2, "the repair writes no new version"
    for cluster in fleet.names:
        api = fleet.apis[cluster]
        key = content_key(api, fleet_namespace)
        for name, path in (("db", shared_path(fleet_namespace)), ("config", cluster_path(fleet_namespace, cluster))):
            path_version, path_data = kv(fleet, path)
            data, synced = secret_state(api, fleet_namespace, name)
            assert synced == str(path_version) and secret(fleet, cluster, fleet_namespace, name)[0] == path_data, (cluster, name)
            assert stamp(api, fleet_namespace, "web", name) == content_mac(key, name, data), "%s still runs an old %s" % (cluster, name)
    assert reports(rerun)["fleet"]["outcome"] in ("rotated", "nothing_rotated") and reports(rerun)["fleet"]["inconsistent"] == []
    assert current["password"] not in killed.output + rerun.output
