"""rotation/bulk.py against fakes of VaultClient.request (KV v2) and K8sClient.request: one LIST per
namespace instead of a read per Secret, every rotation planned before the first write, writes in
input order, a failed item that does not stop the others, check mode, the list-form rule."""

import base64
import contextlib

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.secret_service import SECRET, SECRETS
from ansible_collections.secretops.provisioning.plugins.module_utils.list_form import unclassified
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import bulk, options

from ..k8s.fakes import FakeApiServer, session_of
from ..vault.fakes import FakeKv2


@pytest.fixture
def servers(monkeypatch):
    vault, api = FakeKv2(), FakeApiServer()

    @contextlib.contextmanager
    def vault_session(params):
        yield vault

    monkeypatch.setattr(options, "vault_session", vault_session)
    monkeypatch.setattr(bulk, "k8s_session", session_of(api))
    return vault, api


def params(secrets, **task):
    spec = options.argument_spec(item_extra=dict(values={}, seed={}, new_values={}, only_if_older_than={}),
                                 values={}, seed={}, new_values={}, only_if_older_than={}, to_version={})
    values = dict((option, entry.get("default")) for option, entry in spec.items())
    values.update(namespace="shop", mount_point="secret", seed=True, values={}, new_values={}, concurrency=4, secrets=secrets)
    values.update(task)
    return values


def item(name, namespace=None, **fields):
    entry = {"name": name, "vault_path": "app/%s" % name, "type": "basic-auth", "values": {"username": "u-" + name},
             "generate": {"password": {"length": 16}}}
    if namespace:
        entry["namespace"] = namespace
    entry.update(fields)
    return entry


def rotation_item(name, **fields):
    entry = item(name, **fields)
    del entry["values"]
    return entry


def password(api, namespace, name):
    return base64.b64decode(api.secrets[(namespace, name)]["data"]["password"]).decode()


def secret_reads(api):
    return [call for call in api.calls if call[0] == "GET" and call[1] == SECRET]


def test_sync_all_lists_each_namespace_once_and_syncs_every_item_in_input_order(servers):
    vault, api = servers
    warnings = []
    result = bulk.sync_all(params([item("a"), item("b", namespace="other"), item("c")]), warn=warnings.append)
    assert [entry["name"] for entry in result["results"]] == ["a", "b", "c"] and result["changed"]
    assert [entry["secret"] for entry in result["results"]] == [{"name": "a", "namespace": "shop"}, {"name": "b", "namespace": "other"},
                                                                {"name": "c", "namespace": "shop"}]
    assert sorted(call[2] for call in api.calls if call[1] == SECRETS and call[0] == "GET") == ["other", "shop"], "one LIST per namespace"
    assert secret_reads(api) == [], "no GET per Secret"
    for namespace, name in (("shop", "a"), ("other", "b"), ("shop", "c")):
        assert password(api, namespace, name) == vault.versions["app/" + name][-1]["password"]
    assert not any(vault.versions["app/a"][-1]["password"] in str(entry) for entry in result["results"])
    again = bulk.sync_all(params([item("a"), item("b", namespace="other"), item("c")]))
    assert not again["changed"] and [len(vault.versions["app/" + name]) for name in "abc"] == [1, 1, 1]


def test_sync_all_in_check_mode_writes_nothing(servers):
    vault, api = servers
    result = bulk.sync_all(params([item("a"), item("b")]), check_mode=True)
    assert result["changed"] and all(entry["vault_changed"] for entry in result["results"])
    assert vault.writes() == [] and api.writes() == []


def test_a_failed_item_does_not_stop_the_others_and_fails_the_task_naming_it(servers):
    vault, api = servers
    with pytest.raises(SecretOpsError) as raised:
        bulk.sync_all(params([item("a"), item("b", seed=False, values=None, generate=None), item("c")]))
    error = raised.value
    assert str(error).startswith("1 of 3 secrets failed: secrets[1] (shop/b): secret b: nothing in Vault at secret/app/b")
    results = error.details["results"]
    assert [entry.get("failed", False) for entry in results] == [False, True, False] and error.details["changed"]
    assert results[1] == {"name": "b", "secret": "b", "namespace": "shop", "failed": True, "changed": False, "vault_path": "secret/app/b",
                          "msg": "secret b: nothing in Vault at secret/app/b: give fields to seed it"}
    assert ("shop", "a") in api.secrets and ("shop", "c") in api.secrets


def test_an_item_without_a_namespace_fails_alone(servers):
    with pytest.raises(SecretOpsError, match="no namespace: set namespace on the item or at task level") as raised:
        bulk.sync_all(params([item("a", namespace="shop"), item("b")], namespace=None))
    assert [entry.get("failed", False) for entry in raised.value.details["results"]] == [False, True]


def test_a_namespace_that_cannot_be_listed_fails_its_items_only(servers):
    vault, api = servers
    api.failures[("GET", "other", None)] = [403]
    with pytest.raises(SecretOpsError) as raised:
        bulk.sync_all(params([item("a"), item("b", namespace="other")]))
    results = raised.value.details["results"]
    assert not results[0].get("failed") and results[1]["failed"] and ("403" in results[1]["msg"] or "Forbidden" in results[1]["msg"])
    assert "app/b" not in vault.versions or not vault.versions["app/b"], "nothing written for an item whose Secrets could not be read"


