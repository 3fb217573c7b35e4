"""The migration (encryption/migrate.py) against fakes of etcd and the API: it waits for the probe to be
sealed under the wanted key, rewrites only what etcd holds otherwise, and asks etcd again."""

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.encryption import migrate, resource_map, storage_migration
from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import ApiStatusError

from ..k8s.fakes import FakeApiServer
from .test_envelope_census import kms_v2

PROBE_KEY = b"/registry/secrets/kube-system/" + migrate.PROBE_NAME.encode()


class FakeCluster(object):
    """etcd as a dict; a PUT through the API stores the object under the apiserver's current key."""

    def __init__(self, stored, current_key="t/k:v2", probe_lag=0, refusals=0, refusal_status=500):
        self.stored = dict(stored)
        self.current_key = current_key
        self.probe_lag = probe_lag  # probes stored under the old key before the apiserver notices
        self.refusals = refusals  # writes refused first (an apiserver without a data key yet)
        self.refusal_status = refusal_status
        self.sent = []

    def items(self, prefix):
        return sorted((key, value) for key, value in self.stored.items() if key.startswith(prefix))

    def request(self, method, path, path_params=None, body=None, action=None, **_):
        for name, value in (path_params or {}).items():
            path = path.replace("{%s}" % name, value)
        self.sent.append((method, path))
        if "/namespaces/" not in path:
            return None  # discovery: this API serves no StorageVersionMigration (so method auto rewrites)
        key = ("/registry/secrets/" + path.split("/namespaces/", 1)[1].replace("/secrets/", "/")).encode()
        if method == "GET":
            return {"metadata": {"name": path.rsplit("/", 1)[1]}}
        if self.refusals:
            self.refusals -= 1
            raise SecretOpsError("cannot %s: data from the storage is not transformable" % action, status=self.refusal_status)
        if key == PROBE_KEY and self.probe_lag:
            self.probe_lag -= 1
            self.stored[key] = kms_v2("p", "t/k:v1")
        else:
            self.stored[key] = kms_v2("p", self.current_key)
        return {}


def params(**extra):
    base = dict(provider_name="p", key_id="t/k:v2", target="kms", resources=["secrets"], etcd_prefix="/registry",
                probe_namespace="kube-system", wait_timeout=30, poll_interval=1, migration_timeout=60)
    base.update(extra)
    return base


def test_only_what_is_not_under_the_key_is_rewritten():
    cluster = FakeCluster({b"/registry/secrets/a/old": kms_v2("p", "t/k:v1"), b"/registry/secrets/a/plain": b"k8s\x00x",
                           b"/registry/secrets/a/new": kms_v2("p", "t/k:v2")}, probe_lag=2)
    result = migrate.migrate(cluster, cluster, params(), sleep=lambda _: None)
    assert result["resources"]["secrets"] == {"pending": 2, "method": "rewrite", "rewritten": 2, "remaining": 0}
    assert ("PUT", "/api/v1/namespaces/a/secrets/new") not in cluster.sent
    again = migrate.migrate(cluster, cluster, params(), sleep=lambda _: None)
    assert not again["changed"] and again["resources"]["secrets"]["rewritten"] == 0


def test_the_wait_fails_naming_what_etcd_shows():
    cluster = FakeCluster({}, probe_lag=1000)
    clock = iter(range(0, 1000, 10))
    with pytest.raises(SecretOpsError, match="key id t/k:v1, not under KMS v2 provider p with key id t/k:v2"):
        migrate.migrate(cluster, cluster, params(), sleep=lambda _: None, clock=lambda: next(clock))


def test_the_wait_outlasts_an_apiserver_that_has_no_data_key_yet():
    # Restarted while the plugin was down: writes fail with HTTP 500 for a few seconds after it is back.
    cluster = FakeCluster({b"/registry/secrets/a/old": kms_v2("p", "t/k:v1")}, refusals=3)
    result = migrate.migrate(cluster, cluster, params(), sleep=lambda _: None)
    assert result["resources"]["secrets"]["remaining"] == 0


def test_a_refusal_that_outlasts_the_wait_or_is_not_a_server_error_is_raised():
    clock = iter(range(0, 1000, 10))
    with pytest.raises(SecretOpsError, match="not transformable"):
        migrate.migrate(FakeCluster({}, refusals=1000), FakeCluster({}), params(), sleep=lambda _: None, clock=lambda: next(clock))
    with pytest.raises(SecretOpsError, match="not transformable"):
        migrate.migrate(FakeCluster({}, refusals=1, refusal_status=403), FakeCluster({}), params(), sleep=lambda _: None)


