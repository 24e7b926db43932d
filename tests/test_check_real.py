"""reportgen check on the constructs of real documents: each class of failure seen on files
written by other people (templates with placeholders, text boxes, the formats of chapter 10,
spacing built in other ways, fonts that do not print, missing elements), rebuilt here as small
fixtures from our own output plus the XML Word and WPS write."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from lxml import etree

from reportgen import spec
from reportgen.check import RULES, check_file
from reportgen.check.docxread import read_docx
from reportgen.layout import plan
from reportgen.markup import parse
from reportgen.writers.docx import write_docx

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
NS = {
    "w": W_NS,
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "v": "urn:schemas-microsoft-com:vml",
}
DECLS = " ".join(f'xmlns:{k}="{v}"' for k, v in NS.items())

NOTICE = """---
kind: 通知
organ_mark: 宝鸡市人民政府办公室
number: 宝政办发〔2021〕12号
title: 宝鸡市人民政府办公室关于做好2021年互联网企业党建工作的通知
to: 各县区人民政府，市政府各工作部门
signature: 宝鸡市人民政府办公室
date: 2021-11-26
cc: [市委办公室, 市人大常委会办公室]
printer: 宝鸡市人民政府办公室
print_date: 2021-11-26
---
为做好全市互联网企业党建工作，现将有关事项通知如下。

# 总体要求

坚持党建引领，2021年实现全覆盖。

# 工作任务

加强分类指导。
"""

REQUEST = NOTICE.replace("kind: 通知", "kind: 请示").replace("工作的通知", "工作的请示")


# ----------------------------------------------------------------------------- helpers


def build(markup: str = NOTICE, **overrides: Any) -> Any:
    from docx import Document

    doc = parse(markup, "fixture.md")
    style = spec.DEFAULT_STYLE.with_overrides({"organ_mark_suffix": "文件", **overrides})
    data = write_docx(plan(doc, style), doc)
    return Document(io.BytesIO(data))


def save(d: Any, tmp_path: Path, name: str = "fixture.docx") -> Path:
    path = tmp_path / name
    d.save(str(path))
    return path


def body_paras(d: Any) -> list[Any]:
    return [p for p in d.element.body.iter(f"{W}p") if not _in_box(p)]


def _in_box(p: Any) -> bool:
    return any(a.tag == f"{W}txbxContent" for a in p.iterancestors())


def text_of(p: Any) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t") if not _in_box(t))


def para(d: Any, start: str, nth: int = 1) -> Any:
    found = [p for p in body_paras(d) if text_of(p).strip().startswith(start)]
    assert len(found) >= nth, f"no paragraph starting with {start!r}"
    return found[nth - 1]


def set_text(p: Any, text: str) -> None:
    """Put ``text`` in the paragraph's first run and empty the others (formatting kept)."""
    ts = [t for t in p.iter(f"{W}t") if not _in_box(t)]
    ts[0].text = text
    for t in ts[1:]:
        t.text = ""


def el(xml: str) -> Any:
    return etree.fromstring(xml.replace("<ROOT", f"<ROOT {DECLS}", 1)) if xml.startswith("<ROOT") else \
        etree.fromstring(re.sub(r"^<([\w:]+)", lambda m: f"<{m.group(1)} {DECLS}", xml, count=1))


def set_prop(p: Any, tag: str, **attrs: str) -> Any:
    """Set a w:pPr child (created when missing) to the given attributes."""
    ppr = p.find(f"{W}pPr")
    if ppr is None:
        ppr = etree.SubElement(p, f"{W}pPr")
        p.insert(0, ppr)
    child = ppr.find(f"{W}{tag}")
    if child is None:
        child = etree.SubElement(ppr, f"{W}{tag}")
    for key, value in attrs.items():
        child.set(f"{W}{key}", value)
    return child


def run_props(p: Any, tag: str, **attrs: str) -> None:
    for r in p.iter(f"{W}r"):
        rpr = r.find(f"{W}rPr")
        if rpr is None:
            rpr = etree.SubElement(r, f"{W}rPr")
            r.insert(0, rpr)
        child = rpr.find(f"{W}{tag}")
        if child is None:
            child = etree.SubElement(rpr, f"{W}{tag}")
        for key, value in attrs.items():
            child.set(f"{W}{key}", value)


