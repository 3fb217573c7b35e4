# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Prove a Kubernetes auth setup works: mint a real service-account token, log in, read a path.

Each step reports its own failure reason, so "login denied: service account name not authorized"
is told apart from "logged in, but the policy does not allow reading secret/data/app". The Vault
token obtained is revoked at the end; neither token leaves this function.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.tokens import request_token
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.client import revoke_self


def check_login(vault, k8s, namespace, service_account, role, mount_path="kubernetes", audience=None,
                read_path=None, expiration_seconds=600):
    """Return ``{"success", "step", "reason", ...}``; ``step`` names where it stopped."""
    result = {"success": False, "step": "token_request", "reason": None, "role": role,
              "service_account": "%s/%s" % (namespace, service_account)}
    try:
        jwt = request_token(k8s, namespace, service_account, [audience] if audience else None, expiration_seconds)
    except SecretOpsError as exc:
        result["reason"] = str(exc)
        return result
    result["step"] = "login"
    try:
        auth = vault.login(mount_path.strip("/"), {"role": role, "jwt": jwt})
    except SecretOpsError as exc:
        result["reason"] = str(exc)
        return result
    try:
        result.update(
            token_policies=sorted(auth.get("token_policies") or auth.get("policies") or []),
            lease_duration=auth.get("lease_duration"),
            entity_id=auth.get("entity_id"),
            metadata=dict((key, value) for key, value in (auth.get("metadata") or {}).items()),
        )
        if read_path:
            result["step"] = "read"
            try:
                vault.request("GET", read_path.strip("/"), action="read %s as role %s" % (read_path, role))
                result["read_ok"] = True
            except SecretOpsError as exc:
                if exc.details.get("status") != 404:
                    result["read_ok"] = False
                    result["reason"] = str(exc)
                    return result
                # The policy allowed the read; there is simply nothing stored there yet.
                result["read_ok"] = True
                result["read_note"] = "allowed, but nothing is stored at %s" % read_path
        result.update(success=True, step="done")
        return result
    finally:
        revoke_self(vault)
