# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Builds a typed, validated Secret from module-style options, without any I/O.

``build_secret(spec)`` is the one entry point (also used by the rotation roles and workload
restarts). ``spec`` holds the module's options for one Secret, with file paths already replaced
by their content (see ``sources.resolve_sources``):

- ``name``, ``namespace``, ``state`` (default present), ``type`` (friendly or real name; inferred
  from the type-specific option when omitted), ``labels``, ``annotations``, ``immutable``,
  ``append_hash``, ``tls_expiry_warning_days``;
- content, merged into one key set (a key given twice is an error): ``data`` (key -> base64, as in
  a Secret manifest), ``string_data`` (key -> text, as ``stringData``), ``binary_data`` (key -> base64,
  the former name of ``data``), ``file_contents`` (key -> bytes), ``env_file_content``
  (bytes of a KEY=VALUE file, named by ``env_file`` in messages);
- per type: ``registries``, ``tls`` ({cert, key, ca} as PEM text), ``basic_auth``,
  ``ssh_auth``, ``service_account``, ``bootstrap_token``.

It returns a ``DesiredSecret`` whose ``data`` maps keys to base64 exactly as the API stores them,
or raises ``SecretOpsError`` naming the field or key to fix (never a value).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets import types, validation
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.checksum import append_hash_suffix

# The builders of one Secret type or source (bootstrap tokens, registries, env files, tls, ssh) are
# imported when a Secret needs them: a module run compiles every module_utils file it imports from
# the AnsiballZ zip (no cached bytecode there), and a loop pays that once per task.

SERVICE_ACCOUNT_ANNOTATION = "kubernetes.io/service-account.name"
DEFAULT_EXPIRY_WARNING_DAYS = 30

# type-specific option -> the types it applies to (the first is inferred when type is omitted)
TYPE_OPTIONS = {
    "registries": (types.DOCKERCONFIGJSON, types.DOCKERCFG),
    "tls": (types.TLS,),
    "basic_auth": (types.BASIC_AUTH,),
    "ssh_auth": (types.SSH_AUTH,),
    "service_account": (types.SERVICE_ACCOUNT_TOKEN,),
    "bootstrap_token": (types.BOOTSTRAP_TOKEN,),
}


class DesiredSecret(object):
    """What one Secret should look like. ``data`` is ``key -> base64``; ``info`` is value-free."""

    def __init__(self, name, namespace, state="present", secret_type=types.OPAQUE, data=None, labels=None,
                 annotations=None, immutable=False, generated_keys=(), info=None, warnings=()):
        self.name = name
        self.namespace = namespace
        self.state = state
        self.type = secret_type
        self.data = data or {}
        self.labels = labels or {}
        self.annotations = annotations or {}
        self.immutable = bool(immutable)
        self.generated_keys = list(generated_keys)
        self.info = info or {}
        self.warnings = list(warnings)

    @property
    def ref(self):
        return "%s/%s" % (self.namespace, self.name)

    def manifest(self, data=None):
        """The object to send to the API server (server-side apply body)."""
        metadata = {"name": self.name, "namespace": self.namespace}
        if self.labels:
            metadata["labels"] = dict(self.labels)
        if self.annotations:
            metadata["annotations"] = dict(self.annotations)
        body = {"apiVersion": "v1", "kind": "Secret", "metadata": metadata, "type": self.type,
                "data": dict(self.data if data is None else data)}
        if self.immutable:
            body["immutable"] = True
        return body


def _b64(raw):
    return base64.b64encode(raw).decode("ascii")


class _Content(object):
    """Collects keys from several options and refuses a key given by two of them."""

    def __init__(self):
        self.data = {}
        self.origin = {}

    def add(self, key, raw, source):
        validation.validate_key(key, source)
        if key in self.data:
            raise SecretOpsError("key %r is given by both %s and %s: give each key once" % (key, self.origin[key], source))
        self.data[key] = _b64(raw)
        self.origin[key] = source

    def add_encoded(self, key, encoded, source):
        validation.validate_key(key, source)
        validation.validate_base64(key, encoded, source)
        if key in self.data:
            raise SecretOpsError("key %r is given by both %s and %s: give each key once" % (key, self.origin[key], source))
        self.data[key] = _b64(base64.b64decode(encoded))  # canonical form, as the server returns it
        self.origin[key] = source


