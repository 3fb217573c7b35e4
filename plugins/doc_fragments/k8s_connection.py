# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Keep in step with plugins/module_utils/k8s/connection.py (a unit test checks it).
    # DOCUMENTATION: the options (modules read the env variables through argspec fallbacks);
    # PLUGINS: the env/vars sources lookups read through Ansible's option system.
    DOCUMENTATION = r"""
options:
  kubeconfig:
    description:
      - Path to a kubeconfig file. Without it, and without O(host), the default kubeconfig
        (E(KUBECONFIG) or C(~/.kube/config)) is used, and inside a pod the in-cluster
        service-account configuration.
      - A task that gives any of O(kubeconfig), O(context), O(host), O(api_key), O(client_cert) or
        O(client_key) uses its own options only; the C(K8S_AUTH_*) variables of the connection are
        then ignored as a whole, with a warning (only E(K8S_AUTH_REQUEST_TIMEOUT) still applies).
        Without them the variables are used as a whole; a kubeconfig or context from the
        environment together with its host, token or client certificate is refused.
      - Defaults to E(K8S_AUTH_KUBECONFIG).
    type: path
    aliases: [kubeconfig_path]
  context:
    description:
      - The kubeconfig context to use.
      - Defaults to E(K8S_AUTH_CONTEXT).
    type: str
  host:
    description:
      - URL of the Kubernetes API server.
      - With O(kubeconfig), it must be the kubeconfig's server whenever a kubeconfig credential
        would be sent (its token, unless O(api_key) replaces it, or its client certificate), since
        a kubeconfig's credentials never go to another server.
      - Defaults to E(K8S_AUTH_HOST).
    type: str
  api_key:
    description:
      - A bearer token for the API server. From the environment it is used only together with E(K8S_AUTH_HOST).
      - Defaults to E(K8S_AUTH_API_KEY).
    type: str
  ca_cert:
    description:
      - Path to a CA bundle that signs the API server's certificate.
      - Defaults to E(K8S_AUTH_SSL_CA_CERT).
    type: path
    aliases: [ssl_ca_cert]
  client_cert:
    description:
      - Path to a client certificate for mutual TLS.
      - Defaults to E(K8S_AUTH_CERT_FILE).
    type: path
  client_key:
    description:
      - Path to the key of O(client_cert).
      - Defaults to E(K8S_AUTH_KEY_FILE).
    type: path
  validate_certs:
    description:
      - Whether to verify the API server's certificate. Defaults to the kubeconfig's setting, else V(true).
      - Defaults to E(K8S_AUTH_VERIFY_SSL).
    type: bool
    aliases: [verify_ssl]
  request_timeout:
    description:
      - Seconds to wait for one API request.
      - Defaults to E(K8S_AUTH_REQUEST_TIMEOUT).
    type: int
    default: 30
requirements:
  - kubernetes >= 29.0.0 (Python library). The collection talks to the API server with urllib3 (installed with it) and reads kubeconfig
    files itself; the library is imported only for a kubeconfig user with C(exec) or C(auth-provider), or other settings the collection
    does not read (C(proxy-url), C(tls-server-name), basic auth, impersonation).
"""

    PLUGINS = r"""
options:
  kubeconfig:
    env:
      - name: K8S_AUTH_KUBECONFIG
    vars:
      - name: secretops_k8s_kubeconfig
  context:
    env:
      - name: K8S_AUTH_CONTEXT
    vars:
      - name: secretops_k8s_context
  host:
    env:
      - name: K8S_AUTH_HOST
    vars:
      - name: secretops_k8s_host
  api_key:
    env:
      - name: K8S_AUTH_API_KEY
    vars:
      - name: secretops_k8s_api_key
  ca_cert:
    env:
      - name: K8S_AUTH_SSL_CA_CERT
    vars:
      - name: secretops_k8s_ca_cert
  client_cert:
    env:
      - name: K8S_AUTH_CERT_FILE
    vars:
      - name: secretops_k8s_client_cert
  client_key:
    env:
      - name: K8S_AUTH_KEY_FILE
    vars:
      - name: secretops_k8s_client_key
  validate_certs:
    env:
      - name: K8S_AUTH_VERIFY_SSL
    vars:
      - name: secretops_k8s_validate_certs
  request_timeout:
    env:
      - name: K8S_AUTH_REQUEST_TIMEOUT
    vars:
      - name: secretops_k8s_request_timeout
"""
