# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The revocation options of the dynamic-secret modules (documented in doc_fragments/revocation.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.revocation.ledger import DEFAULT_NAMESPACE

NAMES = ("state", "accept_revocation_in_use", "ledger_namespace")


def argument_spec():
    return {
        "state": {"type": "str", "default": "present", "choices": ["present", "revoked"]},
        "accept_revocation_in_use": {"type": "bool", "default": False},
        "ledger_namespace": {"type": "str", "default": DEFAULT_NAMESPACE},
    }
