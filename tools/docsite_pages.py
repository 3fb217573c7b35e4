"""The guides in docs/*.md as pages of the documentation site: ``docs/docsite/rst/<name>.rst``.

antsibull-docs takes a collection's extra documentation as reStructuredText from
``docs/docsite/rst/``, listed in ``docs/docsite/extra-docs.yml``; the guides are written (and read
on the repository's web view and in the collection) as Markdown. This tool renders each guide into
its page, so the Markdown stays the one text to edit:

    tools/docsite_pages.py write    regenerate every page from its guide
    tools/docsite_pages.py check    exit 1 when a page is missing, stale, or not listed (a unit test runs it)

Links between guides (``rotation.md``, ``vault.md#mount-names``) become references to the pages and
their sections; links to files of the repository that are no page name the file; other links stay.
"""

import os
import re
import sys

import yaml
from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(REPO_ROOT, "docs")
PAGES = os.path.join(DOCS, "docsite", "rst")
EXTRA_DOCS = os.path.join(DOCS, "docsite", "extra-docs.yml")
LABEL_PREFIX = "ansible_collections.secretops.provisioning.docsite."
HEADER = ("..\n  Generated from docs/%s by tools/docsite_pages.py: edit that file, then run\n"
          "  .venv/bin/python tools/docsite_pages.py write\n\n")
UNDERLINES = {1: "=", 2: "-", 3: "~", 4: "^", 5: '"', 6: "'"}
# Fence languages the site's Pygments lexes by these names; anything else (HCL too: its lexer
# fails on the policies' comments, and the build fails on any warning) is shown as text.
LANGUAGES = {"yaml": "yaml+jinja", "sh": "shell", "bash": "shell", "shell": "shell", "json": "json",
             "python": "python", "text": "text", "": "text"}
# reStructuredText inline markup may only start after and end before these (or a space, or the edge).
BEFORE = set(" \t'\"([{<-/:")
AFTER = set(" \t-.,:;!?\\/'\")]}>")


def guides():
    """The guide names: docs/<name>.md."""
    return sorted(name[:-3] for name in os.listdir(DOCS) if name.endswith(".md"))


def page_label(guide):
    return LABEL_PREFIX + guide.replace("-", "_")


def slug(text):
    """GitHub's anchor for a heading."""
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def parse(guide):
    with open(os.path.join(DOCS, guide + ".md")) as handle:
        return SyntaxTreeNode(MarkdownIt("commonmark").enable("table").parse(handle.read()))


def plain(node):
    """The text of an inline node, markup left out."""
    if node.type in ("text", "code_inline", "html_inline"):
        return node.content
    if node.type in ("softbreak", "hardbreak"):
        return " "
    return "".join(plain(child) for child in node.children)


def heading_anchors(tree):
    """Each heading node's GitHub anchor, in document order (a repeated anchor gets -1, -2, ...)."""
    anchors, seen = {}, {}
    for node in tree.walk():
        if node.type == "heading":
            base = slug(plain(node.children[0]))
            count = seen.get(base, 0)
            seen[base] = count + 1
            anchors[id(node)] = base if not count else "%s-%d" % (base, count)
    return anchors


def escape(text):
    return re.sub(r"([\\`*_|])", r"\\\1", text)