def box_para(text: str, color: str = "000000", size: int = 32, jc: str = "center",
             font: str = "仿宋_GB2312") -> str:
    return (f'<w:p><w:pPr><w:jc w:val="{jc}"/></w:pPr><w:r><w:rPr><w:rFonts w:ascii="{font}" '
            f'w:hAnsi="{font}" w:eastAsia="{font}"/><w:color w:val="{color}"/><w:sz w:val="{size}"/>'
            f'</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r></w:p>')


def text_box(*paras: str, fallback: bool = True, align: str | None = None) -> Any:
    """A run holding a text box as Word 2010+ and WPS write it: the DrawingML Choice and the
    VML Fallback each carry the same paragraphs; ``align`` places it across the margins."""
    content = "".join(paras)
    position = (f'<wp:positionH relativeFrom="margin"><wp:align>{align}</wp:align></wp:positionH>'
                if align else "")
    choice = (f'<w:drawing><wp:anchor>{position}<a:graphic><a:graphicData '
              'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
              '<wps:spPr><a:prstGeom prst="rect"/></wps:spPr>'
              f'<wps:txbx><w:txbxContent>{content}</w:txbxContent></wps:txbx></wps:wsp></a:graphicData>'
              '</a:graphic></wp:anchor></w:drawing>')
    back = (f"<w:pict><v:shape><v:textbox><w:txbxContent>{content}</w:txbxContent></v:textbox></v:shape>"
            "</w:pict>")
    if not fallback:
        return el(f"<w:r>{choice}</w:r>")
    return el(f'<w:r><mc:AlternateContent><mc:Choice Requires="wps">{choice}</mc:Choice>'
              f"<mc:Fallback>{back}</mc:Fallback></mc:AlternateContent></w:r>")


def line_shape(color: str = "FF0000") -> Any:
    return el('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic>'
              '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
              f'<wps:spPr><a:prstGeom prst="line"/><a:ln w="19050"><a:solidFill><a:srgbClr val="{color}"/>'
              '</a:solidFill></a:ln></wps:spPr></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>'
              f'</mc:Choice><mc:Fallback><w:pict><v:line strokecolor="#{color}"/></w:pict></mc:Fallback>'
              "</mc:AlternateContent></w:r>")


def findings(path: Path) -> list[Any]:
    return check_file(path).findings


def rules(path: Path) -> Counter[str]:
    return Counter(f.rule for f in findings(path))


def roles(path: Path) -> dict[str, str]:
    """The role of each paragraph, by its text (lines joined)."""
    report = check_file(path)
    return {p.text.strip().replace("\n", ""): report.structure.roles[p.index].role
            for p in report.view.paras if p.text.strip()}


def new_rules(path: Path, base: Path) -> Counter[str]:
    return rules(path) - rules(base)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("base") / "notice.docx"
    build().save(str(path))
    assert findings(path) == []  # the fixtures start from a clean document
    return path


# ------------------------------------------------- 1. placeholders and uncertain elements


@pytest.mark.parametrize("number", ["XX发〔20XX〕XX号", "〔20XX〕第XX号", "宝政办发〔2020〕XX号",
                                    "〔2020〕号",
                                    "[此处输入文号]号"])
def test_placeholder_doc_numbers_are_doc_numbers(tmp_path: Path, base: Path, number: str) -> None:
    d = build()
    set_text(para(d, "宝政办发"), number)
    path = save(d, tmp_path)
    found = roles(path)
    assert found[number] == "doc_number"
    assert found["宝鸡市人民政府办公室关于做好2021年互联网企业党建工作的通知"] == "title"
    assert not [f for f in findings(path) if f.rule.startswith(("doc-number.", "font.", "body."))]


@pytest.mark.parametrize("date", ["20XX年XX月XX日", "XXXX年X月X日", "[日期]", "【成文日期】"])
def test_placeholder_dates_are_dates(tmp_path: Path, date: str) -> None:
    d = build()
    set_text(para(d, "2021年11月26日"), date)
    path = save(d, tmp_path)
    assert roles(path)[date] == "date"
    assert roles(path)["宝鸡市人民政府办公室"] != "body"
    assert not [f for f in findings(path) if f.rule in ("date.format", "date.position", "signature.position",
                                                         "date.missing", "body.indent")]


@pytest.mark.parametrize("name", ["[发文单位]", "XXXX人民政府", "【发文机关】"])
def test_placeholder_signatures_are_signatures(tmp_path: Path, name: str) -> None:
    d = build()
    set_text(para(d, "宝鸡市人民政府办公室", 3), name)
    path = save(d, tmp_path)
    assert roles(path)[name] == "signature"
    unwanted = ("signature.position", "body.indent", "signature.missing")
    assert not [f for f in findings(path) if f.rule in unwanted]


