"""House style: reportgen.yaml's ``style`` settings and a reference .docx reach the .docx XML.

Every setting is given a value different from the GB/T 9704 default, and the test reads the XML
element that setting must change (the defaults themselves are checked in test_docx_xml).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from conftest import W, docx_xml, para_starting, run_cli
from lxml import etree

from reportgen.layout import cells
from reportgen.spec import mm_to_twips

NS = {"w": W[1:-1]}

TEMPLATE = """---
kind: 请示
organ_mark: 某某市网信办
number: 某网信〔2021〕3号
signers: [张建国]
title: 关于某某事项的请示
to: 某某省网信办
signature: 某某市网信办
date: 2021-03-01
cc: [市委组织部, 市财政局]
printer: 某某市网信办
print_date: 2021-03-02
---
2021年以来，全市做了三件事。

# 主要做法

## 抓好落实

工作有三个特点：一是起步早，二是措施实。

# 下一步打算

妥否，请批示。
"""


def _project(tmp_path: Path, style_yaml: str, document_style: str = "") -> Path:
    root = tmp_path / "project"
    root.mkdir(exist_ok=True)
    (root / "doc.md.j2").write_text(TEMPLATE, encoding="utf-8")
    (root / "reportgen.yaml").write_text(
        f"style:\n{style_yaml}\ndocuments:\n  - name: doc\n    template: doc.md.j2\n{document_style}",
        encoding="utf-8")
    return root


def _build(root: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    code, _stdout, stderr = run_cli("build", str(root), "-o", str(out))
    assert code == 0, stderr
    return out / "doc.docx"


def _fail(root: Path, tmp_path: Path) -> str:
    out = tmp_path / "out"
    code, _stdout, stderr = run_cli("build", str(root), "-o", str(out))
    assert code == 1
    assert not (out / "doc.docx").exists()
    assert "Traceback" not in stderr
    return stderr


def _fonts(el: etree._Element) -> dict[str, str | None]:
    rf = el.find(".//w:rFonts", NS)
    assert rf is not None
    return {k: rf.get(f"{W}{k}") for k in ("ascii", "hAnsi", "eastAsia", "cs", "hint")}


def _val(el: etree._Element, path: str, attr: str = "val") -> str | None:
    found = el.find(path, NS)
    return None if found is None else found.get(f"{W}{attr}")


def _blank_lines_before_signature(root: etree._Element) -> int:
    paragraphs = list(root.find("w:body", NS).iter(f"{W}p"))
    texts = ["".join(p.itertext()) for p in paragraphs]
    signature = max(i for i, t in enumerate(texts) if t == "某某市网信办")
    body = max(i for i, t in enumerate(texts[:signature]) if t)
    return signature - body - 1


# --------------------------------------------------------------------------- reportgen.yaml


HOUSE = """  fonts:
    fangsong: 方正仿宋_GBK
    heiti: 方正黑体_GBK
    kaiti: 方正楷体_GBK
    xiaobiaosong: 方正小标宋_GBK
    songti: 方正书宋_GBK
    latin: Times New Roman
  red_rule_sz: 8
  red: C00000
  colophon_thick_sz: 12
  colophon_thin_sz: 4
  bold_ordinals: true
  heading_bold: [false, true, false, false]
  signature_blank_lines: 3
  cc_full_stop: false
  organ_mark_suffix: 文件
  organ_mark_size: 42
  title_size: 20
  page: {top: 35, bottom: 30, left: 30, right: 30}