def _text_bytes(key, value, source):
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        raise SecretOpsError("%s key %r must be a string: quote the value (booleans, lists and null are not accepted)" % (source, key))
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8")


def _infer_type(spec):
    given = [option for option in TYPE_OPTIONS if spec.get(option)]
    if spec.get("type"):
        secret_type = types.normalize_type(spec["type"])
        for option in given:
            if secret_type not in TYPE_OPTIONS[option]:
                raise SecretOpsError(
                    "%s does not apply to type %s: drop it, or set type to %s" % (option, secret_type, TYPE_OPTIONS[option][0])
                )
        return secret_type
    if len(given) > 1:
        raise SecretOpsError("%s each imply a different type: give one of them per Secret" % " and ".join(given))
    return TYPE_OPTIONS[given[0]][0] if given else types.OPAQUE


def _sub(spec, option, allowed):
    value = spec.get(option) or {}
    if not isinstance(value, dict):
        raise SecretOpsError("%s must be a mapping with %s" % (option, ", ".join(allowed)))
    unknown = sorted(set(k for k, v in value.items() if v is not None) - set(allowed))
    if unknown:
        raise SecretOpsError("%s has unknown field(s) %s: use %s" % (option, ", ".join(unknown), ", ".join(allowed)))
    return value


def _add_typed_content(spec, secret_type, content):
    if secret_type in (types.DOCKERCONFIGJSON, types.DOCKERCFG) and spec.get("registries"):
        from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.dockerconfig import dockercfg, dockerconfigjson

        if secret_type == types.DOCKERCONFIGJSON:
            content.add(".dockerconfigjson", dockerconfigjson(spec["registries"]).encode("utf-8"), "registries")
        else:
            content.add(".dockercfg", dockercfg(spec["registries"]).encode("utf-8"), "registries")
    elif secret_type == types.TLS and spec.get("tls"):
        tls = _sub(spec, "tls", ("cert", "key", "ca"))
        if not tls.get("cert") or not tls.get("key"):
            raise SecretOpsError("tls needs both cert and key (or cert_file and key_file)")
        content.add("tls.crt", _text_bytes("tls.crt", tls["cert"], "tls"), "tls.cert")
        content.add("tls.key", _text_bytes("tls.key", tls["key"], "tls"), "tls.key")
        if tls.get("ca"):
            content.add("ca.crt", _text_bytes("ca.crt", tls["ca"], "tls"), "tls.ca")
    elif secret_type == types.BASIC_AUTH and spec.get("basic_auth"):
        basic = _sub(spec, "basic_auth", ("username", "password"))
        for field in ("username", "password"):
            if not basic.get(field):
                raise SecretOpsError("basic_auth.%s is required: give both username and password" % field)
            content.add(field, _text_bytes(field, basic[field], "basic_auth"), "basic_auth." + field)
    elif secret_type == types.SSH_AUTH and spec.get("ssh_auth"):
        ssh = _sub(spec, "ssh_auth", ("private_key", "known_hosts"))
        if not ssh.get("private_key"):
            raise SecretOpsError("ssh_auth.private_key is required: give the text of the private key file")
        content.add("ssh-privatekey", _text_bytes("ssh-privatekey", ssh["private_key"], "ssh_auth"), "ssh_auth.private_key")
        if ssh.get("known_hosts"):
            from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.ssh import check_known_hosts

            check_known_hosts(ssh["known_hosts"])
            content.add("known_hosts", _text_bytes("known_hosts", ssh["known_hosts"], "ssh_auth"), "ssh_auth.known_hosts")


def _check_typed_content(secret_type, content, info, warnings, expiry_days):
    data = content.data
    validation.validate_type_keys(secret_type, data)
    # tls and ssh import cryptography (tens of milliseconds): only for the Secret types that need it
    if secret_type == types.TLS:
        from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.tls import check_tls, expiry_warning

        decoded = dict((key, base64.b64decode(data[key])) for key in ("tls.crt", "tls.key", "ca.crt") if key in data)
        tls_info = check_tls(decoded["tls.crt"], decoded["tls.key"], decoded.get("ca.crt"))
        warnings.extend(tls_info.pop("warnings"))
        warning = expiry_warning(tls_info, expiry_days)
        if warning:
            warnings.append(warning)
        info["tls"] = tls_info
    elif secret_type == types.SSH_AUTH:
        from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.ssh import check_private_key

        source = content.origin["ssh-privatekey"]
        field = source if source == "ssh_auth.private_key" else "key 'ssh-privatekey'"
        info["ssh"] = check_private_key(base64.b64decode(data["ssh-privatekey"]), field)


