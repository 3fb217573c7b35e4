"""audit/options.py: the options every audit module takes (the Kubernetes connection, namespaces,
secret_names) and the Vault dict only for the modules that read Vault."""

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.secretops.provisioning.plugins.module_utils.audit import options
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.connection import connection_argument_spec
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.options import vault_argument_spec


def test_the_kubernetes_connection_and_the_selection_without_vault():
    spec = options.argument_spec()
    assert set(connection_argument_spec()) < set(spec) and "vault" not in spec
    assert spec["namespaces"] == {"type": "list", "elements": "str"}
    # secret_names are names, not values: logged as they are (no_log=False keeps Ansible from guessing otherwise)
    assert spec["secret_names"] == {"type": "list", "elements": "str", "default": [], "no_log": False}


def test_the_vault_dict_takes_the_vault_options_with_their_defaults():
    spec = options.argument_spec(vault=True)
    assert spec["vault"]["type"] == "dict" and spec["vault"]["apply_defaults"] is True
    assert spec["vault"]["options"] == vault_argument_spec()
    validated = ArgumentSpecValidator(spec).validate({"namespaces": ["shop"]})
    assert validated.error_messages == []
    assert validated.validated_parameters["vault"] is not None and validated.validated_parameters["secret_names"] == []


def test_a_module_adds_its_own_options_and_may_replace_a_shared_one():
    spec = options.argument_spec(max_age={"type": "str"}, namespaces={"type": "list", "elements": "str", "required": True})
    assert spec["max_age"] == {"type": "str"} and spec["namespaces"]["required"] is True
