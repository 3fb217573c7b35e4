"""revocation/ledger.py against the fake API server (``k8s/fakes.py``): one record Secret per managed
Secret in the automation's namespace (made on first use), named by a digest, written with the
resourceVersion it was read at, so a concurrent writer is never overwritten."""

import base64
import json

import pytest

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.revocation import record as records
from ansible_collections.secretops.provisioning.plugins.module_utils.revocation.ledger import (
    DEFAULT_NAMESPACE, RECORD_TYPE, Ledger, record_name)

from ..k8s.fakes import FakeApiServer

NAME = record_name("shop", "db")


def issued(lease_id="database/creds/app/1"):
    book = records.empty("shop", "db")
    book["current"] = records.credential(lease_id, "database/creds/app")
    return book


def stored(server, namespace=DEFAULT_NAMESPACE):
    secret = server.secrets[(namespace, NAME)]
    return secret, json.loads(base64.b64decode(secret["data"]["record"]))


def test_the_name_is_a_digest_of_namespace_and_name_a_tenant_cannot_choose():
    assert NAME == record_name("shop", "db") and NAME.startswith("revocations-") and len(NAME) == len("revocations-") + 24
    assert "shop" not in NAME and record_name("shop", "db2") != NAME and record_name("sho", "p/db") != NAME


def test_a_secret_without_a_record_reads_as_an_empty_one():
    server = FakeApiServer()
    assert Ledger(server).read("shop", "db") == records.empty("shop", "db")
    assert server.requests == [("GET", "/api/v1/namespaces/%s/secrets/%s" % (DEFAULT_NAMESPACE, NAME))]


def test_the_first_write_creates_the_namespace_when_missing_then_the_record():
    server = FakeApiServer()
    server.failures[("POST", DEFAULT_NAMESPACE, NAME)] = [404]  # the namespace of the records does not exist yet
    ledger = Ledger(server)
    ledger.read("shop", "db")
    ledger.write(issued())
    assert server.objects["/api/v1/namespaces/" + DEFAULT_NAMESPACE]["metadata"]["labels"] == {"app.kubernetes.io/managed-by": "secretops.provisioning"}
    secret, book = stored(server)
    assert secret["type"] == RECORD_TYPE and secret["metadata"]["annotations"] == {"secretops.io/secret": "shop/db"}
    assert book == issued()
    assert Ledger(server).read("shop", "db") == issued()


def test_an_existing_namespace_is_kept_and_a_custom_one_is_used():
    server = FakeApiServer(objects={"/api/v1/namespaces/ops": {"metadata": {"name": "ops", "labels": {"team": "ops"}}}})
    server.failures[("POST", "ops", NAME)] = [404]
    ledger = Ledger(server, "ops")
    ledger.read("shop", "db")
    ledger.write(issued())
    assert server.objects["/api/v1/namespaces/ops"]["metadata"]["labels"] == {"team": "ops"}
    assert stored(server, "ops")[1] == issued() and (DEFAULT_NAMESPACE, NAME) not in server.secrets


def test_a_later_write_replaces_the_record_at_the_version_it_read():
    server = FakeApiServer()
    ledger = Ledger(server)
    ledger.read("shop", "db")
    ledger.write(issued("database/creds/app/1"))
    ledger.write(issued("database/creds/app/2"))  # the version of its own write is the one it holds
    assert stored(server)[1]["current"]["id"] == "database/creds/app/2"
    puts = [body for method, _path, body in server.bodies if method == "PUT"]
    assert len(puts) == 1 and puts[0]["metadata"]["resourceVersion"]


def test_a_write_in_between_is_an_error_and_is_kept():
    server = FakeApiServer()
    first = Ledger(server)
    first.read("shop", "db")
    first.write(issued("database/creds/app/1"))
    mine, theirs = Ledger(server), Ledger(server)
    mine.read("shop", "db")
    theirs.read("shop", "db")
    theirs.write(issued("database/creds/app/theirs"))
    with pytest.raises(SecretOpsError, match="write the revocation record of shop/db to namespace secretops-system") as raised:
        mine.write(issued("database/creds/app/mine"))
    assert raised.value.details["status"] == 409
    assert stored(server)[1]["current"]["id"] == "database/creds/app/theirs"


def test_a_record_created_by_another_run_since_the_read_is_not_overwritten():
    server = FakeApiServer()
    mine, theirs = Ledger(server), Ledger(server)
    mine.read("shop", "db")
    theirs.read("shop", "db")
    theirs.write(issued("database/creds/app/theirs"))
    with pytest.raises(SecretOpsError) as raised:
        mine.write(issued("database/creds/app/mine"))
    assert raised.value.details["status"] == 409 and stored(server)[1]["current"]["id"] == "database/creds/app/theirs"