def _absent(spec, secret_type):
    name = spec.get("name")
    namespace = spec.get("namespace")
    if secret_type == types.BOOTSTRAP_TOKEN or spec.get("bootstrap_token"):
        from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.bootstrap_token import bootstrap_token_content

        name, namespace, _data, _generated = bootstrap_token_content(spec.get("bootstrap_token"), name, namespace)
    validation.validate_name(name)
    validation.validate_namespace(namespace)
    return DesiredSecret(name, namespace, state="absent", secret_type=secret_type)


def build_secret(spec, environ=None, rng=None):
    """Build and validate one Secret from ``spec`` (see the module docstring); return a DesiredSecret.

    ``environ`` supplies values for env-file lines without ``=``; ``rng`` the randomness for
    generated bootstrap tokens (tests pass a seeded one).
    """
    secret_type = _infer_type(spec)
    state = spec.get("state") or "present"
    if state == "absent" and not spec.get("append_hash"):
        return _absent(spec, secret_type)
    name = spec.get("name")
    namespace = spec.get("namespace")
    labels = spec.get("labels") or {}
    annotations = dict(spec.get("annotations") or {})
    validation.validate_metadata(labels, annotations)
    content = _Content()
    info = {}
    warnings = []
    generated = []
    for key, value in (spec.get("data") or {}).items():
        content.add_encoded(key, value, "data")
    for key, value in (spec.get("string_data") or {}).items():
        content.add(key, _text_bytes(key, value, "string_data"), "string_data")
    for key, value in (spec.get("binary_data") or {}).items():
        content.add_encoded(key, value, "binary_data")
    for key, raw in (spec.get("file_contents") or {}).items():
        content.add(key, raw, "files")
    if spec.get("env_file_content") is not None:
        from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.envfile import parse_env_file

        source = "env_file %s" % spec.get("env_file", "")
        for key, value in parse_env_file(spec["env_file_content"], source.strip(), environ).items():
            content.add(key, value.encode("utf-8"), source.strip())
    _add_typed_content(spec, secret_type, content)
    if secret_type == types.BOOTSTRAP_TOKEN:
        if spec.get("append_hash"):
            raise SecretOpsError("append_hash cannot be used with bootstrap tokens: their name is bootstrap-token-<token id>")
        from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.bootstrap_token import bootstrap_token_content

        name, namespace, token_data, generated = bootstrap_token_content(spec.get("bootstrap_token"), name, namespace, rng)
        for key, value in token_data.items():
            content.add(key, value.encode("utf-8"), "bootstrap_token")
        info["token_id"] = token_data["token-id"]
    elif secret_type == types.SERVICE_ACCOUNT_TOKEN:
        if not spec.get("service_account"):
            raise SecretOpsError("a service-account-token Secret needs service_account: give the ServiceAccount's name")
        validation.validate_name(spec["service_account"], "service_account")
        for key in types.SERVICE_ACCOUNT_CONTROLLER_KEYS:
            if key in content.data:
                raise SecretOpsError("key %r of a service-account-token Secret is written by the token controller: drop it" % key)
        annotations[SERVICE_ACCOUNT_ANNOTATION] = spec["service_account"]
    validation.validate_size(content.data)
    _check_typed_content(secret_type, content, info, warnings, spec.get("tls_expiry_warning_days", DEFAULT_EXPIRY_WARNING_DAYS))
    if spec.get("append_hash"):
        validation.validate_name(name)
        name = "%s-%s" % (name, append_hash_suffix(name, secret_type, content.data))
    validation.validate_name(name)
    validation.validate_namespace(namespace)
    return DesiredSecret(name, namespace, state=state, secret_type=secret_type, data=content.data, labels=labels,
                         annotations=annotations, immutable=spec.get("immutable"), generated_keys=generated,
                         info=info, warnings=warnings)
