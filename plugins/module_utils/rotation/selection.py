# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the rotate_secrets role rotates: the selected secrets, their value-free references, and the
items of the secret_rotation module.

A pair is ``[{"name", "namespace"}, secret]``: the application as its name and namespace (a copy of
it with all its secrets in every pair makes a large selection slow) and one of its secrets, as the
role's ``rotate_secrets_applications`` give it. Pairs hold values; the references (targets) do not:
the role's loops run over targets, which point at their pair by ``index``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation.new_values import new_values_for

# A forced database credential asks for renewal this far ahead: no lease reaches a century, so new
# credentials are issued.
FORCE_WINDOW = "876000h"
KINDS = ("kv", "dynamic", "pki", "database")


def _named(secret, namespace, select):
    return secret.get("name") in select or ("%s/%s" % (namespace, secret.get("name"))) in select


def select_pairs(applications, select):
    """The ``[application, secret]`` pairs named in ``select`` (every pair when it is empty)."""
    pairs = []
    for application in applications or []:
        if not isinstance(application, dict):
            raise SecretOpsError("rotate_secrets_applications: every application must be a mapping")
        if "secrets" not in application:
            continue
        secrets = application["secrets"]
        if not isinstance(secrets, list):
            raise SecretOpsError("rotate_secrets_applications: the secrets of application %s must be a list" % application.get("name"))
        owner = {"name": application.get("name"), "namespace": application.get("namespace")}
        for secret in secrets:
            if not select or _named(secret, owner["namespace"], select):
                pairs.append([owner, secret])
    return pairs


def is_dynamic(pair):
    """A pki or database secret: it has no KV path."""
    return "vault_path" not in pair[1]


def targets(pairs, kind="kv", select=(), force_dynamic=False):
    """Value-free references to the pairs of one ``kind``: ``kv`` (secrets kept in Vault's KV),
    ``dynamic`` (pki and database), or ``pki`` or ``database`` alone.

    Each is ``{"index", "namespace", "secret"}``, ``index`` the pair's place in ``pairs``; a dynamic
    one adds ``source`` (pki or database), ``forced`` (named in ``select``, or ``force_dynamic``),
    ``static`` (a database static role, whose replaced password is never revoked) and, for a
    database secret, the ``renew_before`` to ask for when one is due (``FORCE_WINDOW`` when forced).
    """
    if kind not in KINDS:
        raise SecretOpsError("kind must be one of %s, not %s" % (", ".join(KINDS), kind))
    found = []
    for index, pair in enumerate(pairs or []):
        namespace, secret = pair[0]["namespace"], pair[1]
        target = {"index": index, "namespace": namespace, "secret": secret.get("name")}
        if kind == "kv":
            if not is_dynamic(pair):
                found.append(target)
            continue
        if not is_dynamic(pair):
            continue
        source = "pki" if "pki" in secret else "database"
        if kind not in ("dynamic", source):
            continue
        database = (secret.get("database") or {}) if source == "database" else {}
        target.update(source=source, forced=bool(force_dynamic or _named(secret, namespace, select or ())),
                      static=source == "database" and database.get("role_type", "dynamic") == "static")
        renew_before = FORCE_WINDOW if target["forced"] and source == "database" and not target["static"] else database.get("renew_before")
        if renew_before is not None:
            target["renew_before"] = renew_before
        found.append(target)
    return found


def requests(pairs, selected, new_values):
    """The ``secrets`` items of the secret_rotation module for the ``selected`` KV targets."""
    items = []
    for target in selected:
        secret = pairs[target["index"]][1]
        items.append({"name": secret.get("name"), "namespace": target["namespace"], "type": secret.get("type", "opaque"),
                      "vault_path": secret["vault_path"], "generate": secret.get("generate", {}), "mapping": secret.get("mapping", {}),
                      "keep_previous": secret.get("keep_previous", False),
                      "new_values": new_values_for(new_values, target["namespace"], secret.get("name"), selected)})
    return items
