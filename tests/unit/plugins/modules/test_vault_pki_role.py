"""vault_pki_role follows the one list-form rule: every item option is inherited from the task level, and has no default."""

from ansible_collections.secretops.provisioning.plugins.module_utils import list_form
from ansible_collections.secretops.provisioning.plugins.modules import vault_pki_role


def test_every_item_option_is_inherited_and_has_no_default():
    item_options = vault_pki_role.item_argument_spec()
    assert list_form.unclassified(item_options, vault_pki_role.INHERITED, (), item_only=("name",)) == []
    assert all("default" not in item_options[option] for option in vault_pki_role.INHERITED)
