#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: k8s_secret
short_description: Create, update and delete typed Kubernetes Secrets, one or many per task
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
  - Manages Kubernetes Secrets of every type (Opaque, registry credentials, TLS, basic-auth, ssh-auth,
    service-account tokens, bootstrap tokens and custom types), validating the content before
    anything is sent to the API server.
  - The key set is exact by default, so keys not given are removed from the Secret (see O(merge_data)).
  - Writes use server-side apply with the field manager C(secretops), so no value is ever copied into
    the C(kubectl.kubernetes.io/last-applied-configuration) annotation; that annotation is removed when
    found. Keys another field manager wrote are removed explicitly when the key set is exact.
  - A change of type, or a data change on an immutable Secret, deletes and re-creates the Secret
    (reported as RV(action=recreated)) unless O(allow_recreate=false). The new Secret is checked first
    with a server-side dry-run create, and when the create still fails after the delete, the old Secret
    is created again as it was.
  - A second identical run reports no change and sends no write. No value appears in the result, the
    diff or an error message; the diff shows a salted fingerprint per key.
  - With O(secrets), many Secrets are handled in one task with one client, one LIST per namespace and
    concurrent writes of only what differs.
  - Unless O(content_stamp=false), the first run in a namespace creates there the immutable Opaque Secret
    C(secretops-content-key) (32 random bytes, also in C(kube-system) for bootstrap tokens), the key of
    RV(secret.checksum) and of the content stamps M(secretops.provisioning.k8s_rollout_restart) writes; a
    key Secret the collection did not make is replaced, with a warning.
  - See C(docs/k8s_secret.md) in the collection for the exact semantics.
extends_documentation_fragment:
  - secretops.provisioning.k8s_connection
  - secretops.provisioning.attributes
  - secretops.provisioning.attributes.action_group_k8s
  - secretops.provisioning.list_form
attributes:
  check_mode:
    support: full
    details: Reads the current state and reports what would change; nothing is written.
  diff_mode:
    support: full
    details: Shows metadata, type and per key whether it is added, removed or changed, with a fingerprint, never a value.
requirements:
  - cryptography >= 41.0.0 (Python library), to check TLS and SSH keys
