"""The vault dict fragment documents exactly the Vault options (the vault_connection fragment's, in the same words)."""

import re

import yaml

from ansible_collections.secretops.provisioning.plugins.doc_fragments import vault_connection, vault_dict
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import options


def in_dict_references(option):
    """``option`` with each O(name) of a Vault option written O(vault.name), as inside the dict."""
    text = yaml.safe_dump(option)
    text = re.sub(r"O\(([a-z_]+)(?=[=)])", lambda match: "O(vault.%s" % match.group(1), text)
    return yaml.safe_load(text)


def test_suboptions_are_the_vault_options():
    vault = yaml.safe_load(vault_dict.ModuleDocFragment.DOCUMENTATION)["options"]["vault"]
    assert vault["type"] == "dict" and vault["default"] == {}
    suboptions = vault["suboptions"]
    assert set(suboptions) == set(options.ALL_OPTIONS)
    fragment = vault_connection.ModuleDocFragment
    documented = dict(yaml.safe_load(fragment.DOCUMENTATION)["options"], **yaml.safe_load(fragment.AUTH)["options"])
    for name, option in options.ALL_OPTIONS.items():
        assert suboptions[name]["type"] == option["type"], name
        assert suboptions[name].get("default") == option["default"], name
        assert suboptions[name].get("choices") == option["choices"], name
        assert suboptions[name].get("aliases", []) == option["aliases"], name
        # Word for word, so the dict never drifts from the top-level options (env var defaults included);
        # only its references name the options inside the dict.
        assert in_dict_references(documented[name]) == suboptions[name], name
