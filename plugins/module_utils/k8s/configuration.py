# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a Kubernetes connection comes from: the kubeconfig, the pod's service account or the
explicit options, turned into an HTTP client (``api_client``) that ``client.K8sClient`` sends
through. Token checks, the kubeconfig's server check and impersonation live here; requests and
their errors live in ``client.py``.

The common connections go through ``transport`` (urllib3) with the settings ``kubeconfig`` reads;
anything else through the ``kubernetes`` library, imported only then.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import kubeconfig, transport

IN_CLUSTER_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token"

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


def api_client(params, pool_size=None):
    """``(api_client, impersonation)`` for the connection ``params`` (see ``connection.connection_params``).

    The common connections (a kubeconfig with token, token file or client certificates, in-cluster,
    explicit host and credentials) go through ``transport``, a small urllib3 client; anything else
    (exec or auth-provider users, proxy-url, ...) through the ``kubernetes`` library as before, so no
    user loses a capability. ``pool_size`` raises the HTTP connection pool to at least that many
    connections, for callers that send requests from several threads (bulk writes).
    ``impersonation`` is the list of headers ``impersonation_headers`` gives.
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
        return transport.NativeApiClient(configuration), impersonation
    return k8s_client.ApiClient(configuration), impersonation
