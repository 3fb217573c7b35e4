# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Vault paths built from options: refused when a segment could lead the request somewhere else.

A ``..`` or ``.`` segment moves the request up the tree (``role: ../../database/rotate-root/x``
sends an issue payload to another engine) and an empty one (``a//b``) is collapsed on the way; the
client refuses both in every request path (``check_request_path``), and the services check each
option they build a path from (``clean_path``, ``clean_name``), naming the option. ``plain_path``
and ``plain_name`` also hold what is pasted into a policy (a KV path, a mount, a role name) to
plain characters: no quote, line break, glob (``*``, ``+``) or template (``{{``, ``${``) that could
widen or rewrite the policy. Pure: no I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from urllib.parse import unquote

from ansible_collections.secretops.provisioning.plugins.module_utils.errors import SecretOpsError

# What a segment of a path pasted into a policy may hold: letters, digits and _ . - @ = ~ : ,
PLAIN_SEGMENT = re.compile(r"^[\w.@=~:,-]+\Z", re.UNICODE)
PLAIN_CHARACTERS = "letters, digits and _ . - @ = ~ : ,"


def _bad_segment(segments):
    """The first segment that is empty, ``.`` or ``..``, or ``None``."""
    for segment in segments:
        if segment in ("", ".", ".."):
            return segment
    return None


def check_request_path(path):
    """Refuse a request path (query string aside, percent-decoded as Vault decodes it) with an empty,
    ``.`` or ``..`` segment, before anything is sent."""
    route = str(path).lstrip("/").split("?", 1)[0]
    bad = _bad_segment(unquote(route).split("/"))
    if bad is not None:
        raise SecretOpsError(
            "the request to %s was not sent: its path has %s segment; check the path, mount and name options it was built from"
            % (path, "an empty" if bad == "" else "a '%s'" % bad), vault_path=path,
        )


def clean_path(value, option="path"):
    """``value`` without whitespace or slashes at its ends; refused (naming ``option``) when empty or
    when a segment is empty, ``.`` or ``..``."""
    path = ("" if value is None else str(value)).strip().strip("/")
    if not path:
        raise SecretOpsError("%s must not be empty" % option)
    bad = _bad_segment(path.split("/"))
    if bad is not None:
        raise SecretOpsError("%s %r has %s segment: give a path without '..', '.' or '//'"
                             % (option, path, "an empty" if bad == "" else "a '%s'" % bad))
    return path


def clean_name(value, option="name"):
    """A name that is one path segment (no ``/``), checked like ``clean_path``."""
    name = ("" if value is None else str(value)).strip()
    if not name or "/" in name:
        raise SecretOpsError("%s must be a non-empty name without '/', got %r" % (option, name))
    return clean_path(name, option)


def plain_path(value, option="path"):
    """``clean_path``, and every segment of plain characters only (``PLAIN_CHARACTERS``)."""
    path = clean_path(value, option)
    for segment in path.split("/"):
        if not PLAIN_SEGMENT.match(segment):
            raise SecretOpsError("%s %r may hold only %s in each segment (no quote, line break, space, '*', '+', '{', '$' or '%%')"
                                 % (option, path, PLAIN_CHARACTERS))
    return path


def plain_name(value, option="name"):
    """``plain_path`` of one segment (no ``/``)."""
    return plain_path(clean_name(value, option), option)
