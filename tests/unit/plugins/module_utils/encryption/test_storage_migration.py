"""Kubernetes' StorageVersionMigration as the migration uses it (encryption/storage_migration.py): a name fixed
by resource and key, a running one reused, a failed one replaced, the controller nudged once it has its
resourceVersion, a time limit, and only this collection's finished ones cleaned up."""

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption import resource_map, storage_migration

from ..k8s.fakes import FakeApiServer

SECRETS = resource_map.location("secrets")
WIDGETS = resource_map.location("widgets.example.com", "v1", custom=True)
PATH = "/apis/storagemigration.k8s.io/v1/storageversionmigrations/"


def conditions(*types):
    return {"conditions": [{"type": kind, "status": "True", "message": kind.lower()} for kind in types]}


def no_sleep(_seconds):
    return None


def test_the_name_is_fixed_by_resource_and_target():
    name = storage_migration.migration_name(WIDGETS, "kms-v2 p key id t/k:v2")
    assert name == storage_migration.migration_name(WIDGETS, "kms-v2 p key id t/k:v2")
    assert name.startswith("secretops-widgets.example.com-")
    assert name != storage_migration.migration_name(WIDGETS, "kms-v2 p key id t/k:v3")
    assert name != storage_migration.migration_name(SECRETS, "kms-v2 p key id t/k:v2")


def test_a_new_migration_is_nudged_once_it_has_its_resource_version_and_waited_for():
    server = FakeApiServer()
    name = storage_migration.migration_name(SECRETS, "t")
    nudges = []

    def controller(method, path, _params, _body):
        stored = server.objects.get(PATH + name)
        if stored is None or method != "GET":
            return
        if not stored.get("status"):
            stored["status"] = {"resourceVersion": "42"}  # the resource version controller
        elif stored["metadata"].get("annotations", {}).get(storage_migration.NUDGED):
            stored["status"].update(conditions("Succeeded"))
    server.before = controller
    assert storage_migration.run(server, SECRETS, name, lambda: nudges.append(1), 60, 1, sleep=no_sleep) == ("Succeeded", "succeeded")
    assert nudges == [1]
    created = [body for method, _path, body in server.bodies if method == "POST"][0]
    assert created["spec"] == {"resource": {"group": "", "resource": "secrets"}}
    assert created["metadata"]["labels"][storage_migration.LABEL] == "true"


def test_a_running_one_left_by_a_killed_run_is_waited_for_and_a_failed_one_replaced():
    name = storage_migration.migration_name(SECRETS, "t")
    running = dict(storage_migration.body(name, SECRETS), status={"resourceVersion": "7"})
    server = FakeApiServer(objects={PATH + name: running})

    def controller(method, _path, _params, _body):
        if method == "GET" and PATH + name in server.objects:
            server.objects[PATH + name]["status"].update(conditions("Succeeded"))
    server.before = controller
    assert storage_migration.run(server, SECRETS, name, lambda: None, 60, 1, sleep=no_sleep)[0] == "Succeeded"
    assert "POST" not in server.methods()

    failed = dict(storage_migration.body(name, SECRETS), status=conditions("Running", "Failed"))
    server = FakeApiServer(objects={PATH + name: failed})
    migration = storage_migration.ensure(server, name, SECRETS)
    assert server.methods() == ["GET", "DELETE", "POST"] and not migration.get("status")


def test_a_migration_nobody_takes_up_or_that_never_ends_is_given_up():
    clock = iter(range(0, 1000, 10))
    outcome, message = storage_migration.run(FakeApiServer(), SECRETS, "secretops-secrets-x", lambda: None, 300, 1, sleep=no_sleep,
                                             clock=lambda: next(clock))
    assert outcome == "NotStarted" and "storage-version-migrator-controller" in message
    name = "secretops-secrets-y"
    queued = dict(storage_migration.body(name, SECRETS), status={"conditions": [{"type": "Running", "status": "False"}]})
    clock = iter(range(0, 1000, 10))
    outcome, message = storage_migration.run(FakeApiServer(objects={PATH + name: queued}), SECRETS, name, lambda: None, 60, 1,
                                             sleep=no_sleep, clock=lambda: next(clock))
    assert outcome == "TimedOut" and "after 60s" in message


def test_only_this_collections_finished_migrations_are_deleted():
    finished = dict(storage_migration.body("secretops-secrets-old", SECRETS), status=conditions("Succeeded"))
    running = storage_migration.body("secretops-secrets-now", SECRETS)
    foreign = dict(storage_migration.body("someone-else", SECRETS), status=conditions("Succeeded"))
    server = FakeApiServer(objects={PATH + "secretops-secrets-old": finished, PATH + "secretops-secrets-now": running,
                                    PATH + "someone-else": foreign})

    def listing(method, path, _params, _body):
        if method == "GET" and path == storage_migration.MIGRATIONS:
            server.objects[path] = {"items": [finished, running, foreign]}
    server.before = listing
    storage_migration.delete_finished(server)
    assert [request for request in server.requests if request[0] == "DELETE"] == [("DELETE", PATH + "secretops-secrets-old")]
