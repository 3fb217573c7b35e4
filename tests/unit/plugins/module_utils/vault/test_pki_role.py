"""PKI roles against a fake of VaultClient.request: a write repeats what Vault has, since Vault replaces a whole role."""

from ansible_collections.secretops.provisioning.plugins.module_utils.vault import pki_role
from tests.unit.plugins.module_utils.vault.fakes import FakeVaultApi

PATH = "pki/roles/web"
CURRENT = {"data": {"allowed_domains": ["a.test"], "allow_subdomains": True, "key_type": "ec", "key_bits": 256, "ttl": 3600,
                    "max_ttl": 86400, "cn_validations": ["email", "hostname"]}}


def _settings(**given):
    settings = dict((name, None) for name in pki_role.ROLE_KINDS)
    settings.update(given)
    return settings


def test_a_new_role_is_written_with_the_given_settings_only():
    vault = FakeVaultApi()
    result = pki_role.ensure_role(vault, "pki", "web", _settings(allowed_domains=["a.test"], ttl="1h"))
    assert result["changed"] is True and result["changed_settings"] == ["allowed_domains", "ttl"]
    assert vault.writes() == [("POST", PATH, {"allowed_domains": ["a.test"], "ttl": "3600s"})]
    assert result["diff"] == {"before": None, "after": {"allowed_domains": ["a.test"], "ttl": 3600}}


def test_an_update_repeats_what_vault_has():
    vault = FakeVaultApi({("GET", PATH): CURRENT})
    result = pki_role.ensure_role(vault, "pki", "web", _settings(max_ttl="48h"))
    assert result["changed_settings"] == ["max_ttl"]
    assert vault.writes() == [("POST", PATH, dict(CURRENT["data"], max_ttl="172800s"))]
    assert result["diff"] == {"before": {"max_ttl": 86400}, "after": {"max_ttl": 172800}}


def test_an_equal_role_is_not_written_and_check_mode_never_writes():
    vault = FakeVaultApi({("GET", PATH): CURRENT})
    assert pki_role.ensure_role(vault, "pki", "web", _settings(allowed_domains=["a.test", "a.test"], ttl=3600, key_bits=256))["changed"] is False
    assert pki_role.ensure_role(vault, "pki", "web", _settings(ttl="2h"), check_mode=True)["changed"] is True
    assert vault.writes() == []


def test_absent_deletes():
    vault = FakeVaultApi({("GET", PATH): CURRENT})
    result = pki_role.ensure_role(vault, "pki/", "web", _settings(), state="absent")
    assert result["changed"] is True and vault.writes() == [("DELETE", PATH, None)]
    assert result["diff"]["before"]["allowed_domains"] == ["a.test"]
    assert pki_role.ensure_role(FakeVaultApi(), "pki", "web", _settings(), state="absent")["changed"] is False


def test_argument_spec_covers_every_setting():
    spec = pki_role.role_argument_spec()
    assert set(spec) == set(pki_role.ROLE_KINDS)
    assert spec["ttl"]["type"] == "raw" and spec["allowed_domains"] == {"type": "list", "elements": "str"}
    assert spec["allow_subdomains"] == {"type": "bool"} and spec["key_bits"]["type"] == "int"