@pytest.mark.parametrize("seal", ["〔此处加盖红色印章〕", "（盖章）", "[此处加盖印章]"])
def test_a_seal_placeholder_between_signature_and_date(tmp_path: Path, seal: str) -> None:
    import copy

    d = build()
    date = para(d, "2021年11月26日")
    mark = copy.deepcopy(date)
    set_text(mark, seal)
    run_props(mark, "color", val="C00000")
    date.addprevious(mark)
    path = save(d, tmp_path)
    found = roles(path)
    assert found[seal] == "seal" and found["2021年11月26日"] == "date"
    assert not [f for f in findings(path) if f.rule in ("text.color", "body.indent", "signature.missing")]


def test_a_real_bracket_is_not_a_placeholder(tmp_path: Path) -> None:
    d = build()
    set_text(para(d, "宝政办发"), "宝政办发[2021]12号")
    assert rules(save(d, tmp_path))["doc-number.brackets"] == 1


def test_an_uncertain_title_is_said_once_without_font_findings(tmp_path: Path) -> None:
    from docx import Document
    from docx.shared import Pt

    d = Document()
    d.add_paragraph().add_run("关于开展检查的通知").font.size = Pt(12)  # neither centred nor large
    d.add_paragraph("各单位：")
    d.add_paragraph("现将有关事项通知如下。")
    path = save(d, tmp_path)
    on_title = [f for f in findings(path) if f.paragraph == 1]
    assert [f.rule for f in on_title if f.rule.startswith("font.")] == []
    assert [f.rule for f in on_title if f.rule == "classify.unsure"] == ["classify.unsure"]


# ------------------------------------------- 2. text boxes, shapes, mc:AlternateContent


def _organ_mark_in_box(d: Any, fallback: bool = True) -> None:
    mark = para(d, "宝鸡市人民政府办公室文件")
    for r in list(mark.iter(f"{W}r")):
        r.getparent().remove(r)
    mark.append(text_box(box_para("宝鸡市人民政府办公室文件", "FF0000", 52, font="方正小标宋简体"),
                         fallback=fallback))


@pytest.mark.parametrize("fallback", [True, False])
def test_an_organ_mark_in_a_text_box_is_read_once(tmp_path: Path, base: Path, fallback: bool) -> None:
    d = build()
    _organ_mark_in_box(d, fallback)
    path = save(d, tmp_path)
    view = read_docx(path)
    assert [p.text for p in view.paras if p.in_box] == ["宝鸡市人民政府办公室文件"]
    assert roles(path)["宝鸡市人民政府办公室文件"] == "organ_mark"
    new = new_rules(path, base)
    assert new == Counter({"classify.not-measured": 1})
    notice = next(f for f in findings(path) if f.rule == "classify.not-measured")
    assert "发文机关标志" in notice.message and notice.severity == "notice"


def test_a_wps_footer_text_box_is_counted_once(tmp_path: Path, base: Path) -> None:
    d = build()
    footer = d.sections[0].footer._element
    first = footer.find(f"{W}p")
    fld = '<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
    inner = (f'<w:p><w:pPr><w:jc w:val="right"/></w:pPr><w:r><w:t xml:space="preserve">— </w:t></w:r>{fld}'
             '<w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p>')
    for child in list(first):
        if child.tag != f"{W}pPr":
            first.remove(child)
    first.append(text_box(inner))
    path = save(d, tmp_path)
    view = read_docx(path)
    assert view.sections[0].footers["default"].page_text.count("{PAGE}") == 1
    assert not [f for f in findings(path) if f.rule in ("page-number.format", "page-number.missing")]
    assert "页码" in next(f for f in findings(path) if f.rule == "classify.not-measured").message


def _boxed_page_number(d: Any, box: Any) -> None:
    footer = d.sections[0].footer._element
    first = footer.find(f"{W}p")
    for child in list(first):
        if child.tag != f"{W}pPr":
            first.remove(child)
    first.append(box)


PAGE_BOX = ('<w:p><w:r><w:t xml:space="preserve">— </w:t></w:r><w:fldSimple w:instr=" PAGE "><w:r>'
            '<w:t>1</w:t></w:r></w:fldSimple><w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p>')


