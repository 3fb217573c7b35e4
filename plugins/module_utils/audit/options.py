# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options the audit modules share: which namespaces and Secrets to look at, and the Vault dict."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.connection import connection_argument_spec
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.options import vault_argument_spec


def argument_spec(vault=False, **extra):
    """The Kubernetes connection, ``namespaces`` and ``secret_names``; the ``vault`` dict with ``vault``."""
    spec = connection_argument_spec()
    spec.update(
        namespaces=dict(type="list", elements="str"),
        # names, not values
        secret_names=dict(type="list", elements="str", default=[], no_log=False),
    )
    if vault:
        spec["vault"] = dict(type="dict", default={}, apply_defaults=True, options=vault_argument_spec())
    spec.update(extra)
    return spec
