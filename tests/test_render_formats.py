"""GB/T 9704-2012 chapter 10 through LibreOffice: the kitchen sink's 函 (信函格式), 命令 and 纪要.

Every expected number is the standard's (clause in brackets): the 信函's mark 30 mm from the page's
top, its red double lines 170 mm long, centred, 上粗下细 under the mark and 上细下粗 20 mm above the
page's bottom edge, the 文号 顶格 at the right, no page number on page 1 [10.1]; the 命令's mark
20 mm and the 纪要's 35 mm below the type area's top [10.2, 10.3]. Measured as ``pdfmeasure`` says.
"""

from __future__ import annotations

import json

import pdfplumber
import pytest
from conftest import KITCHEN_SINK, run_cli
from pdfmeasure import (
    AREA_BOTTOM,
    AREA_LEFT,
    AREA_RIGHT,
    AREA_TOP,
    PAPER_H,
    SIZE_3HAO,
    Line,
    body_lines,
    compare_breaks,
    find_line,
    footer_lines,
    horizontal_rules,
    is_red,
    mm,
    page_number_problems,
    to_mm,
)

from reportgen import spec
from reportgen.layout import Plan
from reportgen.project import load_project, make_style, render_document

pytestmark = pytest.mark.render

FORMATS = ["letter", "order", "minutes"]
TOLERANCE = 0.5  # mm


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    project = load_project(KITCHEN_SINK)
    return {d.name: render_document(d.name, d.template, project.data + d.data,
                                     make_style(d.style, project.style, d.place), project.root).plan
            for d in project.documents if d.name in FORMATS}


@pytest.fixture(scope="module")
def pdfs(kitchen_pdfs):
    opened = {name: pdfplumber.open(kitchen_pdfs / f"{name}.pdf") for name in FORMATS}
    yield opened
    for pdf in opened.values():
        pdf.close()


def red_lines(page) -> list[Line]:
    return [line for line in body_lines(page) if all(is_red(c["non_stroking_color"]) for c in line.glyphs)]


@pytest.mark.parametrize("doc", FORMATS)
def test_pages_and_line_breaks_as_the_layout_planned(pdfs, plans, doc, report_figure):
    """The layout's page count and every line (text, page, grid row) are LibreOffice's."""
    pdf, plan = pdfs[doc], plans[doc]
    assert len(pdf.pages) == plan.pages
    paragraphs = compare_breaks(plan, pdf, spec.LINE_PITCH / 20)
    report_figure(f"line breaks, layout vs LibreOffice ({doc}): {sum(p.same for p in paragraphs)}/"
                  f"{len(paragraphs)} paragraphs, {plan.pages} pages")
    assert not [(p.role, p.predicted, p.rendered) for p in paragraphs if not p.same]


def test_letter_mark_30mm_from_the_top_red_and_centred(pdfs, report_figure):
    (mark,) = red_lines(pdfs["letter"].pages[0])
    assert mark.stripped == "宝鸡市委网信办"
    report_figure(f"信函 mark top {to_mm(mark.em_top):.2f} mm from the page's top (30)")
    assert to_mm(mark.em_top) == pytest.approx(30, abs=TOLERANCE)
    assert mark.centre_x == pytest.approx((AREA_LEFT + AREA_RIGHT) / 2, abs=mm(TOLERANCE))


def test_letter_double_lines(pdfs, report_figure):
    """Two red double lines, 170 mm, centred: the first 上粗下细 4 mm under the mark, the second
    上细下粗 with its lower edge 20 mm above the page's bottom edge [10.1]."""
    page = pdfs["letter"].pages[0]
    rules = horizontal_rules(page)
    assert len(rules) == 4 and all(is_red(r["color"]) for r in rules), rules
    for rule in rules:
        assert to_mm(rule["x1"] - rule["x0"]) == pytest.approx(170, abs=TOLERANCE)
        assert (rule["x0"] + rule["x1"]) / 2 == pytest.approx((AREA_LEFT + AREA_RIGHT) / 2, abs=mm(TOLERANCE))
    thick_1, thin_1, thin_2, thick_2 = rules
    assert thick_1["width"] > thin_1["width"] and thick_2["width"] > thin_2["width"]  # 上粗下细, 上细下粗
    (mark,) = red_lines(page)
    gap = to_mm(thick_1["y"] - thick_1["width"] / 2 - mark.em_bottom)
    bottom = to_mm(PAPER_H - thick_2["y"] - thick_2["width"] / 2)
    report_figure(f"信函 double lines: {to_mm(thick_1['x1'] - thick_1['x0']):.2f} mm long, "
                  f"{thick_1['width']:g}/{thin_1['width']:g} pt, {gap:.2f} mm under the mark (4), "
                  f"lower edge {bottom:.2f} mm above the bottom edge (20)")
    assert gap == pytest.approx(4, abs=TOLERANCE)
    assert bottom == pytest.approx(20, abs=TOLERANCE)


