"""Rendering tests of every GB/T 9704-2012 element: examples/kitchen-sink through LibreOffice.

The kitchen sink builds three documents (see examples/kitchen-sink/reportgen.yaml):

* ``request``: a 请示 with 份号, 密级和保密期限, 特急, two 签发人, a three-line title, numbered
  附件说明, 附注, two attachments and a 版记 with three 抄送 organs and 印发;
* ``joint``: a 报告 from an organ with a long name (+ 文件) and three 签发人 on two lines;
* ``notice``: a 通知 (下行文) with 加急 and a centred 文号.

Checks that tests/test_render_pdf.py already makes for examples/baoji-2020 run here on the
kitchen-sink documents only; checks new here run on the example's documents too. Expected numbers
are the standard's (clause numbers in brackets), measured as explained in ``pdfmeasure``.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from conftest import EXAMPLE, KITCHEN_SINK
from pdfmeasure import (
    AREA_BOTTOM,
    AREA_LEFT,
    AREA_RIGHT,
    AREA_TOP,
    CHAR_3HAO,
    CHARS_PER_LINE,
    LINE_PITCH,
    LINES_PER_PAGE,
    SIZE_2HAO,
    SIZE_3HAO,
    SIZE_4HAO,
    Line,
    body_lines,
    compare_breaks,
    find_line,
    font_family,
    footer_lines,
    horizontal_rules,
    ink_bbox,
    is_black,
    is_cjk_text,
    is_red,
    mm,
    page_number_problems,
    short_line_is_forced,
    text_lines,
    to_mm,
)

from reportgen import spec
from reportgen.layout import Plan
from reportgen.project import load_project, make_style, render_document

pytestmark = pytest.mark.render


KITCHEN = ["request", "joint", "notice"]
EXAMPLE_DOCS = {"report": "宝网信办发〔2020〕38号.pdf", "summary": "2020年宝鸡市互联网企业党建工作总结.pdf"}
ALL = KITCHEN + list(EXAMPLE_DOCS)
WITH_HEAD = ["request", "joint", "notice", "report"]


# --------------------------------------------------------------------------- fixtures


def _plans(project_dir: Path) -> dict[str, Plan]:
    project = load_project(project_dir)
    return {d.name: render_document(d.name, d.template, project.data + d.data,
                                     make_style(d.style, project.style, d.place), project.root).plan
            for d in project.documents}


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    return _plans(KITCHEN_SINK) | _plans(EXAMPLE)


@pytest.fixture(scope="module")
def pdfs(kitchen_pdfs, example_pdfs):
    paths = {name: kitchen_pdfs / f"{name}.pdf" for name in KITCHEN}
    paths |= {name: example_pdfs / file for name, file in EXAMPLE_DOCS.items()}
    opened = {name: pdfplumber.open(path) for name, path in paths.items()}
    yield opened
    for pdf in opened.values():
        pdf.close()


def grid_row(line: Line) -> float:
    """The line's row on the 22-line grid from 37 mm (1-based), from its em box's centre."""
    centre = (line.em_top + line.em_bottom) / 2
    return (centre - AREA_TOP) / LINE_PITCH + 0.5


def is_sans(char: dict) -> bool:  # 黑体 → Noto Sans CJK
    return "Sans" in font_family(char["fontname"])


def is_kai(char: dict) -> bool:  # 楷体 → AR PL UKai
    return "Kai" in font_family(char["fontname"])


def is_serif(char: dict) -> bool:  # 仿宋, 宋体, 小标宋 → Noto Serif CJK
    return "Serif" in font_family(char["fontname"])


def organ_mark(pdf) -> Line:
    """The red line of text on page 1."""
    return next(line for line in body_lines(pdf.pages[0])
                if all(is_red(c["non_stroking_color"]) for c in line.glyphs))


def page_with(pdf, text: str):
    """The first page with a line whose text (without spaces) contains ``text``."""
    return next(page for page in pdf.pages if any(text in line.stripped for line in body_lines(page)))


def red_rule(pdf) -> dict:
    (rule,) = [r for r in horizontal_rules(pdf.pages[0]) if is_red(r["color"])]
    return rule


def full_pages(plan: Plan) -> list[int]:
    """Pages the layout fills with text on all 22 lines (no blank line, no page break)."""
    used: dict[int, set[int]] = {}
    for item in plan.items:
        if item.role == "blank":
            continue
        for page, row in item.positions:
            used.setdefault(page, set()).update(range(row, row + item.grid_lines))
    return [page for page, rows in used.items() if rows >= set(range(1, LINES_PER_PAGE + 1))]


# --------------------------------------------------------------------------- the grid


@pytest.mark.parametrize("doc", ALL)
def test_pages_as_the_layout_planned(pdfs, plans, doc):
    """The layout's page count is what LibreOffice prints (the 版记 and signature rely on it)."""
    assert len(pdfs[doc].pages) == plans[doc].pages


