# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Short-lived service-account tokens through the TokenRequest API (``serviceaccounts/token``).

The token is returned to the caller and never logged or put in an error message.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import ApiException, api_error, is_status

try:
    from kubernetes import client as k8s_client
    from urllib3.exceptions import HTTPError as Urllib3HTTPError
except ImportError:  # pragma: no cover - build_client reports the missing library first
    k8s_client = None
    Urllib3HTTPError = Exception


def request_token(k8s, namespace, service_account, audiences=None, expiration_seconds=600):
    """A token for ``namespace/service_account`` valid for ``audiences`` (API server default when empty)."""
    if not namespace or not service_account:
        raise SecretOpsError("a TokenRequest needs namespace and service_account")
    spec = k8s_client.V1TokenRequestSpec(audiences=list(audiences or []), expiration_seconds=int(expiration_seconds))
    # kubernetes >= 35 calls the model AuthenticationV1TokenRequest; older releases V1TokenRequest.
    model = getattr(k8s_client, "AuthenticationV1TokenRequest", None) or getattr(k8s_client, "V1TokenRequest")
    body = model(spec=spec)
    try:
        response = k8s.core.create_namespaced_service_account_token(
            service_account, namespace, body, _request_timeout=k8s.request_timeout
        )
    except ApiException as exc:
        if is_status(exc, 404):
            raise SecretOpsError("service account %s/%s does not exist" % (namespace, service_account), status=404)
        raise api_error(exc, "request a token for service account %s/%s" % (namespace, service_account))
    except Urllib3HTTPError as exc:
        raise SecretOpsError("cannot reach the Kubernetes API server at %s: %s" % (k8s.host, exc.__class__.__name__))
    return response.status.token
