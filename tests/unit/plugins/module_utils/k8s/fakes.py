"""The one fake of the Kubernetes API for unit tests: an in-memory API server under a real
``K8sClient``. Only ``_send`` (the HTTP exchange) is replaced, so ``K8sClient.request`` itself runs:
its ``missing_ok``/``exists_ok`` and its error translation (``api_error``) are the real ones, and
callers see what they see from the API server: ``SecretOpsError`` with ``status`` 404, 409 or
whatever a test queues in ``failures`` (``(method, namespace, name)`` -> list of HTTP statuses, one
raised per call, or of exceptions raised as they are: an ``ApiStatusError`` with the API server's
Status body, urllib3's ``ProtocolError`` for a server gone; ``name`` is the body's for a create, None
for a list or a create with ``generateName``; a create with ``dryRun`` stores nothing).

It holds Secrets (``secrets``), ServiceAccounts (``service_accounts``, with the created ones'
bodies in ``objects``; a TokenRequest for one answers ``TOKEN``), Pods (``pods``, listed read-only), and any other object by its path
(``objects``: Namespaces, ClusterRoleBindings, workloads, ...; a LIST of a namespace's collection
answers the objects stored under it, an empty list when there are none (so does a cluster-wide
collection that a discovery document kept in ``objects`` lists), and a strategic merge
patch merges into the object, a change of its ``spec`` counting a new ``generation``). Like the API server it gives every write a new
``resourceVersion`` and refuses (409) a PUT whose ``resourceVersion`` is not the stored one, and a
DELETE whose ``uid`` precondition does not match. Server-side apply keeps the keys it does not
receive (as for keys another manager owns); a JSON patch runs its ``test`` and ``remove``
operations. ``before`` lets a test act as another writer just before a request is served, ``after``
see each request served (as the storage under the API server, etcd, does);
``reviews`` (a function of a SubjectAccessReview's spec) answers SubjectAccessReviews.
An object kept in ``objects`` as a str (``/metrics``, ``/healthz/kms-providers``) is served as text.
"""

import contextlib
import copy

import json
import threading

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import paths
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import JSON, ApiStatusError, K8sClient, _expand
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.secret_service import APPLY_PATCH, JSON_PATCH

SECRETS, SECRET, PODS = paths.SECRETS, paths.SECRET, paths.PODS
SERVICE_ACCOUNTS, SERVICE_ACCOUNT, TOKEN_REQUEST = paths.SERVICE_ACCOUNTS, paths.SERVICE_ACCOUNT, paths.TOKEN_REQUEST
TOKEN = "header.payload.signature-never-shown"
MERGE_PATCH, STRATEGIC_MERGE_PATCH = "application/merge-patch+json", "application/strategic-merge-patch+json"
REASONS = {403: "Forbidden", 404: "Not Found", 409: "Conflict", 500: "Internal Server Error"}


def created(body, field_manager=None):
    """``body`` as the API server stores a create: a uid, and a managedFields entry of the field
    manager the request named (else the client's user agent) owning the fields it sent."""
    secret = copy.deepcopy(body)
    fields = dict(("f:" + key, {}) for key in body if key not in ("apiVersion", "kind", "metadata"))
    secret["metadata"]["uid"] = "uid-%s" % secret["metadata"]["name"]
    secret["metadata"]["managedFields"] = [{"manager": field_manager or "python-urllib3", "operation": "Update", "apiVersion": "v1",
                                            "fieldsType": "FieldsV1", "fieldsV1": fields}]
    return secret


def _merged(current, patch):
    """``patch`` merged into ``current`` as a merge patch does: maps merge, ``None`` removes, the rest replaces
    (the strategic merge of lists by key is not modelled)."""
    merged = copy.deepcopy(current)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


