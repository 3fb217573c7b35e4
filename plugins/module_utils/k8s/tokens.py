# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Short-lived service-account tokens through the TokenRequest API (``serviceaccounts/token``).

The token is returned to the caller and never logged or put in an error message.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s import paths

TOKEN_REQUEST = paths.TOKEN_REQUEST


def token_request_body(audiences=None, expiration_seconds=600):
    """A TokenRequest for ``audiences`` (the API server's own audiences when empty)."""
    return {
        "apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
        "spec": {"audiences": list(audiences or []), "expirationSeconds": int(expiration_seconds)},
    }


def request_token(k8s, namespace, service_account, audiences=None, expiration_seconds=600):
    """A token for ``namespace/service_account`` valid for ``audiences`` (API server default when empty)."""
    if not namespace or not service_account:
        raise SecretOpsError("a TokenRequest needs namespace and service_account")
    response = k8s.request(
        "POST", TOKEN_REQUEST, path_params={"namespace": namespace, "name": service_account},
        body=token_request_body(audiences, expiration_seconds),
        action="request a token for service account %s/%s" % (namespace, service_account), missing_ok=True,
    )
    if response is None:
        raise SecretOpsError("service account %s/%s does not exist" % (namespace, service_account), status=404)
    return (response.get("status") or {}).get("token")
