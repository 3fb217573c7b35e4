"""rotation/options.py: the options of the modules that move secrets from Vault into Kubernetes
Secrets (one secret at top level or many in ``secrets``), and the secret description built from them."""

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.connection import connection_argument_spec
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import options
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.checksum import Fingerprinter

SINGLE = {"name": "db", "namespace": "shop", "vault_path": "secret/shop/db"}


def validate(params):
    return ArgumentSpecValidator(options.argument_spec(), **options.LIST_FORM).validate(params)


def test_the_spec_has_the_kubernetes_connection_the_vault_dict_and_both_forms():
    spec = options.argument_spec(seed={"type": "bool", "default": False})
    assert set(connection_argument_spec()) < set(spec)
    assert spec["vault"]["type"] == "dict" and spec["concurrency"] == {"type": "int", "default": 8}
    assert spec["seed"] == {"type": "bool", "default": False}
    assert set(options.item_options()) <= set(spec["secrets"]["options"])


def test_an_item_takes_the_module_extras_and_requires_name_and_vault_path():
    items = options.item_options(only_if_older_than={"type": "str"})
    assert items["only_if_older_than"] == {"type": "str"}
    assert items["name"]["required"] and items["vault_path"]["required"]
    assert items["type"]["choices"] == options.SECRET_TYPES
    assert all("default" not in option for option in items.values())  # an item without one takes the task's


def test_the_single_form_takes_the_task_defaults():
    validated = validate(SINGLE)
    assert validated.error_messages == []
    params = validated.validated_parameters
    assert (params["type"], params["generate"], params["mapping"], params["keep_previous"]) == ("opaque", {}, {}, False)


def test_one_form_is_required_and_a_name_needs_its_namespace_and_path():
    assert "one of the following is required: name, secrets" in " ".join(validate({}).error_messages)
    both = validate(dict(SINGLE, secrets=[{"name": "a", "vault_path": "secret/a"}]))
    assert any("mutually exclusive" in message for message in both.error_messages)
    assert any("namespace" in message for message in validate({"name": "db", "vault_path": "secret/db"}).error_messages)


def test_secret_spec_generates_the_fields_asked_and_takes_given_values_over_them():
    params = dict(SINGLE, type="basic-auth", generate={"password": {"length": 24}, "username": None, "salt": ""},
                  mapping={1: 2, "password": "pw"}, keep_previous=True)
    spec = options.secret_spec(params, values={"username": "app"})
    assert spec == {"name": "db", "type": "basic-auth", "vault_path": "secret/shop/db", "keep_previous": True,
                    "fields": {"password": {"generate": {"length": 24}}, "salt": {"generate": True}, "username": {"value": "app"}},
                    "mapping": {"1": "2", "password": "pw"}}
    assert options.secret_spec(dict(params, generate=None, mapping=None))["fields"] == {}


def test_diff_fingerprints_only_with_diff_mode():
    assert options.diff_fingerprinter(False) is None
    assert isinstance(options.diff_fingerprinter(True), Fingerprinter)
