"""Vault policy paths as Vault matches them, and which auth roles read a path."""

from ansible_collections.secretops.provisioning.plugins.module_utils.audit import vault_access
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.hcl_policy import path_blocks


def test_path_matches_globs_and_segments():
    assert vault_access.path_matches("secret/data/shop/db", "secret/data/shop/db")
    assert not vault_access.path_matches("secret/data/shop/db", "secret/data/shop/db2")
    assert vault_access.path_matches("secret/data/shop/*", "secret/data/shop/db")
    assert vault_access.path_matches("secret/data/sh*", "secret/data/shop/db")
    assert vault_access.path_matches("secret/data/+/db", "secret/data/shop/db")
    assert not vault_access.path_matches("secret/data/+/db", "secret/data/shop/x/db")
    assert not vault_access.path_matches("secret/metadata/*", "secret/data/shop/db")


def test_best_match_and_deny():
    policy = path_blocks('path "secret/data/shop/*" { capabilities = ["read"] }\n'
                         'path "secret/data/shop/db" { capabilities = ["deny"] }')
    assert vault_access.reads({"p": policy}, "secret/data/shop/db")[0] is False
    assert vault_access.reads({"p": policy}, "secret/data/shop/api")[0] is True
    other = path_blocks('path "secret/data/*" { capabilities = ["deny"] }')
    assert vault_access.reads({"p": policy, "q": other}, "secret/data/shop/api")[0] is False
    allowed, evidence = vault_access.reads({"p": policy, "none": []}, "secret/data/shop/api")
    assert allowed and evidence == [{"policy": "p", "path": "secret/data/shop/*", "capabilities": ["read"]}]


def test_role_policies_and_entry():
    assert vault_access.role_policies({"token_policies": ["a"]}) == ["a", "default"]
    assert vault_access.role_policies({"token_policies": ["a"], "token_no_default_policy": True}) == ["a"]
    entry = vault_access.role_entry("kubernetes", "web", {"bound_service_account_names": "web,api",
                                                          "bound_service_account_namespaces": ["*"]}, [], "shop")
    assert entry["service_account_names"] == ["web", "api"] and entry["binds_secret_namespace"] is True
