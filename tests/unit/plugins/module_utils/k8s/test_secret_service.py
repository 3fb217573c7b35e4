"""SecretService: the annotations and keys the next version of a Secret keeps (pure), and
``update_keys`` against the fake API server (``fakes.py``): a concurrent write in between is a
409 on the stale ``resourceVersion``, and the write is retried on a fresh read."""

import copy

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.secret_service import (
    SecretService, merged_data, taken_over_annotations,
)

from .fakes import FakeApiServer


LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def test_the_last_applied_annotation_is_dropped_and_the_others_kept():
    current = {LAST_APPLIED: '{"data":{"password":"b2xk"}}', "team": "a", "secretops.io/version": "1"}
    assert taken_over_annotations(current, {"secretops.io/version": "2"}) == {"team": "a", "secretops.io/version": "2"}
    assert LAST_APPLIED in current, "inputs are not changed"
    assert taken_over_annotations(None, {"a": "b"}) == {"a": "b"}
    assert taken_over_annotations({"a": "b"}, None) == {"a": "b"}


def test_the_unkeyed_checksum_of_older_versions_is_dropped():
    current = {"secretops.io/checksum": "9b1e" * 16, "secretops.io/vault-version": "3"}
    assert taken_over_annotations(current, {"secretops.io/vault-version": "4"}) == {"secretops.io/vault-version": "4"}


def test_merged_data_keeps_other_writers_keys_and_drops_stale_managed_ones():
    current = {"password": "old", "password_previous": "older", "extra": "theirs"}
    desired = {"password": "new", "username": "app"}
    managed = ["username", "password", "username_previous", "password_previous"]
    assert merged_data(current, desired, managed) == {"password": "new", "username": "app", "extra": "theirs"}
    assert merged_data(None, desired, managed) == desired
    assert current == {"password": "old", "password_previous": "older", "extra": "theirs"}, "inputs are not changed"


def db_secret(**data):
    return {"apiVersion": "v1", "kind": "Secret", "type": "Opaque", "metadata": {"name": "db", "namespace": "demo"}, "data": data}


def test_the_fake_refuses_a_put_at_a_stale_resource_version():
    server = FakeApiServer(db_secret(a="MQ=="))
    stale = server.request("GET", "/api/v1/namespaces/{namespace}/secrets/{name}", path_params={"namespace": "demo", "name": "db"})
    server.secrets[("demo", "db")] = server._store(dict(copy.deepcopy(stale), data={"a": "Mg=="}))  # another writer
    with pytest.raises(SecretOpsError) as conflict:
        server.request("PUT", "/api/v1/namespaces/{namespace}/secrets/{name}", path_params={"namespace": "demo", "name": "db"},
                       body=stale, action="update Secret demo/db")
    assert conflict.value.details == {"status": 409} and "changed or created concurrently" in str(conflict.value)
    assert server.secrets[("demo", "db")]["data"] == {"a": "Mg=="}


def test_update_keys_rereads_and_writes_again_after_a_concurrent_write_keeping_the_other_writers_key():
    server = FakeApiServer(db_secret(password="b2xk"))

    def another_writer(attempt):
        if attempt == 1:
            current = server.secrets[("demo", "db")]
            server._store(dict(copy.deepcopy(current), data=dict(current["data"], theirs="eA==")))

    outcome = SecretService(server).update_keys("demo", "db", "Opaque", {"password": "bmV3"}, {}, ["password"], before_write=another_writer)
    assert outcome["changed"] is True and outcome["attempts"] == 2
    assert server.secrets[("demo", "db")]["data"] == {"password": "bmV3", "theirs": "eA=="}
    assert server.methods() == ["GET", "PUT", "GET", "PUT"]


def test_update_keys_gives_up_after_as_many_conflicts_as_attempts():
    server = FakeApiServer(db_secret(password="b2xk"))

    def always_first(attempt):
        current = server.secrets[("demo", "db")]
        server._store(dict(copy.deepcopy(current), data=dict(current["data"], n=str(attempt))))

    with pytest.raises(SecretOpsError, match="cannot update Secret demo/db: it changed concurrently 3 times in a row"):
        SecretService(server).update_keys("demo", "db", "Opaque", {"password": "bmV3"}, {}, ["password"],
                                          before_write=always_first, attempts=3)
    assert server.methods().count("PUT") == 3


def test_update_keys_with_a_stale_listed_secret_meets_a_409_and_then_reads_it():
    server = FakeApiServer(db_secret(password="b2xk"))
    listed = copy.deepcopy(server.secrets[("demo", "db")])
    server._store(dict(copy.deepcopy(listed), data={"password": "b2xk", "theirs": "eA=="}))
    outcome = SecretService(server).update_keys("demo", "db", "Opaque", {"password": "bmV3"}, {}, ["password"], listed=listed)
    assert outcome["attempts"] == 2 and server.methods() == ["PUT", "GET", "PUT"]
    assert server.secrets[("demo", "db")]["data"] == {"password": "bmV3", "theirs": "eA=="}


def test_update_keys_creates_a_missing_secret_and_a_concurrent_creator_makes_it_read_again():
    server = FakeApiServer()

    def concurrent_creator(attempt):
        if attempt == 1:
            server._store(db_secret(theirs="eA=="))

    outcome = SecretService(server).update_keys("demo", "db", "Opaque", {"password": "bmV3"}, {}, ["password"],
                                                before_write=concurrent_creator)
    assert (outcome["created"], outcome["attempts"]) == (False, 2)
    assert server.secrets[("demo", "db")]["data"] == {"password": "bmV3", "theirs": "eA=="}
