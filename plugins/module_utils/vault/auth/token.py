# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Token auth: use ``token`` (``VAULT_TOKEN``), else the CLI's ``~/.vault-token`` file."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

NAME = "token"
DEFAULT_MOUNT = None
# Options this method reads, beyond the shared ones (see options.py for the full spec).
OPTIONS = ("token",)
TOKEN_FILE = "~/.vault-token"


def _token(params):
    if params.get("token"):
        return params["token"]
    path = os.path.expanduser(TOKEN_FILE)
    if os.path.isfile(path):
        with open(path) as handle:
            return handle.read().strip() or None
    return None


def validate(params):
    if not _token(params):
        raise SecretOpsError("auth_method token needs a token: set token, the VAULT_TOKEN environment variable, or log in with the CLI (%s)" % TOKEN_FILE)


def login(client, params):
    validate(params)
    client.set_token(_token(params))
