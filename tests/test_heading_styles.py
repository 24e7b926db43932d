"""Headings use Word's built-in heading styles (标题 1–4), which carry the outline level and
nothing that changes the page: Word's and WPS's navigation pane and table of contents see them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from conftest import SUMMARY_NAME, W, docx_xml
from lxml import etree

from reportgen.check import check_file
from reportgen.layout import plan
from reportgen.markup import parse
from reportgen.writers.docx import write_docx

NS = {"w": W[1:-1]}

MARKUP = """---
title: 关于标题样式的报告
---

# 一级标题

正文第一段。

## 二级标题

正文第二段。

### 三级标题

正文第三段。

#### 四级标题

正文第四段。

### 带正文的三级标题。紧接着的正文也在这一段里。
"""


def _docx(markup: str = MARKUP) -> tuple[etree._Element, etree._Element]:
    doc = parse(markup)
    data = write_docx(plan(doc), doc)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read("word/document.xml")), etree.fromstring(z.read("word/styles.xml"))


def _pstyle(p: etree._Element) -> str | None:
    el = p.find("w:pPr/w:pStyle", NS)
    return None if el is None else el.get(f"{W}val")


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_the_heading_style_is_built_in_and_carries_only_the_outline_level(level: int) -> None:
    _body, styles = _docx()
    (style,) = styles.findall(f"w:style[@w:styleId='Heading{level}']", NS)
    assert style.get(f"{W}type") == "paragraph"
    assert style.find("w:name", NS).get(f"{W}val") == f"heading {level}"  # how Word and WPS know it
    assert style.find("w:basedOn", NS).get(f"{W}val") == "Normal"
    assert style.find("w:pPr/w:outlineLvl", NS).get(f"{W}val") == str(level - 1)
    # Nothing that would change the look: no font, size, spacing, indent or alignment, and a
    # program's own heading defaults (keep with next, bold) switched off.
    ppr = {child.tag for child in style.find("w:pPr", NS)}
    assert ppr == {f"{W}keepNext", f"{W}keepLines", f"{W}outlineLvl"}
    assert all(el.get(f"{W}val") == "0" for el in style.find("w:pPr", NS) if el.tag != f"{W}outlineLvl")
    rpr = [(el.tag, el.get(f"{W}val")) for el in style.find("w:rPr", NS)]
    assert rpr == [(f"{W}b", "0"), (f"{W}bCs", "0")]


def test_heading_paragraphs_reference_their_level_and_nothing_else_does() -> None:
    body, _styles = _docx()
    found = {}
    for p in body.iter(f"{W}p"):
        text = "".join(p.itertext())
        if text:
            found[text] = _pstyle(p)
    assert found["一、一级标题"] == "Heading1"
    assert found["（一）二级标题"] == "Heading2"
    assert found["1.三级标题"] == "Heading3"
    assert found["（1）四级标题"] == "Heading4"
    # A run-in heading is a heading too.
    assert found["2.带正文的三级标题。紧接着的正文也在这一段里。"] == "Heading3"
    assert found["关于标题样式的报告"] is None
    assert {v for k, v in found.items() if k.startswith("正文")} == {None}


def test_every_referenced_style_exists() -> None:
    body, styles = _docx()
    ids = {s.get(f"{W}styleId") for s in styles.findall("w:style", NS)}
    refs = {_pstyle(p) for p in body.iter(f"{W}p")} - {None}
    assert refs and refs <= ids


def test_the_heading_keeps_its_direct_look() -> None:
    """The paragraph still says its font, size and bold itself (the style adds none of them)."""
    body, _styles = _docx()
    heads = [p for p in body.iter(f"{W}p") if _pstyle(p) in ("Heading1", "Heading2")]
    for p in heads:
        rpr = p.find("w:r/w:rPr", NS)
        assert rpr.find("w:rFonts", NS).get(f"{W}eastAsia")
        assert rpr.find("w:sz", NS).get(f"{W}val") == "32"
        assert p.find("w:pPr/w:spacing", NS).get(f"{W}lineRule") == "exact"


def test_the_example_report_has_styled_headings_and_check_still_passes(built: Path) -> None:
    body = docx_xml(built / SUMMARY_NAME, "word/document.xml")
    styled = [p for p in body.iter(f"{W}p") if (_pstyle(p) or "").startswith("Heading")]
    assert styled
    report = check_file(built / SUMMARY_NAME)
    assert report.errors == 0, [f.message for f in report.findings if f.severity == "error"]
    # The checker still sees every styled paragraph as a heading (the style changes no property).
    headings = [r for r in report.structure.roles.values() if r.role.startswith("heading")]
    assert len(headings) >= len(styled)


def test_a_word_template_body_names_no_style_the_template_lacks() -> None:
    """In an office's own .docx template our heading styles do not exist (and its own 标题 1 would
    restyle the text): the headings it receives carry no style reference unless the template
    defines that heading for Chinese text (reportgen.wordtemplate._own_styles)."""
    from reportgen.wordtemplate import body_paragraphs

    out = str(body_paragraphs("# 甲\n\n## 乙 {-}\n\n### 丙\n\n正文。\n"))
    assert out.count("<w:p ") == 4 and "pStyle" not in out
