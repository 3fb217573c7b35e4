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

ENV_VAR_NAME = re.compile(r"[-._a-zA-Z][-._a-zA-Z0-9]*")
_EXPORT = "export "
_BOM = u"\ufeff"


def _bad_name(source, number, key, has_value):
    """The error for a line that does not start with a variable name.

    The line may hold a value (a wrapped base64 line, ``password: hunter2=...``): the message names
    the line number, and a variable only when the name is recognisable (``export NAME=``, ``NAME =``).
    """
    where = "%s line %d" % (source, number)
    exported = key[len(_EXPORT):].strip() if key.startswith(_EXPORT) else None
    if has_value and exported and ENV_VAR_NAME.fullmatch(exported):
        fix = "variable %s has a shell 'export' before it: drop it" % exported
    elif has_value and ENV_VAR_NAME.fullmatch(key.rstrip()):
        fix = "variable %s is followed by whitespace before '=': remove it" % key.rstrip()
    elif has_value:
        fix = ("the text before '=' is not a valid variable name: write NAME=value with a name of letters, digits, "
               "'-', '_' and '.', not starting with a digit")
    else:
        fix = "it has no '=' and is not a variable name: write NAME=value, or NAME alone to take the value from the environment"
    return SecretOpsError("%s: %s (the line is not shown: it may hold a value)" % (where, fix), line=number)


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
        if not ENV_VAR_NAME.fullmatch(key):
            raise _bad_name(source, number, key, has_value)
        if key in result:
            raise SecretOpsError("%s line %d: key %r is given twice: keep one of them" % (source, number, key), line=number)
        result[key] = value if has_value else environ.get(key, "")
    return result