OBJECT = "/api/v1/namespaces/a/secrets/x"
SECRETS = resource_map.location("secrets")


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


class MigratingCluster(FakeCluster):
    """FakeCluster whose API serves StorageVersionMigrations; its controller, once nudged, stores every object
    anew but those in ``missed`` (as if written by an apiserver still on the old key), and reports Succeeded."""

    def __init__(self, stored, missed=(), **kwargs):
        super(MigratingCluster, self).__init__(stored, **kwargs)
        self.missed = set(missed)
        self.migrations = {}

    def request(self, method, path, path_params=None, body=None, action=None, **kwargs):
        if "storagemigration" not in path:
            return super(MigratingCluster, self).request(method, path, path_params=path_params, body=body, action=action, **kwargs)
        path = path.replace("{name}", (path_params or {}).get("name", ""))
        self.sent.append((method, path))
        if path == storage_migration.GROUP:
            return {"resources": [{"name": "storageversionmigrations"}]}
        if path == storage_migration.MIGRATIONS:
            if method == "GET":
                return {"items": list(self.migrations.values())}
            self.migrations[body["metadata"]["name"]] = dict(body, status={"resourceVersion": "1"})
            return body
        name = path.rsplit("/", 1)[1]
        if method == "PUT":
            self.migrations[name] = body
        if method == "DELETE":
            self.migrations.pop(name, None)
        migration = self.migrations.get(name)
        if method == "GET" and migration and migration["metadata"].get("annotations"):
            for key in self.stored:
                if key not in self.missed and key != PROBE_KEY:
                    self.stored[key] = kms_v2("p", self.current_key)
            migration["status"]["conditions"] = [{"type": "Succeeded", "status": "True", "message": "Migration completed"}]
        return migration


def test_a_storage_version_migration_then_the_leftovers_rewritten_and_the_migration_deleted():
    stored = dict((("/registry/secrets/a/s%02d" % index).encode(), kms_v2("p", "t/k:v1")) for index in range(20))
    cluster = MigratingCluster(stored, missed=[b"/registry/secrets/a/s07"])
    result = migrate.migrate(cluster, cluster, params(), sleep=lambda _: None)
    report = result["resources"]["secrets"]
    assert report["method"] == "storage_version_migration" and report["storage_version_migration"]["outcome"] == "Succeeded"
    # one object written to nudge the controller, one it missed; the other 18 were the controller's
    assert (report["pending"], report["left_by_migration"], report["rewritten"], report["remaining"]) == (20, 1, 2, 0)
    assert [path for method, path in cluster.sent if method == "PUT" and "/a/secrets/" in path] == [
        "/api/v1/namespaces/a/secrets/s00", "/api/v1/namespaces/a/secrets/s07"]
    assert cluster.migrations == {}  # deleted once waited for
    again = migrate.migrate(cluster, cluster, params(), sleep=lambda _: None)
    assert not again["changed"] and not any(method == "POST" for method, path in cluster.sent[len(cluster.sent) - 5:])


def test_method_rewrite_never_asks_for_a_migration_and_the_explicit_method_needs_the_api():
    cluster = MigratingCluster({b"/registry/secrets/a/x": kms_v2("p", "t/k:v1")})
    assert migrate.migrate(cluster, cluster, params(method="rewrite"), sleep=lambda _: None)["resources"]["secrets"]["method"] == "rewrite"
    assert not any("storagemigration" in path for _method, path in cluster.sent)
    # auto falls back to the rewrite for an identity that may not list StorageVersionMigrations; the explicit method fails
    forbidden = MigratingCluster({b"/registry/secrets/a/x": kms_v2("p", "t/k:v1")})
    original = forbidden.request

    def refuse_listing(method, path, **kwargs):
        if method == "GET" and path == storage_migration.MIGRATIONS:
            raise SecretOpsError("cannot list the StorageVersionMigrations: forbidden (HTTP 403)", status=403)
        return original(method, path, **kwargs)
    forbidden.request = refuse_listing
    assert migrate.migrate(forbidden, forbidden, params(), sleep=lambda _: None)["resources"]["secrets"]["method"] == "rewrite"
    with pytest.raises(SecretOpsError, match="HTTP 403"):
        migrate.migrate(forbidden, forbidden, params(method="storage_version_migration"), sleep=lambda _: None)
    plain = FakeCluster({b"/registry/secrets/a/x": kms_v2("p", "t/k:v1")})
    with pytest.raises(SecretOpsError, match="serves no storagemigration.k8s.io/v1"):
        migrate.migrate(plain, plain, params(method="storage_version_migration"), sleep=lambda _: None)
