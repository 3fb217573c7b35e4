# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A minimal kubeconfig and in-cluster reader for the common cases, so a module run does not
import the ``kubernetes`` library (about 0.5 s of CPU per process, see docs/performance.md).

``resolve`` is pure: it takes the parsed kubeconfig documents and returns the connection settings
of one context, or None when the context uses anything not handled here (a user with ``exec`` or
``auth-provider``, basic auth, impersonation, a cluster with ``proxy-url`` or ``tls-server-name``,
any key it does not know, or a kubeconfig that is not well formed). None sends the caller to the
``kubernetes`` library, which then does what it always did, errors included: no user loses a
capability, and a broken kubeconfig still gets the library's own message.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import os

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported by the modules
    from urlparse import urlsplit

# keys whose meaning is implemented below; anything else falls back to the library
CLUSTER_KEYS = frozenset(("server", "certificate-authority", "certificate-authority-data", "insecure-skip-tls-verify", "extensions"))
USER_KEYS = frozenset(("token", "tokenFile", "client-certificate", "client-certificate-data", "client-key", "client-key-data", "extensions"))
CONTEXT_KEYS = frozenset(("cluster", "user", "namespace", "extensions"))
# kubeconfig keys that name a file, resolved against the directory of the file that defines them (as client-go does)
PATH_KEYS = ("certificate-authority", "tokenFile", "client-certificate", "client-key")

IN_CLUSTER_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"


def kubeconfig_paths(explicit, environ, home):
    """The kubeconfig files to read, in precedence order.

    ``explicit`` (the kubeconfig option) and KUBECONFIG may list several files separated by
    ``os.pathsep``; empty entries are skipped. Without either, ``~/.kube/config``.
    """
    listed = explicit or environ.get("KUBECONFIG") or ""
    paths = [path for path in listed.split(os.pathsep) if path]
    return paths or [os.path.join(home, ".kube", "config")]


def merge(documents):
    """Merge parsed kubeconfigs, ``[(directory, document), ...]`` in precedence order, as client-go does.

    The first file that names a cluster, user or context wins for that name, and the first file
    that sets current-context wins for it. Each entry keeps the directory of its file, against
    which its relative paths are resolved. Returns None when a document is not a kubeconfig this
    reader understands.
    """
    merged = {"current-context": None, "clusters": {}, "users": {}, "contexts": {}}
    for directory, document in documents:
        if document is None:
            continue
        if not isinstance(document, dict):
            return None
        if not merged["current-context"] and document.get("current-context"):
            merged["current-context"] = document["current-context"]
        for section, field in (("clusters", "cluster"), ("users", "user"), ("contexts", "context")):
            entries = document.get(section) or []
            if not isinstance(entries, list):
                return None
            for entry in entries:
                if not isinstance(entry, dict) or not isinstance(entry.get(field) or {}, dict) or not entry.get("name"):
                    return None
                merged[section].setdefault(entry["name"], (directory, entry.get(field) or {}))
    return merged


def _resolved_paths(directory, entry):
    """``entry`` with its file paths made absolute against ``directory``."""
    entry = dict(entry)
    for key in PATH_KEYS:
        if entry.get(key):
            entry[key] = os.path.join(directory, os.path.expanduser(entry[key]))
    return entry


