# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kubernetes connection options: the single source of truth for modules and lookups.

``CONNECTION_OPTIONS`` drives the module argument spec (with ``K8S_AUTH_*`` environment
fallbacks, as kubernetes.core and AWX's Kubernetes credential set them) and the lookup options;
``plugins/doc_fragments/k8s_connection.py`` documents the same set and a unit test keeps the two
in step.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import env_fallback

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
    "request_timeout": ("int", ["K8S_AUTH_REQUEST_TIMEOUT"], False, 30),
}

ALIASES = {
    "ca_cert": ["ssl_ca_cert"],
    "validate_certs": ["verify_ssl"],
    "kubeconfig": ["kubeconfig_path"],
}


def connection_argument_spec():
    """The ``argument_spec`` entries every Kubernetes module shares."""
    spec = {}
    for name, (opt_type, env, no_log, default) in CONNECTION_OPTIONS.items():
        entry = {"type": opt_type, "fallback": (env_fallback, env)}
        if no_log:
            entry["no_log"] = True
        if default is not None:
            entry["default"] = default
        if name in ALIASES:
            entry["aliases"] = ALIASES[name]
        spec[name] = entry
    return spec


def connection_params(options):
    """Pick the connection options out of a module's params or a lookup's option getter.

    ``options`` is a mapping, or a callable taking an option name (a lookup's ``get_option``).
    """
    getter = options if callable(options) else options.get
    return dict((name, getter(name)) for name in CONNECTION_OPTIONS)
