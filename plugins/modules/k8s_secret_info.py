#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: k8s_secret_info
short_description: Read Kubernetes Secrets without exposing their values by default
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
  - Reads one Secret by name, or lists Secrets by label (and field) selector.
  - Returns metadata, type, key names and a keyed content checksum. Values are returned only with O(decode=true).
  - The C(kubectl.kubernetes.io/last-applied-configuration) annotation is never returned, because it holds
    every value of a Secret written by C(kubectl apply) in clear text.
extends_documentation_fragment:
  - secretops.provisioning.k8s_connection
  - secretops.provisioning.attributes
  - secretops.provisioning.attributes.action_group_k8s
  - secretops.provisioning.attributes.read_only
options:
  name:
    description: Name of the Secret to read. Without it, the Secrets matching the selectors are listed.
    type: str
  namespace:
    description:
      - Namespace to read from.
      - Defaults to the namespace of the kubeconfig context in use (as C(kubectl) takes it); without one, it is required.
    type: str
  label_selector:
    description: Label selector for listing, for example C(app=web,tier!=db).
    type: str
  field_selector:
    description: Field selector for listing, for example C(type=kubernetes.io/tls).
    type: str
  decode:
    description:
      - Also return the values, named as Kubernetes names them, in RV(secrets[].data) (every value, base64-encoded
        as the API and a Secret manifest hold it) and RV(secrets[].string_data) (the values that are UTF-8 text,
        decoded, as M(secretops.provisioning.k8s_secret) takes them in O(secretops.provisioning.k8s_secret#module:string_data)).
      - The task then returns secret values, so it B(should use) C(no_log=true) and its result should not be printed.
    type: bool
    default: false
notes:
  - Without O(decode) the result holds no value, so the task needs no C(no_log).
seealso:
  - module: secretops.provisioning.k8s_secret
  - plugin: secretops.provisioning.k8s_secret
    plugin_type: lookup
"""

EXAMPLES = r"""
- name: Which keys does the db Secret have?
  secretops.provisioning.k8s_secret_info:
    name: db
    namespace: demo
  register: db

- name: Fail when the password key is missing
  ansible.builtin.assert:
    that: "'password' in db.secret.data_keys"

- name: All TLS Secrets of the web app
  secretops.provisioning.k8s_secret_info:
    namespace: demo
    label_selector: app=web
    field_selector: type=kubernetes.io/tls
  register: web_tls

- name: Read the values (keep them out of the logs); db_values.secret.string_data.password is the text
  secretops.provisioning.k8s_secret_info:
    name: db
    namespace: demo
    decode: true
  register: db_values
  no_log: true
"""

RETURN = r"""
secrets:
  description: The Secrets found, sorted by name; empty when none matched.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Name.
      type: str
      returned: always
      sample: db
    namespace:
      description: Namespace.
      type: str
      returned: always
      sample: demo
    type:
      description: The Secret type.
      type: str
      returned: always
      sample: Opaque
    data_keys:
      description: The data key names.
      type: list
      elements: str
      returned: always
      sample: [password, username]
    labels:
      description: Labels.
      type: dict
      returned: always
      sample: {"app": "web"}
    annotations:
      description: Annotations, without the client-side-apply annotation.
      type: dict
      returned: always
      sample: {}
    immutable:
      description: Whether the Secret is immutable.
      type: bool
      returned: always
      sample: false
    resource_version:
      description: The object's resourceVersion.
      type: str
      returned: always
      sample: "4711"
    creation_timestamp:
      description: When the Secret was created.
      type: str
      returned: always
      sample: "2026-01-01T00:00:00Z"
    checksum:
      description:
        - The keyed content checksum, the same as RV(secretops.provisioning.k8s_secret#module:secret.checksum).
        - V(null) when the namespace has no key Secret C(secretops-content-key) yet (this module never makes
          one), or this identity may not read it.
      type: str
      returned: always
      sample: hmac-sha256:3f0c5e...
    data:
      description:
        - Every value, base64-encoded, as in the Secret's C(data) (key -> base64).
        - Before 0.2.0 this held the decoded text values, now in RV(secrets[].string_data).
      type: dict
      returned: when O(decode=true)
      sample: {"username": "YXBw"}
    string_data:
      description:
        - The values that are UTF-8 text, decoded (key -> text). A value that is not text is only in RV(secrets[].data).
      type: dict
      returned: when O(decode=true)
      sample: {"username": "app"}
secret:
  description: With O(name), the Secret (as an element of RV(secrets)), or null when it does not exist.
  returned: when O(name) is given
  type: dict
  sample: {"name": "db", "namespace": "demo", "type": "Opaque", "data_keys": ["password"], "checksum": "hmac-sha256:3f0c5e..."}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.connection import connection_argument_spec
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.secret_info import read_secrets
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run


def main():
    spec = connection_argument_spec()
    spec.update(
        name=dict(type="str"),
        namespace=dict(type="str"),
        label_selector=dict(type="str"),
        field_selector=dict(type="str"),
        decode=dict(type="bool", default=False),
    )
    module = AnsibleModule(argument_spec=spec, mutually_exclusive=[("name", "label_selector"), ("name", "field_selector")],
                           supports_check_mode=True)
    run(module, lambda: read_secrets(module.params))


if __name__ == "__main__":
    main()
