# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parses ``KEY=VALUE`` files with the rules of ``kubectl create secret --from-env-file``.

- a UTF-8 byte-order mark on the first line is dropped; the file must be valid UTF-8;
- leading whitespace is trimmed, trailing whitespace is kept, ``\\r\\n`` ends a line like ``\\n``;
- empty lines and lines starting with ``#`` are skipped;
- the text up to the first ``=`` is the key and must be a C-style environment variable name
  (``[-._a-zA-Z][-._a-zA-Z0-9]*``); everything after it is the value, quotes included;
- a line without ``=`` takes its value from the environment (``environ``), or the empty string;
- a key given twice is an error.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

ENV_VAR_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
_BOM = u"\ufeff"


def parse_env_file(content, source="env_file", environ=None):
    """Return ``{key: value}`` (text) from ``content`` (bytes or text) of an env file.

    ``source`` names the file in messages; ``environ`` supplies values for lines without ``=``.
    """
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8")
        except UnicodeDecodeError:
            raise SecretOpsError("%s is not valid UTF-8: save the file as UTF-8 text" % source)
    environ = environ or {}
    result = {}
    for number, raw_line in enumerate(content.split("\n"), start=1):
        line = raw_line[:-1] if raw_line.endswith("\r") else raw_line
        if number == 1 and line.startswith(_BOM):
            line = line[len(_BOM):]
        line = line.lstrip()
        if not line or line.startswith("#"):
            continue
        key, has_value, value = line.partition("=")
        if not ENV_VAR_NAME.match(key):
            # a line without '=' may be a stray value: name it only by its line number
            shown = " %r" % key[:64] if has_value else ""
            raise SecretOpsError(
                "%s line %d:%s is not a valid variable name: write NAME=value with a name of letters, digits, "
                "'-', '_' and '.', not starting with a digit" % (source, number, shown),
                line=number,
            )
        if key in result:
            raise SecretOpsError("%s line %d: key %r is given twice: keep one of them" % (source, number, key), line=number)
        result[key] = value if has_value else environ.get(key, "")
    return result
