"""vault_pki_ca's main(): what the argument spec refuses before anything is sent to Vault."""

from ansible_collections.secretops.provisioning.plugins.modules import vault_pki_ca as module_file
from tests.unit.plugins.modules.harness import run_module

VAULT = {"url": "https://vault.example.test:8200", "token": "s.TOKEN"}


def test_an_imported_bundle_excludes_a_generated_ca(monkeypatch):
    ended = run_module(module_file, dict(VAULT, pem_bundle="-----BEGIN CERTIFICATE-----", common_name="ca"), monkeypatch)
    assert ended.failed and "mutually exclusive" in ended.result["msg"]


def test_an_intermediate_needs_its_issuer_and_common_name(monkeypatch):
    ended = run_module(module_file, dict(VAULT, type="intermediate"), monkeypatch)
    assert ended.failed and "type is intermediate but all of the following are missing: issuer_mount_point, common_name" in ended.result["msg"]