def test_letter_number_right_and_elements_left_under_the_line(pdfs, report_figure):
    """份号 and 密级 顶格 at the left, one a line; the 文号 顶格 at the right on the first line,
    7/8 of a 3号 character under the double line; the title two lines below [10.1]."""
    page = pdfs["letter"].pages[0]
    lines = body_lines(page)
    thin = horizontal_rules(page)[1]
    number = find_line(lines, "宝网信函〔2021〕7号")
    assert number.stripped.startswith("000012")
    assert to_mm(AREA_RIGHT - number.x1) == pytest.approx(0, abs=TOLERANCE)
    assert to_mm(number.x0 - AREA_LEFT) == pytest.approx(0, abs=TOLERANCE)
    gap = to_mm(number.em_top - (thin["y"] + thin["width"] / 2))
    report_figure(f"信函 文号 {to_mm(AREA_RIGHT - number.x1):.2f} mm from the right edge, "
                  f"{gap:.2f} mm under the line ({to_mm(SIZE_3HAO * 7 / 8):.2f})")
    assert gap == pytest.approx(to_mm(SIZE_3HAO * 7 / 8), abs=TOLERANCE)
    secrecy = find_line(lines, "秘密★1年")
    assert to_mm(secrecy.x0 - AREA_LEFT) == pytest.approx(0, abs=TOLERANCE)
    assert secrecy.baseline - number.baseline == pytest.approx(spec.LINE_PITCH / 20, abs=0.5)
    title = find_line(lines, "关于商请协助开展")
    assert title.baseline - secrecy.baseline == pytest.approx(3 * spec.LINE_PITCH / 20, abs=1.5)


def test_letter_page_numbers_from_page_2(pdfs):
    pdf = pdfs["letter"]
    assert len(pdf.pages) >= 2
    assert footer_lines(pdf.pages[0]) == []
    assert not [p for page in pdf.pages[1:] for p in page_number_problems(page)]


def test_letter_cc_without_rules_at_the_foot_of_the_last_page(pdfs):
    page = pdfs["letter"].pages[-1]
    assert horizontal_rules(page) == []  # no 版记 rules, and the double lines are page 1's only
    cc = find_line(body_lines(page), "抄送：")
    assert to_mm(AREA_BOTTOM - cc.em_bottom) < 3


@pytest.mark.parametrize(("doc", "top", "text"), [("order", 20, "宝鸡市人民政府令"),
                                                  ("minutes", 35, "宝鸡市互联网企业党建工作联席会议纪要")])
def test_mark_below_the_type_area_top(pdfs, doc, top, text, report_figure):
    (mark,) = red_lines(pdfs[doc].pages[0])
    assert mark.stripped == text
    report_figure(f"{doc} mark top {to_mm(mark.em_top - AREA_TOP):.2f} mm below the type area ({top})")
    assert to_mm(mark.em_top - AREA_TOP) == pytest.approx(top, abs=TOLERANCE)
    assert mark.centre_x == pytest.approx((AREA_LEFT + AREA_RIGHT) / 2, abs=mm(TOLERANCE))


def test_order_number_signature_and_date(pdfs):
    """令号 centred two lines under the mark, body two lines under it; 职务 and 签名章 with the
    签名章 右空四字, the date one line lower, 右空四字 [10.2, 7.3.5.3]."""
    lines = body_lines(pdfs["order"].pages[0])
    pitch = spec.LINE_PITCH / 20
    (mark,) = red_lines(pdfs["order"].pages[0])
    number = find_line(lines, "第5号")
    assert number.centre_x == pytest.approx((AREA_LEFT + AREA_RIGHT) / 2, abs=1)
    body = lines[lines.index(number) + 1]
    assert body.baseline - number.baseline == pytest.approx(3 * pitch, abs=0.5)
    assert number.baseline - mark.baseline > 2 * pitch
    signature = find_line(lines, "市长")
    date = find_line(lines, "2021年3月1日")
    assert signature.stripped == "市长张某某"
    assert AREA_RIGHT - signature.x1 == pytest.approx(4 * 15.75, abs=2)
    assert AREA_RIGHT - date.x1 == pytest.approx(4 * 15.75, abs=2)
    assert date.baseline - signature.baseline == pytest.approx(2 * pitch, abs=0.5)
    name = [c for c in signature.glyphs if c["text"] in "张某某"]
    title = [c for c in signature.glyphs if c["text"] in "市长"]
    assert name[0]["x0"] - title[-1]["x1"] == pytest.approx(2 * 15.75, abs=2)  # 职务 左空二字


def test_minutes_attendance_lines(pdfs):
    """出席/请假/列席 in 3号黑体 with a full-width colon, 左空二字, names in 仿宋 separated by 、,
    wrapped lines under the first name [10.3]."""
    lines = [line for page in pdfs["minutes"].pages for line in body_lines(page)]
    present = find_line(lines, "出席：")
    label = [c for c in present.glyphs[:3]]
    assert "".join(c["text"] for c in label) == "出席："
    assert all("Sans" in c["fontname"] for c in label[:2])
    assert all("Sans" not in c["fontname"] for c in present.glyphs[3:])
    assert present.x0 - AREA_LEFT == pytest.approx(2 * 15.75, abs=1)
    wrapped = lines[lines.index(present) + 1]
    assert wrapped.x0 == pytest.approx(present.glyphs[3]["x0"], abs=1.5)
    for label in ("主持：", "请假：", "列席：", "记录："):
        assert find_line(lines, label).stripped.startswith(label)


@pytest.mark.parametrize("doc", FORMATS)
def test_check_reads_them_back_without_errors(kitchen_pdfs, doc):
    code, stdout, stderr = run_cli("check", str(kitchen_pdfs / f"{doc}.docx"), "--format", "json")
    assert code == 0, stdout + stderr
    (report,) = json.loads(stdout)["files"]
    assert report["errors"] == 0 and report["warnings"] == 0, report["findings"]