@pytest.mark.parametrize(("align", "finding"), [("outside", False), ("right", False), ("center", True),
                                                ("left", True)])
def test_a_page_number_box_is_judged_by_its_alignment(tmp_path: Path, align: str, finding: bool) -> None:
    d = build()
    _boxed_page_number(d, text_box(PAGE_BOX, align=align))
    found = [f for f in findings(save(d, tmp_path))
             if f.rule == "page-number.position" and "奇数页" in (f.where or "")]
    assert bool(found) is finding


def test_a_vml_page_number_box_placed_outside(tmp_path: Path) -> None:
    d = build()
    style = "position:absolute;mso-position-horizontal:outside;mso-position-horizontal-relative:margin"
    _boxed_page_number(d, el(f'<w:r><w:pict><v:shape style="{style}"><v:textbox>'
                             f"<w:txbxContent>{PAGE_BOX}</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"))
    found = findings(save(d, tmp_path))
    assert not [f for f in found if f.rule == "page-number.position" and "奇数页" in (f.where or "")]
    assert not [f for f in found if f.rule == "classify.not-measured"]


def test_a_colophon_in_a_text_box_is_read_at_the_end(tmp_path: Path) -> None:
    d = build()
    for start in ("抄送：", "宝鸡市人民政府办公室"):
        p = para(d, start, 4 if start != "抄送：" else 1)
        for r in list(p.iter(f"{W}r")):
            r.getparent().remove(r)
    anchor = para(d, "为做好全市")
    anchor.append(text_box(box_para("抄送：市委办公室，市人大常委会办公室。", size=28, jc="left"),
                           box_para("宝鸡市人民政府办公室\t2021年11月26日印发", size=28, jc="left")))
    path = save(d, tmp_path)
    report = check_file(path)
    kinds = [report.structure.roles[p.index].role for p in report.view.paras if p.in_box]
    assert kinds == ["cc", "printer"]
    assert not [f for f in report.findings if f.rule in ("colophon.indent", "colophon.printer",
                                                         "colophon.rules",
                                                         "colophon.order")]


def test_a_red_rule_drawn_as_a_shape(tmp_path: Path, base: Path) -> None:
    d = build()
    number = para(d, "宝政办发")
    ppr = number.find(f"{W}pPr")
    ppr.remove(ppr.find(f"{W}pBdr"))
    para(d, "宝鸡市人民政府办公室文件").append(line_shape())
    path = save(d, tmp_path)
    assert "red-rule.missing" not in rules(path)
    assert "红色分隔线" in next(f for f in findings(path) if f.rule == "classify.not-measured").message
    d2 = build()
    ppr = para(d2, "宝政办发").find(f"{W}pPr")
    ppr.remove(ppr.find(f"{W}pBdr"))
    para(d2, "宝鸡市人民政府办公室文件").append(line_shape("000000"))
    assert rules(save(d2, tmp_path, "black.docx"))["red-rule.color"] == 1


# ---------------------------------------------------------- 3. GB/T 9704 chapter 10 formats


def _letter(tmp_path: Path, number_align: str = "right") -> Path:
    d = build()
    mark = para(d, "宝鸡市人民政府办公室文件")
    set_text(mark, "宝鸡市人民政府办公室")
    mark.append(line_shape())
    mark.append(line_shape())
    number = para(d, "宝政办发")
    set_text(number, "宝政办函〔2021〕12号")
    set_prop(number, "jc", val=number_align)
    ppr = number.find(f"{W}pPr")
    ppr.remove(ppr.find(f"{W}pBdr"))
    sect = d.element.body.find(f"{W}sectPr")
    etree.SubElement(sect, f"{W}titlePg")  # first page without page number
    return save(d, tmp_path, "letter.docx")


def test_a_letter_is_judged_by_its_own_rules(tmp_path: Path) -> None:
    path = _letter(tmp_path)
    report = check_file(path)
    assert report.structure.format == "letter"
    got = {f.rule for f in report.findings}
    assert not got & {"page-number.missing", "red-rule.missing", "doc-number.position", "colophon.rules"}
    centred = _letter(tmp_path, "center")
    assert [f.rule for f in findings(centred) if f.rule == "doc-number.position"] == ["doc-number.position"]


