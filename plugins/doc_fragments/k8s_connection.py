# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Keep in step with plugins/module_utils/k8s/connection.py (a unit test checks it).
    DOCUMENTATION = r"""
options:
  kubeconfig:
    description:
      - Path to a kubeconfig file. Without it, and without O(host), the default kubeconfig
        (C(KUBECONFIG) or C(~/.kube/config)) is used, and inside a pod the in-cluster
        service-account configuration.
    type: path
    aliases: [kubeconfig_path]
    env:
      - name: K8S_AUTH_KUBECONFIG
  context:
    description: The kubeconfig context to use.
    type: str
    env:
      - name: K8S_AUTH_CONTEXT
  host:
    description: URL of the Kubernetes API server. Overrides the kubeconfig's server.
    type: str
    env:
      - name: K8S_AUTH_HOST
  api_key:
    description: A bearer token for the API server.
    type: str
    env:
      - name: K8S_AUTH_API_KEY
  ca_cert:
    description: Path to a CA bundle that signs the API server's certificate.
    type: path
    aliases: [ssl_ca_cert]
    env:
      - name: K8S_AUTH_SSL_CA_CERT
  client_cert:
    description: Path to a client certificate for mutual TLS.
    type: path
    env:
      - name: K8S_AUTH_CERT_FILE
  client_key:
    description: Path to the key of O(client_cert).
    type: path
    env:
      - name: K8S_AUTH_KEY_FILE
  validate_certs:
    description: Whether to verify the API server's certificate. Defaults to the kubeconfig's setting, else V(true).
    type: bool
    aliases: [verify_ssl]
    env:
      - name: K8S_AUTH_VERIFY_SSL
  request_timeout:
    description: Seconds to wait for one API request.
    type: int
    default: 30
    env:
      - name: K8S_AUTH_REQUEST_TIMEOUT
requirements:
  - kubernetes >= 29.0.0 (Python library)
"""
