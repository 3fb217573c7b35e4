# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Values that travel in HTTP headers (the Vault token, the namespace) checked before any request.

``requests`` rejects a header value with a line break by raising an error that quotes the value,
so a token with a trailing newline would be printed in full. Checking first lets the message name
the option and the problem, never the value. Pure: no I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError


def check_header_value(value, option):
    """Raise ``SecretOpsError`` naming ``option`` and the problem (never the value) when ``value``
    cannot travel in an HTTP header; ``requests`` would quote it in its error."""
    if value is None:
        return
    problem = None
    for char in value:
        if char in "\r\n":
            problem = "a line break (CR or LF)"
            break
        if char in " \t":
            problem = problem or "a space or tab"
        elif ord(char) < 32 or ord(char) == 127:
            problem = problem or "a control character"
        elif ord(char) > 126:
            problem = problem or "a non-ASCII character"
    if problem:
        raise SecretOpsError(
            "%s contains %s, which cannot be sent in an HTTP header: look for a trailing newline "
            "(a file read without stripping, a YAML block scalar) or a copy-paste artefact" % (option, problem)
        )