@pytest.mark.parametrize("number", ["第1号", "第12号", "第  号"])
def test_an_order_is_judged_by_its_own_rules(tmp_path: Path, number: str) -> None:
    d = build()
    set_text(para(d, "宝鸡市人民政府办公室文件"), "宝鸡市人民政府令")
    num = para(d, "宝政办发")
    set_text(num, number)
    ppr = num.find(f"{W}pPr")
    ppr.remove(ppr.find(f"{W}pBdr"))
    set_text(para(d, "宝鸡市人民政府办公室", 3), "市长  张三")
    path = save(d, tmp_path)
    report = check_file(path)
    assert report.structure.format == "order"
    got = {f.rule for f in report.findings}
    assert not got & {"red-rule.missing", "doc-number.position", "signature.position", "date.position",
                      "font.name", "body.indent"}


@pytest.mark.parametrize(("mark", "number"), [("宝鸡市人民政府常务会议纪要", "〔2021〕第5次"),
                                              ("会议纪要", "第12期")])
def test_minutes_are_judged_by_their_own_rules(tmp_path: Path, mark: str, number: str) -> None:
    import copy

    d = build()
    set_text(para(d, "宝鸡市人民政府办公室文件"), mark)
    num = para(d, "宝政办发")
    set_text(num, number)
    ppr = num.find(f"{W}pPr")
    ppr.remove(ppr.find(f"{W}pBdr"))
    last = para(d, "加强分类指导")
    attend = copy.deepcopy(last)
    set_text(attend, "出席：张三、李四、王五")
    run_props(attend, "rFonts", eastAsia="黑体", ascii="黑体", hAnsi="黑体")
    set_prop(attend, "ind", left="640", firstLine="0")  # names hang under the first one
    last.addnext(attend)
    path = save(d, tmp_path)
    report = check_file(path)
    assert report.structure.format == "minutes"
    assert not [f for f in report.findings if f.rule in ("red-rule.missing", "doc-number.position",
                                                           "body.indent", "font.name")]


# --------------------------------------------------------------- 4. judge what prints


def test_exact_spacing_without_a_grid_gives_22_lines(tmp_path: Path, base: Path) -> None:
    d = build()
    sect = d.element.body.find(f"{W}sectPr")
    sect.remove(sect.find(f"{W}docGrid"))
    assert new_rules(save(d, tmp_path), base) == Counter()


@pytest.mark.parametrize(("line", "lines"), [("580", 21), ("600", 21), ("640", 19)])
def test_exact_spacing_off_22_lines_is_one_finding(tmp_path: Path, line: str, lines: int) -> None:
    d = build()
    for p in body_paras(d):
        spacing = p.find(f"{W}pPr/{W}spacing")
        if spacing is not None and spacing.get(f"{W}line") == str(spec.LINE_PITCH):
            spacing.set(f"{W}line", line)
    found = [f for f in findings(save(d, tmp_path)) if f.rule.startswith("grid.")]
    assert len(found) == 1 and f"每页 {lines} 行" in found[0].message
    assert re.search(r"\d+ 段 paragraphs", found[0].message)
    assert "行距 固定值 28.95 磅" in found[0].fix and "w:" not in found[0].fix


def test_no_line_height_findings_for_organ_mark_rule_carriers_images_and_seal_gap(tmp_path: Path,
                                                                                base: Path) -> None:
    import copy

    d = build()
    set_prop(para(d, "宝鸡市人民政府办公室文件"), "spacing", line="1300", lineRule="exact")
    date = para(d, "2021年11月26日")
    gap = copy.deepcopy(date)
    for r in list(gap.iter(f"{W}r")):
        r.getparent().remove(r)
    set_prop(gap, "spacing", line="1740", lineRule="exact", before="0", after="0")  # a 3-line seal gap
    para(d, "宝鸡市人民政府办公室", 3).addprevious(gap)
    picture = copy.deepcopy(gap)
    set_prop(picture, "spacing", line="2000", lineRule="exact")
    picture.append(el('<w:r><w:drawing><wp:inline><a:graphic><a:graphicData '
                      'uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
                      '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"/>'
                      "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"))
    para(d, "坚持党建引领").addnext(picture)
    assert new_rules(save(d, tmp_path), base) == Counter()


