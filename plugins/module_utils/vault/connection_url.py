# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secretops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a database ``connection_url`` holds a password, and whether that is Vault's template.

Vault stores the URL verbatim and returns it on every read of the connection, so a literal password
in it reaches every diff and output. Vault replaces exactly ``{{password}}`` (plain text
substitution, no whitespace inside the braces), so that is the only thing accepted in a password
position. The positions, over the forms the database plugins take:

- the credentials before the last ``@`` of an ``@`` form: ``scheme://user:pw@host`` (PostgreSQL,
  MongoDB, SQL Server, HANA URLs), ``user:pw@tcp(host)/db`` (MySQL), ``user/pw@host/service``
  (Oracle), ``user:pw@account/db`` (Snowflake): what follows the first ``:`` or ``/``;
- the value of every password parameter (``password``, ``sslpassword``, ``passwd``, ``pwd``,
  ``pass``; any case) in a keyword DSN (``host=db password=...``), an ODBC or ADO string
  (``Server=db;Pwd=...``) or a URL query (``?password=...``).

A URL read back from Vault is parsed the same way, also in the form Vault returns it: Vault
re-encodes a string Go's URL parser accepts (spaces as ``%20``, braces as ``%7B``/``%7D``, quotes as
``%27``) and hides only a URL's userinfo password (as ``xxxxx``), never a parameter or a DSN's.

The rule is strict on purpose: an ``@`` anywhere after the host (in a query value) makes the text
before it count as credentials, so it must be percent-encoded (``%40``). Pure: no I/O, and no
function returns or raises with any part of a password position's text.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

TEMPLATE = "{{password}}"
MASK = "********"

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.:-]*://")
# A keyword form starts with ``key=`` (ODBC keys may hold spaces: ``User ID=``).
_KEYWORD_FORM = re.compile(r"^\s*[A-Za-z][A-Za-z0-9_ .-]*=")
# Separators as typed and as Vault returns them: a read re-encodes a URL it can parse (a keyword DSN
# comes back as ``host=db%20password=...``, braces as ``%7B``, quotes as ``%27``).
_BEFORE_KEY = r"(?:^|(?<=[\s;?&(])|(?<=%20)|(?<=%09)|(?<=%0[Aa])|(?<=%0[Dd])|(?<=%3[Bb])|(?<=%26)|(?<=%28))"
_BLANK = r"(?:[ \t]|%20|%09)*"
_PARAMETER = re.compile(_BEFORE_KEY + r"([A-Za-z][A-Za-z0-9_.-]*)" + _BLANK + r"(?:=|%3[Dd])" + _BLANK)
_PASSWORD_KEY = re.compile(r"^(?:[a-z0-9_.-]*password|passwd|pwd|pass)$", re.IGNORECASE)
# The template as a parameter value (bare, quoted, or in ODBC braces; as typed or percent-encoded),
# then the value's end.
_OPEN, _CLOSE = r"(?:\{|%7[Bb])", r"(?:\}|%7[Dd])"
_IN_VALUE = _OPEN * 2 + "password" + _CLOSE * 2
_VALUE_END = r"(?=$|[\s;&#)]|%20|%09|%0[AaDd]|%3[Bb]|%26|%23|%29)"
_TEMPLATE_VALUE = re.compile(r"(?:%s%s%s|%s|(?P<quote>'|\"|%%27|%%22)%s(?P=quote))%s" % (
    _OPEN, _IN_VALUE, _CLOSE, _IN_VALUE, _IN_VALUE, _VALUE_END))
_ENCODED_OPENER = re.compile(r"%(?:27|22|7[Bb])")
# A URL inside a keyword form (libpq takes one as dbname): up to a separator of that form.
_EMBEDDED_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.:-]*://[^\s;'\"]*")


def _credentials_span(text, start):
    """The password position of the ``@`` form that begins at ``start`` (after any scheme), as
    ``(begin, end)``, or ``None`` when the text has no credentials or no password in them."""
    at = text.rfind("@", start)
    if at < 0:
        return None
    credentials = text[start:at]
    separators = [index for index in (credentials.find(":"), credentials.find("/")) if index >= 0]
    if not separators:
        return None  # a user name alone
    return (start + min(separators) + 1, at)


def _quoted_end(text, begin):
    """Where a parameter value that starts at ``begin`` ends; the end of the text when in doubt."""
    if _ENCODED_OPENER.match(text, begin):
        return len(text)  # quoted, then percent-encoded by Vault: its escapes are not worth the risk
    opener = text[begin:begin + 1]
    if opener in ("'", '"'):
        index = begin + 1
        while index < len(text):
            if text[index] == "\\":
                index += 2
                continue
            if text[index] == opener:
                return index + 1
            index += 1
        return len(text)
    if opener == "{":
        braced = re.compile(r"\{(?:[^}]|\}\})*\}(?=$|;)").match(text, begin)
        return braced.end() if braced else len(text)
    # Unquoted: everything to the end counts, since a literal password may hold any separator.
    return len(text)


def _parameter_spans(text):
    spans = []
    for match in _PARAMETER.finditer(text):
        if not _PASSWORD_KEY.match(match.group(1)):
            continue
        begin = match.end()
        if _TEMPLATE_VALUE.match(text, begin):
            continue
        spans.append((begin, max(_quoted_end(text, begin), begin), "the %s= parameter" % match.group(1)))
    return spans


def _at_form_spans(text):
    spans = []
    if _KEYWORD_FORM.match(text):
        for embedded in _EMBEDDED_URL.finditer(text):
            scheme = _SCHEME.match(text, embedded.start())
            found = _credentials_span(text[:embedded.end()], scheme.end())
            if found:
                spans.append(found)
    else:
        scheme = _SCHEME.match(text)
        found = _credentials_span(text, scheme.end() if scheme else 0)
        if found:
            spans.append(found)
    return [(begin, end, "the credentials before @") for begin, end in spans if text[begin:end] != TEMPLATE]


def literal_spans(url):
    """``(begin, end, position)`` of every password position of ``url`` that is not exactly the
    template, in order; ``position`` names the place, never its content."""
    text = url or ""
    return sorted(_at_form_spans(text) + _parameter_spans(text))


def literal_positions(url):
    """The names of the places where ``url`` holds something other than ``{{password}}``."""
    names = []
    for _begin, _end, name in literal_spans(url):
        if name not in names:
            names.append(name)
    return names


def masked(url):
    """``url`` with every literal in a password position replaced by ``MASK``."""
    if not url:
        return url
    merged = []
    for begin, end, _name in literal_spans(url):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((begin, end))
    text = url
    for begin, end in reversed(merged):
        text = text[:begin] + MASK + text[end:]
    return text