options:
  name:
    description:
      - Name of the Secret. With O(append_hash=true), the base of the name.
      - For a bootstrap token it may be omitted (derived from the token id).
    type: str
  namespace:
    description:
      - Namespace of the Secret. Bootstrap tokens always live in C(kube-system).
      - With O(secrets), the namespace of items that do not set one.
      - Defaults to the namespace of the kubeconfig context in use (as C(kubectl) takes it); without one, it is required.
    type: str
  state:
    description: Whether the Secret should exist.
    type: str
    choices: [present, absent]
    default: present
  type:
    description:
      - The Secret type. Friendly names C(opaque), C(dockerconfigjson), C(dockercfg), C(tls), C(basic-auth),
        C(ssh-auth), C(service-account-token), C(bootstrap-token), the real type strings (for example
        C(kubernetes.io/tls)), or any custom type string, which is passed through.
      - When omitted, inferred from the type-specific option given (O(registries), O(tls), ...), else C(Opaque).
    type: str
  labels:
    description: Labels of the Secret. Labels this module set before and that are no longer listed are removed.
    type: dict
  annotations:
    description: Annotations of the Secret. Annotations this module set before and that are no longer listed are removed.
    type: dict
  immutable:
    description: Make the Secret immutable. Changing the content of an immutable Secret re-creates it.
    type: bool
    default: false
  append_hash:
    description:
      - Append a hash of the content to the name (as C(kubectl create secret --append-hash)), so every content
        change makes a new Secret. RV(secret.name) returns the full name.
    type: bool
    default: false
  data:
    description:
      - Keys and their values base64-encoded, as under C(data) in a Secret manifest (and as the
        P(secretops.provisioning.b64decode_data#filter) filter reads them), so a value copied from a manifest
        or from C(kubectl get secret -o yaml) is stored as it is.
      - A value that is not valid base64 is refused, naming the key (never the value). A plain-text value that
        happens to be valid base64 (for example C(password)) cannot be told apart; give plain text in
        O(string_data).
      - Earlier versions of this module took plain text here; such tasks now fail on most values, or store the
        decoded bytes of a value that happens to be valid base64. Move plain text to O(string_data).
    type: dict
  string_data:
    description:
      - Keys and their values as plain text, as under C(stringData) in a Secret manifest (the module
        base64-encodes them). Numbers are turned into text.
    type: dict
  binary_data:
    description: Keys and their values base64-encoded; the same as O(data), kept for tasks written before O(data) took base64.
    type: dict
  files:
    description: Keys and the path of a file, on the host that runs the module, whose bytes become the value.
    type: dict
  env_file:
    description:
      - Path, on the host that runs the module, of a file of C(KEY=VALUE) lines, read with the rules of
        C(kubectl create secret --from-env-file) (comments with C(#), no quote handling, a line without C(=)
        takes the value from the environment).
    type: path
  registries:
    description:
      - Registry credentials for C(dockerconfigjson) and C(dockercfg) Secrets. The JSON is built exactly as
        C(kubectl create secret docker-registry) builds it, including the C(auth) field; several registries
        may share one Secret.
    type: list
    elements: dict
    suboptions:
      server:
        description: Registry server.
        type: str
        default: https://index.docker.io/v1/
      username:
        description: User name.
        type: str
        required: true
      password:
        description: Password or access token.
        type: str
        required: true
      email:
        description: E-mail address (optional, kept for old clients).
        type: str
  tls:
    description:
      - Certificate and key of a C(tls) Secret, as PEM text or as paths on the host that runs the module.
      - The key must match the certificate, a chain must start with the leaf and each certificate must be
        issued by the next; the certificate's subject, SANs and expiry are returned (never the key), and a
        warning is given when it expires within O(tls_expiry_warning_days).
    type: dict
    suboptions:
      cert:
        description: The certificate (leaf first, then intermediates) as PEM text. Becomes C(tls.crt).
        type: str
      key:
        description: The unencrypted private key as PEM text. Becomes C(tls.key).
        type: str
      ca:
        description: CA certificate(s) as PEM text. Becomes C(ca.crt).
        type: str
      cert_file:
        description: Path of the certificate file, instead of O(tls.cert).
        type: path
      key_file:
        description: Path of the private key file, instead of O(tls.key).
        type: path
      ca_file:
        description: Path of the CA file, instead of O(tls.ca).
        type: path
  basic_auth:
    description: Credentials of a C(basic-auth) Secret.
    type: dict
    suboptions:
      username:
        description: The user name (key C(username)).
        type: str
        required: true
      password:
        description: The password (key C(password)).
        type: str
        required: true
  ssh_auth:
    description: Key of an C(ssh-auth) Secret; the key is parsed and must not be encrypted.
    type: dict
    suboptions:
      private_key:
        description: Text of an OpenSSH or PEM private key file (key C(ssh-privatekey)).
        type: str
        required: true
      known_hosts:
        description: C(known_hosts) lines for the servers (key C(known_hosts)).
        type: str
  service_account:
    description:
      - For a C(service-account-token) Secret, the name of the ServiceAccount (which must exist). The module
        waits up to O(wait_timeout) seconds until the token controller has filled C(token), C(ca.crt) and C(namespace).
    type: str
  bootstrap_token:
    description:
      - A C(bootstrap.kubernetes.io/token) Secret (node join token). It is named C(bootstrap-token-<token_id>) in
        C(kube-system).
      - The token id is required, from O(bootstrap_token.token_id) or from O(name), because it is how later runs find
        the same token (generating one would make a new join token on every run).
      - A missing O(bootstrap_token.token_secret) is generated when the Secret is created and kept on later runs,
        so the task is idempotent; give it, or delete the Secret, to change it.
      - Without O(bootstrap_token.expiration) the token never expires.
    type: dict
    suboptions:
      token_id:
        description:
          - The public token id, 6 characters of C([a-z0-9]). Required unless O(name) is C(bootstrap-token-<token_id>).
          - To make one, take the part before the dot of C(kubeadm token generate).
        type: str
      token_secret:
        description: The token secret, 16 characters of C([a-z0-9]).
        type: str
      expiration:
        description:
          - Expiry time in RFC 3339 as Kubernetes parses it (Go's C(time.RFC3339)) - date, C(T), hours, minutes
            and seconds, then C(Z) or an offset C(+hh:mm), for example C(2030-01-31T00:00:00Z) or
            C(2030-01-31T02:00:00+02:00).
          - Anything else (C(2030-01-31T00:00Z), C(+0000)) is refused, because Kubernetes treats a token whose
            expiration it cannot parse as expired.
        type: str
      usages:
        description: What the token may be used for.
        type: list
        elements: str
        choices: [authentication, signing]
      auth_extra_groups:
        description: Extra groups, each C(system:bootstrappers:<name>).
        type: list
        elements: str
      description:
        description: Human-readable description.
        type: str
  merge_data:
    description:
      - Keep keys on the server that are not given, instead of removing them (the default exact key set).
      - The 1 MiB limit applies to the merged data, checked before anything is written.
    type: bool
    default: false
  allow_recreate:
    description:
      - Delete and re-create the Secret when its type changes or an immutable Secret's content changes.
        When false, such a change fails the task instead.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for a service-account token to be filled, or for a deleted Secret to disappear.
    type: int
    default: 60
  tls_expiry_warning_days:
    description: Warn when a TLS certificate expires within this many days.
    type: int
    default: 30
  secrets:
    description:
      - Many Secrets in one task. Each item takes the options above for one Secret; O(namespace), O(state),
        O(type), O(labels), O(annotations), O(immutable), O(append_hash), O(merge_data), O(allow_recreate),
        O(tls_expiry_warning_days) and O(wait_timeout) given at task level apply to items that do not set them.
      - Every item is validated before anything is sent; then one LIST per namespace reads the current state
        and only the items that differ are written, O(concurrency) at a time. RV(results) is in input order.
      - Mutually exclusive with O(name) and the content options at task level.
    type: list
    elements: dict
    suboptions:
      name:
        description: See O(name).
        type: str
      namespace:
        description: See O(namespace).
        type: str
      state:
        description: See O(state).
        type: str
        choices: [present, absent]
      type:
        description: See O(type).
        type: str
      labels:
        description: See O(labels).
        type: dict
      annotations:
        description: See O(annotations).
        type: dict
      immutable:
        description: See O(immutable).
        type: bool
      append_hash:
        description: See O(append_hash).
        type: bool
      data:
        description: See O(data).
        type: dict
      string_data:
        description: See O(string_data).
        type: dict
      binary_data:
        description: See O(binary_data).
        type: dict
      files:
        description: See O(files).
        type: dict
      env_file:
        description: See O(env_file).
        type: path
      registries:
        description: See O(registries).
        type: list
        elements: dict
        suboptions:
          server:
            description: See O(registries[].server).
            type: str
            default: https://index.docker.io/v1/
          username:
            description: See O(registries[].username).
            type: str
            required: true
          password:
            description: See O(registries[].password).
            type: str
            required: true
          email:
            description: See O(registries[].email).
            type: str
      tls:
        description: See O(tls).
        type: dict
        suboptions:
          cert:
            description: See O(tls.cert).
            type: str
          key:
            description: See O(tls.key).
            type: str
          ca:
            description: See O(tls.ca).
            type: str
          cert_file:
            description: See O(tls.cert_file).
            type: path
          key_file:
            description: See O(tls.key_file).
            type: path
          ca_file:
            description: See O(tls.ca_file).
            type: path
      basic_auth:
        description: See O(basic_auth).
        type: dict
        suboptions:
          username:
            description: See O(basic_auth.username).
            type: str
            required: true
          password:
            description: See O(basic_auth.password).
            type: str
            required: true
      ssh_auth:
        description: See O(ssh_auth).
        type: dict
        suboptions:
          private_key:
            description: See O(ssh_auth.private_key).
            type: str
            required: true
          known_hosts:
            description: See O(ssh_auth.known_hosts).
            type: str
      service_account:
        description: See O(service_account).
        type: str
      bootstrap_token:
        description: See O(bootstrap_token).
        type: dict
        suboptions:
          token_id:
            description: See O(bootstrap_token.token_id).
            type: str
          token_secret:
            description: See O(bootstrap_token.token_secret).
            type: str
          expiration:
            description: See O(bootstrap_token.expiration).
            type: str
          usages:
            description: See O(bootstrap_token.usages).
            type: list
            elements: str
            choices: [authentication, signing]
          auth_extra_groups:
            description: See O(bootstrap_token.auth_extra_groups).
            type: list
            elements: str
          description:
            description: See O(bootstrap_token.description).
            type: str
      merge_data:
        description: See O(merge_data).
        type: bool
      allow_recreate:
        description: See O(allow_recreate).
        type: bool
      wait_timeout:
        description: See O(wait_timeout).
        type: int
      tls_expiry_warning_days:
        description: See O(tls_expiry_warning_days).
        type: int
  concurrency:
    description: With O(secrets), how many writes run at the same time.
    type: int
    default: 8
  content_stamp:
    description:
      - Compute RV(secret.checksum), the keyed content stamp, with the namespace's key in the Secret
        C(secretops-content-key), which is made on first use (see the description).
      - When false, no key Secret is read or created, no checksum is computed and RV(secret.checksum) is V(null).
        M(secretops.provisioning.k8s_rollout_restart) and the roles' restarts still make the key when they stamp
        consumers of the namespace.
    type: bool
    default: true
notes:
  - The task that uses this module should not need C(no_log); values never appear in its output.
    Values given directly in the task are hidden from Ansible's logs by the module's C(no_log) options.
seealso:
  - module: secretops.provisioning.k8s_secret_info
  - plugin: secretops.provisioning.k8s_secret
    plugin_type: lookup
"""

EXAMPLES = r"""
- name: Database credentials (Opaque), exact key set
  secretops.provisioning.k8s_secret:
    name: db
    namespace: demo
    string_data:
      username: app
      password: "{{ db_password }}"

- name: Values copied from a Secret manifest (data is base64, as in the manifest)
  secretops.provisioning.k8s_secret:
    name: legacy
    namespace: demo
    data:
      api-key: c2VjcmV0LWtleQ==

- name: Registry credentials for two registries
  secretops.provisioning.k8s_secret:
    name: pull
    namespace: demo
    type: dockerconfigjson
    registries:
      - server: registry.example.com
        username: robot
        password: "{{ registry_token }}"
      - server: ghcr.io
        username: bot
        password: "{{ ghcr_token }}"

- name: TLS Secret from files; warn 60 days before expiry
  secretops.provisioning.k8s_secret:
    name: web-tls
    namespace: demo
    type: tls
    tls:
      cert_file: /etc/pki/web/fullchain.pem
      key_file: /etc/pki/web/key.pem
    tls_expiry_warning_days: 60
  register: web_tls

- name: Restart pods when the Secret changes
  ansible.builtin.debug:
    msg: "annotate the pod template with checksum/secret={{ web_tls.secret.checksum }}"

- name: Legacy service-account token
  secretops.provisioning.k8s_secret:
    name: ci-token
    namespace: demo
    type: service-account-token
    service_account: ci

- name: Node join token (secret generated once)
  secretops.provisioning.k8s_secret:
    type: bootstrap-token
    bootstrap_token:
      token_id: abcdef
      expiration: "2030-01-31T00:00:00Z"
      auth_extra_groups: [system:bootstrappers:kubeadm:default-node-token]

- name: Many Secrets in one task (one LIST per namespace, concurrent writes)
  secretops.provisioning.k8s_secret:
    namespace: demo
    concurrency: 16
    secrets:
      - name: app-1
        string_data: {token: "{{ app1_token }}"}
      - name: app-2
        string_data: {token: "{{ app2_token }}"}
      - name: old-app
        state: absent

- name: A Secret in kube-system, without making the content key Secret there
  secretops.provisioning.k8s_secret:
    name: cloud-credentials
    namespace: kube-system
    string_data:
      token: "{{ cloud_token }}"
    content_stamp: false

- name: Remove a Secret
  secretops.provisioning.k8s_secret:
    name: db
    namespace: demo
    state: absent
"""

RETURN = r"""
name:
  description: Name of the Secret (with the hash suffix when O(append_hash=true)); the same as RV(secret.name).
  returned: without O(secrets)
  type: str
  sample: db
namespace:
  description: Namespace of the Secret; the same as RV(secret.namespace).
  returned: without O(secrets)
  type: str
  sample: demo
action:
  description: What was done (or would be, in check mode) to the Secret.
  returned: without O(secrets)
  type: str
  sample: updated
  choices: [created, updated, recreated, deleted, unchanged]
secret:
  description: The Secret, without any value. Empty when O(state=absent) and nothing was there.
  returned: without O(secrets)
  type: dict
  contains:
    name:
      description: Name (with the hash suffix when O(append_hash=true)).
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
      returned: when present
      sample: Opaque
    data_keys:
      description: The data key names.
      type: list
      elements: str
      returned: when present
      sample: [password, username]
    resource_version:
      description: The object's resourceVersion (null for a Secret created in check mode).
      type: str
      returned: when present
      sample: "12345"
    immutable:
      description: Whether the Secret is immutable.
      type: bool
      returned: when present
      sample: false
    checksum:
      description:
        - C(hmac-sha256:) and an HMAC-SHA256 over the name, the sorted keys and their values, keyed with the
          namespace's key in the Secret C(secretops-content-key) (made on first use). Stable across runs and
          hosts while that key lives, and the same as the stamp M(secretops.provisioning.k8s_rollout_restart)
          writes. Put it in a pod-template annotation so workloads restart when the content changes; whoever
          may read Pods but not Secrets cannot test a guessed value against it.
        - V(null) in check mode before the key exists, with O(content_stamp=false), and (with a warning) when this
          identity may not read or create the key Secret.
      type: str
      returned: when present
      sample: hmac-sha256:3f0c5e...
    tls:
      description:
        - Facts about the TLS certificate (never the key).
        - C(expires_in_days) is the whole days left until C(not_after), rounded down - C(0) on the last day,
          C(-1) during the first day after expiry, C(-2) during the second.
      type: dict
      returned: for TLS Secrets
      sample: {"subject": "CN=web.example.com", "issuer": "CN=Example CA", "sans": ["DNS:web.example.com"],
               "not_before": "2026-01-01T00:00:00Z", "not_after": "2027-01-01T00:00:00Z", "expires_in_days": 300,
               "chain_length": 2}
    ssh:
      description: Type and public fingerprint of the SSH key.
      type: dict
      returned: for ssh-auth Secrets
      sample: {"key_type": "ssh-ed25519", "fingerprint": "SHA256:..."}
    token_id:
      description: The public id of a bootstrap token.
      type: str
      returned: for bootstrap tokens
      sample: abcdef
key_changes:
  description: Key names added, removed and changed (never values).
  returned: without O(secrets), when O(state=present)
  type: dict
  sample: {"added": ["api-key"], "removed": [], "changed": ["password"]}
reasons:
  description: Why the Secret was (or would be) re-created.
  returned: when RV(action=recreated)
  type: list
  elements: str
  sample: ["its type changes from Opaque to kubernetes.io/tls"]
results:
  description:
    - With O(secrets), one entry per item in input order, with C(name), C(namespace), C(action), C(changed),
      C(secret), C(key_changes) and C(reasons) as above, and C(failed) and C(msg) for an item whose write failed.
  returned: with O(secrets)
  type: list
  elements: dict
  sample: [{"name": "app-1", "namespace": "demo", "action": "created", "changed": true,
            "secret": {"name": "app-1", "namespace": "demo", "type": "Opaque", "data_keys": ["token"],
                       "resource_version": "4711", "immutable": false, "checksum": "hmac-sha256:9b1e..."}}]
"""

from ansible_collections.secretops.provisioning.plugins.module_utils import list_form
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.connection import connection_argument_spec
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.secret_task import SecretTask
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import ListFormModule, masked_warn, run

REGISTRY_OPTIONS = dict(
    server=dict(type="str", default="https://index.docker.io/v1/"),
    username=dict(type="str", required=True),
    password=dict(type="str", required=True, no_log=True),
    email=dict(type="str"),
)
TLS_OPTIONS = dict(
    cert=dict(type="str"),
    key=dict(type="str", no_log=True),
    ca=dict(type="str"),
    cert_file=dict(type="path"),
    key_file=dict(type="path", no_log=False),
    ca_file=dict(type="path"),
)
BOOTSTRAP_TOKEN_OPTIONS = dict(
    token_id=dict(type="str", no_log=False),
    token_secret=dict(type="str", no_log=True),
    expiration=dict(type="str"),
    usages=dict(type="list", elements="str", choices=["authentication", "signing"]),
    auth_extra_groups=dict(type="list", elements="str"),
    description=dict(type="str"),
)

# One Secret's options; items of ``secrets`` take them without defaults (they inherit the task's).
ITEM_OPTIONS = dict(
    name=dict(type="str"),
    namespace=dict(type="str"),
    state=dict(type="str", choices=["present", "absent"]),
    type=dict(type="str"),
    labels=dict(type="dict"),
    annotations=dict(type="dict"),
    immutable=dict(type="bool"),
    append_hash=dict(type="bool"),
    data=dict(type="dict", no_log=True),
    string_data=dict(type="dict", no_log=True),
    binary_data=dict(type="dict", no_log=True),
    files=dict(type="dict"),
    env_file=dict(type="path"),
    # every option that carries values is no_log as a whole; bootstrap_token only in token_secret,
    # so the public token id (part of the Secret's name) stays readable
    registries=dict(type="list", elements="dict", options=REGISTRY_OPTIONS, no_log=True),
    tls=dict(type="dict", options=TLS_OPTIONS, no_log=True),
    basic_auth=dict(type="dict", no_log=True,
                    options=dict(username=dict(type="str", required=True), password=dict(type="str", required=True, no_log=True))),
    ssh_auth=dict(type="dict", no_log=True,
                  options=dict(private_key=dict(type="str", required=True, no_log=True), known_hosts=dict(type="str"))),
    service_account=dict(type="str"),
    bootstrap_token=dict(type="dict", no_log=False, options=BOOTSTRAP_TOKEN_OPTIONS),
    merge_data=dict(type="bool"),
    allow_recreate=dict(type="bool"),
    wait_timeout=dict(type="int"),
    tls_expiry_warning_days=dict(type="int"),
)
TASK_DEFAULTS = dict(state="present", immutable=False, append_hash=False, merge_data=False, allow_recreate=True,
                     wait_timeout=60, tls_expiry_warning_days=30)
CONTENT_OPTIONS = ["name", "data", "string_data", "binary_data", "files", "env_file", "registries", "tls", "basic_auth", "ssh_auth",
                   "service_account", "bootstrap_token"]


def argument_spec():
    spec = connection_argument_spec()
    spec.update(list_form.argument_spec("secrets", ITEM_OPTIONS, TASK_DEFAULTS))
    spec["concurrency"] = dict(type="int", default=8)
    spec["content_stamp"] = dict(type="bool", default=True)
    return spec


def main():
    module = ListFormModule(
        "secrets",
        argument_spec=argument_spec(),
        mutually_exclusive=[("secrets", option) for option in CONTENT_OPTIONS],
        supports_check_mode=True,
    )
    task = SecretTask(module.params, check_mode=module.check_mode, diff_mode=module._diff, warn=masked_warn(module))
    run(module, task.run)


if __name__ == "__main__":
    main()
