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
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import api_error, is_status

try:
    from kubernetes import client as k8s_client
    from urllib3.exceptions import HTTPError as TransportError
except ImportError:  # pragma: no cover - build_client reports the missing library first
    k8s_client = None
    TransportError = OSError


def binding_name(namespace, service_account, cluster_role):
    """A stable ClusterRoleBinding name for one account and role (``:`` is not allowed in names)."""
    return re.sub(r"[^a-z0-9.-]", "-", ("%s-%s-%s" % (namespace, service_account, cluster_role)).lower())[:253]


def _exists(client, action, read, *args):
    try:
        return read(*args, _request_timeout=client.request_timeout)
    except TransportError as exc:
        raise SecretOpsError("cannot %s: the API server at %s is unreachable (%s)" % (action, client.host, exc.__class__.__name__))
    except Exception as exc:  # ApiException: 404 means create it
        if is_status(exc, 404):
            return None
        if getattr(exc, "status", None) is not None:
            raise api_error(exc, action)
        raise


def _create(client, action, create, *args):
    try:
        create(*args, _request_timeout=client.request_timeout)
    except TransportError as exc:
        raise SecretOpsError("cannot %s: the API server at %s is unreachable (%s)" % (action, client.host, exc.__class__.__name__))
    except Exception as exc:  # a concurrent creator won: that is the state we want
        if is_status(exc, 409):
            return
        if getattr(exc, "status", None) is not None:
            raise api_error(exc, action)
        raise


def ensure_identity(client, namespace, name, create_namespace=True, cluster_roles=(), check_mode=False):
    """Make ``namespace``, the service account and its cluster role bindings exist; list what was created."""
    created = []
    meta = k8s_client.V1ObjectMeta
    if create_namespace and _exists(client, "read Namespace %s" % namespace, client.core.read_namespace, namespace) is None:
        created.append("Namespace/%s" % namespace)
        if not check_mode:
            _create(client, "create Namespace %s" % namespace, client.core.create_namespace, k8s_client.V1Namespace(metadata=meta(name=namespace)))
    account_missing = check_mode and created
    read_account = client.core.read_namespaced_service_account
    if account_missing or _exists(client, "read ServiceAccount %s/%s" % (namespace, name), read_account, name, namespace) is None:
        created.append("ServiceAccount/%s/%s" % (namespace, name))
        if not check_mode:
            _create(client, "create ServiceAccount %s/%s" % (namespace, name), client.core.create_namespaced_service_account, namespace,
                    k8s_client.V1ServiceAccount(metadata=meta(name=name, namespace=namespace)))
    for role in cluster_roles or []:
        binding = binding_name(namespace, name, role)
        current = _exists(client, "read ClusterRoleBinding %s" % binding, client.rbac.read_cluster_role_binding, binding)
        if current is not None:
            subjects = [(s.kind, s.name, s.namespace) for s in current.subjects or []]
            if current.role_ref.name != role or ("ServiceAccount", name, namespace) not in subjects:
                raise SecretOpsError("ClusterRoleBinding %s exists but does not bind %s/%s to %s: delete it and re-run" % (binding, namespace, name, role))
            continue
        created.append("ClusterRoleBinding/%s" % binding)
        if not check_mode:
            body = k8s_client.V1ClusterRoleBinding(
                metadata=meta(name=binding),
                role_ref=k8s_client.V1RoleRef(api_group="rbac.authorization.k8s.io", kind="ClusterRole", name=role),
                subjects=[k8s_client.RbacV1Subject(kind="ServiceAccount", name=name, namespace=namespace)],
            )
            _create(client, "create ClusterRoleBinding %s" % binding, client.rbac.create_cluster_role_binding, body)
    return created


def cluster_ca_pem(client):
    """PEM text of the CA the connection trusts for the API server, or None (public data, not a secret)."""
    path = client.ca_cert_path
    if not path:
        return None
    with open(path) as handle:
        return handle.read()


def read_token(client, namespace, secret_name):
    """The JWT in a filled service-account-token Secret (the caller keeps it out of logs)."""
    action = "read Secret %s/%s" % (namespace, secret_name)
    secret = _exists(client, action, client.core.read_namespaced_secret, secret_name, namespace)
    token = ((secret.data if secret else None) or {}).get("token")
    if not token:
        raise SecretOpsError("Secret %s/%s holds no service-account token yet: create it with type service-account-token and wait for it"
                             % (namespace, secret_name))
    return base64.b64decode(token).decode("ascii")
