# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secret operations on the API server, on top of ``K8sClient``.

Objects travel as plain dicts (the API's JSON) through ``K8sClient.request``, which raises
``SecretOpsError`` for every failure (``status`` in its details). ``SecretService.get`` is the one
function that reads a Secret; everything else that needs one calls it. Writes
use server-side apply under one field manager, so no value is ever copied into an annotation;
``update_keys`` (rotation) instead replaces the object at the ``resourceVersion`` it read, so it
can keep the keys other writers own and retry on their concurrent changes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import paths
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets import types
from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.reconcile import LAST_APPLIED

FIELD_MANAGER = "secretops"
APPLY_PATCH = "application/apply-patch+yaml"
JSON_PATCH = "application/json-patch+json"
SECRETS = paths.SECRETS
SECRET = paths.SECRET
LIST_PAGE_SIZE = 250
POLL_SECONDS = 0.5
CONFLICT_ATTEMPTS = 5
# ``update_keys(listed=...)`` not given: the first attempt reads the Secret itself.
NOT_LISTED = object()


def merged_data(current_data, desired_data, managed_keys):
    """Current data without the stale managed keys, with the desired keys laid over it."""
    result = dict((key, value) for key, value in (current_data or {}).items() if key not in managed_keys)
    result.update(desired_data)
    return result


# Annotations never kept on a Secret this collection writes: kubectl apply's last-applied
# configuration holds every value in clear text (the retired ones too, once the values change), and
# older versions of this collection stamped an unkeyed SHA-256 of the content.
RETIRED_ANNOTATIONS = frozenset([LAST_APPLIED, "secretops.io/checksum"])


def taken_over_annotations(current_annotations, annotations):
    """The annotations of a Secret this collection writes: ``annotations`` over the current ones,
    without the ``RETIRED_ANNOTATIONS``."""
    result = dict((key, value) for key, value in (current_annotations or {}).items() if key not in RETIRED_ANNOTATIONS)
    result.update(annotations or {})
    return result


def restorable(secret):
    """The create body that brings ``secret`` (as read) back as it was: its type, data, immutability,
    labels, annotations and owners, without what the server sets (uid, resourceVersion, managedFields...)."""
    meta = secret["metadata"]
    body = {"apiVersion": "v1", "kind": "Secret",
            "metadata": dict((key, meta[key]) for key in ("name", "namespace", "labels", "annotations", "ownerReferences") if meta.get(key))}
    body.update((field, secret[field]) for field in ("type", "data", "immutable") if field in secret)
    return body


def _is_conflict(error):
    return error.details.get("status") == 409


def write_time(written, field_manager):
    """The API server's time of ``field_manager``'s last write to the object ``written`` (text, whole
    seconds), or None when the object records none."""
    metadata = (written or {}).get("metadata") or {}
    times = [entry.get("time") for entry in metadata.get("managedFields") or []
             if entry.get("manager") == field_manager and entry.get("time")]
    return max(times) if times else None


def _ref(meta):
    return {"namespace": meta["namespace"], "name": meta["name"]}


def secret_ref(namespace, name):
    """The ``secret`` a module returns for the Secret it wrote when it returns no summary: ``{name, namespace}``,
    the first keys of k8s_secret's ``secret`` (every module's ``secret`` is a dict that names the Secret)."""
    return {"name": name, "namespace": namespace}


def _pointer(name):
    return name.replace("~", "~0").replace("/", "~1")


class SecretService(object):
    """List, read, apply and delete Secrets; wait for service-account tokens."""

    def __init__(self, client, field_manager=FIELD_MANAGER):
        self.client = client
        self.field_manager = field_manager

    def _call(self, action, method, path, path_params, query=None, body=None, content_type=None, missing_ok=False):
        kwargs = {"content_type": content_type} if content_type else {}
        if missing_ok:
            kwargs["missing_ok"] = True
        return self.client.request(method, path, path_params=path_params, query=query, body=body, action=action, **kwargs)

    def get(self, namespace, name, purpose=None):
        """The Secret as a dict, or None when it does not exist.

        ``purpose`` (optional) is added to the error message after the Secret's name, e.g.
        "(the key of the content stamps)".
        """
        action = "read Secret %s/%s" % (namespace, name) + (" (%s)" % purpose if purpose else "")
        return self._call(action, "GET", SECRET, {"namespace": namespace, "name": name}, missing_ok=True)

    def list(self, namespace, names=None, label_selector=None, field_selector=None):
        """``{name: secret}`` for the Secrets in ``namespace`` (only ``names`` when given), paged."""
        wanted = set(names) if names is not None else None
        found = {}
        token = None
        while True:
            query = {"limit": LIST_PAGE_SIZE}
            if label_selector:
                query["labelSelector"] = label_selector
            if field_selector:
                query["fieldSelector"] = field_selector
            if token:
                query["continue"] = token
            page = self._call("list Secrets in namespace %s" % namespace, "GET", SECRETS, {"namespace": namespace}, query)
            for item in page.get("items") or []:
                name = item["metadata"]["name"]
                if wanted is None or name in wanted:
                    found[name] = item
            token = (page.get("metadata") or {}).get("continue")
            if not token:
                return found

    def apply(self, body):
        """Server-side apply ``body`` (force: this manager owns the fields it sends)."""
        meta = body["metadata"]
        return self._call(
            "apply Secret %s/%s" % (meta["namespace"], meta["name"]), "PATCH", SECRET, _ref(meta),
            {"fieldManager": self.field_manager, "force": True}, body, APPLY_PATCH,
        )

    def recreate(self, current, body, wait_timeout=30):
        """Delete ``current`` and create ``body`` (an apply manifest) in its place: a type change, or
        new content for an immutable Secret. Returns the new object.

        Nothing is deleted before the API server accepted ``body`` in a dry-run create (its size,
        keys, type rules and admission, under a generated name since the name is still taken); when
        the create still fails after the delete, ``current`` is created again as it was, and the
        error says whether it could be.
        """
        meta = body["metadata"]
        ref = "%s/%s" % (meta["namespace"], meta["name"])
        trial = dict(body, metadata=dict((key, value) for key, value in meta.items() if key != "name"))
        trial["metadata"]["generateName"] = meta["name"][:200] + "-"
        self._call("check that Secret %s can be created again (dry run)" % ref, "POST", SECRETS, {"namespace": meta["namespace"]},
                   {"fieldManager": self.field_manager, "dryRun": "All"}, trial)
        self.delete(meta["namespace"], meta["name"], wait_timeout)
        try:
            return self.apply(body)
        except SecretOpsError as error:
            failure = error
        try:
            self._call("restore Secret %s" % ref, "POST", SECRETS, {"namespace": meta["namespace"]}, {"fieldManager": self.field_manager},
                       restorable(current))
        except SecretOpsError as error:
            raise SecretOpsError("Secret %s was deleted to be created again, the create failed (%s), and restoring the old Secret failed "
                                 "too (%s): fix the cause and re-run, which creates it" % (ref, failure, error), **failure.details)
        raise SecretOpsError("Secret %s was deleted to be created again and the create failed (%s): the old Secret was restored as it was"
                             % (ref, failure), **failure.details)

    def update_keys(self, namespace, name, secret_type, data, annotations, managed_keys, check_mode=False, before_write=None,
                    attempts=CONFLICT_ATTEMPTS, listed=NOT_LISTED, fingerprinter=None):
        """Make the Secret hold ``data`` (key -> base64) and ``annotations``; return ``{changed, created, attempts}``,
        and ``written_at`` (the API server's time of the write, ``write_time``) when it wrote.

        Keys in ``managed_keys`` that ``data`` no longer has are removed; every other key stays
        (another writer owns it). A ``kubectl apply`` last-applied annotation is removed. Each attempt reads the Secret and writes at that
        ``resourceVersion`` (or creates it when missing); a 409 means someone wrote in between, so
        read again, at most ``attempts`` times. ``before_write`` (optional) is called with the
        attempt number just before each write. ``listed`` (optional) is the Secret as a LIST of its
        namespace just returned it (None: absent), used instead of the first read; when it is stale,
        the write meets a 409 and the next attempt reads the fresh object. With ``fingerprinter``
        (diff mode), a change also returns ``diff``, value-free (``secrets.diff.update_diff``).
        """
        ref = "%s/%s" % (namespace, name)
        for attempt in range(1, attempts + 1):
            current = listed if attempt == 1 and listed is not NOT_LISTED else self.get(namespace, name)
            if current is None:
                body = {"apiVersion": "v1", "kind": "Secret", "type": secret_type, "data": data,
                        "metadata": {"name": name, "namespace": namespace, "annotations": annotations}}
                action, method, path = "create Secret %s" % ref, "POST", SECRETS
            else:
                if (current.get("type") or types.OPAQUE) != secret_type:
                    raise SecretOpsError("Secret %s has type %s, not %s; the type cannot change in place: delete the Secret and re-run"
                                         % (ref, current.get("type"), secret_type))
                metadata = current["metadata"]
                current_annotations = metadata.get("annotations") or {}
                body = dict(current, data=merged_data(current.get("data"), data, managed_keys),
                            metadata=dict(metadata, annotations=taken_over_annotations(current_annotations, annotations)))
                if body["data"] == (current.get("data") or {}) and body["metadata"]["annotations"] == current_annotations:
                    return {"changed": False, "created": False, "attempts": attempt}
                action, method, path = "update Secret %s" % ref, "PUT", SECRET
            outcome = {"changed": True, "created": current is None, "attempts": attempt}
            if fingerprinter is not None:
                # imported in diff mode only, as k8s_secret does
                from ansible_collections.secretops.provisioning.plugins.module_utils.secrets.diff import update_diff

                outcome["diff"] = update_diff(fingerprinter, current, body, annotations)
            if check_mode:
                return outcome
            if before_write:
                before_write(attempt)
            try:
                written = self._call(action, method, path, {"namespace": namespace, "name": name}, {"fieldManager": self.field_manager}, body)
            except SecretOpsError as error:
                if not _is_conflict(error):  # 409: created or changed concurrently since the read
                    raise
                continue
            outcome["written_at"] = write_time(written, self.field_manager)
            return outcome
        raise SecretOpsError("cannot update Secret %s: it changed concurrently %d times in a row; find the other writer and retry"
                             % (ref, attempts), status=409)

    def remove_leftovers(self, secret, target_keys):
        """Remove data keys another manager owns (exact key set) and the ``RETIRED_ANNOTATIONS``.

        Server-side apply removes only the fields this manager applied before; keys written by
        kubectl or another tool stay unless removed explicitly. Returns the updated object.
        """
        meta = secret["metadata"]
        keep = set(target_keys)
        if secret.get("type") == types.SERVICE_ACCOUNT_TOKEN:
            keep.update(types.SERVICE_ACCOUNT_CONTROLLER_KEYS)
        operations = [{"op": "remove", "path": "/data/" + _pointer(key)} for key in sorted(set(secret.get("data") or {}) - keep)]
        for annotation in sorted(RETIRED_ANNOTATIONS.intersection(meta.get("annotations") or {})):
            operations.append({"op": "remove", "path": "/metadata/annotations/" + _pointer(annotation)})
        if not operations:
            return secret
        operations.insert(0, {"op": "test", "path": "/metadata/resourceVersion", "value": meta["resourceVersion"]})
        return self._call(
            "remove keys from Secret %s/%s" % (meta["namespace"], meta["name"]), "PATCH", SECRET, _ref(meta),
            {"fieldManager": self.field_manager}, operations, JSON_PATCH,
        )

    def delete(self, namespace, name, wait_timeout=30):
        """Delete the Secret and wait until it is gone (a finalizer may hold it briefly)."""
        self._call("delete Secret %s/%s" % (namespace, name), "DELETE", SECRET, {"namespace": namespace, "name": name}, missing_ok=True)
        deadline = time.time() + wait_timeout
        while self.get(namespace, name) is not None:
            if time.time() > deadline:
                raise SecretOpsError(
                    "Secret %s/%s was deleted but still exists after %s seconds: check its finalizers" % (namespace, name, wait_timeout)
                )
            time.sleep(POLL_SECONDS / 5)

    def service_account_exists(self, namespace, name):
        return self._call("read ServiceAccount %s/%s" % (namespace, name), "GET", paths.SERVICE_ACCOUNT,
                          {"namespace": namespace, "name": name}, missing_ok=True) is not None

    def wait_for_token(self, secret, wait_timeout):
        """Wait until the token controller filled token, ca.crt and namespace; return the Secret."""
        meta = secret["metadata"]
        deadline = time.time() + wait_timeout
        while not all(key in (secret.get("data") or {}) for key in types.SERVICE_ACCOUNT_CONTROLLER_KEYS):
            if time.time() > deadline:
                raise SecretOpsError(
                    "the token controller did not fill Secret %s/%s within %s seconds: check that the ServiceAccount "
                    "exists and kube-controller-manager runs, or raise wait_timeout" % (meta["namespace"], meta["name"], wait_timeout),
                    timeout=wait_timeout,
                )
            time.sleep(POLL_SECONDS)
            secret = self.get(meta["namespace"], meta["name"])
            if secret is None:
                raise SecretOpsError(
                    "Secret %s/%s disappeared while waiting for its token: the token controller deletes token Secrets "
                    "whose ServiceAccount does not exist; create the ServiceAccount first" % (meta["namespace"], meta["name"])
                )
        return secret
