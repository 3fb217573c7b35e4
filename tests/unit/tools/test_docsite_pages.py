"""tools/docsite_pages.py: every guide docs/<name>.md is a page of the documentation site, in step
with the Markdown, listed in extra-docs.yml, and its links lead to pages and sections that exist."""

import os
import sys

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, REPO_ROOT)

from tools import docsite_pages  # noqa: E402  pylint: disable=wrong-import-position


def test_every_guide_has_its_page_in_step():
    assert docsite_pages.problems() == []


def test_links_between_guides_become_references():
    page = docsite_pages.render_all()["rotation"]
    assert ":ref:`ansible_collections.secretops.provisioning.docsite.security`" in page
    assert "](security.md)" not in page


def test_a_link_to_a_missing_section_fails(monkeypatch, tmp_path):
    for name, text in {"a": "# A\n\nSee [b](b.md#nowhere).\n", "b": "# B\n\n## Somewhere\n"}.items():
        (tmp_path / ("%s.md" % name)).write_text(text)
    monkeypatch.setattr(docsite_pages, "DOCS", str(tmp_path))
    with pytest.raises(ValueError, match="no such section"):
        docsite_pages.render_all()


def test_inline_markup_next_to_letters_is_separated(monkeypatch, tmp_path):
    (tmp_path / "a.md").write_text("# A\n\nThe `k8s_secret`s and x`y` with a_b *c*d.\n\n| k | v |\n|---|---|\n| `x` | |\n")
    monkeypatch.setattr(docsite_pages, "DOCS", str(tmp_path))
    page = docsite_pages.render_all()["a"]
    assert "The ``k8s_secret``\\ s and x\\ ``y`` with a\\_b *c*\\ d." in page
    assert "   * - ``x``\n     - \\ " in page
