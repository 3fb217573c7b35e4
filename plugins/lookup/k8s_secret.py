# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: k8s_secret
short_description: Read a decoded value (or all values) of a Kubernetes Secret
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
  - Returns the decoded, plain-text value of O(key) in each named Secret, or, without O(key), every value
    decoded (key -> text, what M(secretops.provisioning.k8s_secret) takes as C(string_data)); never the
    base64 C(data) of the Secret, which M(secretops.provisioning.k8s_secret_info) returns with C(decode=true).
  - Uses the same connection options as the modules, including the C(K8S_AUTH_*) environment variables
    and, inside a pod, the in-cluster service-account configuration.
  - A missing Secret or key fails with a message naming it (never a value).
  - A bearer token (O(api_key), E(K8S_AUTH_API_KEY)) that an HTTP header cannot carry, such as one ending in a
    line break, fails with a message naming the problem, never the token. A token read from a kubeconfig or a
    token file has surrounding whitespace removed, as client-go does.
options:
  _terms:
    description: Names of the Secrets.
    type: list
    elements: str
    required: true
  namespace:
    description:
      - Namespace of the Secrets.
      - Defaults to the namespace of the kubeconfig context in use (as C(kubectl) takes it); without one, it is required.
    type: str
  key:
    description: The data key whose value to return. Without it, the whole decoded map is returned.
    type: str
extends_documentation_fragment:
  - secretops.provisioning.k8s_connection
  - secretops.provisioning.k8s_connection.plugins
notes:
  - The value is a secret; tasks that use it should set C(no_log) where its value could be printed.
  - A value that is not UTF-8 text fails; read such values with the M(secretops.provisioning.k8s_secret_info) module.
seealso:
  - module: secretops.provisioning.k8s_secret_info
"""

EXAMPLES = r"""
- name: The password of Secret demo/db
  ansible.builtin.set_fact:
    db_password: "{{ lookup('secretops.provisioning.k8s_secret', 'db', namespace='demo', key='password') }}"
  no_log: true

- name: All values of the db Secret, with an explicit kubeconfig context
  ansible.builtin.set_fact:
    db: "{{ lookup('secretops.provisioning.k8s_secret', 'db', namespace='demo', context='prod') }}"
  no_log: true
"""

RETURN = r"""
_raw:
  description: For each Secret, the decoded value of O(key), or the decoded map of all keys.
  type: list
  elements: raw
"""

from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.connection import (
    CONNECTION_OPTIONS, connection_params, lookup_proxy_headers,
)
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.secret_info import lookup_secret_values
from ansible_collections.secretops.provisioning.plugins.plugin_utils.lookup_options import environment_sources, option_getter


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        namespace = self.get_option("namespace")
        key = self.get_option("key")
        try:
            options, sources = lookup_proxy_headers(option_getter(self), environment_sources(self, CONNECTION_OPTIONS))
            params = connection_params(options, from_environment=sources, warn=Display().warning)
            return [lookup_secret_values(params, term, namespace, key) for term in terms]
        except SecretOpsError as error:
            raise AnsibleError(str(error))
