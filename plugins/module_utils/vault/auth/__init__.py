# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Registry of Vault auth methods.

Each method is one file with ``NAME``, ``DEFAULT_MOUNT``, ``OPTIONS`` (the option names it reads),
``LOGIN_MAKES_TOKEN`` (the token comes from a login, so the run revokes it when it ends),
``validate(params)`` (raises ``SecretOpsError`` before any request) and ``login(client, params)``
(authenticates a ``VaultClient``). Adding a method is that file plus one line here: imports must
stay static so Ansible packs the files with the modules.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.auth import approle, jwt, kubernetes, token

METHODS = dict((method.NAME, method) for method in (token, kubernetes, approle, jwt))


def method_for(name):
    """The auth method module called ``name``; ``SecretOpsError`` naming the choices otherwise."""
    try:
        return METHODS[name or "token"]
    except KeyError:
        raise SecretOpsError("unknown auth_method %r; choose one of: %s" % (name, ", ".join(sorted(METHODS))))
