# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one Kubernetes client layer: builds an API client from connection options and turns
API failures into ``SecretOpsError`` with a message that says what to fix.

Modules and lookups open a client with ``with k8s_session(params) as client:``; services (secrets,
workloads, tokens) take that ``K8sClient`` and never build their own. Every request goes through
``K8sClient.request``, the one place where a non-2xx answer and urllib3's transport errors become
``SecretOpsError`` (``status`` in its details for an HTTP error, ``unreachable`` when no answer
came), as ``VaultClient.request`` does for Vault. The transport is ``transport`` (urllib3) for the
connections ``kubeconfig`` reads, the ``kubernetes`` library, imported only then, for the others.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import json
import os
import sys

from http.client import HTTPException

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import kubeconfig, transport

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


IN_CLUSTER_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token"
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

    def request(self, method, path, path_params=None, query=None, body=None, content_type=JSON, action=None, text=False):
        """Send one request to the API server and return its JSON body as a dict ({} when empty);
        with ``text`` the body as text (``/metrics``, ``/healthz/...``).

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


API_KEY_SOURCE = "api_key (K8S_AUTH_API_KEY)"
_LINE_BREAKS = ("\n", "\r")


def bearer_token_problem(token):
    """What makes ``token`` unusable in an ``Authorization: Bearer`` header, or None.

    Says what is wrong and never includes the token.
    """
    if not token:
        return "is empty"
    if token[-1] in _LINE_BREAKS:
        return "ends with a line break"
    if any(char in token for char in _LINE_BREAKS):
        return "contains a line break"
    if any(char in " \t" for char in token):
        return "contains a space or a tab"
    if any(ord(char) < 32 or ord(char) == 127 for char in token):
        return "contains a control character"
    if any(ord(char) > 126 for char in token):
        return "contains a non-ASCII character"
    return None


def check_bearer_token(token, source):
    """Raise ``SecretOpsError`` naming ``source`` and the problem when ``token`` cannot be sent."""
    problem = bearer_token_problem(token)
    if problem:
        raise SecretOpsError(
            "%s %s, which an HTTP Authorization header cannot carry: remove it (a token is printable ASCII "
            "without spaces; the value is not shown)" % (source, problem)
        )


def _clean_loaded_token(configuration, source):
    """Strip the whitespace around a token read from a kubeconfig or a token file, then check it.

    client-go trims token files (a file written with ``echo`` ends with a newline) and the Python
    library does not; a token with a bad character inside is refused before it reaches a header.
    """
    for name in ("BearerToken", "authorization"):
        value = configuration.api_key.get(name)
        if value:
            scheme, _space, token = value.partition(" ")
            token = token.strip(" \t\r\n")
            check_bearer_token(token, source)
            configuration.api_key[name] = "%s %s" % (scheme, token)


def _check_refreshed_tokens(configuration, source, explicit_host):
    """Clean the token again each time the library refreshes it (in-cluster, kubeconfig tokens).

    On every refresh the library installs its own hook again and copies the kubeconfig's or the
    pod's host back: keep this hook, and an explicit ``host``, in place.
    """
    refresh = configuration.refresh_api_key_hook
    if refresh is None:
        return

    def refresh_and_clean(client_configuration):
        refresh(client_configuration)
        client_configuration.refresh_api_key_hook = refresh_and_clean
        if explicit_host:
            client_configuration.host = explicit_host
        _clean_loaded_token(client_configuration, source)

    configuration.refresh_api_key_hook = refresh_and_clean


def _configuration_source(params):
    """Which configuration to load: ``("kubeconfig", token source)`` or ``("in-cluster", token source)``,
    or ``(None, None)`` when the explicit host needs none. The token source names where a loaded
    token came from in the errors about it."""
    kubeconfig_option = params.get("kubeconfig")
    if not kubeconfig_option and params.get("host"):
        return None, None
    if kubeconfig_option and not os.path.exists(kubeconfig_option):
        raise SecretOpsError(
            "kubeconfig %s does not exist: set kubeconfig (or K8S_AUTH_KUBECONFIG) to an existing file" % kubeconfig_option
        )
    if kubeconfig_option or os.environ.get("KUBECONFIG") or os.path.exists(os.path.expanduser("~/.kube/config")):
        return "kubeconfig", "the user token of kubeconfig %s" % (kubeconfig_option or os.environ.get("KUBECONFIG") or "~/.kube/config")
    if os.path.exists(IN_CLUSTER_TOKEN):
        return "in-cluster", "the service-account token in %s" % IN_CLUSTER_TOKEN
    raise SecretOpsError(
        "no Kubernetes connection found: set kubeconfig (K8S_AUTH_KUBECONFIG or KUBECONFIG), "
        "or host and api_key, or run inside a pod with a service account"
    )


def _native_settings(source, params):
    """The connection settings ``kubeconfig`` reads for ``source``, or None to leave it to the library."""
    if source is None:
        return {"host": None, "verify_ssl": True}
    if source == "in-cluster":
        return kubeconfig.in_cluster(os.environ, IN_CLUSTER_TOKEN, os.path.join(os.path.dirname(IN_CLUSTER_TOKEN), "ca.crt"),
                                     os.path.exists)
    return kubeconfig.resolve(_merged_kubeconfig(params), params.get("context"))


def _merged_kubeconfig(params):
    """The kubeconfig files of ``params`` (or KUBECONFIG, ~/.kube/config) merged, or None when one cannot be read."""
    # only a kubeconfig needs it
    import yaml  # pylint: disable=import-outside-toplevel

    documents = []
    for path in kubeconfig.kubeconfig_paths(params.get("kubeconfig"), os.environ, os.path.expanduser("~")):
        path = os.path.expanduser(path)
        if not os.path.exists(path):
            continue  # as client-go and the library: a missing file in KUBECONFIG is skipped
        try:
            with open(path) as handle:
                documents.append((os.path.dirname(os.path.abspath(path)),
                                  yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))))  # nosec - a safe loader
        except (OSError, yaml.YAMLError, UnicodeDecodeError):
            return None  # the library reports what is wrong with it
    return kubeconfig.merge(documents)


def context_namespace(params):
    """The namespace of the kubeconfig context the connection ``params`` use, or None (an explicit
    host without a kubeconfig, in-cluster, or a context without one): the default of a task that names
    no namespace, as kubectl takes it. Reads the kubeconfig files only; nothing is sent."""
    if not params.get("kubeconfig") and params.get("host"):
        return None
    return kubeconfig.context_namespace(_merged_kubeconfig(params), params.get("context"))


def namespace_or_default(namespace, connection):
    """``namespace``, else the namespace of the kubeconfig context of ``connection`` (``context_namespace``);
    ``SecretOpsError`` when neither names one."""
    namespace = namespace or context_namespace(connection)
    if not namespace:
        raise SecretOpsError("namespace is required: give namespace, or use a kubeconfig context that sets one")
    return namespace


def _token_cleaner(source):
    def clean(text):
        token = text.strip(" \t\r\n")
        check_bearer_token(token, source)
        return token
    return clean


def _native_configuration(settings, token_source):
    """A ``transport.Configuration`` from kubeconfig ``settings`` (before the explicit options)."""
    configuration = transport.Configuration()
    configuration.private_dir = transport.write_private_files(settings)
    configuration.host = settings["host"]
    configuration.ssl_ca_cert = settings.get("ca_file")
    configuration.cert_file = settings.get("cert_file")
    configuration.key_file = settings.get("key_file")
    configuration.verify_ssl = settings["verify_ssl"]
    clean = _token_cleaner(token_source)
    if settings.get("token"):
        configuration.api_key = {"authorization": "Bearer " + clean(settings["token"])}
    elif settings.get("token_file"):
        configuration.refresh_api_key_hook = transport.TokenFile(settings["token_file"], clean)
        try:
            configuration.refresh_api_key_hook(configuration)
        except (OSError, UnicodeDecodeError) as exc:
            transport.remove_private_dir(configuration.private_dir)
            raise SecretOpsError("cannot read %s: %s" % (token_source, getattr(exc, "strerror", None) or exc.__class__.__name__))
        except SecretOpsError:
            transport.remove_private_dir(configuration.private_dir)
            raise
    return configuration


def _library():
    """The ``kubernetes`` library's client and config packages, imported only when needed: they cost
    about 0.5 s of CPU per process, so the common connections (see ``kubeconfig``) go without them."""
    try:
        from kubernetes import client as k8s_client, config as k8s_config  # pylint: disable=import-outside-toplevel
    except ImportError as exc:
        raise SecretOpsError(
            "the Python library 'kubernetes' is required on the host that runs this plugin for this connection "
            "(a kubeconfig user with exec or auth-provider, or another setting the collection does not read itself): "
            "pip install kubernetes (import error: %s)" % exc
        )
    return k8s_client, k8s_config


def _load_configuration(configuration, source, k8s_config, params):
    """Load a kubeconfig or the in-cluster configuration into ``configuration`` with the library."""
    from kubernetes.config.config_exception import ConfigException  # pylint: disable=import-outside-toplevel

    try:
        if source == "kubeconfig":
            k8s_config.load_kube_config(config_file=params.get("kubeconfig"), context=params.get("context"),
                                        client_configuration=configuration)
        else:
            k8s_config.load_incluster_config(client_configuration=configuration)
    except ConfigException as exc:
        failure = SecretOpsError("cannot load the Kubernetes configuration: %s" % exc)
    else:
        return
    raise failure


def _check_server(configuration, params, source):
    """Refuse an explicit ``host`` that is not the kubeconfig's server while a credential of the
    kubeconfig (its token or its client certificate) would still be sent: a kubeconfig's
    credentials go to its own server only (a token sent elsewhere is a token handed over)."""
    host = params.get("host")
    if source != "kubeconfig" or not host or kubeconfig.same_server(host, configuration.host):
        return
    carried = []
    if not params.get("api_key") and (configuration.api_key or configuration.refresh_api_key_hook is not None):
        carried.append("token")
    if not params.get("client_cert") and configuration.cert_file:
        carried.append("client certificate")
    if carried:
        raise SecretOpsError(
            "host %s is not the server of kubeconfig %s (%s): the kubeconfig's %s would be sent to another server. A kubeconfig's "
            "credentials go only to its own server: drop host (or set the server in the kubeconfig), or give host with api_key "
            "and no kubeconfig" % (host, params.get("kubeconfig"), configuration.host, " and ".join(carried)))


def _apply_explicit_options(configuration, params, token_source, library):
    """The explicit options win over what a kubeconfig or the pod gave (``_check_server`` first)."""
    explicit_host = params.get("host")
    if explicit_host:
        configuration.host = explicit_host
    if params.get("api_key"):
        check_bearer_token(params["api_key"], API_KEY_SOURCE)
        configuration.api_key = {"authorization": "Bearer " + params["api_key"]}
        # the explicit key wins: a kubeconfig's or the pod's token refresh must not replace it
        configuration.refresh_api_key_hook = None
    elif token_source and library:
        _clean_loaded_token(configuration, token_source)
        _check_refreshed_tokens(configuration, token_source, explicit_host)
    if params.get("ca_cert"):
        configuration.ssl_ca_cert = params["ca_cert"]
    if params.get("client_cert"):
        configuration.cert_file = params["client_cert"]
    if params.get("client_key"):
        configuration.key_file = params["client_key"]
    if params.get("validate_certs") is not None:
        configuration.verify_ssl = params["validate_certs"]
    # both Configuration classes read these names (the library's since kubernetes 19.15)
    if params.get("proxy"):
        configuration.proxy = params["proxy"]
    if params.get("no_proxy"):
        configuration.no_proxy = params["no_proxy"]
    headers = transport.proxy_header_map(params.get("proxy_headers"))
    if headers:
        configuration.proxy_headers = headers


def impersonation_headers(params, library=False):
    """The headers that make the API server act as ``impersonate_user`` (and ``impersonate_groups``),
    as kubectl's ``--as``/``--as-group`` and kubernetes.core send them: one Impersonate-Group header
    per group. The identity of the connection needs the ``impersonate`` verb on those users/groups.

    Raises ``SecretOpsError`` for groups without a user (the API server refuses them) and, through the
    ``kubernetes`` library (which keeps one value per header), for more than one group.
    """
    user = params.get("impersonate_user")
    groups = [group for group in (params.get("impersonate_groups") or []) if group]
    if groups and not user:
        raise SecretOpsError("impersonate_groups needs impersonate_user (K8S_AUTH_IMPERSONATE_USER): the API server "
                             "impersonates groups only together with a user")
    if library and len(groups) > 1:
        raise SecretOpsError("impersonate_groups with more than one group cannot be sent through the kubernetes library, "
                             "which this connection needs (a kubeconfig user with exec or auth-provider, or another setting "
                             "the collection does not read itself): give one group")
    return ([("Impersonate-User", user)] if user else []) + [("Impersonate-Group", group) for group in groups]


def build_client(params, pool_size=None):
    """Return a ``K8sClient`` for the connection ``params`` (see ``connection.connection_params``).

    The common connections (a kubeconfig with token, token file or client certificates, in-cluster,
    explicit host and credentials) go through ``transport``, a small urllib3 client; anything else
    (exec or auth-provider users, proxy-url, ...) through the ``kubernetes`` library as before, so no
    user loses a capability. ``pool_size`` raises the HTTP connection pool to at least that many
    connections, for callers that send requests from several threads (bulk writes).
    """
    source, token_source = _configuration_source(params)
    impersonation = impersonation_headers(params)  # checked before anything is read or written
    settings = _native_settings(source, params) if transport.HAS_URLLIB3 else None
    if settings is not None:
        configuration = _native_configuration(settings, token_source)
    else:
        impersonation = impersonation_headers(params, library=True)
        k8s_client, k8s_config = _library()
        configuration = k8s_client.Configuration()
        if source:
            _load_configuration(configuration, source, k8s_config, params)
    try:
        _check_server(configuration, params, source)
        _apply_explicit_options(configuration, params, token_source, library=settings is None)
    except SecretOpsError:
        transport.remove_private_dir(getattr(configuration, "private_dir", None))
        raise
    if pool_size and (configuration.connection_pool_maxsize or 0) < pool_size:
        configuration.connection_pool_maxsize = pool_size
    if settings is not None:
        api_client = transport.NativeApiClient(configuration)
    else:
        api_client = k8s_client.ApiClient(configuration)
    return K8sClient(api_client, request_timeout=params.get("request_timeout") or 30, impersonation=impersonation)


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