def test_full_pages_have_22_lines(pdfs, plans):
    """22 lines a page [5.2.3] on every page the layout fills (the other kitchen-sink documents
    have none; the example's summary is checked in test_render_pdf)."""
    pages = full_pages(plans["request"])
    assert pages, "the kitchen sink should fill at least one page"
    for page in pages:
        lines = body_lines(pdfs["request"].pages[page - 1])
        assert len(lines) == LINES_PER_PAGE, (page, lines)


@pytest.mark.parametrize("doc", KITCHEN)
def test_full_cjk_lines_hold_28_characters(pdfs, doc):
    """Every 3号 line of pure CJK text that runs to the right edge holds 28 characters less its indent,
    fewer only when line breaking forces a character down (see ``short_line_is_forced``)."""
    checked = 0
    printed = [line for page in pdfs[doc].pages for line in body_lines(page)]
    for index, line in enumerate(printed):
        if line.sizes != {SIZE_3HAO} or line.x1 < AREA_RIGHT - 2 or not is_cjk_text(line.stripped):
            continue
        indent = round((line.x0 - AREA_LEFT) / CHAR_3HAO)
        head = printed[index + 1].stripped if index + 1 < len(printed) else ""
        assert short_line_is_forced(len(line.glyphs), CHARS_PER_LINE - indent, head), (line, head[:3])
        checked += 1
    assert checked, "no full line of pure CJK text"


@pytest.mark.parametrize("doc", KITCHEN)
def test_body_text_starts_28mm_from_the_left_and_stays_in_the_type_area(pdfs, doc):
    """订口 28 mm ± 1 [5.2.1]: unindented 3号 lines start there; nothing stands outside the 156 mm."""
    flush_pages = 0
    for page in pdfs[doc].pages:
        flush = [line for line in body_lines(page)
                 if line.size == SIZE_3HAO and line.x0 < AREA_LEFT + CHAR_3HAO / 2]
        flush_pages += bool(flush)
        for line in flush:
            assert to_mm(line.x0) == pytest.approx(28, abs=1), (page.page_number, line)
        outside = [line for line in text_lines(page)
                   if line.x0 < AREA_LEFT - 0.5 or line.x1 > AREA_RIGHT + 0.5]
        assert not outside, (page.page_number, outside)
    assert flush_pages >= len(pdfs[doc].pages) - 2


@pytest.mark.parametrize("doc", KITCHEN)
def test_lines_sit_on_the_grid_from_37mm(pdfs, doc):
    """天头 37 mm ± 1, 22 lines of 225/22 mm [5.2.1, 5.2.3]: the em box of every 3号 and 2号 line
    lies in its grid cell (± 1 mm), the first cell starting at 37 mm; the organ mark (its own
    height, 7.2.4) and the 版记 (4号) are not grid lines."""
    tol = mm(1)
    for page in pdfs[doc].pages:
        for line in body_lines(page):
            if line.size not in (SIZE_3HAO, SIZE_2HAO):
                continue
            row = round(grid_row(line))
            assert 1 <= row <= LINES_PER_PAGE, (page.page_number, line)
            top = AREA_TOP + (row - 1) * LINE_PITCH
            assert line.em_top >= top - tol and line.em_bottom <= top + LINE_PITCH + tol, \
                (page.page_number, row, to_mm(line.em_top), to_mm(top))