def test_rotate_all_reads_every_item_before_the_first_write_then_writes_in_input_order(servers):
    vault, api = servers
    names = ["s%d" % index for index in range(6)]
    bulk.sync_all(params([item(name) for name in names]))
    vault.sent[:] = []
    api.calls[:] = []
    result = bulk.rotate_all(params([rotation_item(name) for name in names]))
    assert [(entry["name"], entry["old_version"], entry["new_version"]) for entry in result["rotations"]] == [(n, 1, 2) for n in names]
    calls = [(method, path) for method, path, _data in vault.sent]
    first_metadata = calls.index(("GET", "secret/metadata/app/s0"))
    assert not [call for call in calls[first_metadata:] if call[1].startswith("secret/data/") and call[0] == "GET"], \
        "every secret is read before anything is written"
    # then, one secret after the other: its settings read right before its write (a Vault that stopped
    # answering fails the read, so no write is sent that it could still apply after the run gave up)
    writes = [call for call in calls[first_metadata:] if call != ("GET", "secret/config")]
    assert writes == [call for name in names for call in (("GET", "secret/metadata/app/" + name), ("POST", "secret/data/app/" + name))]
    assert [call[3] for call in api.writes()] == names, "Secrets written one at a time, in input order"
    assert secret_reads(api) == [] and len([call for call in api.calls if call[1] == SECRETS]) == 1
    for name in names:
        assert password(api, "shop", name) == vault.versions["app/" + name][-1]["password"] != vault.versions["app/" + name][0]["password"]


def test_rotate_all_resumes_skips_and_fails_per_item(servers):
    vault, api = servers
    bulk.sync_all(params([item("a"), item("b")]))
    vault.put("app/a", {"username": "u-a", "password": "written-by-a-run-that-died"})
    with pytest.raises(SecretOpsError) as raised:
        bulk.rotate_all(params([rotation_item("a"), rotation_item("b"), rotation_item("missing")], only_if_older_than="1000000w"))
    first, second, missing = raised.value.details["rotations"]
    assert first["resumed"] and first["changed"] and first["old_version"] == 1 and first["new_version"] == 2
    assert password(api, "shop", "a") == "written-by-a-run-that-died"
    assert second["skipped"] and not second["changed"]
    assert missing["failed"] and "nothing in Vault at secret/app/missing to rotate" in missing["msg"]
    assert "written-by-a-run-that-died" not in str(raised.value) + str(raised.value.details)


def test_rotate_all_in_check_mode_writes_nothing(servers):
    vault, api = servers
    bulk.sync_all(params([item("a")]))
    vault.sent[:] = []
    api.calls[:] = []
    result = bulk.rotate_all(params([rotation_item("a")]), check_mode=True)
    assert result["changed"] and result["rotations"][0]["new_version"] == 2
    assert vault.writes() == [] and api.writes() == []


def test_rotate_all_refuses_a_task_level_to_version_before_reading_anything(servers):
    vault, api = servers
    with pytest.raises(SecretOpsError, match="to_version cannot be set at task level beside secrets"):
        bulk.rotate_all(params([rotation_item("a")], to_version=3))
    assert vault.sent == [] and api.calls == []


def test_every_item_option_is_inherited_refused_or_identifies_the_item():
    sync_items = options.item_options(values={}, seed={})
    rotation_items = options.item_options(new_values={}, only_if_older_than={})
    assert unclassified(sync_items, bulk.SYNC_INHERITED, (), bulk.ITEM_ONLY) == []
    assert unclassified(rotation_items, bulk.ROTATION_INHERITED, (), bulk.ITEM_ONLY) == []


def test_the_mount_and_its_config_are_read_once_for_every_secret_on_it(servers):
    vault, api = servers
    bulk.sync_all(params([item("a"), item("b"), item("c")], concurrency=1))
    vault.sent[:] = []
    bulk.rotate_all(params([rotation_item("a"), rotation_item("b"), rotation_item("c")], concurrency=1))
    reads = [path for method, path, _data in vault.sent if method == "GET"]
    assert [path for path in reads if path.startswith("sys/internal/ui/mounts/")] == ["sys/internal/ui/mounts/secret/app/a"]
    assert reads.count("secret/config") == 1
    assert [path for path in reads if path.startswith("secret/metadata/")] == ["secret/metadata/app/%s" % name for name in "abc"]


def test_shared_reads_never_reuse_a_mount_for_a_path_outside_it():
    secretive = {"data": {"path": "secretive/", "type": "kv", "options": {"version": "2"}}}
    config = {"data": {"max_versions": 3}}
    vault = FakeKv2(answers={("GET", "sys/internal/ui/mounts/secretive/b"): secretive, ("GET", "secretive/config"): config})
    shared = bulk.SharedReads(vault)
    assert shared.read("sys/internal/ui/mounts/secret/a")["data"]["path"] == "secret/"
    assert shared.read("sys/internal/ui/mounts/secret/c/d")["data"]["path"] == "secret/"
    assert shared.read("sys/internal/ui/mounts/secretive/b")["data"]["path"] == "secretive/", "a name that starts alike is another mount"
    assert shared.read("secretive/config") == config and shared.read("secretive/config") == config
    probes = [path for method, path, _data in vault.sent if path.startswith("sys/internal/ui/mounts/")]
    assert probes == ["sys/internal/ui/mounts/secret/a", "sys/internal/ui/mounts/secretive/b"]
    assert [path for method, path, _data in vault.sent].count("secretive/config") == 1
