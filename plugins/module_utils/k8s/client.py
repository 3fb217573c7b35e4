# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one Kubernetes client layer: sends every request and turns API failures into
``SecretOpsError`` with a message that says what to fix (the connection itself comes from
``configuration.py``).

Modules and lookups open a client with ``with k8s_session(params) as client:``; services (secrets,
workloads, tokens) take that ``K8sClient`` and never build their own. Every request goes through
``K8sClient.request``, the one place where a non-2xx answer and urllib3's transport errors become
``SecretOpsError`` (``status`` in its details for an HTTP error, ``unreachable`` when no answer
came), as ``VaultClient.request`` does for Vault. The transport is ``transport`` (urllib3) for the
connections ``kubeconfig`` reads, the ``kubernetes`` library, imported only then, for the others.
The API paths requests name are in ``paths.py``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import json
import sys

from http.client import HTTPException

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import configuration, transport

try:
    from urllib3.exceptions import HTTPError as TransportError
except ImportError:  # pragma: no cover - reported by build_client
    class TransportError(Exception):  # noqa: N818 - mirror of urllib3's name
        pass

try:
    from urllib.parse import quote, urlencode
except ImportError:  # pragma: no cover - Python 2 is not supported by the modules
    from urllib import quote, urlencode


class ApiStatusError(Exception):
    """A non-2xx answer (``status``, ``reason``, ``body``), as the library's ``ApiException`` has them."""

    def __init__(self, status=None, reason=None, body=None):
        super(ApiStatusError, self).__init__(reason)
        self.status = status
        self.reason = reason
        self.body = body


ApiException = ApiStatusError  # the name callers and tests knew when the library raised it


def _status_errors():
    """The exceptions that carry an HTTP ``status``: ours, and the library's ``ApiException`` when
    the library is loaded (the fallback path raises it; nothing imports the library for this)."""
    library = sys.modules.get("kubernetes.client.exceptions")
    return (ApiStatusError, library.ApiException) if library is not None else (ApiStatusError,)


JSON = "application/json"


class K8sClient(object):
    """An authenticated API client; every request goes through ``request``.

    Objects travel as plain dicts (the API's JSON, camelCase keys): the library's typed APIs are
    not used, since importing one builds every model class of its group (over a second per
    process, which dominated a one-Secret task), and ``json`` parses several times faster than the
    library's deserializer.
    """

    def __init__(self, api_client, request_timeout=30, impersonation=None):
        self.api_client = api_client
        self.request_timeout = request_timeout
        # [(header, value)]: Impersonate-User, then one Impersonate-Group per group (see impersonation_headers)
        self.impersonation = list(impersonation or [])

    def request(self, method, path, path_params=None, query=None, body=None, content_type=JSON, action=None, text=False,
                missing_ok=False, exists_ok=False):
        """Send one request to the API server and return its JSON body as a dict ({} when empty);
        with ``text`` the body as text (``/metrics``, ``/healthz/...``).

        With ``missing_ok`` a 404 (the object, or its namespace, does not exist) returns None; with
        ``exists_ok`` a 409 (it already exists, or it changed since it was read) returns ``{}``: no
        object was written, and the caller can tell the two apart. Any other failure raises.

        ``action`` names what is done for the error message ("read Secret demo/db"; by default the
        method and path). Every failure raises ``SecretOpsError``: a non-2xx answer with ``status``
        in its details and the API server's message and a hint (``api_error``); no answer (refused,
        reset, timed out, TLS) with ``unreachable`` in its details, naming the server; a request
        that cannot be built (a token with a character a header cannot carry) without any of the
        request's text. The library's exceptions are never chained to these errors.
        """
        headers = {"Accept": "text/plain" if text else JSON}
        if body is not None:
            headers["Content-Type"] = content_type
        if self.impersonation:
            if isinstance(self.api_client, transport.NativeApiClient):
                headers = transport.with_headers(headers, self.impersonation)
            else:  # the library takes a dict (one group at most, see impersonation_headers)
                headers.update(self.impersonation)
        query = list((query or {}).items())
        action = action or "%s %s" % (method, _expand(path, path_params))
        try:
            data = self._send(method, path, path_params, query, headers, body)
        except _status_errors() as exc:
            if (exc.status == 404 and missing_ok) or (exc.status == 409 and exists_ok):
                return None if exc.status == 404 else {}
            # status 0: the library's own wrapping of a TLS failure, so no answer came
            failure = api_error(exc, action) if exc.status else unreachable_error(exc, self.host, action)
        except (ValueError, HTTPException) as exc:
            # http.client refuses a header it cannot send with the whole header in the message
            # ("Invalid header value b'Bearer <token>'"): keep only the exception's class.
            failure = SecretOpsError(
                "cannot %s on the Kubernetes API server: the request could not be built (%s); check the connection options "
                "(host, api_key or the kubeconfig user's token) for characters an HTTP request cannot carry"
                % (action, exc.__class__.__name__)
            )
        except TransportError as exc:
            failure = unreachable_error(exc, self.host, action)
        else:
            if text:
                return data.decode("utf-8", "replace") if isinstance(data, bytes) else (data or "")
            try:
                return json.loads(data) if data else {}
            except ValueError:
                failure = SecretOpsError("cannot %s: the Kubernetes API server at %s answered with a body that is not JSON: check that "
                                         "host (or the kubeconfig's server) is the API server, not a proxy or another service"
                                         % (action, self.host))
        # raised outside the except blocks, so no traceback chains back to the library's text
        raise failure

    def _send(self, method, path, path_params, query, headers, body):
        """Send the request and return the response body (bytes); raise ``ApiStatusError`` for a non-2xx status."""
        if not isinstance(self.api_client, transport.NativeApiClient):
            return _send_with_library(self.api_client, self.request_timeout, method, path, path_params, query, headers, body)
        url = self.host + _expand(path, path_params, quote_values=True)
        if query:
            url += "?" + urlencode([(name, _query_value(value)) for name, value in query])
        payload = json.dumps(body) if body is not None else None
        response = self.api_client.send(method, url, headers, payload, self.request_timeout)
        try:
            data = response.read()
        finally:
            response.release_conn()
        if not 200 <= response.status <= 299:
            raise ApiStatusError(response.status, response.reason, data)
        return data

    @property
    def host(self):
        return self.api_client.configuration.host

    @property
    def ca_cert_path(self):
        return self.api_client.configuration.ssl_ca_cert

    def close(self):
        self.api_client.close()


