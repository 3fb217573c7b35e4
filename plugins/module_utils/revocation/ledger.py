# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the revocation records live: one Secret per managed Secret, in a namespace tenants cannot write.

A tenant who may edit Secrets in their own namespace (the built-in ``edit`` role) can change every
annotation there, so what the automation revokes is never read from there. Each record
(``record.py``) is a Secret of type ``secretops.io/revocation-record`` in the automation's own
namespace (``secretops-system`` unless ``ledger_namespace`` says otherwise; made on first use),
readable and writable only by whoever administers that namespace. A record is a Secret (not a
ConfigMap) because a lease id or serial is a revocation handle: ``view`` may read ConfigMaps. The
name is a digest of the Secret's namespace and name; the object's annotation names it in clear.
Writes carry the ``resourceVersion`` read, so two runs never overwrite each other's record.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib
import json

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import paths
from ansible_collections.secretops.provisioning.plugins.module_utils.revocation import record as records

DEFAULT_NAMESPACE = "secretops-system"
RECORD_TYPE = "secretops.io/revocation-record"
RECORD_KEY = "record"
SECRET_ANNOTATION = "secretops.io/secret"
MANAGED_BY = {"app.kubernetes.io/managed-by": "secretops.provisioning"}
NAMESPACES = paths.NAMESPACES
SECRETS = paths.SECRETS
SECRET = paths.SECRET


def record_name(namespace, name):
    return "revocations-" + hashlib.sha256(("%s/%s" % (namespace, name)).encode("utf-8")).hexdigest()[:24]


class Ledger(object):
    """Read and write the revocation record of one Secret."""

    def __init__(self, client, namespace=None):
        self.client = client
        self.namespace = namespace or DEFAULT_NAMESPACE
        self._versions = {}

    def read(self, namespace, name):
        """The record of Secret ``namespace/name`` (an empty one when none was written yet)."""
        stored_name = record_name(namespace, name)
        stored = self.client.request("GET", SECRET, path_params={"namespace": self.namespace, "name": stored_name},
                                     action="read the revocation record of %s/%s" % (namespace, name), missing_ok=True)
        if stored is None:
            self._versions[stored_name] = None
            return records.empty(namespace, name)
        self._versions[stored_name] = stored["metadata"].get("resourceVersion")
        text = base64.b64decode(((stored.get("data") or {}).get(RECORD_KEY) or "").encode("ascii")).decode("utf-8")
        found = json.loads(text) if text else {}
        return dict(records.empty(namespace, name), **found)

    def write(self, record):
        """Store ``record`` (read first with ``read``); a concurrent write in between is an error."""
        namespace, name = record["secret"].split("/", 1)
        stored_name = record_name(namespace, name)
        version = self._versions.get(stored_name)
        body = {
            "apiVersion": "v1", "kind": "Secret", "type": RECORD_TYPE,
            "metadata": {"name": stored_name, "namespace": self.namespace, "labels": dict(MANAGED_BY),
                         "annotations": {SECRET_ANNOTATION: record["secret"]}},
            "data": {RECORD_KEY: base64.b64encode(json.dumps(record, sort_keys=True).encode("utf-8")).decode("ascii")},
        }
        action = "write the revocation record of %s to namespace %s" % (record["secret"], self.namespace)
        if version:
            body["metadata"]["resourceVersion"] = version
            written = self.client.request("PUT", SECRET, path_params={"namespace": self.namespace, "name": stored_name},
                                          body=body, action=action)
        else:
            written = self._create(body, action)
        self._versions[stored_name] = written["metadata"].get("resourceVersion")

    def _create(self, body, action):
        created = self.client.request("POST", SECRETS, path_params={"namespace": self.namespace}, body=body, action=action, missing_ok=True)
        if created is not None:
            return created
        self._ensure_namespace()  # the namespace of the records does not exist yet (404)
        return self.client.request("POST", SECRETS, path_params={"namespace": self.namespace}, body=body, action=action)

    def _ensure_namespace(self):
        body = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": self.namespace, "labels": dict(MANAGED_BY)}}
        self.client.request("POST", NAMESPACES, body=body, action="create namespace %s (revocation records)" % self.namespace, exists_ok=True)
