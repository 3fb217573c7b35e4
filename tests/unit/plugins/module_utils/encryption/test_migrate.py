"""The migration (encryption/migrate.py) against fakes of etcd and the API: it waits for the probe to be
sealed under the wanted key, rewrites only what etcd holds otherwise, and asks etcd again."""

import json

import pytest
from urllib3.exceptions import ProtocolError

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption import migrate, resource_map, storage_migration
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import ApiStatusError

from ..k8s.fakes import FakeApiServer
from .fakes import FakeEtcd
from .test_envelope_census import kms_v2

PREFIX = b"/registry/secrets/"
SECRETS = resource_map.location("secrets")
PROBE_KEY = PREFIX + b"kube-system/" + migrate.PROBE_NAME.encode()


def connected(stored, probe_lag=0):
    """The fake API server over the fake etcd holding ``stored``: a write it serves stores the object in etcd
    under the apiserver's current key, t/k:v2 (the probe under the old key for its first ``probe_lag`` writes)."""
    etcd = FakeEtcd(stored)
    names = [key[len(PREFIX):].decode() for key in stored]  # "<namespace>/<name>"
    api = FakeApiServer(objects=dict((resource_map.object_path(SECRETS, name), {"metadata": dict(zip(("namespace", "name"), name.split("/")))})
                                     for name in names))
    lag = [probe_lag]

    def store(method, path, _params, body):
        if method not in ("PUT", "POST") or "/secrets" not in path:
            return
        key = PREFIX + ("%(namespace)s/%(name)s" % body["metadata"]).encode()
        late = key == PROBE_KEY and lag[0] > 0
        lag[0] -= 1 if late else 0
        etcd.stored[key] = kms_v2("p", "t/k:v1" if late else "t/k:v2")
    api.after = store
    return api, etcd


def not_transformable(status):
    """The apiserver's refusal of a write while its KMS plugin has no data key (or another status)."""
    return ApiStatusError(status, "Internal Server Error", json.dumps({"kind": "Status", "message": "data from the storage is not transformable"}))


def params(**extra):
    base = dict(provider_name="p", key_id="t/k:v2", target="kms", resources=["secrets"], etcd_prefix="/registry",
                probe_namespace="kube-system", wait_timeout=30, poll_interval=1, migration_timeout=60)
    base.update(extra)
    return base


def test_only_what_is_not_under_the_key_is_rewritten():
    api, etcd = connected({b"/registry/secrets/a/old": kms_v2("p", "t/k:v1"), b"/registry/secrets/a/plain": b"k8s\x00x",
                           b"/registry/secrets/a/new": kms_v2("p", "t/k:v2")}, probe_lag=2)
    result = migrate.migrate(api, etcd, params(), sleep=lambda _: None)
    assert result["resources"]["secrets"] == {"pending": 2, "method": "rewrite", "rewritten": 2, "remaining": 0}
    assert ("PUT", "/api/v1/namespaces/a/secrets/new") not in api.requests
    again = migrate.migrate(api, etcd, params(), sleep=lambda _: None)
    assert not again["changed"] and again["resources"]["secrets"]["rewritten"] == 0


def test_the_wait_fails_naming_what_etcd_shows():
    api, etcd = connected({}, probe_lag=1000)
    clock = iter(range(0, 1000, 10))
    with pytest.raises(SecretOpsError, match="key id t/k:v1, not under KMS v2 provider p with key id t/k:v2"):
        migrate.migrate(api, etcd, params(), sleep=lambda _: None, clock=lambda: next(clock))


def test_the_wait_outlasts_an_apiserver_that_has_no_data_key_yet():
    # Restarted while the plugin was down: writes fail with HTTP 500 for a few seconds after it is back.
    api, etcd = connected({b"/registry/secrets/a/old": kms_v2("p", "t/k:v1")})
    api.failures[("PUT", "kube-system", migrate.PROBE_NAME)] = [not_transformable(500)] * 3
    result = migrate.migrate(api, etcd, params(), sleep=lambda _: None)
    assert result["resources"]["secrets"]["remaining"] == 0


def test_the_wait_outlasts_an_apiserver_the_kubelet_is_restarting():
    # kubeadm: the kubelet restarts the static Pod for the new flags; the probe meets no server for a while.
    api, etcd = connected({b"/registry/secrets/a/old": kms_v2("p", "t/k:v1")})
    api.failures[("PUT", "kube-system", migrate.PROBE_NAME)] = [ProtocolError("Connection aborted.", ConnectionResetError(104, "reset"))] * 3
    result = migrate.migrate(api, etcd, params(), sleep=lambda _: None)
    assert result["resources"]["secrets"]["remaining"] == 0
    clock = iter(range(0, 1000, 10))
    api, etcd = connected({})
    api.failures[("PUT", "kube-system", migrate.PROBE_NAME)] = [ProtocolError("Connection aborted.", ConnectionResetError(104, "reset"))] * 1000
    with pytest.raises(SecretOpsError, match="unreachable"):
        migrate.migrate(api, etcd, params(), sleep=lambda _: None, clock=lambda: next(clock))


