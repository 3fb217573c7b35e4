"""Every YAML block of the covered docs says whether the documentation test runs it (tests/doc_blocks.py)."""

import os

from tests import doc_blocks
from tests.conftest import REPO_ROOT


def test_every_yaml_block_of_the_covered_docs_is_marked():
    assert doc_blocks.unmarked() == []


def test_the_marker_check_catches_a_block_without_one(tmp_path, monkeypatch):
    (tmp_path / "guide.md").write_text("Text.\n\n```yaml\n- ansible.builtin.debug: {msg: hi}\n```\n\n"
                                       "<!-- doc-test: skip (a fragment) -->\n```yaml\nkey: value\n```\n\n"
                                       "<!-- doc-test: skip -->\n```yaml\nkey: value\n```\n")
    monkeypatch.setattr(doc_blocks, "REPO_ROOT", str(tmp_path))
    problems = doc_blocks.unmarked(["guide.md"])
    assert len(problems) == 2
    assert problems[0].startswith("guide.md:3: no <!-- doc-test")
    assert problems[1].startswith("guide.md:13: a skip marker must say why")


def test_covered_files_exist():
    for path in doc_blocks.COVERED:
        assert os.path.exists(os.path.join(REPO_ROOT, path)), path
