"""revocation/options.py: the revocation options of the dynamic-secret modules, named once in NAMES."""

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.secretops.provisioning.plugins.module_utils.revocation import options
from ansible_collections.secretops.provisioning.plugins.module_utils.revocation.ledger import DEFAULT_NAMESPACE


def test_the_options_are_the_names_listed_and_default_to_present_in_the_automation_namespace():
    spec = options.argument_spec()
    assert sorted(spec) == sorted(options.NAMES)
    validated = ArgumentSpecValidator(spec).validate({})
    assert validated.error_messages == []
    assert validated.validated_parameters == {"state": "present", "accept_revocation_in_use": False, "ledger_namespace": DEFAULT_NAMESPACE}


def test_state_is_present_or_revoked():
    assert ArgumentSpecValidator(options.argument_spec()).validate({"state": "revoked"}).validated_parameters["state"] == "revoked"
    refused = ArgumentSpecValidator(options.argument_spec()).validate({"state": "absent"})
    assert "value of state must be one of: present, revoked" in str(refused.error_messages)
