# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writes a Kubernetes Secret built from Vault, keeping keys other writers own, retrying conflicts.

Each attempt reads the Secret, lays the managed keys over its current data and replaces it with
that ``resourceVersion``; a 409 (a concurrent writer got there first) means read again and retry,
so neither our values nor the other writer's keys are lost.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import api_error, is_status

try:
    from kubernetes import client as k8s_client
    from urllib3.exceptions import HTTPError as TransportError
except ImportError:  # pragma: no cover - build_client reports the missing library first
    k8s_client = None
    TransportError = OSError

VAULT_PATH_ANNOTATION = "secretops.io/vault-path"
VAULT_VERSION_ANNOTATION = "secretops.io/vault-version"
CHECKSUM_ANNOTATION = "secretops.io/checksum"
MAX_ATTEMPTS = 5


def encode(string_data):
    return dict((key, base64.b64encode(value.encode("utf-8")).decode("ascii")) for key, value in string_data.items())


def decode(data):
    """Base64 ``data`` -> text (undecodable values are left encoded; they are never shown)."""
    result = {}
    for key, value in (data or {}).items():
        raw = base64.b64decode(value)
        try:
            result[key] = raw.decode("utf-8")
        except UnicodeDecodeError:
            result[key] = value
    return result


def _transport(client, action, exc):
    return SecretOpsError("cannot %s: the API server at %s is unreachable (%s)" % (action, client.host, exc.__class__.__name__))


def read_secret(client, namespace, name):
    """The Secret object, or None when it does not exist."""
    action = "read Secret %s/%s" % (namespace, name)
    try:
        return client.core.read_namespaced_secret(name, namespace, _request_timeout=client.request_timeout)
    except TransportError as exc:
        raise _transport(client, action, exc)
    except Exception as exc:  # ApiException: 404 is an answer, anything else an error
        if is_status(exc, 404):
            return None
        if getattr(exc, "status", None) is not None:
            raise api_error(exc, action)
        raise


def merged(current_data, desired_data, managed_keys):
    """Current data without our stale keys, with the desired keys laid over it."""
    result = dict((key, value) for key, value in (current_data or {}).items() if key not in managed_keys)
    result.update(desired_data)
    return result


def apply_secret(client, namespace, name, secret_type, string_data, annotations, managed_keys, check_mode=False, before_write=None):
    """Make the Secret hold ``string_data`` (and ``annotations``); return ``{changed, attempts, created}``.

    ``managed_keys`` are the keys this collection owns: stale ones are removed, others are kept.
    ``before_write`` (optional) is called with the attempt number just before each write.
    """
    desired = encode(string_data)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        current = read_secret(client, namespace, name)
        if current is None:
            if check_mode:
                return {"changed": True, "created": True, "attempts": attempt}
            body = k8s_client.V1Secret(metadata=k8s_client.V1ObjectMeta(name=name, namespace=namespace, annotations=annotations),
                                       type=secret_type, data=desired)
            if before_write:
                before_write(attempt)
            try:
                client.core.create_namespaced_secret(namespace, body, _request_timeout=client.request_timeout)
                return {"changed": True, "created": True, "attempts": attempt}
            except TransportError as exc:
                raise _transport(client, "create Secret %s/%s" % (namespace, name), exc)
            except Exception as exc:  # 409: created concurrently, go round again and update it
                if is_status(exc, 409):
                    continue
                if getattr(exc, "status", None) is not None:
                    raise api_error(exc, "create Secret %s/%s" % (namespace, name))
                raise
        if (current.type or "Opaque") != secret_type:
            raise SecretOpsError("Secret %s/%s has type %s, not %s; the type cannot change in place: delete the Secret and re-run"
                                 % (namespace, name, current.type, secret_type))
        data = merged(current.data, desired, managed_keys)
        current_annotations = dict(current.metadata.annotations or {})
        wanted_annotations = dict(current_annotations, **annotations)
        if data == (current.data or {}) and wanted_annotations == current_annotations:
            return {"changed": False, "created": False, "attempts": attempt}
        if check_mode:
            return {"changed": True, "created": False, "attempts": attempt}
        current.data = data
        current.metadata.annotations = wanted_annotations
        if before_write:
            before_write(attempt)
        try:
            client.core.replace_namespaced_secret(name, namespace, current, _request_timeout=client.request_timeout)
            return {"changed": True, "created": False, "attempts": attempt}
        except TransportError as exc:
            raise _transport(client, "update Secret %s/%s" % (namespace, name), exc)
        except Exception as exc:  # 409: a concurrent writer changed it since our read; read again
            if is_status(exc, 409):
                continue
            if getattr(exc, "status", None) is not None:
                raise api_error(exc, "update Secret %s/%s" % (namespace, name))
            raise
    raise SecretOpsError("cannot update Secret %s/%s: it changed concurrently %d times in a row; find the other writer and retry"
                         % (namespace, name, MAX_ATTEMPTS), status=409)
