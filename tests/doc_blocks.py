"""The YAML blocks of the README and the guides, and what the documentation tests do with each.

Every fenced ``yaml`` block of a covered file carries a marker, an HTML comment on the line before
its fence (GitHub and the docs site show nothing of it):

    <!-- doc-test: run -->                     run as written (placeholders replaced, see below)
    <!-- doc-test: vars {"db_password": "x"} -->  run, with these variables (JSON)
    <!-- doc-test: playbooks provision rotate -->  a vars file: the collection's playbooks run with it, in order
    <!-- doc-test: skip (why; what runs it) -->  not meant to run as is: a vars-file shape, a fragment

A block that runs is a list of plays (its first item has ``hosts`` or imports a playbook), a list of tasks (run in one
localhost play), or a mapping of variables (templated in one play, so its lookups run).
tests/unit/test_doc_blocks.py fails on a block without a marker; tests/integration/test_doc_blocks.py
runs the blocks against the local servers.
"""

import json
import os
import re

from tests.conftest import REPO_ROOT

# The files whose blocks are checked; a guide joins the list once each of its blocks has a marker.
COVERED = ("README.md", "docs/k8s_secret.md", "docs/vault.md", "docs/roles.md", "docs/rotation.md",
           "docs/dynamic-secrets.md", "docs/awx.md", "docs/audit.md")

FENCE = re.compile(r"^```yaml\s*$")
MARKER = re.compile(r"^<!--\s*doc-test:\s*(run|vars|playbooks|skip)\b\s*(.*?)\s*-->\s*$")


class DocBlock(object):
    def __init__(self, path, line, text, status, argument):
        self.path = path            # relative to the repository root
        self.line = line            # of the opening fence, 1-based
        self.text = text
        self.status = status        # "run", "skip" or None (no marker)
        self.variables = json.loads(argument) if status == "vars" and argument else {}
        self.reason = argument if status == "skip" else None
        self.playbooks = argument.split() if status == "playbooks" else []
        if status in ("vars", "playbooks"):
            self.status = "run"

    @property
    def where(self):
        return "%s:%d" % (self.path, self.line)


def blocks(path):
    """The ``yaml`` blocks of ``path`` (relative to the repository root), in order."""
    with open(os.path.join(REPO_ROOT, path)) as handle:
        lines = handle.read().split("\n")
    found = []
    index = 0
    while index < len(lines):
        if FENCE.match(lines[index]):
            start = index
            end = index + 1
            while end < len(lines) and lines[end].strip() != "```":
                end += 1
            previous = start - 1
            while previous >= 0 and not lines[previous].strip():
                previous -= 1
            marker = MARKER.match(lines[previous].strip()) if previous >= 0 else None
            status, argument = (marker.group(1), marker.group(2)) if marker else (None, "")
            found.append(DocBlock(path, start + 1, "\n".join(lines[start + 1:end]) + "\n", status, argument))
            index = end
        index += 1
    return found


def unmarked(paths=COVERED):
    """``path:line`` of every block of ``paths`` without a marker, or with a skip that gives no reason."""
    problems = []
    for path in paths:
        for block in blocks(path):
            if block.status is None:
                problems.append(block.where + ": no <!-- doc-test: run|vars {...}|skip (reason) --> marker before the fence")
            elif block.status == "skip" and not block.reason.strip("() "):
                problems.append(block.where + ": a skip marker must say why (and what runs the shape instead)")
    return problems


def heredoc(path, command):
    """The text of the shell here-document that follows ``command`` (``... <<'EOF'``) in ``path``, so a test runs
    exactly what a guide tells operators to write (a Vault policy, say)."""
    with open(os.path.join(REPO_ROOT, path)) as handle:
        lines = handle.read().split("\n")
    for index, line in enumerate(lines):
        if command in line and line.rstrip().endswith("<<'EOF'"):
            end = lines.index("EOF", index + 1)
            return "\n".join(lines[index + 1:end]) + "\n"
    raise AssertionError("%s has no here-document after %r" % (path, command))