@pytest.mark.parametrize("doc", KITCHEN)
def test_sizes(pdfs, plans, doc):
    """Titles 2号 (22 pt) [7.3.1], body and 版头 marks 3号 (16 pt) [5.2.2], 版记 and page numbers
    4号 (14 pt) [7.4, 7.5], organ mark at most 小初 (36 pt)."""
    pdf = pdfs[doc]
    titles = {line for item in plans[doc].items if item.role in ("title", "attachment_title")
              for line in item.lines}
    mark = organ_mark(pdf)
    assert SIZE_3HAO < mark.size <= 36
    assert [line for line in body_lines(pdf.pages[0]) if line.size > SIZE_2HAO] in ([mark], [])
    colophon_page = plans[doc].colophon.page
    for page in pdf.pages:
        for line in body_lines(page):
            if line is mark or line.stripped == mark.stripped:
                continue
            if line.stripped in titles:
                assert line.sizes == {SIZE_2HAO}, (page.page_number, line)
            elif page.page_number == colophon_page and line.baseline > AREA_BOTTOM - mm(30):
                assert line.sizes == {SIZE_4HAO}, (page.page_number, line)
            else:
                assert line.sizes == {SIZE_3HAO}, (page.page_number, line)
        for line in footer_lines(page):
            assert line.sizes == {SIZE_4HAO}, (page.page_number, line)
    found = {line.stripped for page in pdf.pages for line in body_lines(page)} & titles
    assert found == titles  # every title line was seen (and checked) as such


# --------------------------------------------------------------------------- 版头


def test_copy_number_secrecy_and_urgency_top_left_in_order(pdfs):
    """份号 line 1 (6 digits), 密级和保密期限 line 2, 紧急程度 line 3, flush left; 密级 and 紧急程度
    in 3号黑体 [7.2.1–7.2.3]."""
    lines = body_lines(pdfs["request"].pages[0])
    expected = [("000123", 1), ("机密★1年", 2), ("特急", 3)]
    for (text, row), line in zip(expected, lines[:3], strict=True):
        assert line.stripped == text
        assert round(grid_row(line)) == row, (text, grid_row(line))
        assert to_mm(line.x0) == pytest.approx(28, abs=0.5), line
        assert line.sizes == {SIZE_3HAO}
    assert all(is_sans(c) for line in lines[1:3] for c in line.glyphs if c["text"] not in "★")
    assert lines[3] == organ_mark(pdfs["request"])


def test_urgency_alone_on_line_1(pdfs):
    first = body_lines(pdfs["notice"].pages[0])[0]
    assert first.stripped == "加急" and round(grid_row(first)) == 1
    assert to_mm(first.x0) == pytest.approx(28, abs=0.5) and all(is_sans(c) for c in first.glyphs)


@pytest.mark.parametrize("doc", WITH_HEAD)
def test_organ_mark_red_centred_35mm_below_the_type_area_top(pdfs, doc):
    """发文机关标志: red, centred, its top 35 mm below the type area's top edge [7.2.4]; the ink of
    the characters is measured (the visible top edge)."""
    page = pdfs[doc].pages[0]
    mark = organ_mark(pdfs[doc])
    assert all(is_red(c["non_stroking_color"]) for c in mark.glyphs)
    ink = ink_bbox(page, (mark.x0, mark.baseline - mark.size, mark.x1, mark.baseline + 0.2 * mark.size))
    assert ink is not None
    assert to_mm(ink[1] - AREA_TOP) == pytest.approx(35, abs=1), to_mm(ink[1] - AREA_TOP)
    assert mark.centre_x == pytest.approx((AREA_LEFT + AREA_RIGHT) / 2, abs=mm(1))
    assert mark.x0 >= AREA_LEFT and mark.x1 <= AREA_RIGHT


def test_long_organ_mark_fits_the_type_width(pdfs):
    """A long organ name with 文件 stays on one line inside the 156 mm [7.2.4], still larger than
    the 2号 title: 一号 (26 pt) with condensed characters."""
    mark = organ_mark(pdfs["joint"])
    assert mark.stripped == "中共宝鸡市委网络安全和信息化委员会办公室文件"
    assert mark.size == 26
    assert to_mm(mark.x1 - mark.x0) == pytest.approx(156, abs=8)
    advance = (mark.x1 - mark.x0) / len(mark.glyphs)
    assert advance < 0.8 * mark.size  # narrowed, not squeezed by overlapping
    assert organ_mark(pdfs["notice"]).stripped.endswith("文件")
    assert organ_mark(pdfs["request"]).stripped == "中共宝鸡市委网信办"  # without 文件