def test_a_refusal_that_outlasts_the_wait_or_is_not_a_server_error_is_raised():
    clock = iter(range(0, 1000, 10))
    for status, refusals in ((500, 1000), (403, 1)):
        api, etcd = connected({})
        api.failures[("PUT", "kube-system", migrate.PROBE_NAME)] = [not_transformable(status)] * refusals
        with pytest.raises(SecretOpsError, match="not transformable"):
            migrate.migrate(api, etcd, params(), sleep=lambda _: None, clock=lambda: next(clock))


OBJECT = "/api/v1/namespaces/a/secrets/x"


def test_rewrite_writes_back_what_it_read_and_tells_a_vanished_object_from_a_concurrent_writer():
    server = FakeApiServer(objects={OBJECT: {"metadata": {"name": "x", "namespace": "a"}}})
    assert migrate.rewrite(server, SECRETS, "a/x") is True
    assert server.requests == [("GET", OBJECT), ("PUT", OBJECT)]
    assert migrate.rewrite(server, SECRETS, "a/gone") is False  # 404 on the read

    def concurrent_writer(method, _path, _params, _body):
        if method == "PUT":
            raise ApiStatusError(409, "Conflict")
    server.before = concurrent_writer
    assert migrate.rewrite(server, SECRETS, "a/x") is True  # someone wrote it first: stored anew

    def deleter(method, path, _params, _body):
        if method == "PUT":
            server.objects.pop(path)
    server.before = deleter
    assert migrate.rewrite(server, SECRETS, "a/x") is False  # 404 on the write: it vanished meanwhile


def migrating(stored, missed=()):
    """``connected`` with an API that serves StorageVersionMigrations and a controller under it: it gives a new
    migration its resourceVersion, and once the migration is annotated (re-queued) stores every object anew but
    those in ``missed`` (as if written by an apiserver still on the old key), and marks it Succeeded."""
    api, etcd = connected(stored)
    api.objects[storage_migration.GROUP] = {"resources": [{"name": "storageversionmigrations"}]}
    store = api.after

    def controller(method, path, params, body):
        store(method, path, params, body)
        if not path.startswith(storage_migration.MIGRATIONS) or method not in ("POST", "PUT"):
            return
        where = storage_migration.MIGRATIONS + "/" + body["metadata"]["name"]
        migration = api.objects[where]
        migration.setdefault("status", {"resourceVersion": "1"})
        if (migration["metadata"].get("annotations") or {}).get(storage_migration.NUDGED):
            for key in etcd.stored:
                if key not in missed and key != PROBE_KEY:
                    etcd.stored[key] = kms_v2("p", "t/k:v2")
            migration["status"]["conditions"] = [{"type": "Succeeded", "status": "True", "message": "Migration completed"}]
    api.after = controller
    return api, etcd


def test_a_storage_version_migration_then_the_leftovers_rewritten_and_the_migration_deleted():
    stored = dict((("/registry/secrets/a/s%02d" % index).encode(), kms_v2("p", "t/k:v1")) for index in range(20))
    api, etcd = migrating(stored, missed=[b"/registry/secrets/a/s07"])
    result = migrate.migrate(api, etcd, params(), sleep=lambda _: None)
    report = result["resources"]["secrets"]
    assert report["method"] == "storage_version_migration" and report["storage_version_migration"]["outcome"] == "Succeeded"
    # one object written to nudge the controller, one it missed; the other 18 were the controller's
    assert (report["pending"], report["left_by_migration"], report["rewritten"], report["remaining"]) == (20, 1, 2, 0)
    assert [path for method, path in api.requests if method == "PUT" and "/a/secrets/" in path] == [
        "/api/v1/namespaces/a/secrets/s00", "/api/v1/namespaces/a/secrets/s07"]
    assert not [where for where in api.objects if where.startswith(storage_migration.MIGRATIONS + "/")]  # deleted once waited for
    sent = len(api.requests)
    again = migrate.migrate(api, etcd, params(), sleep=lambda _: None)
    assert not again["changed"] and not any(method == "POST" and "storagemigration" in path for method, path in api.requests[sent:])


def test_method_rewrite_never_asks_for_a_migration_and_the_explicit_method_needs_the_api():
    api, etcd = migrating({b"/registry/secrets/a/x": kms_v2("p", "t/k:v1")})
    assert migrate.migrate(api, etcd, params(method="rewrite"), sleep=lambda _: None)["resources"]["secrets"]["method"] == "rewrite"
    assert not any("storagemigration" in path for _method, path in api.requests)
    # auto falls back to the rewrite for an identity that may not list StorageVersionMigrations; the explicit method fails
    api, etcd = migrating({b"/registry/secrets/a/x": kms_v2("p", "t/k:v1")})

    def refuse_listing(method, path, _params, _body):
        if method == "GET" and path == storage_migration.MIGRATIONS:
            raise ApiStatusError(403, "Forbidden")
    api.before = refuse_listing
    assert migrate.migrate(api, etcd, params(), sleep=lambda _: None)["resources"]["secrets"]["method"] == "rewrite"
    with pytest.raises(SecretOpsError, match="HTTP 403"):
        migrate.migrate(api, etcd, params(method="storage_version_migration"), sleep=lambda _: None)
    api, etcd = connected({b"/registry/secrets/a/x": kms_v2("p", "t/k:v1")})
    with pytest.raises(SecretOpsError, match="serves no storagemigration.k8s.io/v1"):
        migrate.migrate(api, etcd, params(method="storage_version_migration"), sleep=lambda _: None)
