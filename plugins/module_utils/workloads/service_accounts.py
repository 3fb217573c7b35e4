# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Identities workloads and Vault run as: a namespace, a service account, cluster role bindings.

Create-if-missing only: these objects carry no secret, and a binding whose subject or role is
wrong is reported (a binding's roleRef cannot change in place), never silently rewritten.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import re

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import paths
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.secret_service import SecretService

NAMESPACES = paths.NAMESPACES
SERVICE_ACCOUNTS = paths.SERVICE_ACCOUNTS
CLUSTER_ROLE_BINDINGS = paths.CLUSTER_ROLE_BINDINGS


def binding_name(namespace, service_account, cluster_role):
    """A stable ClusterRoleBinding name for one account and role (``:`` is not allowed in names)."""
    return re.sub(r"[^a-z0-9.-]", "-", ("%s-%s-%s" % (namespace, service_account, cluster_role)).lower())[:253]


def binding_body(namespace, service_account, cluster_role):
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
        "metadata": {"name": binding_name(namespace, service_account, cluster_role)},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": cluster_role},
        "subjects": [{"kind": "ServiceAccount", "name": service_account, "namespace": namespace}],
    }


def _read(client, action, collection, path_params):
    """The object, or None when it does not exist (then it is created)."""
    return client.request("GET", collection + "/{name}", path_params=path_params, action=action, missing_ok=True)


def _create(client, action, collection, path_params, body):
    # exists_ok: a concurrent creator won, and that is the state we want
    client.request("POST", collection, path_params=path_params, body=body, action=action, exists_ok=True)


def _binds(binding, namespace, service_account, cluster_role):
    subjects = [(subject.get("kind"), subject.get("name"), subject.get("namespace")) for subject in binding.get("subjects") or []]
    return (binding.get("roleRef") or {}).get("name") == cluster_role and ("ServiceAccount", service_account, namespace) in subjects


def ensure_identity(client, namespace, name, create_namespace=True, cluster_roles=(), check_mode=False):
    """Make ``namespace``, the service account and its cluster role bindings exist; list what was created."""
    created = []
    if create_namespace and _read(client, "read Namespace %s" % namespace, NAMESPACES, {"name": namespace}) is None:
        created.append("Namespace/%s" % namespace)
        if not check_mode:
            _create(client, "create Namespace %s" % namespace, NAMESPACES, None,
                    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})
    account = {"namespace": namespace, "name": name}
    account_missing = check_mode and created
    if account_missing or _read(client, "read ServiceAccount %s/%s" % (namespace, name), SERVICE_ACCOUNTS, account) is None:
        created.append("ServiceAccount/%s/%s" % (namespace, name))
        if not check_mode:
            _create(client, "create ServiceAccount %s/%s" % (namespace, name), SERVICE_ACCOUNTS, {"namespace": namespace},
                    {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": namespace}})
    for role in cluster_roles or []:
        binding = binding_name(namespace, name, role)
        current = _read(client, "read ClusterRoleBinding %s" % binding, CLUSTER_ROLE_BINDINGS, {"name": binding})
        if current is not None:
            if not _binds(current, namespace, name, role):
                raise SecretOpsError("ClusterRoleBinding %s exists but does not bind %s/%s to %s: delete it and re-run" % (binding, namespace, name, role))
            continue
        created.append("ClusterRoleBinding/%s" % binding)
        if not check_mode:
            _create(client, "create ClusterRoleBinding %s" % binding, CLUSTER_ROLE_BINDINGS, None, binding_body(namespace, name, role))
    return created


def identity_diff(namespace, name, cluster_roles, created):
    """The ``diff`` of ``ensure_identity``: one entry per object in ``created`` (its return), from
    absent to the object sent. Pure; these objects carry no secret."""
    account = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": namespace}}
    bodies = {"Namespace/%s" % namespace: {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}},
              "ServiceAccount/%s/%s" % (namespace, name): account}
    for role in cluster_roles or []:
        bodies["ClusterRoleBinding/%s" % binding_name(namespace, name, role)] = binding_body(namespace, name, role)
    return [{"before": {}, "after": bodies[ref], "before_header": ref, "after_header": ref} for ref in created]


def cluster_ca_pem(client):
    """PEM text of the CA the connection trusts for the API server, or None (public data, not a secret)."""
    path = client.ca_cert_path
    if not path:
        return None
    with open(path) as handle:
        return handle.read()


def read_token(client, namespace, secret_name):
    """The JWT in a filled service-account-token Secret (the caller keeps it out of logs)."""
    secret = SecretService(client).get(namespace, secret_name)
    token = ((secret or {}).get("data") or {}).get("token")
    if not token:
        raise SecretOpsError("Secret %s/%s holds no service-account token yet: create it with type service-account-token and wait for it"
                             % (namespace, secret_name))
    return base64.b64decode(token).decode("ascii")