@pytest.mark.parametrize("doc", KITCHEN)
def test_red_rule_4mm_under_the_doc_number(pdfs, doc):
    """版头分隔线: red, 156 mm, 4 mm below the 发文字号 [7.2.7] (from the em box's bottom)."""
    pdf = pdfs[doc]
    rule = red_rule(pdf)
    lines = body_lines(pdf.pages[0])
    number = find_line(lines, "〔2021〕")
    assert to_mm(rule["y"] - number.em_bottom) == pytest.approx(4, abs=1.5)
    assert to_mm(rule["x0"]) == pytest.approx(28, abs=1)
    assert to_mm(rule["x1"] - rule["x0"]) == pytest.approx(156, abs=1)
    assert all(is_black(c["non_stroking_color"]) for c in number.glyphs)
    assert not [line for line in lines if rule["y"] - mm(4) < line.em_top < rule["y"]]


def test_downward_doc_number_centred(pdfs):
    number = find_line(body_lines(pdfs["notice"].pages[0]), "宝网信发〔2021〕5号")
    assert number.centre_x == pytest.approx((AREA_LEFT + AREA_RIGHT) / 2, abs=mm(1))  # [7.2.5]
    mark = organ_mark(pdfs["notice"])
    # 发文字号 two blank lines below the organ mark [7.2.5]: the mark takes lines 4–5, the 文号 line 8.
    assert round(grid_row(number)) == 8
    assert number.em_top - mark.em_bottom >= 2 * LINE_PITCH


def _signer_chars(line: Line) -> tuple[list[dict], list[dict]]:
    """(签发人： characters, name characters) of a line."""
    text = line.stripped
    start = text.index("签发人：") + 4 if "签发人：" in text else 0
    glyphs = line.glyphs
    label = glyphs[start - 4 : start] if start else []
    names = [c for c in glyphs[start:] if not c["text"].isascii() and c["text"] not in "〔〕号"]
    if "〔" in text:  # the 文号 on the same line: the names follow it
        names = [c for c in names if c["x0"] > next(g for g in glyphs if g["text"] == "号")["x1"]]
    return label, names


def test_two_signers_on_the_doc_number_line(pdfs):
    """上行文: 文号 居左空一字; 签发人：(仿宋) and the names (楷体) 居右空一字 on its line [7.2.5, 7.2.6]."""
    line = find_line(body_lines(pdfs["request"].pages[0]), "宝网信办〔2021〕7号")
    assert line.stripped == "宝网信办〔2021〕7号签发人：张建国李明"
    assert line.x0 - AREA_LEFT == pytest.approx(CHAR_3HAO, abs=1.5)
    assert AREA_RIGHT - line.x1 == pytest.approx(CHAR_3HAO, abs=1.5)
    label, names = _signer_chars(line)
    assert "".join(c["text"] for c in label) == "签发人：" and all(is_serif(c) for c in label)
    assert "".join(c["text"] for c in names) == "张建国李明" and all(is_kai(c) for c in names)


def test_three_signers_two_per_line_doc_number_with_the_last(pdfs):
    """Two names a line, the wrapped name under the first name above, the 文号 on the last
    签发人's line and the red rule under it [7.2.5, 7.2.6, 7.2.7]."""
    lines = body_lines(pdfs["joint"].pages[0])
    first = find_line(lines, "签发人：")
    last = find_line(lines, "宝网信办〔2021〕12号")
    assert first.stripped == "签发人：张建国李明"
    assert last.stripped == "宝网信办〔2021〕12号王晓东"
    assert last.baseline - first.baseline == pytest.approx(LINE_PITCH, abs=0.5)
    (_, names_1), (_, names_2) = _signer_chars(first), _signer_chars(last)
    assert names_2[0]["text"] == "王" and names_2[0]["x0"] == pytest.approx(names_1[0]["x0"], abs=1)
    assert AREA_RIGHT - first.x1 == pytest.approx(CHAR_3HAO, abs=1.5)
    assert all(is_kai(c) for c in names_1 + names_2)
    assert first.baseline < last.baseline < red_rule(pdfs["joint"])["y"]


# --------------------------------------------------------------------------- 主体


