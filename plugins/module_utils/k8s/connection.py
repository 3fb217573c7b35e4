# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kubernetes connection options: the single source of truth for modules and lookups.

``CONNECTION_OPTIONS`` drives the module argument spec (with ``K8S_AUTH_*`` environment
fallbacks, as kubernetes.core and AWX's Kubernetes credential set them) and the lookup options;
``plugins/doc_fragments/k8s_connection.py`` documents the same set and a unit test keeps the two
in step.

``resolve`` decides what the job environment may add to a task's options. The ``K8S_AUTH_*``
variables serve a whole job (an AWX Kubernetes credential, a CI variable) while a task's options
name one host's cluster (``module_defaults`` from ``secretops_kubernetes`` in a fleet), so the two
are never mixed: a task that names its own connection ignores the environment's as a whole, and a
kubeconfig is never combined with a host or a token from the environment (a kubeconfig's
credentials go to its own server only; ``client`` refuses an explicit host that is not it).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.basic import AnsibleFallbackNotFound, env_fallback
from ansible.module_utils.common.warnings import warn as module_warn
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

# name -> (type, env vars, no_log, default)
CONNECTION_OPTIONS = {
    "kubeconfig": ("path", ["K8S_AUTH_KUBECONFIG"], False, None),
    "context": ("str", ["K8S_AUTH_CONTEXT"], False, None),
    "host": ("str", ["K8S_AUTH_HOST"], False, None),
    "api_key": ("str", ["K8S_AUTH_API_KEY"], True, None),
    "ca_cert": ("path", ["K8S_AUTH_SSL_CA_CERT"], False, None),
    "client_cert": ("path", ["K8S_AUTH_CERT_FILE"], False, None),
    "client_key": ("path", ["K8S_AUTH_KEY_FILE"], False, None),
    "validate_certs": ("bool", ["K8S_AUTH_VERIFY_SSL"], False, None),
    "proxy": ("str", ["K8S_AUTH_PROXY"], False, None),
    "no_proxy": ("str", ["K8S_AUTH_NO_PROXY"], False, None),
    "impersonate_user": ("str", ["K8S_AUTH_IMPERSONATE_USER"], False, None),
    "impersonate_groups": ("list", ["K8S_AUTH_IMPERSONATE_GROUPS"], False, None),
    "proxy_headers": ("dict", ["K8S_AUTH_PROXY_HEADERS_PROXY_BASIC_AUTH", "K8S_AUTH_PROXY_HEADERS_BASIC_AUTH",
                               "K8S_AUTH_PROXY_HEADERS_USER_AGENT"], False, None),
    "request_timeout": ("int", ["K8S_AUTH_REQUEST_TIMEOUT"], False, 30),
}

# proxy_headers' suboptions -> (variable, no_log): one variable each, as kubernetes.core reads them; a
# lookup reads them through ``lookup_proxy_headers`` (Ansible's option system has no variable for a dict)
PROXY_HEADERS = {
    "proxy_basic_auth": ("K8S_AUTH_PROXY_HEADERS_PROXY_BASIC_AUTH", True),
    "basic_auth": ("K8S_AUTH_PROXY_HEADERS_BASIC_AUTH", True),
    "user_agent": ("K8S_AUTH_PROXY_HEADERS_USER_AGENT", False),
}

# kubernetes.core's names stay usable as they are (cert_file/key_file/ssl_ca_cert/verify_ssl)
ALIASES = {
    "ca_cert": ["ssl_ca_cert"],
    "client_cert": ["cert_file"],
    "client_key": ["key_file"],
    "validate_certs": ["verify_ssl"],
    "kubeconfig": ["kubeconfig_path"],
}


# the options that say which server and which identity: a task giving one of them names its own connection
SELECTING = ("kubeconfig", "context", "host", "api_key", "client_cert", "client_key")
# what an environment's connection is made of (request_timeout is no part of it: it may come from anywhere)
ENVIRONMENT_SET = tuple(name for name in CONNECTION_OPTIONS if name != "request_timeout")

# option -> (variable, its text), filled by the fallbacks of the argument spec built last (a module
# process builds and validates one); ``connection_params`` reads it for modules
_FROM_ENVIRONMENT = {}


def _environment_fallback(name, *variables):
    """``env_fallback`` that also records which variable supplied ``name``."""
    value = env_fallback(*variables)  # raises AnsibleFallbackNotFound when none is set
    _FROM_ENVIRONMENT[name] = (next(variable for variable in variables if variable in os.environ), value)
    return value


def proxy_headers_from(environ):
    """``proxy_headers`` from the ``K8S_AUTH_PROXY_HEADERS_*`` variables set (not empty) in ``environ``, or None."""
    headers = dict((name, environ[variable]) for name, (variable, _no_log) in PROXY_HEADERS.items() if environ.get(variable))
    return headers or None


def _proxy_headers_fallback(name, *variables):
    """The ``proxy_headers`` fallback: the dict the variables make, recorded as ``_environment_fallback`` does."""
    headers = proxy_headers_from(os.environ)
    if not headers:
        raise AnsibleFallbackNotFound
    _FROM_ENVIRONMENT[name] = (next(variable for variable in variables if os.environ.get(variable)), headers)
    return headers


def lookup_proxy_headers(get, from_environment):
    """A lookup's option getter and sources with ``proxy_headers`` from the environment when no variable or
    argument gives it (modules have the fallback)."""
    headers = proxy_headers_from(os.environ) if not get("proxy_headers") else None
    if not headers:
        return get, from_environment
    variable = next(variable for variable, _no_log in PROXY_HEADERS.values() if os.environ.get(variable))
    return (lambda name: headers if name == "proxy_headers" else get(name)), dict(from_environment, proxy_headers=variable)


def _supplied_by(value, text):
    """Whether the option's ``value`` is what the variable's ``text`` becomes (a fallback of an earlier
    validation in the same process, unit tests, is not taken for this one's)."""
    if isinstance(value, bool):
        return value == boolean(text, strict=False)
    if isinstance(value, int):
        return str(value) == text.strip()
    if isinstance(value, list):
        return value == text.split(",")
    if isinstance(value, dict):
        return dict((key, item) for key, item in value.items() if item is not None) == text
    return value in (text, os.path.expanduser(os.path.expandvars(text)))


def module_environment(values):
    """Option -> variable, for the options the module's argument spec filled from the environment."""
    return dict((name, variable) for name, (variable, text) in _FROM_ENVIRONMENT.items()
                if values.get(name) is not None and _supplied_by(values[name], text))


def connection_argument_spec():
    """The ``argument_spec`` entries every Kubernetes module shares."""
    _FROM_ENVIRONMENT.clear()
    spec = {}
    for name, (opt_type, env, no_log, default) in CONNECTION_OPTIONS.items():
        fallback = _proxy_headers_fallback if name == "proxy_headers" else _environment_fallback
        entry = {"type": opt_type, "fallback": (fallback, [name] + env)}
        if no_log:
            entry["no_log"] = True
        if default is not None:
            entry["default"] = default
        if opt_type == "list":
            entry["elements"] = "str"  # from the environment: comma-separated, as kubernetes.core reads it
        if name == "proxy_headers":
            entry["options"] = dict((option, dict({"type": "str"}, **({"no_log": True} if no_log_option else {})))
                                    for option, (_variable, no_log_option) in PROXY_HEADERS.items())
        if name in ALIASES:
            entry["aliases"] = ALIASES[name]
        spec[name] = entry
    return spec


def _given(value):
    return value is not None and value != ""


def resolve(values, from_environment):
    """The connection to use, from ``values`` (every option, environment fallbacks included) and
    ``from_environment`` (option -> the variable that supplied it). Returns ``(params, warnings)``.

    - A task that gives any of ``SELECTING`` names its own connection: every ``K8S_AUTH_*``
      variable of the connection is ignored, with a warning naming those whose option the task does
      not give itself (they used to be mixed in).
    - Otherwise the environment's connection is used; a kubeconfig or context from it together with
      its host, token or client certificate is refused: which one is meant cannot be known, and a
      kubeconfig's credentials never go to another server.
    - A token from the environment without a host from it is refused: it would go to whatever
      server the default kubeconfig names.

    Pure: raises ``SecretOpsError``; never holds a value in a message.
    """
    params = dict((name, values.get(name)) for name in CONNECTION_OPTIONS)
    from_environment = dict((name, variable) for name, variable in from_environment.items() if _given(params.get(name)))
    task_gives = [name for name in SELECTING if _given(params[name]) and name not in from_environment]
    warnings = []
    if task_gives:
        dropped = [name for name in ENVIRONMENT_SET if name in from_environment]
        mixed = [from_environment[name] for name in dropped if name not in task_gives]
        for name in dropped:
            params[name] = None
        if mixed:
            warnings.append(
                "the task gives its own Kubernetes connection (%s), so %s from the job environment %s ignored: a task's "
                "connection is never mixed with the environment's (give the task every option it needs)"
                % (", ".join(task_gives), ", ".join(mixed), "is" if len(mixed) == 1 else "are"))
        return params, warnings
    chosen = [name for name in ("kubeconfig", "context") if name in from_environment]
    direct = [name for name in ("host", "api_key", "client_cert", "client_key") if name in from_environment]
    if chosen and direct:
        raise SecretOpsError(
            "the job environment sets both %s and %s: a kubeconfig's credentials go only to its own server and are not mixed "
            "with a host, token or client certificate from the environment; unset one set, or give the task its own "
            "connection options" % (" and ".join(from_environment[name] for name in chosen),
                                    " and ".join(from_environment[name] for name in direct)))
    if "api_key" in from_environment and "host" not in from_environment:
        raise SecretOpsError(
            "the job environment sets %s without K8S_AUTH_HOST: the token would go to whatever server the default kubeconfig "
            "or the pod names; set K8S_AUTH_HOST to the server the token is for" % from_environment["api_key"])
    return params, warnings


def connection_params(options, from_environment=None, warn=None):
    """The connection to use (see ``resolve``) from a module's params or a lookup's option getter.

    ``options`` is a mapping, or a callable taking an option name (a lookup's ``get_option``).
    ``from_environment`` names the options the environment supplied (option -> variable); by
    default those the module's argument spec filled from it. ``warn`` takes each warning; by
    default a module's warnings.
    """
    getter = options if callable(options) else options.get
    values = dict((name, getter(name)) for name in CONNECTION_OPTIONS)
    params, warnings = resolve(values, module_environment(values) if from_environment is None else from_environment)
    for warning in warnings:
        (warn or module_warn)(warning)
    return params
