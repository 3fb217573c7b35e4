# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kubernetes auth: log in with a service-account JWT and a Vault role.

The JWT defaults to the pod's projected service-account token, so a job running in a pod (AWX on
Kubernetes, a CronJob) logs in with no secret configured at all.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.configuration import IN_CLUSTER_TOKEN
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.auth.jwt_source import jwt_from

NAME = "kubernetes"
DEFAULT_MOUNT = "kubernetes"
LOGIN_MAKES_TOKEN = True  # the token is ours to revoke when the run ends
OPTIONS = ("auth_role", "auth_mount_path", "jwt", "jwt_file")


def validate(params):
    if not params.get("auth_role"):
        raise SecretOpsError("auth_method kubernetes needs auth_role: the Vault role bound to the service account")
    jwt_from(params, NAME, IN_CLUSTER_TOKEN)


def login(client, params):
    validate(params)
    mount = params.get("auth_mount_path") or DEFAULT_MOUNT
    client.login(mount, {"role": params["auth_role"], "jwt": jwt_from(params, NAME, IN_CLUSTER_TOKEN)})