def test_colophon_rules_drawn_as_borders_of_thin_blank_paragraphs(tmp_path: Path) -> None:
    from docx import Document

    d = Document()
    for text in ("关于开展检查的通知", "各单位：", "现将有关事项通知如下。", "宝鸡市人民政府办公室",
                 "2021年11月26日"):
        d.add_paragraph(text)
    body = d.element.body
    sect = body.find(f"{W}sectPr")

    def thin(*sides: tuple[str, str]) -> Any:
        borders = "".join(f'<w:{side} w:val="single" w:sz="{sz}" w:space="0" w:color="000000"/>'
                          for side, sz in sides)
        return el(f'<w:p><w:pPr><w:pBdr>{borders}</w:pBdr><w:spacing w:line="20" w:lineRule="exact"/>'
                  "</w:pPr></w:p>")

    sect.addprevious(thin(("bottom", "8")))
    sect.addprevious(el('<w:p><w:r><w:t xml:space="preserve">抄送：市委办公室。</w:t></w:r></w:p>'))
    sect.addprevious(thin(("bottom", "6")))
    sect.addprevious(el('<w:p><w:r><w:t xml:space="preserve">宝鸡市人民政府办公室\t2021年11月26日印发</w:t>'
                        "</w:r>"
                        "</w:p>"))
    sect.addprevious(thin(("bottom", "8")))
    path = save(d, tmp_path)
    assert "colophon.rules" not in rules(path)
    last = list(body.iter(f"{W}p"))[-1]
    last.getparent().remove(last)
    missing = next(f for f in findings(save(d, tmp_path, "missing.docx")) if f.rule == "colophon.rules")
    assert "末条 last 缺少" in missing.message


@pytest.mark.parametrize(("chars", "right_indent", "finding"),
                         [(1, 0, False), (2, 0, True), (3, 0, True), (1, 280, False), (2, 280, True)])
def test_printing_date_tab_stop_measured(tmp_path: Path, chars: int, right_indent: int,
                                         finding: bool) -> None:
    """A right tab stop is measured from the margin: a right indent does not move its text."""
    d = build()
    printer = para(d, "宝鸡市人民政府办公室", 4)
    tab = printer.find(f"{W}pPr/{W}tabs/{W}tab")
    tab.set(f"{W}pos", str(spec.TEXT_WIDTH - chars * 280))
    set_prop(printer, "ind", right=str(right_indent))
    assert ("colophon.printer" in rules(save(d, tmp_path))) is finding


def test_word_list_numbering_is_read_as_heading_numbers(tmp_path: Path) -> None:
    from docx import Document

    d = Document()
    d.add_paragraph("关于开展检查的通知").alignment = 1
    d.add_paragraph("各单位：")
    d.add_paragraph("现将有关事项通知如下。")
    numbering = d.part.numbering_part.element
    numbering.append(el('<w:abstractNum w:abstractNumId="7"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
                        '<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
                        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
                        '<w:lvlText w:val="（%2）"/></w:lvl></w:abstractNum>'))
    numbering.append(el('<w:num w:numId="9"><w:abstractNumId w:val="7"/></w:num>'))
    for text, level in [("总体要求", "0"), ("工作目标", "1"), ("工作任务", "0"), ("扩大覆盖", "1"),
                        ("强化指导", "1")]:
        p = d.add_paragraph(text)._p
        set_prop(p, "numPr")
        num_pr = p.find(f"{W}pPr/{W}numPr")
        num_pr.append(el(f'<w:ilvl w:val="{level}"/>'))
        num_pr.append(el('<w:numId w:val="9"/>'))
    path = save(d, tmp_path)
    report = check_file(path)
    labels = [p.number_label for p in report.view.paras if p.num_pr]
    assert labels == ["一、", "（一）", "二、", "（一）", "（二）"]
    kinds = [report.structure.roles[p.index].role for p in report.view.paras if p.num_pr]
    assert kinds == ["heading1", "heading2", "heading1", "heading2", "heading2"]
    assert "heading.sequence" not in {f.rule for f in report.findings}
    assert not [f for f in report.findings if "自动编号" in f.message]


def test_widow_control_is_not_a_rule(tmp_path: Path, base: Path) -> None:
    d = build()
    for p in body_paras(d):
        set_prop(p, "widowControl", val="1")
    assert new_rules(save(d, tmp_path), base) == Counter()
    assert not [r for r in RULES if "widow" in r]


# ------------------------------------------------------------ 5. fonts that do not apply


@pytest.mark.parametrize("slot", ["hAnsi", "ascii", "cs"])
def test_latin_slots_without_latin_text(tmp_path: Path, base: Path, slot: str) -> None:
    d = build()
    run_props(para(d, "加强分类指导"), "rFonts", **{slot: "宋体"})
    assert new_rules(save(d, tmp_path), base) == Counter()