"""


@pytest.fixture(scope="module")
def house_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("house")
    return _build(_project(tmp, HOUSE), tmp)


def test_fonts_per_kind_and_latin_font_for_digits(house_docx: Path) -> None:
    root = docx_xml(house_docx)
    body = para_starting(root, "2021年以来")
    assert _fonts(body) == {"ascii": "Times New Roman", "hAnsi": "Times New Roman",
                            "eastAsia": "方正仿宋_GBK", "cs": "Times New Roman", "hint": "eastAsia"}
    assert _fonts(para_starting(root, "一、"))["eastAsia"] == "方正黑体_GBK"
    assert _fonts(para_starting(root, "（一）"))["eastAsia"] == "方正楷体_GBK"
    assert _fonts(para_starting(root, "关于某某事项的请示"))["eastAsia"] == "方正小标宋_GBK"
    number_line = para_starting(root, "某网信〔2021〕3号")
    names = [r for r in number_line.iter(f"{W}r") if "".join(r.itertext()) == "张建国"]
    assert _fonts(names[0])["eastAsia"] == "方正楷体_GBK"
    styles = docx_xml(house_docx, "word/styles.xml")
    normal = styles.find("w:style[@w:styleId='Normal']", NS)
    assert _fonts(normal)["eastAsia"] == "方正仿宋_GBK" and _fonts(normal)["ascii"] == "Times New Roman"
    footer = styles.find("w:style[@w:styleId='Footer']", NS)
    assert _fonts(footer)["eastAsia"] == "方正书宋_GBK"  # page numbers
    table = {f.get(f"{W}name") for f in docx_xml(house_docx, "word/fontTable.xml").iter(f"{W}font")}
    assert {"方正仿宋_GBK", "方正黑体_GBK", "Times New Roman"} <= table


def test_red_colour_rule_thickness_and_organ_mark(house_docx: Path) -> None:
    root = docx_xml(house_docx)
    mark = para_starting(root, "某某市网信办文件")
    assert _val(mark, ".//w:color") == "C00000"
    assert _val(mark, ".//w:sz") == "84"  # 42 pt
    rule = para_starting(root, "某网信〔2021〕3号").find("w:pPr/w:pBdr/w:bottom", NS)
    assert (rule.get(f"{W}sz"), rule.get(f"{W}color")) == ("8", "C00000")
    assert _val(para_starting(root, "关于某某事项的请示"), ".//w:sz") == "40"  # title 20 pt


def test_bold_ordinals_heading_bold_and_blank_lines(house_docx: Path) -> None:
    root = docx_xml(house_docx)
    bold = ["".join(r.itertext()) for r in root.iter(f"{W}r") if r.find("w:rPr/w:b", NS) is not None]
    assert bold == ["（一）", "抓好落实", "一是", "二是"]
    assert _blank_lines_before_signature(root) == 3


def test_colophon_rules_and_cc(house_docx: Path) -> None:
    tbl = docx_xml(house_docx).find(".//w:tbl", NS)
    borders = tbl.find("w:tblPr/w:tblBorders", NS)
    assert [_val(borders, f"w:{s}", "sz") for s in ("top", "bottom", "insideH")] == ["12", "12", "4"]
    assert "抄送：市委组织部，市财政局" in "".join(tbl.itertext())
    assert "市财政局。" not in "".join(tbl.itertext())


def test_page_margins_and_the_grid_follow(house_docx: Path) -> None:
    root = docx_xml(house_docx)
    sect = root.find(".//w:body/w:sectPr", NS)
    mar = sect.find("w:pgMar", NS)
    expected = {"top": 35, "bottom": 30, "left": 30, "right": 30}
    assert {k: int(mar.get(f"{W}{k}")) for k in expected} == {k: mm_to_twips(v) for k, v in expected.items()}
    # The page number stays 7 mm below the type area: 35 mm bottom margin ↔ footer 1429 twips.
    assert int(mar.get(f"{W}footer")) == mm_to_twips(30) - (1984 - 1429)
    width = 11906 - 2 * mm_to_twips(30)
    assert _val(root, ".//w:tbl/w:tblPr/w:tblW", "w") == str(width)
    # 27 characters of 315 twips fit 150 mm; the 签发人 name ends one character from the edge.
    number = para_starting(root, "某网信〔2021〕3号")
    tab = int(_val(number, "w:pPr/w:tabs/w:tab", "pos"))
    assert tab + 315 * len("签发人：张建国") == (width // 315 - 1) * 315


def test_grid_of_other_margins_in_the_preview(tmp_path: Path) -> None:
    root = _project(tmp_path, "  page: {top: 30, bottom: 30, left: 30, right: 30}")
    code, stdout, stderr = run_cli("preview", str(root))
    assert code == 0, stderr
    rows = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in stdout.split("└")[0].splitlines()
            if line.startswith("│")]
    assert len(rows) == 23  # (297 − 60) mm / 579 twips
    assert {round(cells(row) * 2) for row in rows} == {2 + 27 * 2 + 2}  # 27 characters of 2 columns


# --------------------------------------------------------------------------- reference .docx


def _east_asian(style, name: str) -> None:  # type: ignore[no-untyped-def]
    from docx.oxml.ns import qn

    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:eastAsia"), name)


def make_reference(path: Path, *, paper: tuple[float, float] = (210, 297), body_pt: float = 16) -> Path:
    """A house template as an office would make it in Word: fonts, sizes, margins, a red style."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Mm, Pt, RGBColor

    doc = Document()
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(body_pt)
    _east_asian(normal, "方正仿宋_GBK")
    title = styles["Title"]
    _east_asian(title, "方正小标宋_GBK")
    title.font.size = Pt(20)
    _east_asian(styles["Heading 1"], "方正黑体_GBK")
    _east_asian(styles["Heading 2"], "方正楷体_GBK")
    _east_asian(styles["Footer"], "方正书宋_GBK")
    mark = styles.add_style("发文机关标志", WD_STYLE_TYPE.PARAGRAPH)
    mark.font.color.rgb = RGBColor(0xE6, 0x00, 0x12)
    mark.font.size = Pt(42)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(paper[0]), Mm(paper[1])
    section.top_margin, section.bottom_margin = Mm(36), Mm(34)
    section.left_margin, section.right_margin = Mm(27), Mm(27)
    doc.add_paragraph("本文件只提供版式。")
    doc.save(str(path))
    return path


