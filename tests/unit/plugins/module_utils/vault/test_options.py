"""Vault connection and auth options, their doc fragment and lookup sources stay in step."""

import yaml

from ansible_collections.secretops.provisioning.plugins.doc_fragments.vault_connection import ModuleDocFragment
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import options


def _fragment(name):
    return yaml.safe_load(getattr(ModuleDocFragment, name))["options"]


def test_doc_fragment_documents_exactly_the_options():
    documented = dict(_fragment("DOCUMENTATION"), **_fragment("AUTH"))
    assert set(_fragment("DOCUMENTATION")) == set(options.CONNECTION_OPTIONS)
    assert set(_fragment("AUTH")) == set(options.AUTH_OPTIONS)
    for name, option in options.ALL_OPTIONS.items():
        doc = documented[name]
        assert doc["type"] == option["type"], name
        assert doc.get("default") == option["default"], name
        assert doc.get("choices") == option["choices"], name
        assert doc.get("aliases", []) == option["aliases"], name


def test_lookup_sources_match_the_env_fallbacks():
    plugin_sources = _fragment("PLUGINS")
    assert set(plugin_sources) == set(options.ALL_OPTIONS)
    for name, option in options.ALL_OPTIONS.items():
        assert [entry["name"] for entry in plugin_sources[name].get("env", [])] == option["env"], name
        # A former name (an alias) stays readable from the same sources.
        assert plugin_sources[name]["vars"] == [{"name": "secretops_vault_" + known} for known in [name] + option["aliases"]], name
        if "ini" in plugin_sources[name]:
            assert [entry["key"] for entry in plugin_sources[name]["ini"]] == [name] + option["aliases"], name
        if option["no_log"]:
            assert "ini" not in plugin_sources[name], "secrets do not belong in ansible.cfg: " + name


def test_argument_spec_has_env_fallbacks_and_no_log():
    spec = options.vault_argument_spec(path={"type": "str"})
    assert spec["url"]["fallback"][1] == ["VAULT_ADDR"]
    assert spec["token"]["fallback"][1] == ["VAULT_TOKEN"]
    assert spec["namespace"]["fallback"][1] == ["VAULT_NAMESPACE"]
    assert spec["ca_cert"]["fallback"][1] == ["VAULT_CACERT"]
    assert "namespace" not in spec or "default" not in spec["namespace"]  # never forced
    for name in ("token", "jwt", "secret_id"):
        assert spec[name]["no_log"] is True
    assert spec["auth_method"]["choices"] == ["approle", "jwt", "kubernetes", "token"]
    assert spec["path"] == {"type": "str"}
    assert spec["auth_mount_path"]["aliases"] == ["auth_mount_point"]
    assert set(options.connection_argument_spec()) == set(options.CONNECTION_OPTIONS)


def test_params_come_from_a_mapping_or_a_getter():
    params = {"url": "http://v", "token": "t", "other": 1}
    assert options.vault_params(params)["url"] == "http://v"
    assert options.vault_params(params.get)["token"] == "t"
    assert set(options.vault_params(params, options.CONNECTION_OPTIONS)) == set(options.CONNECTION_OPTIONS)
