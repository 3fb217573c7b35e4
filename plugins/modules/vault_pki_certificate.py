#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vault_pki_certificate
short_description: Issue a certificate from a Vault or OpenBao PKI role into a Kubernetes tls Secret, and renew it in time
version_added: 0.1.0
author: secretops maintainers (@secretops)
description:
  - Issues a certificate and key from C(<mount_point>/issue/<role>) into the C(kubernetes.io/tls) Secret O(name) -
    C(tls.crt) holds the certificate followed by its intermediates (never the root), C(tls.key) its key, and C(ca.crt)
    the root CA when O(include_ca) is set.
  - Issues only when needed - the Secret is missing or holds no certificate and key; the request (O(mount_point),
    O(role), O(common_name), O(alt_names), O(ip_sans), O(ttl)) differs from the one the certificate was issued for; or the
    certificate is within O(renew_before) of its end. Otherwise nothing changes and Vault issues nothing.
  - The request is recorded on the Secret's annotations as a fingerprint (C(secretops.io/pki-request)), with the
    serial, the end of validity and the role (C(secretops.io/pki-serial), C(secretops.io/pki-not-after),
    C(secretops.io/pki-issued-by)). None of them is derived from the key.
  - The key goes from Vault's answer into the Secret and nowhere else - not into results, diffs, errors or annotations.
    Before the Secret is written, the key is checked against the certificate and the chain order is checked.
  - Each certificate it issues is recorded in a revocation record kept where tenants cannot write (O(ledger_namespace)) before
    the Secret is written. With O(revoke_replaced) (or O(state=revoked), which issues nothing), the certificates re-issues
    replaced are revoked (C(<mount_point>/revoke)) - only those the record holds, only when Vault's copy carries exactly
    the names they were issued for, and only once no running Pod that uses the Secret may still hold them
    (O(accept_revocation_in_use)). What is held back stays pending, and a later run revokes it.
  - A certificate in the Secret that the record does not hold (put there by hand, by another tool, or by an older version of
    this collection) is re-issued over and never revoked here.
  - Keys other writers added to the Secret are kept. A concurrent update (HTTP 409) is retried on the fresh object.