def _send_with_library(api_client, request_timeout, method, path, path_params, query, headers, body):
    """The same request through the ``kubernetes`` library's ``ApiClient`` (the fallback; see ``build_client``)."""
    # the fallback's own exception class, imported only on its path
    from kubernetes.client.rest import ApiException  # pylint: disable=import-outside-toplevel,redefined-outer-name

    if not hasattr(api_client, "param_serialize"):
        # kubernetes < 37 (python-legacy generator): raises ApiException itself for a non-2xx status
        response = api_client.call_api(
            path, method, path_params=path_params, query_params=query, header_params=headers, body=body,
            auth_settings=["BearerToken"], _return_http_data_only=True, _preload_content=False,
            _request_timeout=request_timeout,
        )
        return response.data
    serialized = api_client.param_serialize(
        method, path, path_params=path_params, query_params=query, header_params=headers, body=body, auth_settings=["BearerToken"],
    )
    response = api_client.call_api(*serialized, _request_timeout=request_timeout)
    data = response.read()
    if not 200 <= response.status <= 299:
        raise ApiException(http_resp=response)
    return data


def _query_value(value):
    """A query value as the API server (and the library) spell it: booleans in lower case."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def build_client(params, pool_size=None):
    """Return a ``K8sClient`` for the connection ``params`` (see ``connection.connection_params``),
    built by ``configuration.api_client`` (``pool_size`` is explained there)."""
    http_client, impersonation = configuration.api_client(params, pool_size=pool_size)
    return K8sClient(http_client, request_timeout=params.get("request_timeout") or 30, impersonation=impersonation)


@contextlib.contextmanager
def k8s_session(params, pool_size=None):
    """``with k8s_session(params) as client:``, the one owner of a client's life: built from the
    connection ``params`` (see ``build_client``), closed when the block ends, however it ends."""
    client = build_client(params, pool_size=pool_size)
    try:
        yield client
    finally:
        client.close()


def api_error(exc, action):
    """Translate an ``ApiException`` raised while doing ``action`` into a ``SecretOpsError``.

    ``action`` names the object, e.g. "update Secret demo/db". The API server's own message is
    kept (it never holds Secret values), the response body is not.
    """
    status = getattr(exc, "status", None)
    reason = getattr(exc, "reason", None) or str(exc)
    message = reason
    body = getattr(exc, "body", None)
    if body:
        try:
            message = json.loads(body).get("message") or reason
        except (ValueError, AttributeError):
            message = reason
    hints = {
        401: "the credentials were rejected: check api_key, the client certificate or the kubeconfig user",
        403: "the identity lacks RBAC permission for this",
        404: "it does not exist",
        409: "it was changed or created concurrently",
        422: "the API server rejected the object as invalid",
    }
    hint = hints.get(status)
    text = "cannot %s: %s (HTTP %s)" % (action, message, status)
    if hint:
        text += "; " + hint
    return SecretOpsError(text, status=status)


def unreachable_error(exc, host, action):
    """The one error for a request that got no answer (refused, reset, timed out, TLS failure).

    Names the server and the cause's class only: urllib3's messages hold the URL and the
    connection object, which are noise here. ``unreachable`` in the details lets a caller that
    polls (a rollout wait) tell a blip from a refusal.
    """
    cause = getattr(exc, "reason", None)  # MaxRetryError wraps what happened on the last attempt
    name = (cause if isinstance(cause, Exception) else exc).__class__.__name__
    if getattr(exc, "status", None) == 0:  # the library puts the cause's class on the first line of the reason
        name = str(exc.reason or "").split("\n", 1)[0].strip() or "no answer"
    return SecretOpsError(
        "cannot %s: the Kubernetes API server at %s is unreachable (%s): check host (K8S_AUTH_HOST) or the kubeconfig's "
        "server, the network, and that the API server runs" % (action, host, name),
        unreachable=True,
    )


def _expand(path, path_params, quote_values=False):
    """``path`` with its ``{placeholders}`` filled in: to name a request in an error message, or
    (``quote_values``) percent-encoded, as the library does, to send it."""
    for name, value in (path_params or {}).items():
        path = path.replace("{%s}" % name, quote(str(value), safe="") if quote_values else str(value))
    return path
