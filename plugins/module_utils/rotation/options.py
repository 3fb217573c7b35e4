# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options shared by the modules that move secrets from Vault into Kubernetes Secrets.

They talk to both servers, whose connection options share names (``namespace``, ``ca_cert``,
``validate_certs``), so the Kubernetes connection stays at the top level (``namespace`` is the
Kubernetes namespace) and the Vault connection is the ``vault`` dict, with the same ``VAULT_*``
environment fallbacks as the vault_* modules. ``plugins/doc_fragments/secret_sync.py`` documents them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils import list_form
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.connection import connection_argument_spec, connection_params
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.checksum import Fingerprinter
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import client as vault_client_layer
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.options import vault_argument_spec, vault_params

SECRET_TYPES = ["opaque", "basic-auth", "tls", "dockerconfigjson"]


def diff_fingerprinter(diff_mode):
    """The fingerprinter of the task's value-free Secret diffs (one random key per run), or None without ``--diff``."""
    return Fingerprinter() if diff_mode else None


def argument_spec(item_extra=None, **extra):
    """The module's options: one secret at top level, or many in ``secrets`` (see ``LIST_FORM``).

    ``item_extra`` are the module's own options an item of ``secrets`` takes too (without defaults:
    an item that does not set one takes the task's).
    """
    spec = connection_argument_spec()
    spec.update(list_form.argument_spec("secrets", item_options(**(item_extra or {})), TASK_DEFAULTS, item_only=ITEM_ONLY))
    spec.update(
        vault=dict(type="dict", default={}, apply_defaults=True, options=vault_argument_spec()),
        concurrency=dict(type="int", default=8),
    )
    spec.update(extra)
    return spec


# The task-level defaults of the item options, and the options that identify an item.
TASK_DEFAULTS = dict(type="opaque", generate={}, mapping={}, keep_previous=False)
ITEM_ONLY = ("name", "vault_path")


def item_options(**extra):
    """Options of one item of ``secrets``."""
    items = dict(
        name=dict(type="str", required=True),
        namespace=dict(type="str"),
        type=dict(type="str", choices=SECRET_TYPES),
        vault_path=dict(type="str", required=True),
        mount_point=dict(type="str"),
        generate=dict(type="dict"),
        mapping=dict(type="dict"),
        keep_previous=dict(type="bool"),
    )
    items.update(extra)
    return items


# AnsibleModule constraints of the single and the list form: one secret named at top level, or a list.
LIST_FORM = dict(
    required_one_of=[("name", "secrets")],
    mutually_exclusive=[("name", "secrets"), ("vault_path", "secrets")],
    required_by={"name": ("namespace", "vault_path")},
)


def secret_spec(params, values=None):
    """The secret description the rotation service takes, from module params."""
    fields = dict((field, {"generate": rules if rules not in (None, "") else True}) for field, rules in (params["generate"] or {}).items())
    for field, value in (values or {}).items():
        fields[field] = {"value": value}
    return {
        "name": params["name"],
        "type": params["type"],
        "vault_path": params["vault_path"],
        "fields": fields,
        "mapping": dict((str(key), str(value)) for key, value in (params["mapping"] or {}).items()),
        "keep_previous": params["keep_previous"],
    }


def vault_session(params):
    """``with vault_session(params) as vault:`` the Vault client of the ``vault`` dict; a token it
    made by logging in is revoked when the block ends (unless ``vault.revoke_token`` is false)."""
    return vault_client_layer.vault_session(vault_params(params["vault"] or {}))


def k8s_params(params):
    return connection_params(params)