options:
  name:
    description: Name of the Kubernetes Secret.
    type: str
    required: true
  namespace:
    description: Kubernetes namespace of the Secret. (The Vault namespace is O(vault.namespace).)
    type: str
    required: true
  mount_point:
    description: Path of the PKI secrets engine that issues the certificate.
    type: str
    default: pki
  role:
    description: The PKI role to issue from (see M(secretops.provisioning.vault_pki_role)); it decides which names are allowed.
    type: str
    required: true
  common_name:
    description: Common name of the certificate, for example V(shop.example.com).
    type: str
    required: true
  alt_names:
    description: More DNS names (or email addresses) for the subject alternative names. Compared as a set.
    type: list
    elements: str
    default: []
  ip_sans:
    description: IP addresses for the subject alternative names (the role must allow IP SANs). Compared as a set.
    type: list
    elements: str
    default: []
  ttl:
    description:
      - Lifetime to ask for, in seconds or as a duration such as V(72h). Without it the role's O(secretops.provisioning.vault_pki_role#module:ttl)
        applies. Vault cuts it to the role's max TTL and the mount's max lease TTL; the task then warns.
    type: raw
  renew_before:
    description:
      - When to re-issue - a duration before the certificate's end (V(24h), V(3600)), or a share of its lifetime (V(30%)
        re-issues once 70% of the time between not_before and not_after has passed).
    type: str
    default: 30%
  force:
    description:
      - Issue a new certificate even when the one in the Secret is not due (a forced rotation). What it replaces waits for
        revocation like any other replaced certificate.
    type: bool
    default: false
  include_ca:
    description:
      - Whether the Secret carries C(ca.crt), the root CA the chain leads to. Adding or removing it does not re-issue.
    type: bool
    default: false
  revoke_replaced:
    description:
      - Whether to revoke the certificates re-issues replaced (this run's and earlier runs' pending ones) once no running Pod
        may hold them (O(accept_revocation_in_use)). Needs a role that stores certificates
        (O(secretops.provisioning.vault_pki_role#module:no_store=false), the default).
    type: bool
    default: false
extends_documentation_fragment:
  - secretops.provisioning.vault_dict
  - secretops.provisioning.revocation
  - secretops.provisioning.k8s_connection
  - secretops.provisioning.attributes
  - secretops.provisioning.attributes.action_group_k8s
attributes:
  check_mode:
    support: full
    details: Never issues - reports whether the certificate would be (re)issued and why (RV(reason)); writes nothing.
  diff_mode:
    support: full
    details: The serial and validity of the certificate before and after; never the key.
seealso:
  - module: secretops.provisioning.vault_pki_ca
  - module: secretops.provisioning.vault_pki_role
"""

EXAMPLES = r"""
- name: The shop's TLS certificate, renewed when a third of its life is left
  secretops.provisioning.vault_pki_certificate:
    name: shop-tls
    namespace: shop
    mount_point: pki_int
    role: shop-web
    common_name: shop.example.com
    alt_names: [www.shop.example.com]
    ttl: 72h
    renew_before: 33%
    include_ca: true
    vault:
      url: https://vault.example.com:8200
      auth_method: kubernetes
      auth_role: provisioner

- name: After the consumers rolled out, revoke the certificates the Secret no longer holds
  secretops.provisioning.vault_pki_certificate:
    name: shop-tls
    namespace: shop
    mount_point: pki_int
    role: shop-web
    common_name: shop.example.com
    alt_names: [www.shop.example.com]
    state: revoked
    vault:
      url: https://vault.example.com:8200
      auth_method: kubernetes
      auth_role: provisioner
"""

RETURN = r"""
name:
  description: Name of the Kubernetes Secret, as M(secretops.provisioning.k8s_secret) returns it.
  returned: always
  type: str
  sample: shop-tls
namespace:
  description: Namespace of the Kubernetes Secret.
  returned: always
  type: str
  sample: shop
secret:
  description:
    - The Kubernetes Secret, as a dict that names it (the first keys of M(secretops.provisioning.k8s_secret)'s C(secret)).
    - Before 0.2.0 the name as a string; read RV(name) for the name.
  returned: always
  type: dict
  contains:
    name:
      description: Name of the Secret, the same as RV(name).
      returned: always
      type: str
      sample: shop-tls
    namespace:
      description: Namespace of the Secret, the same as RV(namespace).
      returned: always
      type: str
      sample: shop
  sample: {"name": "shop-tls", "namespace": "shop"}
issued:
  description: Whether Vault issued a new certificate in this run (never in check mode).
  returned: always
  type: bool
  sample: true
reason:
  description: Why the certificate was (or in check mode would be) issued; null when the one in the Secret stands.
  returned: always
  type: str
  sample: the certificate expires at 2026-11-26T10:00:00Z, within renew_before (30%) of its end
serial:
  description: Serial number of the certificate the Secret holds, as Vault writes it.
  returned: when the Secret holds a certificate after the task (in check mode, only when none would be issued)
  type: str
  sample: "21:09:53:26:b5:cf:9b:c2:87:2c:47:4b:b2:c8:b8:6f:95:98:29:72"
subject:
  description: Subject of the certificate.
  returned: when RV(serial) is
  type: str
  sample: CN=shop.example.com
issuer:
  description: Issuer of the certificate (the CA that signed it).
  returned: when RV(serial) is
  type: str
  sample: CN=Example Issuing CA
not_before:
  description: Start of validity (UTC).
  returned: when RV(serial) is
  type: str
  sample: "2026-11-23T10:00:00Z"
not_after:
  description: End of validity (UTC).
  returned: when RV(serial) is
  type: str
  sample: "2026-11-26T10:00:00Z"
replaced_serial:
  description: Serial of the certificate this run replaced (or would), or whose pending revocation it finished.
  returned: when a certificate was replaced
  type: str
  sample: "14:18:0a:50:dd:c3:31:7e"
revoked_serial:
  description: Serial of the (last) replaced certificate this run revoked; RV(revoked_serials) lists them all.
  returned: when the run revoked one
  type: str
  sample: "14:18:0a:50:dd:c3:31:7e"
revoked_serials:
  description: Serials of the replaced certificates this run revoked.
  returned: always
  type: list
  elements: str
  sample: ["14:18:0a:50:dd:c3:31:7e"]
pending_revocation:
  description: Serials of replaced certificates still waiting for revocation (the revocation record's, never the Secret's).
  returned: always
  type: list
  elements: str
  sample: []
revocation_held:
  description: Replaced certificates kept because running Pods may still hold them (see O(accept_revocation_in_use)).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The serial.
      type: str
    replaced_at:
      description: When the Secret got the certificate that replaced it (API server time).
      type: str
    holders:
      description: The Pods that started before then and use the Secret, with their controllers.
      type: list
      elements: str
  sample: [{"id": "14:18:0a:50:dd:c3:31:7e", "replaced_at": "2026-12-07T10:00:00Z", "holders": ["Pod/web-0 (StatefulSet/web)"]}]
revocation_failed:
  description:
    - Replaced certificates whose revocation Vault refused or could not complete; they stay pending in the revocation
      record and a later run tries again.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The serial.
      type: str
    error:
      description: Why the revocation failed.
      type: str
  sample: []
ca_changed:
  description: Whether C(ca.crt) was added or removed without re-issuing (O(include_ca) changed).
  returned: when O(include_ca) differed from the Secret
  type: bool
  sample: true
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.client import k8s_session
from ansible_collections.secretops.provisioning.plugins.module_utils.k8s.connection import connection_argument_spec
from ansible_collections.secretops.provisioning.plugins.module_utils.module_runner import run
from ansible_collections.secretops.provisioning.plugins.module_utils.revocation import options as revocation_options
from ansible_collections.secretops.provisioning.plugins.module_utils.rotation import options
from ansible_collections.secretops.provisioning.plugins.module_utils.vault.options import vault_argument_spec
from ansible_collections.secretops.provisioning.plugins.module_utils.delivery.pki import ensure_certificate

REQUEST_OPTIONS = ("name", "namespace", "mount_point", "role", "common_name", "alt_names", "ip_sans", "ttl", "renew_before", "force",
                   "include_ca", "revoke_replaced") + revocation_options.NAMES


def apply(module):
    params = module.params
    request = dict((name, params[name]) for name in REQUEST_OPTIONS)
    with options.vault_session(params) as vault, k8s_session(options.k8s_params(params)) as k8s:
        result = ensure_certificate(vault, k8s, request, check_mode=module.check_mode)
    for warning in result.pop("warnings"):
        module.warn("Secret %s/%s: %s" % (params["namespace"], params["name"], warning))
    return result


def main():
    spec = connection_argument_spec()
    spec.update(
        name={"type": "str", "required": True},
        namespace={"type": "str", "required": True},
        mount_point={"type": "str", "default": "pki"},
        role={"type": "str", "required": True},
        common_name={"type": "str", "required": True},
        alt_names={"type": "list", "elements": "str", "default": []},
        ip_sans={"type": "list", "elements": "str", "default": []},
        ttl={"type": "raw"},
        renew_before={"type": "str", "default": "30%"},
        force={"type": "bool", "default": False},
        include_ca={"type": "bool", "default": False},
        revoke_replaced={"type": "bool", "default": False},
        vault={"type": "dict", "default": {}, "apply_defaults": True, "options": vault_argument_spec()},
    )
    spec.update(revocation_options.argument_spec())
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda: apply(module))


if __name__ == "__main__":
    main()
