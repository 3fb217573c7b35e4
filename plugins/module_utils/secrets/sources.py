# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reads the files a Secret spec points at, so ``builder.build_secret`` stays free of I/O.

``files`` (key -> path), ``env_file`` (path) and ``tls.cert_file``/``key_file``/``ca_file`` are
read on the host that runs the module; unreadable files fail with the option and path named.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

TLS_FILE_FIELDS = (("cert_file", "cert"), ("key_file", "key"), ("ca_file", "ca"))
MAX_FILE_BYTES = 1024 * 1024 + 1  # one byte over the Secret limit is enough to report it


def read_file(path, option):
    path = os.path.expanduser(path)
    try:
        with open(path, "rb") as handle:
            content = handle.read(MAX_FILE_BYTES + 1)
    except (IOError, OSError) as exc:
        raise SecretOpsError("cannot read %s %s: %s; give a readable file on the host that runs the module" % (option, path, exc.strerror or exc))
    if len(content) > MAX_FILE_BYTES:
        raise SecretOpsError("%s %s is larger than 1 MiB, the Secret size limit: store it elsewhere" % (option, path))
    return content


def resolve_sources(spec):
    """Return a copy of ``spec`` with file paths replaced by the files' content."""
    resolved = dict(spec)
    files = spec.get("files") or {}
    if not isinstance(files, dict):
        raise SecretOpsError("files must be a mapping of Secret key -> path on the host that runs the module")
    if files:
        resolved["file_contents"] = dict((key, read_file(path, "files[%s]" % key)) for key, path in files.items())
    if spec.get("env_file"):
        resolved["env_file_content"] = read_file(spec["env_file"], "env_file")
    tls = spec.get("tls")
    if isinstance(tls, dict) and any(tls.get(field) for field, _target in TLS_FILE_FIELDS):
        tls = dict(tls)
        for field, target in TLS_FILE_FIELDS:
            path = tls.pop(field, None)
            if path:
                if tls.get(target):
                    raise SecretOpsError("give tls.%s or tls.%s, not both" % (target, field))
                tls[target] = read_file(path, "tls.%s" % field).decode("utf-8", "replace")
        resolved["tls"] = tls
    elif isinstance(tls, dict):
        resolved["tls"] = dict((k, v) for k, v in tls.items() if k not in dict(TLS_FILE_FIELDS))
    return resolved