def test_three_line_title_in_a_trapezoid(pdfs):
    """标题: 2号, centred, two lines below the red rule; 梯形 (each line at least as long as the one
    above) or 菱形 [7.3.1]."""
    pdf = pdfs["request"]
    rule = red_rule(pdf)
    title = [line for line in body_lines(pdf.pages[0]) if line.size == SIZE_2HAO]
    assert len(title) == 3
    widths = [line.x1 - line.x0 for line in title]
    assert widths[0] <= widths[1] <= widths[2] and widths[2] - widths[0] > SIZE_2HAO
    for line in title:
        assert line.centre_x == pytest.approx((AREA_LEFT + AREA_RIGHT) / 2, abs=mm(1))
    assert to_mm(title[0].em_top - rule["y"]) == pytest.approx(2 * to_mm(LINE_PITCH), abs=3)


def test_numbered_attachment_note(pdfs):
    """附件说明: 左空二字 "附件：1.", the 2. under the 1., a wrapped name under its first character
    [7.3.4]."""
    lines = body_lines(page_with(pdfs["request"], "附件：1."))
    first = find_line(lines, "附件：1.")
    second = find_line(lines, "2.2021年度")
    # The first line is justified (its characters spread a little), so positions are checked
    # against the character grid: 附件 at 2, the 2. at 2 + 3 (under the 1.), names at 2 + 3 + 1.
    assert first.x0 - AREA_LEFT == pytest.approx(2 * CHAR_3HAO, abs=1.5)
    one = next(c for c in first.glyphs if c["text"] == "1")
    assert one["x0"] - AREA_LEFT == pytest.approx(5 * CHAR_3HAO, abs=3)
    assert second.x0 - AREA_LEFT == pytest.approx(5 * CHAR_3HAO, abs=1.5)
    wrapped = [line for line in lines if first.baseline < line.baseline and line is not second
               and line.baseline < first.baseline + 4 * LINE_PITCH]
    assert wrapped and all(line.x0 - AREA_LEFT == pytest.approx(6 * CHAR_3HAO, abs=1.5) for line in wrapped)


def test_signature_on_a_page_with_body_text_and_the_note_below_the_date(pdfs):
    """署名 never alone on a page [7.3.5.5]; 附注 （…） 左空二字 on the line below the date [7.3.6]."""
    for page in pdfs["request"].pages:
        lines = body_lines(page)
        dates = [line for line in lines if line.stripped == "2021年3月1日"]
        if dates:
            break
    else:
        raise AssertionError("date not found")
    date = dates[0]
    signature = find_line(lines, "中共宝鸡市委网信办")
    assert date.baseline - signature.baseline == pytest.approx(LINE_PITCH, abs=0.5)
    above = [line for line in lines if line.baseline < signature.baseline]
    assert above, "the signature stands alone on its page"
    note = next(line for line in lines if line.baseline > date.baseline)
    assert note.stripped == "（联系人：王明，联系电话：0917-3261234）"
    assert note.baseline - date.baseline == pytest.approx(LINE_PITCH, abs=0.5)
    assert note.x0 - AREA_LEFT == pytest.approx(2 * CHAR_3HAO, abs=1.5)


@pytest.mark.parametrize("doc", KITCHEN)
def test_signature_shares_its_page_with_body_text(pdfs, plans, doc):
    signature = next(i for i in plans[doc].items if i.role == "signature")
    page = pdfs[doc].pages[signature.page - 1]
    lines = body_lines(page)
    name = [line for line in lines if line.stripped == signature.text]
    assert name, (signature.page, lines)
    assert [line for line in lines if line.baseline < name[-1].baseline and line.size == SIZE_3HAO]


def test_each_attachment_starts_a_new_page_with_label_and_title(pdfs, plans):
    """附件: a new page; 附件N in 3号黑体 on line 1, flush left; the title centred on line 3 [7.3.7]."""
    pdf = pdfs["request"]
    titles = [i for i in plans["request"].items if i.role == "attachment_title"]
    pages = []
    for number, item in enumerate(titles, 1):
        page = next(p for p in pdf.pages if body_lines(p) and body_lines(p)[0].stripped == f"附件{number}")
        pages.append(page.page_number)
        label, title = body_lines(page)[0], body_lines(page)[1]
        assert round(grid_row(label)) == 1 and to_mm(label.x0) == pytest.approx(28, abs=0.5)
        assert label.sizes == {SIZE_3HAO} and all(is_sans(c) for c in label.glyphs)
        assert round(grid_row(title)) == 3 and title.stripped == item.lines[0]
        assert title.centre_x == pytest.approx((AREA_LEFT + AREA_RIGHT) / 2, abs=mm(1))
    date_page = page_with(pdf, "2021年3月1日").page_number
    assert date_page < pages[0] < pages[1]


