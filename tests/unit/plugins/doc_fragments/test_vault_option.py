"""The ``vault`` option's doc fragment documents exactly the Vault connection and auth options."""

import yaml

from ansible_collections.secretops.provisioning.plugins.doc_fragments.vault_option import ModuleDocFragment
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import options


def test_the_vault_dict_documents_every_option_as_the_argument_spec_has_it():
    vault = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]["vault"]
    assert vault["type"] == "dict" and vault["default"] == {}
    documented = vault["suboptions"]
    assert set(documented) == set(options.ALL_OPTIONS)
    for name, option in options.ALL_OPTIONS.items():
        assert documented[name]["type"] == option["type"], name
        assert documented[name].get("default") == option["default"], name
        assert documented[name].get("choices") == option["choices"], name
        assert documented[name].get("aliases", []) == option["aliases"], name
