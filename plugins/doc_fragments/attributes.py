# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Every module extends DOCUMENTATION: what each attribute means and the one platform statement.
    # A module states only its support level (and details when they add something) under its own
    # `attributes:`; Ansible merges each attribute's keys over the ones here.
    # ACTION_GROUP_K8S / ACTION_GROUP_VAULT: keep in step with action_groups in meta/runtime.yml.
    # READ_ONLY: modules that only read.
    DOCUMENTATION = r"""
attributes:
  check_mode:
    description: Can run in check mode and return a changed status prediction without modifying the target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: posix
    details:
      - Runs on the host the task is delegated to (usually the controller), which must reach the Kubernetes API server or
        Vault over the network. It manages remote API objects, never the files of that host
        (M(secretops.provisioning.secret_rotation_report) and M(secretops.provisioning.secret_rotation_fleet_report) write
        their reports on the controller, as action plugins).
"""

    ACTION_GROUP_K8S = r"""
attributes:
  action_group:
    description: Use C(group/secretops.provisioning.k8s) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - secretops.provisioning.k8s
"""

    ACTION_GROUP_VAULT = r"""
attributes:
  action_group:
    description: Use C(group/secretops.provisioning.vault) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - secretops.provisioning.vault
"""

    READ_ONLY = r"""
attributes:
  check_mode:
    support: full
    details: The module only reads, so it runs the same in check mode.
  diff_mode:
    support: none
    details: The module changes nothing, so there is no diff.
"""