def test_reference_docx_fonts_sizes_margins_and_red(tmp_path: Path) -> None:
    root = _project(tmp_path, "  reference: house.docx\n  bold_ordinals: true")
    make_reference(root / "house.docx")
    out = docx_xml(_build(root, tmp_path))
    body = _fonts(para_starting(out, "2021年以来"))
    assert (body["eastAsia"], body["ascii"]) == ("方正仿宋_GBK", "Times New Roman")
    assert _fonts(para_starting(out, "一、"))["eastAsia"] == "方正黑体_GBK"
    assert _fonts(para_starting(out, "（一）"))["eastAsia"] == "方正楷体_GBK"
    title = para_starting(out, "关于某某事项的请示")
    assert _fonts(title)["eastAsia"] == "方正小标宋_GBK" and _val(title, ".//w:sz") == "40"
    mark = para_starting(out, "某某市网信办")
    assert (_val(mark, ".//w:color"), _val(mark, ".//w:sz")) == ("E60012", "84")
    assert _val(para_starting(out, "某网信〔2021〕3号"), "w:pPr/w:pBdr/w:bottom", "color") == "E60012"
    mar = out.find(".//w:body/w:sectPr/w:pgMar", NS)
    assert [int(mar.get(f"{W}{k}")) for k in ("top", "bottom", "left", "right")] == \
        [mm_to_twips(v) for v in (36, 34, 27, 27)]
    styles = docx_xml(tmp_path / "out" / "doc.docx", "word/styles.xml")
    assert _fonts(styles.find("w:style[@w:styleId='Footer']", NS))["eastAsia"] == "方正书宋_GBK"
    # reportgen.yaml's own settings still apply beside the reference.
    ordinal = next(r for r in out.iter(f"{W}r") if "".join(r.itertext()) == "一是")
    assert ordinal.find("w:rPr/w:b", NS) is not None


def test_settings_in_reportgen_yaml_win_over_the_reference(tmp_path: Path) -> None:
    style = "  reference: house.docx\n  title_size: 22\n  fonts: {heiti: 黑体}\n  page: {left: 28}"
    root = _project(tmp_path, style)
    make_reference(root / "house.docx")
    out = docx_xml(_build(root, tmp_path))
    assert _val(para_starting(out, "关于某某事项的请示"), ".//w:sz") == "44"
    assert _fonts(para_starting(out, "一、"))["eastAsia"] == "黑体"
    assert _fonts(para_starting(out, "（一）"))["eastAsia"] == "方正楷体_GBK"  # still from the reference
    mar = out.find(".//w:body/w:sectPr/w:pgMar", NS)
    assert (int(mar.get(f"{W}left")), int(mar.get(f"{W}right"))) == (mm_to_twips(28), mm_to_twips(27))