def test_a_latin_slot_that_prints_names_its_characters(tmp_path: Path) -> None:
    d = build()
    run_props(para(d, "坚持党建引领"), "rFonts", ascii="Arial")
    found = [f for f in findings(save(d, tmp_path)) if f.rule == "font.name"]
    assert len(found) == 1 and "Arial" in found[0].message and "「" in found[0].message


@pytest.mark.parametrize(("theme", "ok"), [("minorEastAsia", True), ("majorEastAsia", False)])
def test_theme_fonts_are_judged_by_what_they_resolve_to(tmp_path: Path, base: Path, theme: str,
                                                        ok: bool) -> None:
    d = build()  # our theme: minor = 仿宋, major = 小标宋
    run_props(para(d, "加强分类指导"), "rFonts", eastAsiaTheme=theme)
    new = new_rules(save(d, tmp_path), base)
    assert new == (Counter() if ok else Counter({"font.name": 1}))


def test_times_new_roman_digits_are_a_house_setting(tmp_path: Path, base: Path) -> None:
    d = build()
    run_props(para(d, "坚持党建引领"), "rFonts", ascii="Times New Roman", hAnsi="Times New Roman")
    assert new_rules(save(d, tmp_path), base) == Counter()


@pytest.mark.parametrize("lead", ["一是加强领导。", "二是压实责任，", "首先，"])
def test_heiti_lead_emphasis_is_a_house_style(tmp_path: Path, base: Path, lead: str) -> None:
    import copy

    d = build()
    p = para(d, "加强分类指导")
    run = p.find(f"{W}r")
    lead_run = copy.deepcopy(run)
    lead_run.find(f"{W}t").text = lead
    run.addprevious(lead_run)
    run_props_of = lead_run.find(f"{W}rPr/{W}rFonts")
    for slot in ("eastAsia", "ascii", "hAnsi"):
        run_props_of.set(f"{W}{slot}", "黑体")
    assert new_rules(save(d, tmp_path), base) == Counter()


# --------------------------------------------------------------------- 6. missing elements


def test_no_date_and_no_signature(tmp_path: Path) -> None:
    d = build()
    p = para(d, "2021年11月26日")
    p.getparent().remove(p)
    assert rules(save(d, tmp_path))["date.missing"] == 1
    d = build()
    set_text(para(d, "宝鸡市人民政府办公室", 3), "")
    assert rules(save(d, tmp_path, "nosig.docx"))["signature.missing"] == 1


def test_a_request_without_its_recipient(tmp_path: Path) -> None:
    d = build(REQUEST)
    set_text(para(d, "各县区人民政府"), "")
    assert rules(save(d, tmp_path))["to.missing"] == 1
    d = build()
    set_text(para(d, "各县区人民政府"), "")
    assert "to.missing" not in rules(save(d, tmp_path, "notice.docx"))  # a 通知 may go out without


@pytest.mark.parametrize("text", ["具体安排见附件。", "详见附件2。", "名单（附件1）请各单位填报。"])
def test_an_attachment_referred_to_without_a_note(tmp_path: Path, base: Path, text: str) -> None:
    d = build()
    set_text(para(d, "加强分类指导"), text)
    assert new_rules(save(d, tmp_path), base) == Counter({"attachment-note.missing": 1})


def test_a_form_in_tables_gets_one_notice(tmp_path: Path) -> None:
    from docx import Document

    d = Document()
    d.add_paragraph("会议纪要")
    table = d.add_table(rows=8, cols=2)
    for k, row in enumerate(table.rows):
        row.cells[0].text = f"项目{k}"
        row.cells[1].text = "内容"
    path = save(d, tmp_path)
    found = findings(path)
    assert [(f.rule, f.severity) for f in found] == [("classify.not-gongwen", "notice")]
    code, out, err = run_cli("check", str(path))
    assert code == 0 and "提示 notice [classify.not-gongwen]" in out and "Traceback" not in err


@pytest.mark.parametrize("texts", [["Quarterly report", "This report covers the first quarter."], []])
def test_foreign_and_empty_documents_get_one_notice(tmp_path: Path, texts: list[str]) -> None:
    from docx import Document

    d = Document()
    for text in texts:
        d.add_paragraph(text)
    assert [f.rule for f in findings(save(d, tmp_path))] == ["classify.not-gongwen"]


# --------------------------------------------------------------------------- output


