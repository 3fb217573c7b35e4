# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a login JWT comes from: given directly (``jwt``) or read from ``jwt_file``.

Shared by the ``kubernetes`` and ``jwt`` methods; not an auth method itself.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError


def jwt_from(params, method, default_file=None):
    """The JWT for ``method``: ``jwt``, else the contents of ``jwt_file`` (else ``default_file``)."""
    if params.get("jwt"):
        return params["jwt"]
    path = params.get("jwt_file") or default_file
    if not path:
        raise SecretOpsError("auth_method %s needs a JWT: set jwt or jwt_file" % method)
    if not os.path.isfile(path):
        hint = " (this default only exists inside a Kubernetes pod; elsewhere set jwt or jwt_file)" if path == default_file else ""
        raise SecretOpsError("auth_method %s: the JWT file %s does not exist%s" % (method, path, hint))
    try:
        with open(path) as handle:
            token = handle.read().strip()
    except (IOError, OSError) as exc:
        raise SecretOpsError("auth_method %s: cannot read the JWT file %s: %s" % (method, path, exc.strerror or exc.__class__.__name__))
    if not token:
        raise SecretOpsError("auth_method %s: the JWT file %s is empty" % (method, path))
    return token
