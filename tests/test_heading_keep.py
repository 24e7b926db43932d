"""Headings never end a page (issue: an article heading left alone at the bottom of page 2).

The layout moves a heading to the next page with its text, the .docx keeps it with the next
paragraph (w:keepNext), and ``reportgen check`` reports a heading that does not: an error where it
can predict the pages and the heading falls on the last line of one, else a notice.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pdfplumber
import pytest
from conftest import W
from pdfmeasure import body_lines, find_line

from reportgen.check import check_file
from reportgen.layout import plan
from reportgen.markup import parse
from reportgen.writers.docx import write_docx

# A title, a blank line, then 19 lines of text: the heading falls on line 22, the last of page 1.
FILL = "\n\n".join(["测" * 54] * 9 + ["测" * 10])
ARTICLE = f"""---
kind: 综述
title: 关于某项工作的综述
numbering: false
---
{FILL}

# 标题落在页末

标题下的第一段正文。
"""


def _write(tmp_path: Path, keep: bool) -> Path:
    doc = parse(ARTICLE)
    laid = plan(doc)
    heading = next(i for i in laid.items if i.role == "heading1")
    assert (heading.page, heading.row) == (2, 1)  # the layout moves it to the next page with its text
    path = tmp_path / ("kept.docx" if keep else "alone.docx")
    path.write_bytes(write_docx(laid, doc))
    if not keep:
        from docx import Document

        d = Document(str(path))
        p = next(p for p in d.paragraphs if p.text == "标题落在页末")
        ppr = p._p.find(f"{W}pPr")
        for tag in ("keepNext", "keepLines"):
            ppr.remove(ppr.find(f"{W}{tag}"))
        d.save(str(path))
    return path


def test_a_kept_heading_passes(tmp_path: Path) -> None:
    report = check_file(_write(tmp_path, keep=True))
    assert report.errors == 0 and not [f for f in report.findings if f.rule == "heading.keep-next"]


def test_a_heading_alone_at_the_end_of_a_page_is_an_error(tmp_path: Path) -> None:
    report = check_file(_write(tmp_path, keep=False))
    found = [f for f in report.findings if f.rule == "heading.keep-next"]
    assert len(found) == 1 and found[0].severity == "error"
    assert "第 1 页末行" in found[0].message and (found[0].text or "").startswith("标题落在页末")


@pytest.mark.render
def test_the_prediction_is_what_libreoffice_prints(tmp_path: Path) -> None:
    """The page check predicted is the page LibreOffice prints: the heading alone on the last line."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not on PATH")
    from reportgen.writers.pdf import convert

    paths = convert([_write(tmp_path, keep=False), _write(tmp_path, keep=True)], tmp_path / "pdf")
    with pdfplumber.open(paths[0]) as alone, pdfplumber.open(paths[1]) as kept:
        first = body_lines(alone.pages[0])
        assert first[-1].stripped == "标题落在页末" and len(first) == 21  # 22 lines with the blank one
        assert body_lines(alone.pages[1])[0].stripped.startswith("标题下的第一段正文")
        assert body_lines(kept.pages[1])[0].stripped == "标题落在页末"  # kept: moved with its text
        assert find_line(body_lines(kept.pages[1]), "标题下的第一段正文").baseline > 0


def _without_keep(tmp_path: Path, markup: str, name: str) -> Path:
    doc = parse(markup)
    path = tmp_path / name
    path.write_bytes(write_docx(plan(doc), doc))
    from docx import Document

    d = Document(str(path))
    for p in d.paragraphs:
        ppr = p._p.find(f"{W}pPr")
        for tag in ("keepNext", "keepLines"):
            el = ppr.find(f"{W}{tag}") if ppr is not None else None
            if el is not None:
                ppr.remove(el)
    d.save(str(path))
    return path


def test_a_heading_in_the_middle_of_a_predicted_page_is_left_alone(tmp_path: Path) -> None:
    """Where the pages are predicted, only a heading that does end a page is reported: one with its
    text under it has no finding though it lacks keep-with-next. Where a table stands before it,
    the pages are not predicted, and the missing keep-with-next is a notice."""
    middle = ARTICLE.replace(FILL, "\n\n".join(["测" * 54] * 3))
    report = check_file(_without_keep(tmp_path, middle, "middle.docx"))
    assert not [f for f in report.findings if f.rule == "heading.keep-next"]
    table = middle.replace("# 标题落在页末", "| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n\n# 标题落在页末")
    report = check_file(_without_keep(tmp_path, table, "table.docx"))
    found = [f for f in report.findings if f.rule == "heading.keep-next"]
    assert [f.severity for f in found] == ["notice"]
