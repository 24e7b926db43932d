"""The .docx carries GB/T 9704's numbers in its XML (checked against gbt9704-notes.md)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import REPORT_NAME, SUMMARY_NAME, W, docx_xml, para_starting
from lxml import etree

NS = {"w": W[1:-1]}


def _attr(el: etree._Element | None, name: str) -> str | None:
    return None if el is None else el.get(f"{W}{name}")


@pytest.fixture(scope="module")
def report(built: Path) -> Path:
    return built / REPORT_NAME


@pytest.fixture(scope="module")
def summary(built: Path) -> Path:
    return built / SUMMARY_NAME


def test_page_setup(report: Path) -> None:
    sect = docx_xml(report, "word/document.xml").find(".//w:body/w:sectPr", NS)
    pg = sect.find("w:pgSz", NS)
    mar = sect.find("w:pgMar", NS)
    grid = sect.find("w:docGrid", NS)
    assert (_attr(pg, "w"), _attr(pg, "h")) == ("11906", "16838")  # A4
    assert [_attr(mar, k) for k in ("top", "bottom", "left", "right")] == ["2098", "1984", "1587", "1474"]
    assert (_attr(grid, "type"), _attr(grid, "linePitch")) == ("lines", "579")


def test_every_body_paragraph_on_the_exact_grid(summary: Path) -> None:
    root = docx_xml(summary, "word/document.xml")
    for p in root.find("w:body", NS).findall("w:p", NS):
        spacing = p.find("w:pPr/w:spacing", NS)
        assert (_attr(spacing, "line"), _attr(spacing, "lineRule")) == ("579", "exact")
        # No widow control (22 lines a page); no hanging punctuation and no CJK/Latin autospace:
        # OOXML's overflowPunct (on when absent) would put a line-final "，" past the type area.
        for tag in ("widowControl", "overflowPunct", "autoSpaceDE", "autoSpaceDN"):
            assert _attr(p.find(f"w:pPr/w:{tag}", NS), "val") == "0", (tag, "".join(p.itertext()))


def test_fonts_in_all_four_slots_with_hint_and_tracking(summary: Path) -> None:
    root = docx_xml(summary, "word/document.xml")
    runs = list(root.iter(f"{W}r"))
    assert runs
    for r in runs:
        fonts = r.find("w:rPr/w:rFonts", NS)
        if fonts is None:
            continue
        values = {k: _attr(fonts, k) for k in ("ascii", "hAnsi", "eastAsia", "cs", "hint")}
        assert values["hint"] == "eastAsia"
        assert len({values["ascii"], values["hAnsi"], values["eastAsia"], values["cs"]}) == 1
        assert not any(k.endswith("Theme") for k in fonts.attrib)
        size = _attr(r.find("w:rPr/w:sz", NS), "val")
        tracking = _attr(r.find("w:rPr/w:spacing", NS), "val")
        assert tracking == ("-5" if size == "32" else "0")  # −0.25 pt on 三号 runs only


def test_heading_and_body_fonts(summary: Path) -> None:
    root = docx_xml(summary, "word/document.xml")
    h1 = para_starting(root, "一、高度重视")
    assert _attr(h1.find(".//w:rFonts", NS), "eastAsia") == "黑体"
    assert _attr(h1.find("w:pPr/w:ind", NS), "firstLine") == "630"  # 左空二字 (2 × 315)
    h3 = para_starting(root, "1.认真开展调研")
    runs = h3.findall("w:r", NS)
    assert all(_attr(r.find(".//w:rFonts", NS), "eastAsia") == "仿宋_GB2312" for r in runs)
    assert h3.find(".//w:b", NS) is None  # the standard has no bold headings
    bold = [r for r in root.iter(f"{W}r") if r.find("w:rPr/w:b", NS) is not None]
    assert ["".join(r.itertext()) for r in bold] == ["一是", "二是", "三是", "四是", "五是", "六是"]
    title = para_starting(root, "2020年宝鸡市互联网企业党建工作总结")
    assert _attr(title.find(".//w:rFonts", NS), "eastAsia") == "方正小标宋简体"
    assert _attr(title.find(".//w:sz", NS), "val") == "44"  # 2号 = 22 pt
    assert _attr(title.find("w:pPr/w:jc", NS), "val") == "center"


def test_head_of_the_cover_letter(report: Path) -> None:
    root = docx_xml(report, "word/document.xml")
    mark = para_starting(root, "中共宝鸡市委网信办")
    assert _attr(mark.find(".//w:color", NS), "val") == "FF0000"
    assert _attr(mark.find(".//w:rFonts", NS), "eastAsia") == "方正小标宋简体"
    assert int(_attr(mark.find(".//w:sz", NS), "val")) <= 72  # at most 小初
    number = para_starting(root, "宝网信办发〔2020〕38号")
    rule = number.find("w:pPr/w:pBdr/w:bottom", NS)
    assert (_attr(rule, "val"), _attr(rule, "color")) == ("single", "FF0000")
    ind = number.find("w:pPr/w:ind", NS)
    # 上行文: 文号 居左空一字 by a first-line indent, so the rule keeps the full width.
    assert (_attr(ind, "left"), _attr(ind, "right"), _attr(ind, "firstLine")) == ("0", "0", "315")
    to = para_starting(root, "省委网信办：")
    assert _attr(to.find("w:pPr/w:ind", NS), "firstLine") == "0"  # 主送 flush left


def test_signature_and_date(report: Path) -> None:
    root = docx_xml(report, "word/document.xml")
    paragraphs = [p for p in root.iter(f"{W}p") if "".join(p.itertext()) == "中共宝鸡市委网信办"]
    signature = paragraphs[-1]
    date = para_starting(root, "2020年12月15日")
    assert _attr(date.find("w:pPr/w:ind", NS), "right") == str(4 * 315)  # 右空四字
    # 9 characters centred over 7 (2020年12月15日 with half-width digits): right indent 3 字.
    assert _attr(signature.find("w:pPr/w:ind", NS), "right") == str(3 * 315)
    assert _attr(signature.find("w:pPr/w:jc", NS), "val") == "right"
    assert signature.find("w:pPr/w:keepNext", NS) is not None


def test_colophon_table(report: Path) -> None:
    root = docx_xml(report, "word/document.xml")
    tbl = root.find(".//w:tbl", NS)
    borders = tbl.find("w:tblPr/w:tblBorders", NS)
    assert [_attr(borders.find(f"w:{s}", NS), "sz") for s in ("top", "bottom", "insideH")] == ["8", "8", "6"]
    assert _attr(tbl.find("w:tblPr/w:tblW", NS), "w") == "8845"
    cc = "".join(tbl.itertext())
    assert cc == "抄送：市委组织部"  # the example reproduces the original: no final 。
    size = {_attr(s, "val") for s in tbl.iter(f"{W}sz")}
    assert size == {"28"}  # 4号


def test_page_number_footers(report: Path) -> None:
    settings = docx_xml(report, "word/settings.xml")
    assert settings.find("w:evenAndOddHeaders", NS) is not None
    assert _attr(settings.find("w:themeFontLang", NS), "eastAsia") == "zh-CN"
    doc = docx_xml(report, "word/document.xml")
    refs = {_attr(r, "type") for r in doc.iter(f"{W}footerReference")}
    assert refs == {"default", "even"}
    with zipfile.ZipFile(report) as zf:
        footers = [n for n in zf.namelist() if n.startswith("word/footer")]
        texts = []
        for name in footers:
            root = etree.fromstring(zf.read(name))
            kinds = [_attr(c, "fldCharType") for c in root.iter(f"{W}fldChar")]
            assert kinds == ["begin", "separate", "end"]  # a complex field with a cached result
            assert "".join(t.text for t in root.iter(f"{W}instrText")).strip() == "PAGE"
            shown = "".join(t.text for t in root.iter(f"{W}t"))
            texts.append((shown, _attr(root.find(".//w:jc", NS), "val")))
    assert sorted(texts) == [("— 1 —", "left"), ("— 1 —", "right")]


def test_no_leftover_python_docx_defaults(report: Path) -> None:
    with zipfile.ZipFile(report) as zf:
        styles = zf.read("word/styles.xml")
        assert len(styles) < 10_000  # not python-docx's 350 KB styles part
        assert b"ja-JP" not in b"".join(zf.read(n) for n in zf.namelist())
