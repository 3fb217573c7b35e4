# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reads Secrets for ``k8s_secret_info`` and the ``k8s_secret`` lookup.

``describe_secret`` gives metadata, type, key names and a keyed checksum; values only when asked.
The client-side-apply annotation is never returned: it holds every value in clear text.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import k8s_session
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.configuration import namespace_or_default
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.connection import connection_params
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.content_key import NamespaceKeys
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.secret_service import SecretService
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.checksum import content_mac
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.decode import decode_data, decode_value, split_text_and_binary
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.reconcile import LAST_APPLIED


def describe_secret(secret, decode=False, content_key=None):
    """The value-free description of an API Secret dict; with ``decode``, also its values, named as
    Kubernetes names them: ``data`` base64 as the API holds it (every key), ``string_data`` the
    values that are UTF-8 text, decoded (what ``k8s_secret``'s ``string_data`` takes).

    ``checksum`` is the content MAC under the namespace's ``content_key``, None without a key.
    """
    metadata = secret.get("metadata") or {}
    annotations = dict(metadata.get("annotations") or {})
    annotations.pop(LAST_APPLIED, None)
    data = secret.get("data") or {}
    described = {
        "name": metadata.get("name"),
        "namespace": metadata.get("namespace"),
        "type": secret.get("type"),
        "data_keys": sorted(data),
        "labels": metadata.get("labels") or {},
        "annotations": annotations,
        "immutable": bool(secret.get("immutable")),
        "resource_version": metadata.get("resourceVersion"),
        "creation_timestamp": metadata.get("creationTimestamp"),
        "checksum": content_mac(content_key, metadata.get("name") or "", data) if content_key else None,
    }
    if decode:
        described["data"] = dict(data)
        described["string_data"], _binary = split_text_and_binary(data)
    return described


def read_secrets(params):
    """Result of ``k8s_secret_info``: ``secrets`` (a list) and, for a name, ``secret`` (or None)."""
    connection = connection_params(params)
    params = dict(params, namespace=namespace_or_default(params.get("namespace"), connection))
    with k8s_session(connection) as client:
        service = SecretService(client)
        if params.get("name"):
            found = service.get(params["namespace"], params["name"])
            found = [found] if found else []
        else:
            found = service.list(params["namespace"], label_selector=params.get("label_selector"),
                                 field_selector=params.get("field_selector")).values()
        # read-only: an existing key is used, none is made
        content_key = NamespaceKeys(client, create=False, optional=True).get(params["namespace"]) if found else None
        secrets = [describe_secret(secret, params.get("decode"), content_key) for secret in found]
    secrets.sort(key=lambda item: item["name"])
    result = {"changed": False, "secrets": secrets}
    if params.get("name"):
        result["secret"] = secrets[0] if secrets else None
    return result


def lookup_secret_values(params, name, namespace, key=None):
    """The decoded (plain text) value of ``key`` in Secret ``namespace/name``, or the whole decoded map
    (key -> text, a ``string_data`` map); a value that is not UTF-8 text fails naming its key."""
    connection = connection_params(params)
    namespace = namespace_or_default(namespace, connection)
    with k8s_session(connection) as client:
        secret = SecretService(client).get(namespace, name)
    if secret is None:
        raise SecretOpsError("Secret %s/%s does not exist: check the name and namespace (and the kubeconfig context)" % (namespace, name))
    data = secret.get("data") or {}
    if key is None:
        return decode_data(data)
    if key not in data:
        raise SecretOpsError(
            "Secret %s/%s has no key %r: its keys are %s" % (namespace, name, key, ", ".join(sorted(data)) or "(none)")
        )
    return decode_value(key, data[key])