class Page:
    """One guide rendered as reStructuredText."""

    def __init__(self, guide, known):
        self.guide = guide
        self.known = known  # every guide's anchors: {guide: set(anchor)}
        self.tree = parse(guide)
        self.anchors = heading_anchors(self.tree)

    # -- inline ------------------------------------------------------------------------------
    def link_target(self, href):
        """('ref', label), ('url', href) or ('file', repository path) for a link of this guide."""
        if re.match(r"^[a-z]+:", href):
            return "url", href
        path, anchor = (href.split("#", 1) + [""])[:2]
        guide = self.guide if not path else (path[:-3] if path.endswith(".md") and "/" not in path else None)
        if guide in self.known:
            if anchor and anchor not in self.known[guide]:
                raise ValueError("docs/%s.md: link %s: no such section" % (self.guide, href))
            return "ref", page_label(guide) + ("." + anchor if anchor else "")
        return "file", os.path.normpath(os.path.join("docs", path)).rstrip("/") + ("/" if path.endswith("/") else "")

    def segments(self, node):
        """(is_markup, text) pieces of an inline node."""
        pieces = []
        for child in node.children:
            kind = child.type
            if kind == "text" or kind == "html_inline":
                pieces.append((False, escape(child.content)))
            elif kind in ("softbreak", "hardbreak"):
                pieces.append((False, " "))
            elif kind == "code_inline":
                pieces.append((True, "``%s``" % child.content))
            elif kind in ("strong", "em"):
                mark = "**" if kind == "strong" else "*"
                pieces.append((True, "%s%s%s" % (mark, escape(plain(child)).strip(), mark)))
            elif kind == "link":
                pieces.append(self.link(child))
            else:
                raise ValueError("docs/%s.md: no rendering for inline %s" % (self.guide, kind))
        return pieces

    def link(self, node):
        text = plain(node)
        kind, target = self.link_target(node.attrs["href"])
        if kind == "url":
            return True, "`%s <%s>`__" % (escape(text).replace("<", "\\<"), target)
        if kind == "ref":
            if text.endswith(".md") or "#" in text:  # a file name as the text: the page's own title reads better
                return True, ":ref:`%s`" % target
            return True, ":ref:`%s <%s>`" % (escape(text).replace("<", "\\<"), target)
        # A repository file: named, since the site has no page for it.
        if text.strip("`") == target or text == target.rstrip("/") or target.endswith(text):
            return True, "``%s``" % target
        return False, "%s (%s)" % (escape(text), escape(target))

    def inline(self, node):
        out = ""
        pieces = self.segments(node)
        for index, (markup, text) in enumerate(pieces):
            if markup:
                if out and out[-1] not in BEFORE:
                    out += "\\ "
                out += text
                following = pieces[index + 1][1] if index + 1 < len(pieces) else ""
                if following and following[0] not in AFTER:
                    out += "\\ "
            else:
                out += text
        return out.strip()

    # -- blocks ------------------------------------------------------------------------------
    def blocks(self, nodes):
        lines = []
        for node in nodes:
            rendered = self.block(node)
            if rendered:
                if lines:
                    lines.append("")
                lines += rendered
        return lines

    def block(self, node):
        kind = node.type
        if kind == "heading":
            level = int(node.tag[1])
            title = self.inline(node.children[0])
            label = page_label(self.guide) + "." + self.anchors[id(node)]
            lines = [".. _%s:" % label, ""]
            if level == 1:
                lines = [".. _%s:" % page_label(self.guide), ""]
            return lines + [title, UNDERLINES[level] * len(title)]
        if kind == "paragraph":
            return [self.inline(node.children[0])]
        if kind in ("bullet_list", "ordered_list"):
            return self.listing(node)
        if kind in ("fence", "code_block"):
            language = LANGUAGES.get((node.info or "").strip().split(" ")[0], "text") if kind == "fence" else "text"
            body = node.content.rstrip("\n").split("\n")
            return [".. code-block:: %s" % language, ""] + [("   " + line).rstrip() for line in body]
        if kind == "table":
            return self.table(node)
        if kind == "blockquote":
            return ["   " + line if line else "" for line in self.blocks(node.children)]
        if kind == "hr" or kind == "html_block":  # an HTML comment (a doc-test marker) shows nothing
            return []
        raise ValueError("docs/%s.md: no rendering for block %s" % (self.guide, kind))

    def listing(self, node):
        start = int(node.attrs.get("start", 1)) if node.type == "ordered_list" else None
        lines = []
        for number, item in enumerate(node.children):
            marker = "- " if start is None else "%d. " % (start + number)
            body = self.blocks(item.children) or [""]
            if lines:
                lines.append("")
            lines.append(marker + body[0])
            lines += [(" " * len(marker) + line) if line else "" for line in body[1:]]
        return lines

    def table(self, node):
        rows = [row for section in node.children for row in section.children]
        head = len(node.children[0].children) if node.children and node.children[0].type == "thead" else 0
        lines = [".. list-table::", "   :header-rows: %d" % head, "   :widths: auto", ""]
        for row in rows:
            for index, cell in enumerate(row.children):
                text = self.inline(cell.children[0]) if cell.children else ""
                lines.append(("   * - " if index == 0 else "     - ") + (text or "\\ "))
        return lines

    def render(self):
        return HEADER % (self.guide + ".md") + "\n".join(self.blocks(self.tree.children)) + "\n"


def render_all():
    """{guide: page text} for every guide."""
    known = {}
    for guide in guides():
        known[guide] = set(heading_anchors(parse(guide)).values())
    return {guide: Page(guide, known).render() for guide in guides()}


def listed():
    with open(EXTRA_DOCS) as handle:
        index = yaml.safe_load(handle)
    return [entry if isinstance(entry, str) else entry["ref"] for section in index["sections"] for entry in section["toctree"]]


def problems():
    found = []
    pages = render_all()
    for guide, text in sorted(pages.items()):
        path = os.path.join(PAGES, guide + ".rst")
        if not os.path.isfile(path):
            found.append("%s is missing" % os.path.relpath(path, REPO_ROOT))
            continue
        with open(path) as handle:
            if handle.read() != text:
                found.append("%s is stale: it differs from docs/%s.md" % (os.path.relpath(path, REPO_ROOT), guide))
    existing = sorted(name[:-4] for name in os.listdir(PAGES) if name.endswith(".rst")) if os.path.isdir(PAGES) else []
    found += ["docs/docsite/rst/%s.rst has no guide docs/%s.md" % (name, name) for name in existing if name not in pages]
    found += ["docs/docsite/extra-docs.yml does not list %s" % guide for guide in sorted(set(pages) - set(listed()))]
    return found


def write():
    os.makedirs(PAGES, exist_ok=True)
    pages = render_all()
    for guide, text in pages.items():
        with open(os.path.join(PAGES, guide + ".rst"), "w") as handle:
            handle.write(text)
    for name in os.listdir(PAGES):
        if name.endswith(".rst") and name[:-4] not in pages:
            os.remove(os.path.join(PAGES, name))


def main(argv):
    if argv[1:] == ["write"]:
        write()
        return 0
    if argv[1:] == ["check"]:
        found = problems()
        for problem in found:
            print("docsite pages: %s (run tools/docsite_pages.py write)" % problem, file=sys.stderr)
        return 1 if found else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
