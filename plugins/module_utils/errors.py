# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one exception type raised by shared code.

Modules translate it with ``fail_json`` and lookups with ``AnsibleError``; nothing else in
``module_utils`` raises for a user-facing reason. Messages say what to fix and never carry a
secret value, a token or a JWT.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class SecretOpsError(Exception):
    """A failure the user can act on.

    ``details`` holds extra, value-free facts (HTTP status, path, item name) that modules add to
    their failure result.
    """

    def __init__(self, message, **details):
        super(SecretOpsError, self).__init__(message)
        self.message = message
        self.details = details

    def __str__(self):
        return self.message
