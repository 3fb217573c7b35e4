# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The per-namespace key behind content MACs (``secrets/checksum.content_mac``).

Pod-template stamps and ``checksum`` return values are HMACs of Secret content. Their key lives in
a Secret of the same namespace, so exactly the identities that may read that namespace's Secrets
can compute or test a stamp; anyone who may only read Pods (the built-in ``view`` role) sees an
opaque string. One key per namespace (not one for the cluster): a Secret reader of one namespace
must not be able to test guesses against the stamps of another. The key is made on first use
with 32 random bytes and never changes; deleting it makes a new one, after which every stamp
is unknown and each consumer restarts once.

Only a key the collection made is used: an identity that may create Secrets but not read them
could otherwise plant a key it knows and test guesses against every stamp (a 6-digit password in
seconds). A key Secret that is not immutable, lacks the collection's label, was not written by the
collection's field manager (``managedFields``), or is not an Opaque Secret holding exactly one
32-byte ``key`` is replaced by a new one, with a warning. This raises the bar, no more: the
apiserver records the field manager a client names, so an identity that knows the collection's
name could still forge one; keep ``create`` on Secrets to those who may read them (docs/security.md).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import os
import threading

from ansible.module_utils.common.warnings import warn

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.secret_service import FIELD_MANAGER, SECRET, SECRETS, SecretService

KEY_SECRET_NAME = "secretops-content-key"
KEY_DATA_KEY = "key"
KEY_BYTES = 32
PURPOSE = "the key of the content stamps"
MANAGED_BY = ("app.kubernetes.io/managed-by", "secretops.provisioning")


def key_secret_body(namespace, key):
    """The Secret that holds ``key``: immutable, so nothing edits it by accident."""
    return {
        "apiVersion": "v1", "kind": "Secret", "type": "Opaque", "immutable": True,
        "metadata": {
            "name": KEY_SECRET_NAME, "namespace": namespace,
            "labels": dict([MANAGED_BY]),
            "annotations": {"secretops.io/purpose": "HMAC key for the content stamps secretops writes on pod templates; "
                                                    "deleting it restarts every stamped consumer once"},
        },
        "data": {KEY_DATA_KEY: base64.b64encode(key).decode("ascii")},
    }


def _read(client, namespace):
    return SecretService(client).get(namespace, KEY_SECRET_NAME, purpose=PURPOSE)


def _create(client, namespace):
    """The Secret made with a new random key, or None when another run created it first (409)."""
    created = client.request("POST", SECRETS, path_params={"namespace": namespace}, query={"fieldManager": FIELD_MANAGER},
                             body=key_secret_body(namespace, os.urandom(KEY_BYTES)),
                             action="create Secret %s/%s (%s)" % (namespace, KEY_SECRET_NAME, PURPOSE), exists_ok=True)
    return created or None


def _data_writers(secret):
    """The field managers whose ``managedFields`` entry owns the Secret's data."""
    return set(entry.get("manager") for entry in (secret["metadata"].get("managedFields") or [])
               if "f:data" in (entry.get("fieldsV1") or {}))


def untrusted(secret):
    """Why ``secret`` is not a content key the collection made, or None when it is one. Pure."""
    metadata = secret.get("metadata") or {}
    if secret.get("type") != "Opaque":
        return "it is not an Opaque Secret"
    if secret.get("immutable") is not True:
        return "it is not immutable"
    if (metadata.get("labels") or {}).get(MANAGED_BY[0]) != MANAGED_BY[1]:
        return "it lacks the label %s=%s" % MANAGED_BY
    if _data_writers(secret) != {FIELD_MANAGER}:
        return "its data was not written by the collection's field manager %s" % FIELD_MANAGER
    if set(secret.get("data") or {}) != {KEY_DATA_KEY} or len(_decoded(secret)) != KEY_BYTES:
        return "it does not hold exactly one %d-byte %r" % (KEY_BYTES, KEY_DATA_KEY)
    return None


def _delete(client, namespace, uid):
    """Delete the key Secret with this ``uid`` only: a concurrent run that already replaced it keeps its new key."""
    # gone (404), or already replaced by another run (409): either way not ours to delete any more
    client.request("DELETE", SECRET, path_params={"namespace": namespace, "name": KEY_SECRET_NAME},
                   body={"kind": "DeleteOptions", "apiVersion": "v1", "preconditions": {"uid": uid}},
                   action="delete Secret %s/%s (%s, not made by the collection)" % (namespace, KEY_SECRET_NAME, PURPOSE),
                   missing_ok=True, exists_ok=True)


def _decoded(secret):
    encoded = (secret.get("data") or {}).get(KEY_DATA_KEY)
    try:
        return base64.b64decode(encoded or "", validate=True)
    except (TypeError, ValueError):
        return b""


def _decode(namespace, secret):
    key = _decoded(secret)
    if len(key) < 16:
        raise SecretOpsError("Secret %s/%s has no usable key %r (at least 16 bytes): delete it and re-run to make a new one "
                             "(every stamped consumer then restarts once)" % (namespace, KEY_SECRET_NAME, KEY_DATA_KEY))
    return key


def namespace_key(client, namespace, create=True):
    """The content-MAC key of ``namespace`` (bytes); made on first use unless ``create`` is false.

    Returns None when the key does not exist and ``create`` is false (check mode, read-only
    callers): no stamp can be computed, so every stamp counts as unknown. Two runs that create it
    at once both end with the key that won (a 409 reads the winner's). A key Secret the collection
    did not make (``untrusted``) is replaced, with a warning; with ``create`` false it counts as
    missing, and the warning says it would be replaced.
    """
    found = _read(client, namespace)
    for _attempt in range(3):
        problem = untrusted(found) if found is not None else None
        if found is not None and problem is None:
            return _decode(namespace, found)
        if found is not None:
            warn("Secret %s/%s (%s) was not made by the collection (%s): %s; every stamped consumer in the namespace restarts "
                 "once. Check who may create Secrets there" % (namespace, KEY_SECRET_NAME, PURPOSE, problem,
                                                               "it is replaced by a new key" if create else "it would be replaced"))
        if not create:
            return None
        if found is not None:
            _delete(client, namespace, found["metadata"].get("uid"))
        created = _create(client, namespace)
        if created is not None:
            return _decode(namespace, created)
        found = _read(client, namespace)  # 409: another run created it first
        if found is None:
            break
    raise SecretOpsError("Secret %s/%s (the key of the content stamps) was created concurrently and then deleted or replaced "
                         "again: re-run" % (namespace, KEY_SECRET_NAME))


class NamespaceKeys(object):
    """Content-MAC keys by namespace, each read (or made) once per task; safe to share between threads.

    With ``optional``, a namespace whose key this identity may not read or create (HTTP 403, e.g.
    RBAC limited to named Secrets) gets None and a note in ``unavailable``: callers that only
    report a checksum go on without it, while restarts that need stamps leave ``optional`` off.
    """

    def __init__(self, client, create=True, optional=False):
        self.client = client
        self.create = create
        self.optional = optional
        self.unavailable = {}
        self._keys = {}
        self._lock = threading.Lock()

    def get(self, namespace):
        with self._lock:
            if namespace not in self._keys:
                try:
                    self._keys[namespace] = namespace_key(self.client, namespace, self.create)
                except SecretOpsError as error:
                    if not (self.optional and error.details.get("status") == 403):
                        raise
                    self._keys[namespace] = None
                    self.unavailable[namespace] = str(error)
            return self._keys[namespace]
