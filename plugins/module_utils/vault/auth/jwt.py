# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""JWT/OIDC auth: log in with a JWT (given or read from a file) and an optional role."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.vault.auth.jwt_source import jwt_from

NAME = "jwt"
DEFAULT_MOUNT = "jwt"
LOGIN_MAKES_TOKEN = True  # the token is ours to revoke when the run ends
OPTIONS = ("auth_role", "auth_mount_path", "jwt", "jwt_file")


def validate(params):
    jwt_from(params, NAME)


def login(client, params):
    data = {"jwt": jwt_from(params, NAME)}
    if params.get("auth_role"):
        data["role"] = params["auth_role"]  # without it the mount's default_role applies
    client.login(params.get("auth_mount_path") or DEFAULT_MOUNT, data)
