"""What AWX / Automation Controller does with a custom credential type, rewritten for the tests from
AWX's documented behaviour (awx/main/fields.py and awx/main/models/credential/__init__.py):

- ``validate``: the checks AWX runs when a credential type is created: the inputs and injectors
  JSON schemas, reserved and duplicate field ids, no ``ANSIBLE_*`` variable, every template renders
  with ``StrictUndefined`` when each field holds a value (and ``tower.filename`` exists only with a
  file injector).
- ``inject``: what a job gets from one credential: only non-empty inputs (and booleans) are in the
  template namespace, every file template is written to a file, every ``env`` template is rendered
  (so a variable is injected even when its input is blank: as an empty string).
"""

import os
import re
import tempfile

import jsonschema
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

NAME = r"^[a-zA-Z_]+[a-zA-Z0-9_]*$"
INPUTS_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "required": {"type": "array", "items": {"type": "string"}},
        "fields": {"type": "array", "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["id", "label"],
            "properties": {
                "type": {"enum": ["string", "boolean"]},
                "format": {"enum": ["ssh_private_key", "url"]},
                "choices": {"type": "array", "minItems": 1, "items": {"type": "string"}, "uniqueItems": True},
                "id": {"type": "string", "pattern": NAME},
                "label": {"type": "string"},
                "help_text": {"type": "string"},
                "multiline": {"type": "boolean"},
                "secret": {"type": "boolean"},
                "ask_at_runtime": {"type": "boolean"},
                "default": {},
            },
        }},
    },
}
INJECTORS_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "file": {"type": "object", "additionalProperties": False,
                 "patternProperties": {r"^template(\.[a-zA-Z_]+[a-zA-Z0-9_]*)?$": {"type": "string"}}},
        "env": {"type": "object", "additionalProperties": False,
                "patternProperties": {NAME: {"type": "string", "pattern": "^[\x00-\x7F]*$"}}},
        "extra_vars": {"type": "object", "additionalProperties": False, "patternProperties": {NAME: {"type": "string"}}},
    },
}
KINDS = ("ssh", "vault", "net", "scm", "cloud", "insights")


class _Files(object):
    pass


def _namespace(field_values, filenames):
    tower = _Files()
    if "template" in filenames:
        tower.filename = filenames["template"]
    elif filenames:
        tower.filename = _Files()
        for label, path in filenames.items():
            setattr(tower.filename, label.split(".", 1)[1], path)
    return dict(field_values, tower=tower)


def validate(credential_type):
    """Raise AssertionError (or jsonschema's error) where AWX would refuse ``credential_type``."""
    assert credential_type.get("kind") in KINDS
    assert credential_type.get("name")
    inputs, injectors = credential_type["inputs"], credential_type["injectors"]
    jsonschema.validate(inputs, INPUTS_SCHEMA)
    jsonschema.validate(injectors, INJECTORS_SCHEMA)
    ids = [field["id"] for field in inputs["fields"]]
    assert "tower" not in ids and len(ids) == len(set(ids)), ids
    assert set(inputs.get("required", [])) <= set(ids)
    for field in inputs["fields"]:
        kind = field.get("type", "string")
        for key in ("choices", "multiline", "format", "secret"):
            assert key not in field or kind == "string", field["id"]
        if "default" in field:
            assert isinstance(field["default"], {"string": str, "boolean": bool}[kind]), field["id"]
    files = [label for label in injectors.get("file", {}) if label.startswith("template")]
    assert "template" not in files or len(files) == 1, "multi-file syntax needed for several files"
    for env in injectors.get("env", {}):
        assert not env.startswith("ANSIBLE_"), env
    namespace = _namespace(dict((name, "EXAMPLE") for name in ids), dict((label, "EXAMPLE_FILENAME") for label in files))
    sandbox = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    for section in injectors.values():
        for template in section.values():
            sandbox.from_string(template).render(namespace)


def inject(credential_type, inputs, private_dir):
    """``(env, files)`` a job gets from a credential of ``credential_type`` holding ``inputs``."""
    values = dict((name, value) for name, value in inputs.items() if isinstance(value, bool) or len(value))
    for field in credential_type["inputs"]["fields"]:
        if field.get("type") == "boolean" and field["id"] not in inputs:
            values[field["id"]] = False
    sandbox = ImmutableSandboxedEnvironment()
    filenames, files = {}, {}
    for label, template in credential_type["injectors"].get("file", {}).items():
        handle, path = tempfile.mkstemp(dir=private_dir)
        with os.fdopen(handle, "w") as out:
            out.write(sandbox.from_string(template).render(**values))
        filenames[label] = path
        with open(path) as written:
            files[path] = written.read()
    namespace = _namespace(values, filenames)
    env = dict((name, sandbox.from_string(template).render(**namespace))
               for name, template in credential_type["injectors"].get("env", {}).items())
    return env, files


def env_names(credential_type):
    return set(credential_type["injectors"].get("env", {}))


def field_ids(credential_type, secret=None):
    return [field["id"] for field in credential_type["inputs"]["fields"] if secret is None or bool(field.get("secret")) == secret]


def is_env_name(name):
    return re.match(NAME, name) is not None


def kubernetes_bearer_token(inputs, private_dir):
    """The environment AWX's built-in "OpenShift or Kubernetes API Bearer Token" credential gives a
    job (its ``kubernetes_bearer_token`` injector): host and token always; the CA written to a file
    and verification on only when ``verify_ssl`` is set and a CA is given, else verification off."""
    env = {"K8S_AUTH_HOST": inputs.get("host", ""), "K8S_AUTH_API_KEY": inputs.get("bearer_token", "")}
    if inputs.get("verify_ssl") and "ssl_ca_cert" in inputs:
        env["K8S_AUTH_VERIFY_SSL"] = "True"
        handle, path = tempfile.mkstemp(dir=private_dir)
        with os.fdopen(handle, "w") as out:
            out.write(inputs["ssl_ca_cert"])
        env["K8S_AUTH_SSL_CA_CERT"] = path
    else:
        env["K8S_AUTH_VERIFY_SSL"] = "False"
    return env