def test_one_finding_per_cause_and_no_raw_newlines(tmp_path: Path) -> None:
    from docx import Document
    from docx.shared import Pt

    d = Document()
    d.add_paragraph("关于开展检查的通知").alignment = 1
    d.add_paragraph("各单位：")
    for k in range(10):
        p = d.add_paragraph(f"第{k}段正文内容。")
        p.runs[0].font.size = Pt(14)
    d.add_paragraph("宝鸡市人民政府办公室\n2021年11月26日")
    path = save(d, tmp_path)
    found = findings(path)
    assert Counter(f.rule for f in found)["grid.line-spacing"] == 1
    assert [f.element for f in found if f.rule == "font.size"].count("正文") == 1
    assert all("\n" not in f.message and "\n" not in f.fix for f in found)
    _code, out, _ = run_cli("check", str(path))
    assert "w:spacing" not in out and "w:rFonts" not in out
    _code, out, _ = run_cli("check", "--format", "json", str(path))
    data = json.loads(out)["files"][0]["findings"]
    assert any(f["xml"].startswith("w:spacing") for f in data)


@pytest.mark.parametrize(("suffix", "content_type"), [
    (".dotx", "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"),
    (".docm", "application/vnd.ms-word.document.macroEnabled.main+xml"),
    (".dotm", "application/vnd.ms-word.template.macroEnabledTemplate.main+xml"),
])
def test_templates_and_macro_documents_are_checked(tmp_path: Path, base: Path, suffix: str,
                                                   content_type: str) -> None:
    target = tmp_path / f"notice{suffix}"
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                    content_type.encode())
            dst.writestr(item, data)
    assert findings(target) == []
    code, out, err = run_cli("check", str(target))
    assert code == 0 and "0 个错误" in out and "Traceback" not in err


@pytest.mark.parametrize(("before", "finding"),
                         [("1160", False), ("1737", False), ("1740", False), ("300", True)])
def test_paragraph_spacing_in_whole_lines_with_a_tolerance_per_line(tmp_path: Path, base: Path, before: str,
                                                                    finding: bool) -> None:
    """Two or three lines of space (2 × 580, 3 × 579, 3 × 580 twips) keep the grid; 15 pt does not."""
    d = build()
    set_prop(para(d, "加强分类指导"), "spacing", before=before)
    assert ("grid.line-spacing" in new_rules(save(d, tmp_path), base)) is finding


def test_a_gongwen_that_is_mostly_a_table_is_still_checked(tmp_path: Path) -> None:
    d = build()
    table = d.add_table(rows=30, cols=2)
    for k, row in enumerate(table.rows):
        row.cells[0].text = f"单位{k}"
        row.cells[1].text = "联系人"
    assert check_file(save(d, tmp_path)).structure.format == "standard"


def test_the_real_documents_benchmark_matches_judgements_by_element_and_text(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util
    import sys

    script = Path(__file__).parent.parent / "benchmarks" / "real_documents.py"
    spec_ = importlib.util.spec_from_file_location("real_documents", script)
    assert spec_ is not None and spec_.loader is not None
    module = importlib.util.module_from_spec(spec_)
    monkeypatch.setitem(sys.modules, "real_documents", module)  # dataclasses look their module up
    spec_.loader.exec_module(module)
    d = build()
    set_prop(para(d, "加强分类指导"), "spacing", line="600")
    run_props(para(d, "坚持党建引领"), "rFonts", ascii="Arial")
    save(d, tmp_path, "doc.docx")
    judged = tmp_path / "judged.tsv"
    judged.write_text("file\tgroup\tsev\trule\tplace\tmessage\tlabel\n"
                      "doc\t1\tE\tgrid.old-name\t正文 · 第15段 「加强分类指导。」\told wording\tT\n",
                      encoding="utf-8")
    assert module.main([str(tmp_path), "--annotations", str(judged), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "judged groups: 1: true 100%" in out and "unmatched (new) groups: 1" in out


@pytest.mark.parametrize(("date", "fixed"), [("2021.11.26", "2021年11月26日"),
                                             ("2021-11-06", "2021年11月6日"), ("2021/1/5", "2021年1月5日")])
def test_a_numeric_date_is_a_date_in_the_wrong_form(tmp_path: Path, date: str, fixed: str) -> None:
    d = build()
    set_text(para(d, "2021年11月26日"), date)
    found = findings(save(d, tmp_path))
    assert "date.missing" not in {f.rule for f in found}
    assert [f.fix for f in found if f.rule == "date.format"] == [f"写成 {fixed}"]
