"""Issue 22: what the Secret-delivering modules return is what their RETURN says, and ``secret`` is a dict
naming the Secret in every module (as k8s_secret's), with the name also in ``name``.

The results come from each module's own body run against the fakes of the two client layers; every key
but Ansible's own (``changed``, ``diff``; ``warnings`` is turned into module warnings) must be documented,
and every key documented as ``returned: always`` must be there.
"""

import contextlib
import importlib

import yaml

from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import bulk, options
from ansible_collections.secretops.provisioning.plugins.module_utils.delivery import database as database_delivery
from ansible_collections.secretops.provisioning.plugins.module_utils.delivery.pki import ensure_certificate
from tests.unit.plugins.module_utils.k8s.fakes import FakeApiServer, session_of
from tests.unit.plugins.module_utils.rotation import test_bulk as cases
from tests.unit.plugins.module_utils.delivery import test_database as db_cases, test_pki as pki_cases
from tests.unit.plugins.module_utils.vault.fakes import FakeKv2, FakeVaultApi

ANSIBLE_KEYS = {"changed", "diff", "warnings"}


def documented(module):
    source = importlib.import_module("ansible_collections.secretops.provisioning.plugins.modules." + module)
    return yaml.safe_load(source.RETURN)


def assert_matches_return(module, result):
    spec = documented(module)
    undocumented = set(result) - ANSIBLE_KEYS - set(spec)
    assert not undocumented, "%s returns keys its RETURN does not document: %s" % (module, sorted(undocumented))
    missing = [key for key, entry in spec.items() if entry.get("returned") == "always" and key not in result]
    assert not missing, "%s documents as always returned: %s" % (module, missing)
    assert spec["secret"]["type"] == "dict" and set(spec["secret"]["contains"]) == {"name", "namespace"}
    assert result["secret"] == {"name": result["name"], "namespace": result["namespace"]}


def test_vault_pki_certificate_returns_what_it_documents():
    vault, k8s = FakeVaultApi({pki_cases.ISSUE: pki_cases._issued()}), FakeApiServer()
    issued = ensure_certificate(vault, k8s, pki_cases._request(include_ca=True), now=pki_cases._now())
    assert_matches_return("vault_pki_certificate", issued)
    standing = ensure_certificate(vault, k8s, pki_cases._request(include_ca=True), now=pki_cases._now())
    assert standing["issued"] is False
    assert_matches_return("vault_pki_certificate", standing)


def test_vault_database_credentials_returns_what_it_documents():
    vault, server = db_cases.vault_with(), FakeApiServer()
    dynamic = database_delivery.deliver_dynamic(vault, server, db_cases.spec(), now=db_cases.NOW)
    assert_matches_return("vault_database_credentials", dynamic)
    body = {"data": {"username": "report", "password": "pw2", "last_vault_rotation": "T2", "ttl": 50, "rotation_period": 3600}}
    vault, server = FakeVaultApi({("GET", "database/static-creds/r"): body}), FakeApiServer()
    static_spec = db_cases.spec(role="r", role_type="static", type="opaque", mapping={"DB_PASSWORD": "password"})
    static = database_delivery.deliver_static(vault, server, static_spec)
    assert_matches_return("vault_database_credentials", static)


def test_secret_sync_and_secret_rotation_items_return_what_the_modules_document(monkeypatch):
    _servers(monkeypatch)
    synced = bulk.sync_all(cases.params([cases.item("a")]))["results"][0]
    assert_matches_return("secret_sync", synced)
    rotated = bulk.rotate_all(cases.params([cases.rotation_item("a")]))["rotations"][0]
    assert_matches_return("secret_rotation", rotated)


def _servers(monkeypatch):
    """The fakes of test_bulk's ``servers`` fixture, set up here (a fixture is not called directly)."""
    vault, api = FakeKv2(), FakeApiServer()

    @contextlib.contextmanager
    def vault_session(params):
        yield vault

    monkeypatch.setattr(options, "vault_session", vault_session)
    monkeypatch.setattr(bulk, "k8s_session", session_of(api))
