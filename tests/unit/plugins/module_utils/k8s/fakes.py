"""A small fake of ``K8sClient.request``: an in-memory API server holding Secrets and ServiceAccounts,
and serving a list of Pods (``pods``, read-only).

Only ``request`` is replaced, and its errors are made by the real ``api_error``, so callers see
what they see from the API server: ``SecretOpsError`` with ``status`` 404, 409 or whatever a test
queues in ``failures`` (``(method, namespace, name)`` -> list of HTTP statuses, one raised per call;
``name`` is the body's for a create, None for a list or a create with ``generateName``; a create with
``dryRun`` stores nothing). Server-side apply keeps the keys it does not receive
(as for keys another manager owns); a JSON patch runs its ``test`` and ``remove`` operations.
"""

import contextlib
import copy

from kubernetes.client.rest import ApiException

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import JSON, K8sClient, api_error
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.secret_service import (
    APPLY_PATCH, JSON_PATCH, SECRET, SECRETS, SERVICE_ACCOUNT,
)
from ansible_collections.secretops.provisioning.plugins.module_utils.revocation.service import PODS


def created(body, field_manager=None):
    """``body`` as the API server stores a create: a uid, and a managedFields entry of the field
    manager the request named (else the client's user agent) owning the fields it sent."""
    secret = copy.deepcopy(body)
    fields = dict(("f:" + key, {}) for key in body if key not in ("apiVersion", "kind", "metadata"))
    secret["metadata"]["uid"] = "uid-%s" % secret["metadata"]["name"]
    secret["metadata"]["managedFields"] = [{"manager": field_manager or "python-urllib3", "operation": "Update", "apiVersion": "v1",
                                            "fieldsType": "FieldsV1", "fieldsV1": fields}]
    return secret


class FakeApiServer(K8sClient):
    def __init__(self, *secrets, **kwargs):
        configuration = type("Configuration", (), {"host": "https://k8s.example.test:6443"})()
        super(FakeApiServer, self).__init__(type("ApiClient", (), {"configuration": configuration})())
        self.revision = 100
        self.secrets = {}
        self.created_bodies = []  # what each create sent, before the server added its own fields
        for secret in secrets:
            self._store(copy.deepcopy(secret))
        self.service_accounts = set(kwargs.get("service_accounts") or ())
        self.pods = list(kwargs.get("pods") or ())
        self.failures = {}
        self.calls = []

    def _store(self, secret):
        self.revision += 1
        secret.setdefault("metadata", {})["resourceVersion"] = str(self.revision)
        secret.setdefault("type", "Opaque")
        meta = secret["metadata"]
        self.secrets[(meta["namespace"], meta["name"])] = secret
        return copy.deepcopy(secret)

    def _fail(self, status, action):
        return api_error(ApiException(status=status, reason={404: "Not Found", 409: "Conflict", 403: "Forbidden"}.get(status, "Error")), action)

    def request(self, method, path, path_params=None, query=None, body=None, content_type=JSON, action=None):
        params = path_params or {}
        namespace, name = params.get("namespace"), params.get("name")
        if method == "POST":
            name = body["metadata"].get("name")  # None for a create with generateName
        action = action or "%s %s" % (method, path)
        self.calls.append((method, path, namespace, name, content_type if body is not None else None))
        queued = self.failures.get((method, namespace, name)) or []
        if queued:
            raise self._fail(queued.pop(0), action)
        if path == SERVICE_ACCOUNT:
            if (namespace, name) not in self.service_accounts:
                raise self._fail(404, action)
            return {"kind": "ServiceAccount", "metadata": {"namespace": namespace, "name": name}}
        if path == PODS and method == "GET":
            return {"items": [copy.deepcopy(pod) for pod in self.pods if pod["metadata"]["namespace"] == namespace], "metadata": {}}
        if path == SECRETS and method == "GET":
            items = [copy.deepcopy(secret) for (where, _name), secret in sorted(self.secrets.items()) if where == namespace]
            return {"items": items, "metadata": {}}
        if path == SECRETS and method == "POST" and (query or {}).get("dryRun"):
            return dict(copy.deepcopy(body), metadata=dict(body["metadata"], name=name or body["metadata"]["generateName"] + "x1y2z"))
        if path == SECRETS and method == "POST":
            if (namespace, name) in self.secrets:
                raise self._fail(409, action)
            self.created_bodies.append(copy.deepcopy(body))
            return self._store(created(body, (query or {}).get("fieldManager")))
        assert path == SECRET, path
        current = self.secrets.get((namespace, name))
        if method == "PATCH" and content_type == APPLY_PATCH:
            merged = copy.deepcopy(current or {})
            for field, value in body.items():
                if isinstance(value, dict) and isinstance(merged.get(field), dict):
                    merged[field] = dict(merged[field], **value)
                else:
                    merged[field] = copy.deepcopy(value)
            for field in ("labels", "annotations"):
                if field in body["metadata"]:
                    merged["metadata"][field] = dict((current or {}).get("metadata", {}).get(field) or {}, **body["metadata"][field])
            return self._store(merged)
        if current is None:
            raise self._fail(404, action)
        if method == "GET":
            return copy.deepcopy(current)
        if method == "DELETE":
            del self.secrets[(namespace, name)]
            return {}
        if method == "PUT":
            return self._store(copy.deepcopy(body))
        if method == "PATCH" and content_type == JSON_PATCH:
            changed = copy.deepcopy(current)
            for operation in body:
                if operation["op"] == "test":
                    if changed["metadata"]["resourceVersion"] != operation["value"]:
                        raise self._fail(409, action)
                    continue
                _empty, section, *rest = operation["path"].split("/")
                target = changed[section] if section != "metadata" else changed["metadata"][rest.pop(0)]
                del target[rest[0].replace("~1", "/").replace("~0", "~")]
            return self._store(changed)
        raise AssertionError("the fake does not serve %s %s" % (method, path))

    def sent(self, method=None, content_type=None):
        return [call for call in self.calls if (method is None or call[0] == method) and (content_type is None or call[4] == content_type)]

    def writes(self):
        return [call for call in self.calls if call[0] != "GET"]

    def close(self):
        pass


def session_of(server):
    """A stand-in for ``k8s_session`` that yields ``server`` (whatever the connection params)."""
    @contextlib.contextmanager
    def session(params, pool_size=None):
        yield server
    return session