def resolve(merged, context=None):
    """The connection settings of ``context`` (else current-context) in a ``merge`` result.

    Returns a dict: ``host``, ``token`` or ``token_file``, ``ca_file``/``ca_data``,
    ``cert_file``/``cert_data``, ``key_file``/``key_data`` (the ``*_data`` base64 as in the file),
    ``verify_ssl``; or None for anything this reader leaves to the library.
    """
    if not merged:
        return None
    name = context or merged["current-context"]
    if not name or name not in merged["contexts"]:
        return None
    _directory, context_entry = merged["contexts"][name]
    if set(context_entry) - CONTEXT_KEYS or context_entry.get("cluster") not in merged["clusters"]:
        return None
    cluster_dir, cluster = merged["clusters"][context_entry["cluster"]]
    user_name = context_entry.get("user")
    user_dir, user = merged["users"].get(user_name, (None, {})) if user_name else (None, {})
    if user_name and user_name not in merged["users"]:
        return None
    if set(cluster) - CLUSTER_KEYS or set(user) - USER_KEYS or not isinstance(cluster.get("server"), str):
        return None
    if user.get("token") and user.get("tokenFile"):
        return None  # client-go and the library disagree on which wins: leave it to the library as before
    for entry, key in ((cluster, "certificate-authority"), (user, "client-certificate"), (user, "client-key")):
        if entry.get(key) and entry.get(key + "-data"):
            return None  # client-go refuses both; the library picks one: leave it to the library as before
        if not isinstance(entry.get(key) or "", str) or not isinstance(entry.get(key + "-data") or "", str):
            return None
    if not isinstance(user.get("token") or "", str) or not isinstance(user.get("tokenFile") or "", str):
        return None
    for value in (cluster.get("certificate-authority-data"), user.get("client-certificate-data"), user.get("client-key-data")):
        if value and not _is_base64(value):
            return None
    cluster = _resolved_paths(cluster_dir, cluster)
    user = _resolved_paths(user_dir, user) if user_dir is not None else user
    insecure = cluster.get("insecure-skip-tls-verify")
    if insecure not in (None, True, False):
        return None
    return {
        "host": cluster["server"].rstrip("/"),
        "token": user.get("token"),
        "token_file": user.get("tokenFile"),
        "ca_file": cluster.get("certificate-authority"),
        "ca_data": cluster.get("certificate-authority-data"),
        "cert_file": user.get("client-certificate"),
        "cert_data": user.get("client-certificate-data"),
        "key_file": user.get("client-key"),
        "key_data": user.get("client-key-data"),
        "verify_ssl": not insecure,
    }


def context_namespace(merged, context=None):
    """The ``namespace`` of ``context`` (else current-context) in a ``merge`` result, or None.

    The default namespace of a task that names none, as kubectl and kubernetes.core take it.
    """
    if not merged:
        return None
    _directory, entry = merged["contexts"].get(context or merged["current-context"] or "", (None, {}))
    namespace = entry.get("namespace")
    return namespace if isinstance(namespace, str) and namespace else None


def _is_base64(value):
    try:
        base64.b64decode("".join(value.split()), validate=True)  # a folded YAML scalar may carry spaces
    except (binascii.Error, ValueError):
        return False
    return True


def in_cluster(environ, token_file, ca_file, exists):
    """The settings inside a pod (service-account token and CA, KUBERNETES_SERVICE_HOST/PORT), or
    None when one is missing (the library then reports what is missing, as before)."""
    host = environ.get("KUBERNETES_SERVICE_HOST")
    port = environ.get("KUBERNETES_SERVICE_PORT")
    if not host or not port or not exists(token_file) or not exists(ca_file):
        return None
    if ":" in host:  # an IPv6 address
        host = "[%s]" % host
    return {"host": "https://%s:%s" % (host, port), "token": None, "token_file": token_file, "ca_file": ca_file, "ca_data": None,
            "cert_file": None, "cert_data": None, "key_file": None, "key_data": None, "verify_ssl": True}


DEFAULT_PORTS = {"https": 443, "http": 80}


def _server_key(url):
    """``url`` as a comparable (scheme, host, port, path): case and a default port or trailing slash aside."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except (AttributeError, ValueError):
        return None
    scheme = parts.scheme.lower()
    return (scheme, (parts.hostname or "").lower(), port or DEFAULT_PORTS.get(scheme), parts.path.rstrip("/"))


def same_server(url, other):
    """Whether two API server URLs name the same server (an unparsable one is no server)."""
    key = _server_key(url or "")
    return key is not None and key[1] != "" and key == _server_key(other or "")
