# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Annotation names the collection reads and writes on workloads."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib

# On a workload: "true" (or "*") ignores every Secret, or a comma-separated list of Secret names.
OPT_OUT_ANNOTATION = "secretops.io/ignore-secrets"

# On a pod template: when the collection last restarted the workload (same role as kubectl's
# kubectl.kubernetes.io/restartedAt, kept apart so the two never fight).
RESTARTED_AT_ANNOTATION = "secretops.io/restartedAt"

# On a pod template, one per Secret: the content checksum the pods were started with.
CHECKSUM_ANNOTATION_PREFIX = "checksum.secretops.io/"

# The name part of an annotation key is at most 63 characters.
_NAME_LIMIT = 63


def checksum_annotation(secret_name):
    """The pod-template annotation key that holds the checksum of the Secret ``secret_name``."""
    if len(secret_name) <= _NAME_LIMIT:
        return CHECKSUM_ANNOTATION_PREFIX + secret_name
    digest = hashlib.sha256(secret_name.encode("utf-8")).hexdigest()[:10]
    return CHECKSUM_ANNOTATION_PREFIX + secret_name[:_NAME_LIMIT - 11].rstrip(".-") + "-" + digest