# --------------------------------------------------------------------------- page numbers, 版记


@pytest.mark.parametrize("doc", KITCHEN)
def test_page_numbers_odd_right_even_left(pdfs, doc):
    """"— n —" on every page, 4号; odd pages in the right half, even pages in the left [7.5]."""
    problems = [p for page in pdfs[doc].pages for p in page_number_problems(page)]
    assert not problems, problems


@pytest.mark.parametrize("doc", KITCHEN)
def test_colophon_on_the_last_even_page_ending_on_the_type_area_bottom(pdfs, doc):
    """版记 on the last (even) page; first and last rules thick, the one between thin, all 156 mm;
    the last on the type area's bottom edge [7.4.1]."""
    pdf = pdfs[doc]
    page = pdf.pages[-1]
    assert page.page_number % 2 == 0
    rules = horizontal_rules(page)
    assert len(rules) == 3, rules
    for rule in rules:
        assert is_black(rule["color"]) and to_mm(rule["x1"] - rule["x0"]) == pytest.approx(156, abs=1)
    thick_1, thin, thick_2 = (rule["width"] for rule in rules)
    assert thick_1 == thick_2 > thin
    assert to_mm(rules[-1]["y"]) == pytest.approx(262, abs=2)


def test_colophon_cc_and_printer(pdfs):
    """抄送 4号, 左右各空一字, wrapped under the first organ, 。 at the end [7.4.2]; 印发机关 左空一字,
    印发日期 右空一字 + 印发 [7.4.3]."""
    page = pdfs["request"].pages[-1]
    rules = horizontal_rules(page)
    lines = [line for line in body_lines(page) if line.baseline > rules[0]["y"]]
    cc = [line for line in lines if line.baseline < rules[1]["y"]]
    assert "".join(line.stripped for line in cc) == \
        "抄送：市委组织部，市财政局，中共宝鸡市委非公有制经济组织和社会组织工作委员会。"
    assert len(cc) == 2
    assert cc[0].x0 - AREA_LEFT == pytest.approx(SIZE_4HAO, abs=1.5)
    assert cc[1].x0 - AREA_LEFT == pytest.approx(4 * SIZE_4HAO, abs=1.5)  # under 市委组织部
    assert AREA_RIGHT - max(line.x1 for line in cc) >= SIZE_4HAO - 1.5
    (printer,) = [line for line in lines if line.baseline > rules[1]["y"]]
    assert printer.stripped == "中共宝鸡市委网信办2021年3月2日印发"
    assert printer.x0 - AREA_LEFT == pytest.approx(SIZE_4HAO, abs=1.5)
    assert AREA_RIGHT - printer.x1 == pytest.approx(SIZE_4HAO, abs=1.5)
    assert all(line.sizes == {SIZE_4HAO} for line in lines)


# --------------------------------------------------------------------------- predicted line breaks


def test_predicted_line_breaks_of_the_kitchen_sink(pdfs, plans, report_figure):
    """The layout's lines (text, page and grid row) are LibreOffice's for every paragraph of the
    kitchen-sink documents too: 版头 variants, signers, attachments, 附注 and 版记 included."""
    pitch = spec.LINE_PITCH / 20
    figures, wrong = [], []
    for name in KITCHEN:
        paragraphs = compare_breaks(plans[name], pdfs[name], pitch)
        lines = sum(len(p.predicted) for p in paragraphs)
        figures.append(f"{name} {sum(p.same for p in paragraphs)}/{len(paragraphs)} paragraphs "
                       f"({sum(p.same_lines for p in paragraphs)}/{lines} lines)")
        wrong += [(name, p.role, p.predicted, p.rendered) for p in paragraphs if not p.same]
    report_figure("line breaks, layout vs LibreOffice (kitchen sink): " + ", ".join(figures))
    assert not wrong, wrong
