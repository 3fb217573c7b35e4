# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Keep in step with ETCD_ARGUMENT_SPEC in plugins/module_utils/encryption/etcd.py.
    DOCUMENTATION = r"""
options:
  etcd_url:
    description:
      - Client URL of an etcd member of the cluster, for example V(https://127.0.0.1:2379).
      - etcd is read directly (its v3 JSON gateway), only to see how each object is stored; nothing
        is decrypted, written or returned but counts, provider names and key ids.
    type: str
  etcd_ca_cert:
    description: CA bundle that verifies etcd's server certificate (kubeadm C(/etc/kubernetes/pki/etcd/ca.crt)).
    type: path
  etcd_client_cert:
    description: Client certificate etcd requires (kubeadm C(/etc/kubernetes/pki/apiserver-etcd-client.crt)).
    type: path
  etcd_client_key:
    description: Key of O(etcd_client_cert).
    type: path
  etcd_prefix:
    description: The apiserver's C(--etcd-prefix).
    type: str
    default: /registry
"""
