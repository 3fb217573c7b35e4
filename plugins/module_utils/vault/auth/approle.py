# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""AppRole auth: log in with ``role_id`` and, unless the role does not bind one, ``secret_id``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

NAME = "approle"
DEFAULT_MOUNT = "approle"
LOGIN_MAKES_TOKEN = True  # the token is ours to revoke when the run ends
OPTIONS = ("role_id", "secret_id", "auth_mount_path")


def validate(params):
    if not params.get("role_id"):
        raise SecretOpsError("auth_method approle needs role_id")


def login(client, params):
    validate(params)
    data = {"role_id": params["role_id"]}
    if params.get("secret_id"):
        data["secret_id"] = params["secret_id"]
    client.login(params.get("auth_mount_path") or DEFAULT_MOUNT, data)
