# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credentials for the KMS v2 plugin: a policy allowing only encrypt and decrypt on its one Transit
key, and either a periodic token or an AppRole (role_id, secret_id), written to files only the
plugin's user reads. Existing credentials that still work are kept, so a re-run changes nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import tempfile

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.vault import paths
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.durations import to_seconds
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.policy_service import ensure_policy


def policy_rules(mount, key):
    """Only encrypt and decrypt on ``<mount>/{encrypt,decrypt}/<key>``: no read of the key, no rotate, no export."""
    return [{"path": "%s/encrypt/%s" % (mount, key), "capabilities": ["update"]},
            {"path": "%s/decrypt/%s" % (mount, key), "capabilities": ["update"]}]


def read_file(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read().strip() or None
    except FileNotFoundError:
        return None


def write_file(path, value):
    """Write ``value`` to ``path`` with mode 0600, atomically."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, mode=0o700, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=directory, prefix=".kms-credential.")
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(value + "\n")
        os.replace(partial, path)
    except BaseException:
        if os.path.exists(partial):
            os.remove(partial)
        raise


def token_usable(client, token, policy):
    """Whether ``token`` (looked up by the module's own token) is alive and carries ``policy``."""
    try:
        body = client.write("auth/token/lookup", {"token": token}, action="look up the KMS plugin's token")
    except SecretOpsError as exc:
        if exc.details.get("status") in (400, 403, 404):
            return False
        raise
    return policy in ((body or {}).get("data") or {}).get("policies", [])


def ensure_token(client, params, policy, result, check_mode):
    token = read_file(params["token_file"])
    if token and token_usable(client, token, policy):
        return
    result["changed"] = True
    if check_mode:
        return
    body = client.write("auth/token/create-orphan", {
        "policies": [policy], "period": "%ds" % to_seconds(params["token_period"], "token_period"),
        "display_name": "secretops-kms-plugin", "renewable": True,
    }, action="create the KMS plugin's token", retry=False)
    write_file(params["token_file"], body["auth"]["client_token"])


def ensure_approle(client, params, policy, result, check_mode):
    mount = paths.plain_path(params["approle_mount"], "approle_mount")
    role = paths.plain_name(params["approle_role"], "approle_role")
    role_path = "auth/%s/role/%s" % (mount, role)
    wanted = {"token_policies": [policy], "token_ttl": to_seconds(params["token_period"], "token_period"),
              "token_max_ttl": 4 * to_seconds(params["token_period"], "token_period"), "secret_id_num_uses": 0, "secret_id_ttl": 0}
    current = (client.read(role_path) or {}).get("data")
    if current is None or any(current.get(name) != value for name, value in wanted.items()):
        result["changed"] = True
        if not check_mode:
            client.write(role_path, wanted, action="write AppRole %s" % role)
    if check_mode and current is None:
        return
    role_id = ((client.read(role_path + "/role-id") or {}).get("data") or {}).get("role_id")
    if read_file(params["role_id_file"]) != role_id:
        result["changed"] = True
        if not check_mode:
            write_file(params["role_id_file"], role_id)
    secret_id = read_file(params["secret_id_file"])
    if secret_id and _secret_id_valid(client, role_path, secret_id):
        return
    result["changed"] = True
    if not check_mode:
        body = client.write(role_path + "/secret-id", {}, action="create a secret_id of AppRole %s" % role, retry=False)
        write_file(params["secret_id_file"], body["data"]["secret_id"])


def _secret_id_valid(client, role_path, secret_id):
    try:
        body = client.write(role_path + "/secret-id/lookup", {"secret_id": secret_id}, action="look up the KMS plugin's secret_id")
    except SecretOpsError as exc:
        if exc.details.get("status") in (400, 404):
            return False
        raise
    return bool(body and body.get("data"))


def ensure_credentials(client, params, check_mode=False):
    mount = paths.plain_path(params["mount"], "mount")
    key = paths.plain_name(params["key"], "key")
    policy = params.get("policy_name") or "secretops-kms-%s-%s" % (mount.replace("/", "-"), key)
    # The files first: a task that cannot write its credentials writes no policy either.
    for option in ("token_file",) if params["auth"] == "token" else ("role_id_file", "secret_id_file"):
        if not params.get(option):
            raise SecretOpsError("auth: %s needs %s" % (params["auth"], option))
    result = ensure_policy(client, policy, rules=policy_rules(mount, key), check_mode=check_mode)
    result = {"changed": result["changed"], "policy": policy, "auth": params["auth"]}
    if params["auth"] == "token":
        ensure_token(client, params, policy, result, check_mode)
    else:
        ensure_approle(client, params, policy, result, check_mode)
    return result
