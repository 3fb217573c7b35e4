# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Keep in step with tune_argument_spec() in plugins/module_utils/vault/mounts.py.
    DOCUMENTATION = r"""
options:
  description:
    description: Human-readable description of the mount. Not managed when omitted.
    type: str
  default_lease_ttl:
    description:
      - Default lease TTL, in seconds or as a duration (V(1h), V(30m)). Compared by value, so V(1h) equals V(3600).
      - Not managed when omitted.
    type: raw
  max_lease_ttl:
    description: Maximum lease TTL, in seconds or as a duration. Not managed when omitted.
    type: raw
  listing_visibility:
    description: Whether the mount is listed in the unauthenticated UI listing.
    type: str
    choices: [unauth, hidden]
  audit_non_hmac_request_keys:
    description: Request keys the audit devices log in clear instead of HMAC-ed. Compared as a set.
    type: list
    elements: str
  audit_non_hmac_response_keys:
    description: Response keys the audit devices log in clear instead of HMAC-ed. Compared as a set.
    type: list
    elements: str
  local:
    description: Whether the mount is local to this cluster (not replicated). Only used when the mount is first enabled.
    type: bool
  state:
    description: V(present) enables the mount or tunes it to match; V(absent) disables it, which deletes all its data.
    type: str
    choices: [present, absent]
    default: present
"""
