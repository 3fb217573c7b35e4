# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The least-privilege policy of one application, and its name: made here and nowhere else.

The vault_k8s_auth role (and app_secrets through it) writes them with vault_policy, through the
``application_policy`` and ``application_policy_name`` filters. Every input that goes into a path
(KV mount, ``vault_path``, PKI and database mounts and roles) is checked first and named when
refused; the rules are rendered with HCL escaping, and the text is parsed back: it must hold
exactly the expected path blocks, or it is refused before anything is written.

What pods are granted depends on who fetches their dynamic secrets (``dynamic_access``):
``delivered`` (the default) - the collection issues certificates and database credentials into
the pods' Secrets, so the pods need nothing on the PKI and database engines; ``direct`` - the pods
get them from Vault themselves (Vault Agent, an SDK): issue, read creds, and look up and renew the
leases of their own roles. Revoking stays with the automation in both. Pure: no I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import hcl_policy as hcl
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import paths

DELIVERED = "delivered"
DIRECT = "direct"
DYNAMIC_ACCESS = (DELIVERED, DIRECT)
# Between the application and the cluster in a fleet's policy names: neither name may hold it, so
# <application>@<cluster> names one pair only (web@prod-eu-1 is not web-prod@eu-1).
SEPARATOR = "@"
# A Vault role name (the application's role has its name): word characters, '-' and '.' inside.
APPLICATION_NAME = re.compile(r"^\w([\w.-]*\w)?\Z", re.UNICODE)
CLUSTER_NAME = re.compile(r"^[\w.-]+\Z", re.UNICODE)
READ = ["read"]


def application_name(name):
    name = "" if name is None else str(name)
    if not APPLICATION_NAME.match(name):
        raise SecretOpsError("application name %r may hold only letters, digits, '_', and '-' or '.' inside (it names a Vault "
                             "role and policy)" % name)
    return name


def policy_name(name, cluster=""):
    """``<application>``, or ``<application>@<cluster>`` when one Vault serves several clusters."""
    name = application_name(name)
    cluster = "" if cluster is None else str(cluster)
    if not cluster:
        return name
    if not CLUSTER_NAME.match(cluster):
        raise SecretOpsError("cluster name %r may hold only letters, digits, '_', '-' and '.' (it names the auth method "
                             "kubernetes-<cluster> and the policies <application>%s<cluster>)" % (cluster, SEPARATOR))
    return "%s%s%s" % (name, SEPARATOR, cluster)


def _leases(prefixes):
    """Lookup and renewal of the leases under ``prefixes`` only: Vault checks ``lease_id`` against them."""
    return [
        {"path": "sys/leases/lookup", "capabilities": ["update"], "allowed_parameters": {"lease_id": prefixes}},
        {"path": "sys/leases/renew", "capabilities": ["update"], "allowed_parameters": {"lease_id": prefixes, "increment": []}},
    ]


def _secret_rules(secret, where, kv_mount, access):
    """``(rules, lease prefixes)`` of one secret item; every input checked, named by ``where``."""
    if not isinstance(secret, dict):
        raise SecretOpsError("%s must be a dict" % where)
    if secret.get("pki") is not None:
        pki = secret["pki"]
        mount = paths.plain_path(pki.get("mount") or "pki", where + ".pki.mount")
        role = paths.plain_name(pki.get("role"), where + ".pki.role")
        if access != DIRECT:
            return [], []
        rules = [{"path": "%s/issue/%s" % (mount, role), "capabilities": ["create", "update"]}]
        if pki.get("include_ca"):
            rules.append({"path": "%s/cert/ca_chain" % mount, "capabilities": READ})
        return rules, []
    if secret.get("database") is not None:
        database = secret["database"]
        mount = paths.plain_path(database.get("mount") or "database", where + ".database.mount")
        role = paths.plain_name(database.get("role"), where + ".database.role")
        static = (database.get("role_type") or "dynamic") == "static"
        if access != DIRECT:
            return [], []
        if static:
            return [{"path": "%s/static-creds/%s" % (mount, role), "capabilities": READ}], []
        return [{"path": "%s/creds/%s" % (mount, role), "capabilities": READ}], ["%s/creds/%s/*" % (mount, role)]
    vault_path = paths.plain_path(secret.get("vault_path"), where + ".vault_path")
    return [{"path": "%s/data/%s" % (kv_mount, vault_path), "capabilities": READ},
            {"path": "%s/metadata/%s" % (kv_mount, vault_path), "capabilities": READ}], []


def application_rules(application, kv_mount="secret"):
    """``[(input, rule)]``: the rules of the application's policy, each with the input it comes from."""
    if not isinstance(application, dict):
        raise SecretOpsError("an application must be a dict with name and secrets")
    application_name(application.get("name"))
    kv_mount = paths.plain_path(kv_mount, "kv_mount")
    access = application.get("dynamic_access") or DELIVERED
    if access not in DYNAMIC_ACCESS:
        raise SecretOpsError("dynamic_access of application %s must be one of %s, got %r"
                             % (application["name"], ", ".join(DYNAMIC_ACCESS), access))
    sourced, prefixes, seen = [], [], set()
    for index, secret in enumerate(application.get("secrets") or []):
        where = "secrets[%d]" % index
        if isinstance(secret, dict) and secret.get("name"):
            where += " (%s)" % secret["name"]
        rules, lease_prefixes = _secret_rules(secret, where, kv_mount, access)
        for rule in rules:
            key = json.dumps(rule, sort_keys=True)
            if key not in seen:  # two items on one path or one PKI mount's chain: one block
                seen.add(key)
                sourced.append((where, rule))
        prefixes.extend(prefix for prefix in lease_prefixes if prefix not in prefixes)
    if prefixes:
        sourced.extend(("the database secrets' leases", rule) for rule in _leases(prefixes))
    return sourced


def verify(text, sourced, name):
    """Refuse ``text`` unless it parses to exactly the path blocks of ``sourced`` (``[(input, rule)]``)."""
    try:
        blocks = hcl.path_blocks(text)
    except hcl.HclSyntaxError as error:
        raise SecretOpsError("the generated policy of application %s does not parse (%s); it was not written: check %s"
                             % (name, error, ", ".join(sorted(set(source for source, _rule in sourced))) or "its secrets"))
    found = sorted(json.dumps(block, sort_keys=True) for block in blocks)
    expected = [(source, json.dumps((rule["path"], hcl.rule_shape(rule)), sort_keys=True)) for source, rule in sourced]
    if found != sorted(key for _source, key in expected):
        wrong = sorted(set(source for source, key in expected if key not in found)) or ["its secrets"]
        raise SecretOpsError("the generated policy of application %s does not hold exactly the paths of its secrets; it was not "
                             "written: check %s" % (name, ", ".join(wrong)))


def render(application, kv_mount="secret"):
    """The policy text of ``application`` (``name``, ``secrets``, ``dynamic_access``), checked by parsing it back."""
    sourced = application_rules(application, kv_mount)
    name = application["name"]
    header = "# Generated by secretops.provisioning for %s: exactly the paths it reads from Vault.\n" % name
    if sourced:
        text = header + hcl.render_rules([rule for _source, rule in sourced])
    else:
        text = header + "# Nothing: the collection delivers its Secrets, which it reads from Kubernetes.\n"
    verify(text, sourced, name)
    return text