def test_reference_of_one_document(tmp_path: Path) -> None:
    root = _project(tmp_path, "  bold_ordinals: true", "    style:\n      reference: house.docx\n")
    make_reference(root / "house.docx")
    out = docx_xml(_build(root, tmp_path))
    assert _fonts(para_starting(out, "2021年以来"))["eastAsia"] == "方正仿宋_GBK"


def test_untouched_word_styles_keep_the_standard(tmp_path: Path) -> None:
    """A reference straight from Word's template (theme fonts, 五号 defaults) changes nothing
    but what was set: here only the paper (A4) and its margins."""
    from docx import Document
    from docx.shared import Mm

    root = _project(tmp_path, "  reference: house.docx")
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = \
        Mm(37), Mm(35), Mm(28), Mm(26)
    doc.save(str(root / "house.docx"))
    out = docx_xml(_build(root, tmp_path))
    assert _fonts(para_starting(out, "2021年以来"))["eastAsia"] == "仿宋_GB2312"
    assert _fonts(para_starting(out, "2021年以来"))["ascii"] == "仿宋_GB2312"
    assert _fonts(para_starting(out, "关于某某事项的请示"))["eastAsia"] == "方正小标宋简体"
    # Word's template has a 26 pt Title of its own: a size a style sets counts.
    assert _val(para_starting(out, "关于某某事项的请示"), ".//w:sz") == "52"
    assert _val(para_starting(out, "某某市网信办"), ".//w:color") == "FF0000"


@pytest.mark.parametrize(("setup", "message"), [
    (lambda p: None, "reference house.docx: "),
    (lambda p: p.write_text("not a zip", encoding="utf-8"), "not a .docx file"),
    (lambda p: zipfile.ZipFile(p, "w").writestr("a.txt", "x"), "not a Word document"),
    (lambda p: make_reference(p, paper=(215.9, 279.4)), "its paper is 216 × 279 mm"),
    (lambda p: make_reference(p, body_pt=12), "正文 (Normal) text is 12 pt"),
])
def test_bad_reference_is_named_with_its_place(tmp_path: Path, setup, message: str) -> None:
    root = _project(tmp_path, "  reference: house.docx")
    setup(root / "house.docx")
    stderr = _fail(root, tmp_path)
    assert message in stderr
    assert "reportgen.yaml:2:3 style.reference" in stderr  # file, line, column, key
    assert "→" in stderr  # and what to do


def test_missing_reference_says_where_paths_start(tmp_path: Path) -> None:
    stderr = _fail(_project(tmp_path, "  reference: styles/house.docx"), tmp_path)
    assert "does not exist" in stderr and "relative to the folder of reportgen.yaml" in stderr


def test_reference_setting_must_be_a_path(tmp_path: Path) -> None:
    stderr = _fail(_project(tmp_path, "  reference: [a.docx]"), tmp_path)
    assert "style.reference must be the path of a .docx file" in stderr


@pytest.mark.parametrize(("style", "message"), [
    ("  red: red", "red must be six hex digits"),
    ("  title_size: 30", "title_size must be between 16 and 26 pt"),
    ("  page: {left: 60, right: 60}", "page margins leave 16 characters"),
    ("  page: {gutter: 5}", "unknown style setting 'page.gutter'"),
    ("  page: {left: wide}", "page.left must be a number of millimetres"),
    ("  red_rule_sz: {a: 1}", "red_rule_sz must be a whole number, got {'a': 1}"),
    ("  sealed: 是", "sealed must be true or false, got '是'"),
    ("  heading_bold: [true, false]", "heading_bold must be a list of 4 values"),
    ("  organ_mark_suffix: 1", "organ_mark_suffix must be text, got 1"),
    ("  fonts: 仿宋", "fonts must be a mapping"),
    ("  fonts: {fangsong: 12}", "fonts.fangsong must be a font name, got 12"),
])
def test_bad_style_values(tmp_path: Path, style: str, message: str) -> None:
    stderr = _fail(_project(tmp_path, style), tmp_path)
    assert message in stderr and "reportgen.yaml" in stderr