class FakeApiServer(K8sClient):
    def __init__(self, *secrets, **kwargs):
        configuration = type("Configuration", (), {"host": "https://k8s.example.test:6443", "ssl_ca_cert": kwargs.get("ca_cert_path")})()
        super(FakeApiServer, self).__init__(type("ApiClient", (), {"configuration": configuration, "close": lambda self: None})())
        self.revision = 100
        self.secrets = {}
        self.created_bodies = []  # what each create sent, before the server added its own fields
        for secret in secrets:
            self._store(copy.deepcopy(secret))
        self.service_accounts = set(kwargs.get("service_accounts") or ())
        self.pods = list(kwargs.get("pods") or ())
        self.objects = dict(kwargs.get("objects") or {})
        self.reviews = kwargs.get("reviews")
        self.before = kwargs.get("before")  # before(method, path, path_params, body): another writer acting first
        self.after = kwargs.get("after")  # after(method, path, path_params, body): each request served, as etcd sees it
        self.failures = {}
        self.calls = []
        self.bodies = []  # (method, expanded path, body) of every request with a body
        self.requests = []  # (method, expanded path) of every request, as sent
        self.lock = threading.Lock()

    def _store(self, secret):
        self.revision += 1
        secret.setdefault("metadata", {})["resourceVersion"] = str(self.revision)
        secret.setdefault("type", "Opaque")
        meta = secret["metadata"]
        self.secrets[(meta["namespace"], meta["name"])] = secret
        return copy.deepcopy(secret)

    @staticmethod
    def _fail(status):
        return ApiStatusError(status, REASONS.get(status, "Error"))

    def _send(self, method, path, path_params, query, headers, body):
        if self.before is not None:
            self.before(method, path, path_params or {}, body)
        with self.lock:
            answer = self.serve(method, path, path_params, dict(query or []), body, headers.get("Content-Type", JSON))
        if self.after is not None:
            self.after(method, path, path_params or {}, body)
        if isinstance(answer, str):  # an object kept as text: /metrics, /healthz/...
            return answer.encode("utf-8")
        return json.dumps(answer).encode("utf-8") if answer is not None else b""

    def serve(self, method, path, path_params, query, body, content_type):
        """The answer (a dict) to one request; raises ``ApiStatusError`` for a non-2xx status."""
        params = path_params or {}
        namespace, name = params.get("namespace"), params.get("name")
        if method == "POST" and path != TOKEN_REQUEST:
            name = (body.get("metadata") or {}).get("name")  # None for a create with generateName or of a review
        self.calls.append((method, path, namespace, name, content_type if body is not None else None))
        self.requests.append((method, _expand(path, params)))
        if body is not None:
            self.bodies.append((method, _expand(path, params), copy.deepcopy(body)))
        queued = self.failures.get((method, namespace, name)) or []
        if queued:
            failure = queued.pop(0)
            raise failure if isinstance(failure, Exception) else self._fail(failure)
        if path == TOKEN_REQUEST:
            if (namespace, name) not in self.service_accounts:
                raise self._fail(404)
            return dict(body, status={"token": TOKEN, "expirationTimestamp": "2026-01-01T00:10:00Z"})
        if path == SERVICE_ACCOUNT and method == "GET" and (namespace, name) in self.service_accounts:
            return copy.deepcopy(self.objects.get(_expand(path, params))
                                 or {"kind": "ServiceAccount", "metadata": {"namespace": namespace, "name": name}})
        if path == SERVICE_ACCOUNTS and method == "POST":
            if (namespace, name) in self.service_accounts:
                raise self._fail(409)
            self.service_accounts.add((namespace, name))
        if path == paths.SUBJECT_ACCESS_REVIEWS:
            return dict(body, status={"allowed": bool(self.reviews(body["spec"]))})
        if path == PODS and method == "GET":
            return {"items": [copy.deepcopy(pod) for pod in self.pods if pod["metadata"]["namespace"] == namespace], "metadata": {}}
        if path in (SECRETS, SECRET):
            return self._serve_secret(method, path, namespace, name, query, body, content_type)
        return self._serve_object(method, path, params, body, content_type)

    def _serve_object(self, method, path, params, body, content_type):
        """Any other object, kept by its path: GET, POST (create), PUT and DELETE."""
        if method == "POST":
            params = dict(params, name=body["metadata"]["name"])
            path += "/{name}"
        where = _expand(path, params)
        current = self.objects.get(where)
        if method == "GET" and current is None and not path.endswith("}") and ("{namespace}" in path or self._served(where)):
            # a namespace's collection, or one its group's discovery (kept in ``objects``) lists: the objects
            # stored under it, none when there are none
            items = [copy.deepcopy(item) for key, item in sorted(self.objects.items()) if key.rpartition("/")[0] == where]
            return {"items": items, "metadata": {}}
        if method == "POST":
            if current is not None:
                raise self._fail(409)
            self.objects[where] = copy.deepcopy(body)
            return copy.deepcopy(body)
        if current is None:
            raise self._fail(404)
        if method == "GET":
            return copy.deepcopy(current)
        if method == "DELETE":
            del self.objects[where]
            return {"kind": "Status", "status": "Success"}
        if method == "PUT":
            self.objects[where] = copy.deepcopy(body)
            return copy.deepcopy(body)
        if method == "PATCH" and content_type in (MERGE_PATCH, STRATEGIC_MERGE_PATCH):
            patched = _merged(current, body)
            if patched.get("spec") != current.get("spec"):
                patched["metadata"]["generation"] = current["metadata"].get("generation", 1) + 1
            self.objects[where] = patched
            return copy.deepcopy(patched)
        raise AssertionError("the fake does not serve %s %s" % (method, path))

    def _served(self, where):
        """Whether the discovery document of ``where``'s group version (kept in ``objects``) lists ``where``'s resource."""
        group_version, _slash, resource = where.rpartition("/")
        discovery = self.objects.get(group_version)
        return isinstance(discovery, dict) and any(entry.get("name") == resource for entry in discovery.get("resources") or [])

    def _serve_secret(self, method, path, namespace, name, query, body, content_type):
        if path == SECRETS and method == "GET":
            items = [copy.deepcopy(secret) for (where, _name), secret in sorted(self.secrets.items()) if where == namespace]
            return {"items": items, "metadata": {}}
        if path == SECRETS and method == "POST" and query.get("dryRun"):
            return dict(copy.deepcopy(body), metadata=dict(body["metadata"], name=name or body["metadata"]["generateName"] + "x1y2z"))
        if path == SECRETS and method == "POST":
            if (namespace, name) in self.secrets:
                raise self._fail(409)
            self.created_bodies.append(copy.deepcopy(body))
            return self._store(created(body, query.get("fieldManager")))
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
            raise self._fail(404)
        if method == "GET":
            return copy.deepcopy(current)
        if method == "DELETE":
            uid = ((body or {}).get("preconditions") or {}).get("uid")
            if uid and current["metadata"].get("uid") != uid:
                raise self._fail(409)
            del self.secrets[(namespace, name)]
            return {"kind": "Status", "status": "Success"}
        if method == "PUT":
            version = body["metadata"].get("resourceVersion")
            if version and version != current["metadata"]["resourceVersion"]:
                raise self._fail(409)
            return self._store(copy.deepcopy(body))
        if method == "PATCH" and content_type == JSON_PATCH:
            changed = copy.deepcopy(current)
            for operation in body:
                if operation["op"] == "test":
                    if changed["metadata"]["resourceVersion"] != operation["value"]:
                        raise self._fail(409)
                    continue
                _empty, section, *rest = operation["path"].split("/")
                target = changed[section] if section != "metadata" else changed["metadata"][rest.pop(0)]
                del target[rest[0].replace("~1", "/").replace("~0", "~")]
            return self._store(changed)
        raise AssertionError("the fake does not serve %s %s" % (method, path))

    def methods(self):
        return [call[0] for call in self.calls]

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
