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
      - The namespace of the kubeconfig context in use is the default of a module's or lookup's
        C(namespace) where the plugin says so; an explicit C(namespace) always wins.
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
    aliases: [cert_file]
  client_key:
    description:
      - Path to the key of O(client_cert).
      - Defaults to E(K8S_AUTH_KEY_FILE).
    type: path
    aliases: [key_file]
  validate_certs:
    description:
      - Whether to verify the API server's certificate. Defaults to the kubeconfig's setting, else V(true).
      - Defaults to E(K8S_AUTH_VERIFY_SSL).
    type: bool
    aliases: [verify_ssl]
  proxy:
    description:
      - URL of an HTTP proxy for the connection to the API server, in place of the environment's
        E(HTTPS_PROXY), E(HTTP_PROXY) or E(ALL_PROXY) (which are used without it, unless E(NO_PROXY) matches).
      - Defaults to E(K8S_AUTH_PROXY).
    type: str
  no_proxy:
    description:
      - Comma-separated hosts, domains, IP addresses or networks (CIDR) that are reached without the proxy,
        in place of the environment's E(NO_PROXY), for example V(localhost,.cluster.local,10.0.0.0/8).
      - Defaults to E(K8S_AUTH_NO_PROXY).
    type: str
  impersonate_user:
    description:
      - Act as this user (C(Impersonate-User) header, as C(kubectl --as)); every request is authorized with
        that user's permissions. The connection's own identity needs the RBAC verb C(impersonate) on it.
      - Defaults to E(K8S_AUTH_IMPERSONATE_USER).
    type: str
  impersonate_groups:
    description:
      - Act with these groups (one C(Impersonate-Group) header each, as C(kubectl --as-group)); needs O(impersonate_user).
      - From the environment, a comma-separated list.
      - Defaults to E(K8S_AUTH_IMPERSONATE_GROUPS).
    type: list
    elements: str
  proxy_headers:
    description:
      - Headers for the HTTP proxy of O(proxy) (or of the environment), made as kubernetes.core makes them.
      - Each suboption defaults to its E(K8S_AUTH_PROXY_HEADERS_*) variable; for a lookup, from the variables
        only when the lookup is given no O(proxy_headers).
      - Defaults to E(K8S_AUTH_PROXY_HEADERS_PROXY_BASIC_AUTH), E(K8S_AUTH_PROXY_HEADERS_BASIC_AUTH) and
        E(K8S_AUTH_PROXY_HEADERS_USER_AGENT).
    type: dict
    suboptions:
      proxy_basic_auth:
        description:
          - C(user:password) for the proxy's basic authentication (C(Proxy-Authorization)).
          - Defaults to E(K8S_AUTH_PROXY_HEADERS_PROXY_BASIC_AUTH).
        type: str
      basic_auth:
        description:
          - C(user:password) for a basic C(Authorization) header sent to the proxy.
          - Defaults to E(K8S_AUTH_PROXY_HEADERS_BASIC_AUTH).
        type: str
      user_agent:
        description:
          - The C(User-Agent) sent to the proxy, for example V(deploy/1.0).
          - Defaults to E(K8S_AUTH_PROXY_HEADERS_USER_AGENT).
        type: str
  request_timeout:
    description:
      - Seconds to wait for one API request.
      - Defaults to E(K8S_AUTH_REQUEST_TIMEOUT).
    type: int
    default: 30
requirements:
  - kubernetes >= 29.0.0 (Python library). The collection talks to the API server with urllib3 (installed with it) and reads kubeconfig
    files itself; the library is imported only for a kubeconfig user with C(exec) or C(auth-provider), or other settings the collection
    does not read (C(proxy-url), C(tls-server-name), basic auth, a kubeconfig user's C(as) impersonation).
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
  proxy:
    env:
      - name: K8S_AUTH_PROXY
    vars:
      - name: secretops_k8s_proxy
  no_proxy:
    env:
      - name: K8S_AUTH_NO_PROXY
    vars:
      - name: secretops_k8s_no_proxy
  impersonate_user:
    env:
      - name: K8S_AUTH_IMPERSONATE_USER
    vars:
      - name: secretops_k8s_impersonate_user
  impersonate_groups:
    env:
      - name: K8S_AUTH_IMPERSONATE_GROUPS
    vars:
      - name: secretops_k8s_impersonate_groups
  proxy_headers:
    vars:
      - name: secretops_k8s_proxy_headers
  request_timeout:
    env:
      - name: K8S_AUTH_REQUEST_TIMEOUT
    vars:
      - name: secretops_k8s_request_timeout
"""
