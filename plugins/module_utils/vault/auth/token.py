# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Token auth: use ``token`` (``VAULT_TOKEN``), else the CLI's ``~/.vault-token`` file."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.headers import check_header_value

NAME = "token"
DEFAULT_MOUNT = None
LOGIN_MAKES_TOKEN = False  # the user's token: never revoked
# Options this method reads, beyond the shared ones (see options.py for the full spec).
OPTIONS = ("token",)
TOKEN_FILE = "~/.vault-token"


def _token(params):
    """``(token, where it came from)``; ``(None, None)`` when there is none."""
    if params.get("token"):
        return params["token"], "token (VAULT_TOKEN)"
    path = os.path.expanduser(TOKEN_FILE)
    if os.path.isfile(path):
        with open(path) as handle:
            return handle.read().strip() or None, "the token in %s" % TOKEN_FILE
    return None, None


def validate(params):
    value, source = _token(params)
    if not value:
        raise SecretOpsError("auth_method token needs a token: set token, the VAULT_TOKEN environment variable, or log in with the CLI (%s)" % TOKEN_FILE)
    check_header_value(value, source)


def login(client, params):
    validate(params)  # checks the token with the name of where it came from
    client.set_token(_token(params)[0])
