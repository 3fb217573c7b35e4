# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The revocation options of the modules that deliver dynamic secrets (vault_pki_certificate,
    # vault_database_credentials); their argument spec is revocation/options.py.
    DOCUMENTATION = r"""
options:
  state:
    description:
      - V(present) issues, renews or keeps the credential the Secret holds, as its other options say.
      - V(revoked) only revokes what earlier runs replaced (see O(revoke_replaced)) and issues, renews and writes nothing
        else - the revocation step after the consumers rolled out.
    type: str
    choices: [present, revoked]
    default: present
  accept_revocation_in_use:
    description:
      - A replaced credential is revoked only when no running Pod that uses the Secret started before the Secret got the
        new one (such a Pod may still hold the old one - a paused Deployment, bare Pods, the Jobs of a CronJob, an
        C(OnDelete) or partitioned rollout, a workload opted out of restarts, old Pods of a failed rollout); otherwise it
        stays pending, the result names the Pods (RV(revocation_held)), and a later run revokes it.
      - V(true) revokes it anyway, for this run only - those Pods lose their access (a database drops the user, a
        certificate is revoked).
    type: bool
    default: false
  ledger_namespace:
    description:
      - The namespace of the revocation records - what this module issued for each Secret and what waits for revocation,
        one Secret of type C(secretops.io/revocation-record) per managed Secret. Only what a record holds is ever revoked,
        never a serial or lease id read from the Secret, which anyone who may edit it can change.
      - Give it a namespace that tenants cannot write, the same in every run; it is made on first use.
    type: str
    default: secretops-system
"""
