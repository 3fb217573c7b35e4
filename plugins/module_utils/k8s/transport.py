# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small urllib3 transport to the Kubernetes API server, used in place of the ``kubernetes``
library's ``ApiClient`` whenever ``kubeconfig`` can read the connection (see client.py).

Its attributes mirror the library's (``configuration.host``, ``api_key``, ``ssl_ca_cert``,
``verify_ssl``, ``connection_pool_maxsize``, ``rest_client.pool_manager``) so the one client layer
and its tests treat both the same way. What it keeps from the library: urllib3's default retries,
a total timeout per request, the proxy from HTTPS_PROXY/HTTP_PROXY/ALL_PROXY unless NO_PROXY
matches the host, and certificate data written to private files that are removed on close.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import atexit
import base64
import ipaddress
import os
import shutil
import ssl
import tempfile

try:
    import urllib3

    HAS_URLLIB3 = True
except ImportError:  # pragma: no cover - reported by client.build_client
    HAS_URLLIB3 = False


class Configuration(object):
    """The connection settings, named as the library names them."""

    def __init__(self):
        self.host = None
        self.api_key = {}
        self.ssl_ca_cert = None
        self.cert_file = None
        self.key_file = None
        self.verify_ssl = True
        self.connection_pool_maxsize = (os.cpu_count() or 1) * 5  # the library's default
        self.refresh_api_key_hook = None
        self.proxy = None  # the proxy option: used in place of the environment's proxy variables
        self.no_proxy = None  # the no_proxy option: used in place of NO_PROXY
        self.proxy_headers = None  # headers for the proxy (proxy_header_map), as the library's
        self.private_dir = None  # where kubeconfig certificate data was written (write_private_files)


class TokenFile(object):
    """A token read from a file (in-cluster or a kubeconfig's tokenFile), read again when the file
    changes: the kubelet rotates a pod's projected token in place. ``clean`` turns the file's text
    into the token (trims, checks; raises naming the source)."""

    def __init__(self, path, clean):
        self.path = path
        self.clean = clean
        self.stamp = None

    def __call__(self, configuration):
        stat = os.stat(self.path)
        stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if stamp != self.stamp:
            with open(self.path) as handle:
                token = self.clean(handle.read())
            configuration.api_key = {"authorization": "Bearer " + token}
            self.stamp = stamp


def proxy_for(host, environ, proxy=None, no_proxy=None):
    """The proxy URL for ``host`` (an https:// or http:// URL), or None.

    ``proxy`` and ``no_proxy`` (the options) win over the environment. From the environment, as the
    library (through urllib's getproxies): lower-case names first, then upper-case; the scheme's
    variable, else ALL_PROXY. NO_PROXY entries (or ``no_proxy``) match the host, host:port, a
    domain suffix, an IP network, or ``*``.
    """
    scheme, _sep, rest = host.partition("://")

    def env(name):
        return environ.get(name.lower()) or environ.get(name.upper())

    proxy = proxy or env(scheme + "_proxy") or env("all_proxy")
    if not proxy:
        return None
    netloc = rest.split("/", 1)[0].lower()
    hostname = netloc.rsplit(":", 1)[0].strip("[]") if not netloc.endswith("]") else netloc.strip("[]")
    try:
        address = ipaddress.ip_address(hostname)
    except ValueError:
        address = None
    for entry in ((no_proxy if no_proxy is not None else env("no_proxy")) or "").split(","):
        entry = entry.strip().lower()
        if not entry:
            continue
        if entry == "*":
            return None
        if address is not None:
            try:
                if address in ipaddress.ip_network(entry, strict=False):
                    return None
            except ValueError:
                pass
        entry = entry.lstrip(".")
        if entry in (hostname, netloc) or hostname.endswith("." + entry) or netloc.endswith("." + entry):
            return None
    return proxy


class _Rest(object):
    """Holds the pool manager where the library's ``ApiClient.rest_client`` does."""

    def __init__(self, pool_manager):
        self.pool_manager = pool_manager


class NativeApiClient(object):
    """The transport: ``configuration``, ``rest_client.pool_manager`` (urllib3), ``close``."""

    def __init__(self, configuration, environ=None):
        self.configuration = configuration
        pool_args = {
            "cert_reqs": ssl.CERT_REQUIRED if configuration.verify_ssl else ssl.CERT_NONE,
            "ca_certs": configuration.ssl_ca_cert,
            "cert_file": configuration.cert_file,
            "key_file": configuration.key_file,
            "maxsize": configuration.connection_pool_maxsize,
        }
        proxy = proxy_for(configuration.host, os.environ if environ is None else environ,
                          configuration.proxy, configuration.no_proxy)
        if proxy:
            self.rest_client = _Rest(urllib3.ProxyManager(proxy, proxy_headers=configuration.proxy_headers, **pool_args))
        else:
            self.rest_client = _Rest(urllib3.PoolManager(**pool_args))
        self.private_dir = configuration.private_dir

    def send(self, method, url, headers, body, timeout):
        """Send one request; return the urllib3 response (not yet read)."""
        if self.configuration.refresh_api_key_hook is not None:
            self.configuration.refresh_api_key_hook(self.configuration)
        authorization = self.configuration.api_key.get("authorization")
        if authorization:
            headers = with_headers(headers, [("Authorization", authorization)])
        return self.rest_client.pool_manager.request(
            method, url, body=body, headers=headers, timeout=urllib3.Timeout(total=timeout), preload_content=False,
        )

    def close(self):
        self.rest_client.pool_manager.clear()
        remove_private_dir(self.private_dir)


def proxy_header_map(options):
    """The headers for the proxy from the ``proxy_headers`` option (``proxy_basic_auth``, ``basic_auth``,
    ``user_agent``: ``user:password`` and a text), made as kubernetes.core makes them (urllib3's
    ``make_headers``), or None."""
    given = dict((name, value) for name, value in (options or {}).items() if value)
    if not given or not HAS_URLLIB3:
        return None
    return urllib3.make_headers(**given)


def with_headers(headers, extra):
    """``headers`` with the ``(name, value)`` pairs of ``extra`` added, a repeated name sent once per
    value (Impersonate-Group); a new mapping, ``headers`` is left as it is."""
    if not HAS_URLLIB3:  # pragma: no cover - reported by client.build_client
        return dict(headers, **dict(extra))
    combined = urllib3.HTTPHeaderDict(headers)
    for name, value in extra:
        combined.add(name, value)
    return combined


def write_private_files(settings):
    """Write the base64 ``*_data`` of kubeconfig ``settings`` to files only this user can read;
    return the directory (None when there was nothing to write). urllib3 takes certificates and
    keys as paths only, and ``K8sClient.ca_cert_path`` is read by callers as a path."""
    if not any(settings.get(name) for name in ("ca_data", "cert_data", "key_data")):
        return None
    directory = tempfile.mkdtemp(prefix="secretops-k8s-")  # mode 0700
    atexit.register(remove_private_dir, directory)
    for name in ("ca", "cert", "key"):
        data = settings.get(name + "_data")
        if data:
            path = os.path.join(directory, name + ".pem")
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(base64.b64decode(data))
            settings[name + "_file"] = path
    return directory


def remove_private_dir(directory):
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
