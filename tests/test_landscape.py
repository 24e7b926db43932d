"""横排表格: a wide table on landscape pages (GB/T 9704-2012, 9), in the layout, the .docx and as
LibreOffice prints it (measured with pdfplumber)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from conftest import (
    ROLLUP,
    assert_clean_failure,
    build_pdf,
    copy_project,
    edit_file,
    rollup_with,
    run_cli,
)
from lxml import etree

from reportgen import landscape, spec
from reportgen.errors import TemplateError
from reportgen.layout import is_landscape, plan
from reportgen.markup import parse
from reportgen.tables import table
from reportgen.writers.docx import write_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
V = "{urn:schemas-microsoft-com:vml}"
MM = 72 / 25.4  # points per mm

WIDE = """---
title: 关于报送统计表的通知
to: 各县区网信办
signature: 示例市网信办
date: 2020-12-20
cc: [市委组织部]
printer: 示例市网信办
print_date: 2020-12-21
---
请认真核对附件中的数字。

::: 附件 各县区统计表

::: 表 表1 各县区主要数字
{turn}| 序号 | 县区 | 企业党建 | < | < | 培训 | < |
| ^ | ^ | 企业（户） | 党组织（个） | 党员（人） | 期数 | 培训（人次） |
|:---:|---|---:|---:|---:|---:|---:|
{rows}
"""


def _wide(rows: int, turn: str = "::: 横排\n") -> str:
    body = "\n".join(f"| {k} | 第{k}区 | {k} | {k * 2} | {k * 3} | {k % 5} | {k * 10} |"
                     for k in range(1, rows + 1))
    return WIDE.format(turn=turn, rows=body)


def _xml(data: bytes, part: str = "word/document.xml"):  # type: ignore[no-untyped-def]
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return etree.fromstring(zf.read(part))


# ------------------------------------------------------------------------------ layout


def test_landscape_geometry_is_the_upright_page_turned() -> None:
    style = spec.DEFAULT_STYLE
    assert landscape.margins(style) == (spec.MARGIN_LEFT, spec.MARGIN_TOP, spec.MARGIN_RIGHT,
                                        spec.MARGIN_BOTTOM)
    assert landscape.text_width(style) == spec.TEXT_HEIGHT  # 225 mm across
    assert landscape.lines_per_page(style) == 15  # 156 mm of 579-twip lines
    x, y, width, height = landscape.number_box(style, odd=True)
    assert y + height == landscape.PAGE_HEIGHT - spec.MARGIN_RIGHT - 280  # one 4号 字 before the end
    assert landscape.number_box(style, odd=False)[1] == spec.MARGIN_LEFT + 280
    assert x + width < spec.MARGIN_BOTTOM  # in the left margin, the upright page's bottom one


def test_a_marked_table_goes_on_landscape_pages_with_its_attachment_head() -> None:
    doc = parse(_wide(40))
    laid = plan(doc)
    turned = [i for i in laid.items if i.landscape]
    assert [i.role for i in turned[:4]] == ["attachment_label", "blank", "attachment_title", "blank"]
    rows = [i for i in turned if i.grid is not None]
    assert len(rows) == 43 and all(i.landscape for i in rows)
    assert sum(rows[0].grid.widths) == landscape.text_width(spec.DEFAULT_STYLE)
    # 15 lines a landscape page; the title and header rows again at the top of every later page
    pages = sorted({i.page for i in rows})
    assert pages == [2, 3, 4, 5]
    for page in pages[1:]:
        first = min(i.row for i in rows if i.page == page)
        assert first == 1 + rows[0].grid.header_height
    assert max(i.row + len(i.lines) - 1 for i in turned) <= 15
    # the 版记 starts an upright page after the landscape ones, on an even page
    assert laid.colophon is not None and laid.colophon.page_break_before and laid.colophon.page % 2 == 0


def test_too_wide_a_table_turns_by_itself_unless_told_to_stay_upright() -> None:
    long = "| " + " | ".join(f"列{k}" for k in range(12)) + " |\n|" + "---|" * 12 + "\n| " + \
        " | ".join("123456" for _ in range(12)) + " |\n"
    doc = parse("正文。\n\n" + long)
    [tbl] = [b for b in doc.blocks if not hasattr(b, "runs")]
    assert is_landscape(tbl, spec.DEFAULT_STYLE)
    assert any(i.landscape for i in plan(doc).items)
    doc = parse("正文。\n\n::: 竖排\n" + long)
    assert not any(i.landscape for i in plan(doc).items)
    narrow = parse("正文。\n\n| 县区 | 企业 |\n|---|---|\n| 甲区 | 12 |\n")
    assert not any(i.landscape for i in plan(narrow).items)


def test_table_from_data_asks_for_landscape() -> None:
    rows = [{"name": "甲区", "n": 1}]
    assert "::: 横排" in str(table(rows, columns=["name", "n"], landscape=True))
    assert "::: 竖排" in str(table(rows, columns=["name", "n"], landscape=False))
    assert "横排" not in str(table(rows, columns=["name", "n"]))
    with pytest.raises(TemplateError, match="landscape must be true or false"):
        table(rows, columns=["name", "n"], landscape="yes")


def test_a_second_turn_line_for_one_table_is_an_error() -> None:
    from reportgen.errors import MarkupError

    with pytest.raises(MarkupError, match="a second"):
        parse("正文。\n\n::: 横排\n::: 竖排\n| a | b |\n|---|---|\n| 1 | 2 |\n")


# ------------------------------------------------------------------------------ .docx


def test_docx_landscape_section_turned_margins_own_footers_continuous_numbers() -> None:
    doc = parse(_wide(40))
    data = write_docx(plan(doc), doc)
    root = _xml(data)
    sects = list(root.iter(f"{W}sectPr"))
    sizes = [(s.find(f"{W}pgSz").get(f"{W}w"), s.find(f"{W}pgSz").get(f"{W}orient")) for s in sects]
    assert sizes == [("11906", None), ("16838", "landscape"), ("11906", None)]
    mar = sects[1].find(f"{W}pgMar")
    assert [int(mar.get(f"{W}{k}")) for k in ("top", "right", "bottom", "left")] == [
        spec.MARGIN_LEFT, spec.MARGIN_TOP, spec.MARGIN_RIGHT, spec.MARGIN_BOTTOM]
    assert all(s.find(f"{W}pgNumType") is None for s in sects)  # numbering runs on
    refs = [{r.get(f"{W}type"): r.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
             for r in s.findall(f"{W}footerReference")} for s in sects]
    assert refs[0] and refs[1] and set(refs[0].values()).isdisjoint(refs[1].values())
    # the landscape footers: the number in a page-anchored box, its text vertical, a PAGE field
    rels = _xml(data, "word/_rels/document.xml.rels")
    targets = {r.get("Id"): r.get("Target") for r in rels}
    for kind, odd in (("default", True), ("even", False)):
        footer = _xml(data, "word/" + targets[refs[1][kind]])
        [shape] = footer.iter(f"{V}shape")
        style = dict(part.split(":", 1) for part in shape.get("style").split(";"))
        x, y, _w, _h = landscape.number_box(spec.DEFAULT_STYLE, odd)
        assert style["margin-left"] == f"{x / 20}pt" and style["margin-top"] == f"{y / 20}pt"
        assert style["mso-position-vertical-relative"] == "page"
        assert shape.find(f"{V}textbox").get("style") == "layout-flow:vertical"
        assert "PAGE" in "".join(footer.itertext())
    # no page break of its own where a section starts the page (no blank page)
    body = root.find(f"{W}body")
    label = next(p for p in body.iter(f"{W}p") if "".join(p.itertext()) == "附件")
    assert label.find(f"{W}pPr/{W}pageBreakBefore") is None


def test_landscape_document_is_schema_valid_and_checks_clean(tmp_path: Path) -> None:
    from openxml_audit import FileFormat, OpenXmlValidator

    from reportgen.check import check_file

    doc = parse(_wide(40))
    path = tmp_path / "wide.docx"
    path.write_bytes(write_docx(plan(doc), doc))
    for fmt in (FileFormat.OFFICE_2007, FileFormat.OFFICE_2016):
        result = OpenXmlValidator(file_format=fmt, max_errors=20).validate(str(path))
        assert [str(e) for e in result.errors] == [], fmt
    report = check_file(path)
    assert [(f.rule, f.message) for f in report.findings] == []


# ------------------------------------------------------------------------ measured in LibreOffice


def _number_chars(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """The page number's characters: turned ones on a landscape page, the footer's on an upright one."""
    if page.width > page.height:
        return [c for c in page.chars if not c["upright"] and re.fullmatch(r"[—\d]", c["text"])]
    return [c for c in page.chars if c["top"] > (37 + 225) * MM and re.fullmatch(r"[—\d]", c["text"])]


@pytest.mark.render
@pytest.mark.parametrize("districts", [3, 40])
def test_the_wide_table_prints_on_landscape_pages_as_the_standard_says(
        tmp_path: Path, districts: int, report_figure) -> None:  # type: ignore[no-untyped-def]
    """LibreOffice prints the landscape pages predicted: landscape, the table within the turned
    type area (±0.5 mm), its title and header rows at the top of each of its pages, every row
    once and whole, and the page number where an upright page of the same parity has it."""
    import pdfplumber

    project = ROLLUP if districts == 3 else rollup_with(tmp_path, districts)
    predicted, pdf_path = build_pdf(project, tmp_path / "out")
    with pdfplumber.open(pdf_path) as pdf:
        pages = pdf.pages
        assert len(pages) == predicted
        turned = [pg for pg in pages if pg.width > pg.height]
        upright = [pg for pg in pages if pg.width < pg.height]
        assert turned and all("表2" in (pg.extract_text() or "") for pg in turned)
        assert all("表2" not in (pg.extract_text() or "") for pg in upright)
        left, right, top, bottom = 35 * MM, (35 + 225) * MM, 28 * MM, (28 + 156) * MM
        seen: list[str] = []
        offsets: list[float] = []
        number_offsets: list[float] = []
        for pg in turned:
            assert round(pg.width) == 842 and round(pg.height) == 595
            words = [w for w in pg.extract_words() if w["upright"]]
            texts = [w["text"] for w in words]
            start = texts.index("表2")
            assert start == 0 or pg is turned[0], texts[:4]  # a continued page starts with the title
            assert {"企业党建", "培训", "直播带货", "序号", "县区"} <= set(texts[start : start + 16])
            lines: dict[int, list[str]] = {}
            for w in words:
                lines.setdefault(round(w["top"]), []).append(w["text"])
            for line in lines.values():
                if re.fullmatch(r"\d+", line[0]) and len(line) >= 2 and \
                        re.fullmatch(r"第\d+区|.县|.区", line[1]):
                    assert len(line) == 10, line  # 序号, 县区 and eight figures: the row is whole
                    seen.append(line[1])
            rules = [e for e in pg.lines + pg.rects]
            verticals = [e for e in rules if abs(e["x0"] - e["x1"]) < 1.5]
            x0, x1 = min(e["x0"] for e in verticals), max(e["x1"] for e in verticals)
            offsets += [(x0 - left) / MM, (x1 - right) / MM]
            assert abs(x0 - left) <= 0.5 * MM and abs(x1 - right) <= 0.5 * MM
            assert min(e["top"] for e in rules) >= top - 0.5 * MM
            assert max(e["bottom"] for e in rules) <= bottom + 0.5 * MM
            # The number: turned with the page, where the upright page of that parity has it.
            n = pg.page_number
            chars = _number_chars(pg)
            assert "".join(c["text"] for c in sorted(chars, key=lambda c: c["top"])) == f"—{n}—"
            twin = next(u for u in upright if u.page_number % 2 == n % 2)
            flat = _number_chars(twin)
            # upright: the baseline's height above the paper's bottom edge; turned: its distance
            # from the left edge (the upright page's bottom once turned back)
            up_base = twin.height - (flat[0]["bottom"] + (flat[0]["y0"] - flat[0]["matrix"][5]))
            turned_base = chars[0]["matrix"][4]
            assert abs(turned_base - up_base) <= 0.5 * MM, (turned_base / MM, up_base / MM)
            number_offsets.append(abs(turned_base - up_base) / MM)
            # along the page: from the type area's ends as the upright number is from its sides
            if n % 2:
                gap, up_gap = bottom - max(c["bottom"] for c in chars), (28 + 156) * MM - max(
                    c["x1"] for c in flat)
            else:
                gap, up_gap = min(c["top"] for c in chars) - top, min(c["x0"] for c in flat) - 28 * MM
            assert abs(gap - up_gap) <= 0.5 * MM, (gap / MM, up_gap / MM)
            number_offsets.append(abs(gap - up_gap) / MM)
            assert abs(gap - 14) <= 1.5  # one 4号 字
        expected = [f"第{k}区" for k in range(1, districts + 1)] if districts > 3 else \
            ["甲区", "乙县", "丙县"]
        assert seen == expected  # every row once, whole, in order
        assert "合计" in (turned[-1].extract_text() or "")
        # headings with a unit in brackets: the unit whole on its own line (培训 over （人次）)
        words = [w["text"] for pg in pages for w in pg.extract_words() if w["upright"]]
        assert {"（人次）", "（场次）", "（万元）"} <= set(words)
        assert not any(w.startswith(("次）", "元）", "人次）")) for w in words)
    report_figure(f"landscape 附表, {districts} districts: {len(pages)} pages predicted and printed, "
                  f"{len(turned)} landscape; table edges off the turned type area by at most "
                  f"{max(abs(o) for o in offsets):.2f} mm; page numbers off the turned upright place by at "
                  f"most {max(number_offsets):.2f} mm")


def test_a_landscape_table_in_a_project_that_contradicts_the_stated_total_stops(tmp_path: Path) -> None:
    project = copy_project(ROLLUP, tmp_path)
    edit_file(project / "districts" / "1-jia-2020.yaml", "  party_orgs: 9 ", "  party_orgs: 九 ")
    code, stdout, stderr = run_cli("build", str(project), "-o", str(tmp_path / "out"))
    assert_clean_failure(code, stdout, stderr)
    assert "党组织（个）" in stderr and "九" in stderr


def test_preview_draws_a_landscape_page_wide_and_short() -> None:
    from reportgen.writers.text import render_pages, render_text

    laid = plan(parse(_wide(40)))
    pages = render_pages(laid)
    turned = sorted({i.page for i in laid.items if i.landscape})
    assert [len(page) == 15 for page in pages] == [n in turned for n in range(1, laid.pages + 1)]
    text = render_text(laid)
    assert f"— {turned[0]} —（横排）" in text
    # the table's lines span the landscape frame (80 columns), the title and headings on every page
    for n in turned[1:]:
        assert pages[n - 1][0].strip() == "表1 各县区主要数字"
        assert "第" in pages[n - 1][3]
    frames = [line for line in text.splitlines() if line.startswith("┌")]
    assert {len(f) for f in frames} == {2 + 56 + 2, 2 + 80 + 2}


@pytest.mark.render
def test_upright_pages_and_the_colophon_after_landscape_pages(tmp_path: Path) -> None:
    """After the landscape pages the 版记 starts an upright page: LibreOffice prints the predicted
    pages, numbers every page before it on its side, and none on a blank page before the 版记."""
    import shutil

    import pdfplumber

    from reportgen.writers.pdf import convert

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not on PATH")
    files, laid = [], {}
    for rows in (30, 40):  # the landscape run ends on an even page (a blank page follows), on an odd one
        doc = parse(_wide(rows))
        laid[rows] = plan(doc)
        path = tmp_path / f"{rows}.docx"
        path.write_bytes(write_docx(laid[rows], doc))
        files.append(path)
    convert(files, tmp_path / "pdf")
    for rows, p in laid.items():
        assert p.colophon is not None
        with pdfplumber.open(tmp_path / "pdf" / f"{rows}.pdf") as pdf:
            assert len(pdf.pages) == p.pages, rows
            turned = {i.page for i in p.items if i.landscape}
            assert {pg.page_number for pg in pdf.pages if pg.width > pg.height} == turned
            for pg in pdf.pages:
                chars = sorted(_number_chars(pg), key=lambda c: (c["top"], c["x0"]))
                numbered = "".join(c["text"] for c in chars)
                silent = p.colophon.blank_page_before and pg.page_number >= p.pages - 1
                assert numbered == ("" if silent else f"—{pg.page_number}—"), (rows, pg.page_number)
            assert "抄送" in (pdf.pages[-1].extract_text() or "")
        assert p.colophon.blank_page_before == (rows == 30)


def test_a_landscape_table_in_the_body_has_pages_of_its_own() -> None:
    text = ("---\ntitle: 关于报送统计表的通知\nsignature: 示例市网信办\ndate: 2020-12-20\n---\n"
            "情况如下。\n\n::: 表 表1 各县区\n::: 横排\n| 县区 | 企业 |\n|---|---:|\n| 甲区 | 12 |\n\n"
            "请核对。\n")
    doc = parse(text)
    laid = plan(doc)
    rows = [i for i in laid.items if i.grid is not None]
    after = laid.items[laid.items.index(rows[-1]) + 1]
    assert rows[0].page == 2 and rows[0].row == 1 and after.page == 3 and after.row == 1
    assert not any(i.landscape for i in laid.items if i.grid is None)
    root = _xml(write_docx(laid, doc))
    orient = [s.find(f"{W}pgSz").get(f"{W}orient") for s in root.iter(f"{W}sectPr")]
    assert orient == [None, "landscape", None]
    # the paragraphs that end a section take no room (2 twips), so the layout's lines stay exact
    ends = [p for p in root.iter(f"{W}p") if p.find(f"{W}pPr/{W}sectPr") is not None]
    assert [p.find(f"{W}pPr/{W}spacing").get(f"{W}line") for p in ends] == ["2", "2"]
    assert all(not "".join(p.itertext()) for p in ends)


def test_a_bracketed_unit_in_a_heading_is_not_split() -> None:
    from reportgen.layout import cell_lines, lay_table

    assert cell_lines("培训（人次）", 4.5) == (["培训", "（人次）"], 2)
    assert cell_lines("培训（人次）", 6.5) == (["培训（人次）"], None)  # fits: one line
    assert cell_lines("直播带货（场次）", 6.5) == (["直播带货", "（场次）"], 4)
    assert cell_lines("直播带货（场次）", 4.2) == (["直播带货", "（场次）"], None)  # broken there anyway
    assert cell_lines("甲乙丙丁戊己", 3)[1] is None  # no bracket: as before
    # the example's upright 附表: six columns at 三号, the units on lines of their own
    doc = parse("正文。\n\n| 序号 | 县区 | 企业（户） | 党员（人） | 培训（人次） | 直播带货（场次） |\n"
                "|---|---|---|---|---|---|\n| 1 | 甲区 | 12 | 31 | 140 | 1210 |\n")
    [tbl] = [b for b in doc.blocks if not hasattr(b, "runs")]
    grid = lay_table(tbl, spec.DEFAULT_STYLE)
    for lines in grid.lines[0]:
        assert not any(line.startswith(("人", "次", "场", "）")) for line in lines), lines
    data = write_docx(plan(doc), doc)
    cells = [tc for tc in _xml(data).iter(f"{W}tc")]
    broken = ["".join(t.text or "" if t.tag == f"{W}t" else "⏎" for t in tc.iter(f"{W}t", f"{W}br"))
              for tc in cells[:6]]
    assert all("⏎" not in b or b.split("⏎")[1].startswith("（") for b in broken), broken


def test_the_reader_knows_a_table_on_a_landscape_page(tmp_path: Path) -> None:
    from reportgen.check import read_document

    doc = parse(_wide(5))
    path = tmp_path / "wide.docx"
    path.write_bytes(write_docx(plan(doc), doc))
    read = read_document(path)
    [tbl] = read.document.attachments[0].blocks
    assert tbl.landscape is True and tbl.title == "表1 各县区主要数字"
    narrow = parse(_wide(5, turn="::: 竖排\n"))
    path.write_bytes(write_docx(plan(narrow), narrow))
    assert read_document(path).document.attachments[0].blocks[0].landscape is None


@pytest.mark.render
def test_every_row_lands_on_its_predicted_landscape_page_at_each_table_size(
        tmp_path: Path, report_figure) -> None:  # type: ignore[no-untyped-def]
    import shutil

    import pdfplumber

    from reportgen.writers.pdf import convert

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not on PATH")
    doc = parse(_wide(40))
    predicted: dict[float, dict[str, int]] = {}
    files = []
    for size in (16.0, 14.0, 12.0):
        laid = plan(doc, spec.Style(table_size=size))
        predicted[size] = {i.text.split("　")[1]: i.page for i in laid.items
                           if i.grid is not None and "第" in i.text}
        path = tmp_path / f"{size:g}.docx"
        path.write_bytes(write_docx(laid, doc))
        files.append(path)
    convert(files, tmp_path / "pdf")
    for size, rows in predicted.items():
        printed: dict[str, int] = {}
        with pdfplumber.open(tmp_path / "pdf" / f"{size:g}.pdf") as pdf:
            for page in pdf.pages:
                for word in page.extract_words():
                    if re.fullmatch(r"第\d+区", word["text"]):
                        printed[word["text"]] = page.page_number
        assert printed == rows, size
    report_figure("landscape 40-row table at 三号, 四号, 小四: every row on its predicted page (3 × 40)")
