# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one Vault client layer: builds an hvac client with retries, logs in through the auth
method registry, and turns every failure into a ``SecretOpsError`` that names what failed
(unreachable, sealed, permission denied on which path, rejected request, bad role).

Requests go through hvac's raw adapter so status codes are handled here, once: a KV v2 read of a
deleted version answers 404 with metadata, which hvac's JSON adapter would hide. Messages carry
Vault's own error text (which never echoes a token or a written value) but never a token; the
exceptions they replace are dropped from the chain (``from None``), because some quote a header,
and so the token (``requests``' ``InvalidHeader``).

Only requests that are safe to repeat are retried: GET, LIST and HEAD on a transient status or a
read timeout, and any request whose connection could not be opened (it was never sent). A POST
that timed out or got a 5xx may have been applied: repeating it would write a second KV version
or fail a check-and-set against the version the first attempt created. A request that mints a
credential is not safe to repeat whatever its method (``GET <mount>/creds/<role>`` makes a database
user and a lease each time): its caller says so with ``retry=False``, and it is sent once.

A request path with an empty, ``.`` or ``..`` segment is refused before it is sent (``paths.py``):
built from an option, it would reach another path than the one the option names.

A token made by a login (kubernetes, approle, jwt) is revoked when the client is closed, or at
process exit for a module that never closes it, unless ``revoke_token`` is false; a token the
user gave is never revoked.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import atexit
import contextlib

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import kv
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.auth import method_for
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.headers import check_header_value
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.paths import check_request_path

try:
    import hvac
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    HAS_HVAC = True
    HVAC_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - reported by build_client
    HAS_HVAC = False
    HVAC_IMPORT_ERROR = exc

# Statuses worth retrying: Vault answers 412 while a performance standby catches up, 5xx on
# restarts and leader elections. 503 also means sealed; that is reported after the retries.
RETRY_STATUSES = (412, 500, 502, 503, 504)
# Methods that change nothing, so a second attempt cannot duplicate or contradict the first.
SAFE_METHODS = frozenset(["GET", "HEAD", "LIST"])


def retry_policy(retries):
    """urllib3 retries: statuses and read errors for ``SAFE_METHODS`` only; connect errors for all
    (urllib3 counts only failures to open the connection as connect errors); nothing else."""
    return Retry(
        total=retries, connect=retries, read=retries, status=retries, other=0, backoff_factor=0.3,
        status_forcelist=RETRY_STATUSES, allowed_methods=SAFE_METHODS, raise_on_status=False,
    )


def single_attempt_policy(retries):
    """urllib3 retries of a request that must not be repeated, whatever its method: only a
    connection that could not be opened is tried again (the request was never sent)."""
    return Retry(
        total=retries, connect=retries, read=False, status=0, other=0, backoff_factor=0.3,
        status_forcelist=(), raise_on_status=False, respect_retry_after_header=False,
    )


def _session(retries, single_attempt=False):
    session = requests.Session()
    if retries:
        adapter = HTTPAdapter(max_retries=single_attempt_policy(retries) if single_attempt else retry_policy(retries))
        session.mount("http://", adapter)
        session.mount("https://", adapter)
    return session


def _errors(response):
    try:
        body = response.json()
    except ValueError:
        return []
    errors = body.get("errors") if isinstance(body, dict) else None
    return [str(item) for item in errors or [] if item]


class VaultClient(object):
    """An hvac client plus value-free error translation; one per module run or lookup run."""

    def __init__(self, hvac_client, url, retries=0):
        self.hvac = hvac_client
        self.url = url
        self.retries = retries
        self.revoke_on_close = False  # set for a token this client made by logging in
        self._single_attempt_session = None  # made on the first request with retry=False

    def set_token(self, token, option="token (VAULT_TOKEN)"):
        check_header_value(token, option)
        self.hvac.token = token

    def close(self):
        """Revoke the token when this client made it by a login (best effort), then end the HTTP session.

        Safe to call more than once; the client must not be used afterwards.
        """
        atexit.unregister(self.close)
        if self.revoke_on_close and self.token:
            revoke_self(self)
            self.set_token(None)
        self.revoke_on_close = False
        if self._single_attempt_session is not None:
            self._single_attempt_session.close()
            self._single_attempt_session = None
        self.hvac.adapter.close()

    @property
    def token(self):
        return self.hvac.token

    def request(self, method, path, data=None, missing_ok=False, action=None, retry=True):
        """Send ``method`` to ``/v1/<path>``; return the JSON body (``{}`` when empty).

        With ``missing_ok`` a 404 returns ``None``, or the body when Vault sent one (KV v2 does for
        deleted versions). Any other failure raises ``SecretOpsError``. ``retry=False`` marks a
        request that is not idempotent (it mints a credential): it is sent at most once, whatever
        its method, and a timeout or a 5xx is reported, not repeated.
        """
        check_request_path(path)
        kwargs = {"raise_exception": False}
        if data is not None:
            kwargs["json"] = data
        adapter = self.hvac.adapter if retry else self._single_attempt_adapter()
        try:
            response = adapter.request(method, "/v1/" + path.lstrip("/"), **kwargs)
        except (requests.exceptions.InvalidHeader, UnicodeError):
            raise _header_error(path) from None
        except requests.exceptions.RequestException as exc:
            raise SecretOpsError(
                "cannot reach Vault at %s (%s): check url (VAULT_ADDR), the network and ca_cert" % (self.url, exc.__class__.__name__),
                vault_path=path,
            ) from None
        if response.status_code == 404 and missing_ok:
            body = self._json(response)
            return body if body and body.get("data") else None
        if response.ok:
            return self._json(response) or {}
        error = self.error(response, method, path, action)
        if response.status_code == 400 and kv.CAS_MISMATCH in str(error):
            hint = kv.cas_mismatch_hint(self, path)
            if hint:
                raise SecretOpsError("%s; %s" % (error, hint), **error.details)
            # Another writer (a concurrent run, another cluster of a fleet run) made a version first.
            error.details["lost_cas_race"] = True
        raise error

    def _single_attempt_adapter(self):
        """The client's adapter (address, token, namespace, TLS) on a session that repeats nothing."""
        if self._single_attempt_session is None:
            self._single_attempt_session = _session(self.retries, single_attempt=True)
        adapter = hvac.adapters.RawAdapter.from_adapter(self.hvac.adapter)
        adapter.session = self._single_attempt_session
        return adapter

    @staticmethod
    def _json(response):
        if not response.content:
            return None
        try:
            body = response.json()
        except ValueError:
            return None
        return body if isinstance(body, dict) else None

    def error(self, response, method, path, action=None):
        status = response.status_code
        errors = _errors(response)
        detail = "; ".join(errors)
        doing = action or "%s %s" % (method.upper(), path)
        if status == 503 and ("sealed" in detail.lower() or not detail):
            text = "Vault at %s is sealed or unavailable (HTTP 503) during %s: unseal it and retry" % (self.url, doing)
        elif status == 403:
            text = (
                "permission denied on %s (%s): the token is invalid or expired, or its policies do not grant this"
                % (path, doing)
            )
            if detail and detail.lower() != "permission denied":
                text += " (%s)" % detail
        elif status == 401:
            text = "Vault rejected the credentials during %s: %s" % (doing, detail or "unauthorized")
        elif status == 404:
            text = "%s: nothing at %s (HTTP 404): is the mount or auth method enabled there?" % (doing, path)
        elif status == 400:
            text = "Vault rejected %s: %s" % (doing, detail or "bad request")
        else:
            text = "Vault returned HTTP %s for %s%s" % (status, doing, ": " + detail if detail else "")
        return SecretOpsError(text, status=status, vault_path=path)

    def read(self, path):
        """The response body at ``path``, or ``None`` when nothing is there."""
        return self.request("GET", path, missing_ok=True)

    def write(self, path, data, action=None, retry=True):
        return self.request("POST", path, data=data, action=action, retry=retry)

    def delete(self, path, action=None):
        return self.request("DELETE", path, action=action)

    def list(self, path):
        body = self.request("LIST", path, missing_ok=True)
        return ((body or {}).get("data") or {}).get("keys") or []

    def login(self, mount, data):
        """POST ``data`` to ``auth/<mount>/login`` and use the token it returns."""
        path = "auth/%s/login" % mount.strip("/")
        check_request_path(path)
        self.set_token(None)  # a login must not carry (and be judged by) an earlier token
        try:
            response = self.hvac.adapter.request("POST", "/v1/" + path, json=data, raise_exception=False)
        except (requests.exceptions.InvalidHeader, UnicodeError):
            raise _header_error(path) from None
        except requests.exceptions.RequestException as exc:
            raise SecretOpsError("cannot reach Vault at %s (%s) to log in" % (self.url, exc.__class__.__name__), vault_path=path) from None
        if not response.ok:
            detail = "; ".join(_errors(response)) or "HTTP %s" % response.status_code
            role = data.get("role") or data.get("role_id")
            if response.status_code == 503 and "sealed" in detail.lower():
                raise self.error(response, "POST", path, "log in")
            raise SecretOpsError(
                "login at %s failed%s: %s" % (path, " for role %s" % role if data.get("role") else "", detail),
                status=response.status_code, vault_path=path,
            )
        auth = (self._json(response) or {}).get("auth") or {}
        if not auth.get("client_token"):
            raise SecretOpsError("login at %s returned no token" % path, vault_path=path)
        self.set_token(auth["client_token"], "the token Vault returned")
        return auth


def _header_error(path):
    # Reached only when a header value slipped past check_header_value; the value stays out.
    return SecretOpsError(
        "the request to %s was not sent: a header value (token or namespace) contains a line break, "
        "a control character or a non-ASCII character" % path, vault_path=path,
    )


def tls_settings(params):
    """``(verify, cert)`` for requests: ``validate_certs`` (false also skips ``ca_cert``), else
    ``ca_cert`` or the system CAs; the client certificate and its key, when given."""
    verify = params.get("validate_certs")
    verify = True if verify is None else verify
    if verify and params.get("ca_cert"):
        verify = params["ca_cert"]
    cert = None
    if params.get("client_cert"):
        cert = (params["client_cert"], params["client_key"]) if params.get("client_key") else params["client_cert"]
    elif params.get("client_key"):
        raise SecretOpsError("client_key (VAULT_CLIENT_KEY) is set without client_cert (VAULT_CLIENT_CERT): set both, or neither")
    return verify, cert


def build_client(params):
    """A ``VaultClient`` for ``params`` (connection options), not yet authenticated."""
    if not HAS_HVAC:
        raise SecretOpsError(
            "the Python library 'hvac' is required on the host that runs this plugin: pip install hvac (import error: %s)" % HVAC_IMPORT_ERROR
        )
    url = params.get("url")
    if not url:
        raise SecretOpsError("no Vault address: set url or the VAULT_ADDR environment variable")
    retries = params.get("retries")
    namespace = params.get("namespace") or None
    check_header_value(namespace, "namespace (VAULT_NAMESPACE)")
    session = _session(3 if retries is None else retries)
    # On the session, not as hvac.Client arguments: hvac replaces those with the session's own
    # values when set, and a new session's verify is True (the system CAs, whatever the options said).
    session.verify, session.cert = tls_settings(params)
    hvac_client = hvac.Client(
        url=url, verify=session.verify, cert=session.cert, timeout=params.get("timeout") or 30, namespace=namespace,
        session=session, adapter=hvac.adapters.RawAdapter,
    )
    # hvac reads VAULT_TOKEN by itself; only the auth method (which validates it) may set a token.
    hvac_client.token = None
    return VaultClient(hvac_client, url, 3 if retries is None else retries)


def authenticated_client(params):
    """Build a client and log in with ``params['auth_method']``: the one entry point for plugins.

    A token made by a login is revoked by ``client.close()`` (see ``vault_session``) or, failing
    that, when the process exits, unless ``params['revoke_token']`` is false.
    """
    method = method_for(params.get("auth_method"))
    method.validate(params)
    client = build_client(params)
    method.login(client, params)
    if method.LOGIN_MAKES_TOKEN and params.get("revoke_token") is not False:
        client.revoke_on_close = True
        atexit.register(client.close)  # a module ends with sys.exit, which runs this if nothing closed the client
    return client


@contextlib.contextmanager
def vault_session(params):
    """``with vault_session(params) as client:`` an authenticated client, closed (and its login
    token revoked) when the block ends, however it ends."""
    client = authenticated_client(params)
    try:
        yield client
    finally:
        client.close()


def revoke_self(client):
    """Revoke the client's token (a login-check token should not outlive the check)."""
    try:
        client.request("POST", "auth/token/revoke-self", data={})
    except SecretOpsError:
        pass  # best effort: the token expires anyway (a batch token, or no default policy, cannot revoke itself)
