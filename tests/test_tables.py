"""Tables: the markup form, table() over the data, the layout on the grid, the .docx, the preview,
and the rollup example's 附表 rendered by LibreOffice and measured with pdfplumber."""

from __future__ import annotations

import re
import zipfile
from itertools import pairwise
from pathlib import Path

import pytest
from conftest import (
    ROLLUP,
    W,
    assert_clean_failure,
    body_texts,
    build_pdf,
    copy_project,
    edit_file,
    norm,
    rollup_with,
    run_cli,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from reportgen import landscape, spec
from reportgen.errors import MarkupError, TemplateError
from reportgen.layout import can_break, cells, least_width, plan, units
from reportgen.markup import escape, parse
from reportgen.model import MERGE_LEFT, MERGE_UP, plain
from reportgen.tables import table
from reportgen.writers.docx import write_docx
from reportgen.writers.text import render_pages

GROUPED = """\
::: 表 表1 各县区情况
| 序号 | 县区 | 企业党建 | < |
| ^ | ^ | 企业（户） | 党员（人） |
|:---:|---|---:|---:|
{rows}
| 合计 | < | 100 | 200 |
"""


def _doc(rows: int = 3, before: str = "正文。", after: str = "后文。", style: spec.Style | None = None):
    body = "\n".join(f"| {k} | 某某县区{k} | {k * 3} | {k * 17} |" for k in range(1, rows + 1))
    text = f"---\ntitle: 测试\n---\n{before}\n\n{GROUPED.format(rows=body)}\n{after}\n"
    doc = parse(text)
    return doc, plan(doc, style)


def _cells(t) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[plain(c) for c in row] for row in t.rows]


# ------------------------------------------------------------------------------- markup

def test_markup_reads_header_rows_alignment_merges_title_and_widths() -> None:
    rows = GROUPED.split("\n", 1)[1].format(rows="| 1 | 甲区 | 12 | 31 |")
    doc = parse("::: 表 表2 标题\n::: 列宽 2 4 3 3\n" + rows)
    [t] = doc.blocks
    assert t.title == "表2 标题" and t.widths == [2, 4, 3, 3] and t.header_rows == 2
    assert t.align == ["center", "", "right", "right"]
    assert t.merges == {(0, 3): MERGE_LEFT, (1, 0): MERGE_UP, (1, 1): MERGE_UP, (3, 1): MERGE_LEFT}
    assert _cells(t)[2] == ["1", "甲区", "12", "31"]


@pytest.mark.parametrize("value", ["<", "^", " < ", "|", "a|b", "**x**", "::: 表 x", "::: 列宽 1", "\\<"])
def test_a_value_in_a_cell_prints_as_itself(value: str) -> None:
    doc = parse(f"| 头 | 值 |\n|---|---|\n| x | {escape(value)} |\n")
    [t] = doc.blocks
    assert _cells(t)[1] == ["x", value.strip()] and not t.merges


@pytest.mark.parametrize(("text", "line", "message"), [
    ("| < | a |\n|---|---|\n| 1 | 2 |\n", 3, "first column has nothing to merge with"),
    ("| a | b |\n| ^ | a |\n|---|---|\n| 1 | 2 |\n", None, ""),
    ("| ^ | a |\n|---|---|\n| 1 | 2 |\n", 3, "first row has nothing to merge with"),
    ("::: 列宽 1 2 3\n| a | b |\n|---|---|\n| 1 | 2 |\n", 3, "must give 2 positive number"),
    ("::: 列宽 1 x\n| a | b |\n|---|---|\n| 1 | 2 |\n", 3, "must give 2 positive number"),
    ("::: 列宽 0 1\n| a | b |\n|---|---|\n| 1 | 2 |\n", 3, "must give 2 positive number"),
    ("::: 表 标题\n\n正文\n", 3, "must be followed by the table's | rows"),
    ("| a | b |\n|---|---|---|\n| 1 | 2 |\n", 3, "|---| row has 3 cell(s)"),
    ("| a | b |\n|---|---|\n| 1 |\n", 5, "table row has 1 cell(s)"),
    ("| a | b |\n|---|---|\n| **1 | 2 |\n", 5, "unclosed **"),
    ("| A | < |\n| ^ | x |\n|---|---|\n| 1 | 2 |\n", 4, "breaks a merged cell's rectangle"),
    ("| A | B |\n| ^ | < |\n|---|---|\n| 1 | 2 |\n", 3, "column 2 of this row breaks a merged"),
    ("::: 表 a\n::: 表 b\n| a |\n|---|\n| 1 |\n", 4, "a second '::: 表 b' line for one table"),
    ("::: 列宽 1\n::: 列宽 2\n| a |\n|---|\n| 1 |\n", 4, "a second '::: 列宽 2' line"),
])
def test_bad_table_markup_is_named_with_its_line(text: str, line: int | None, message: str) -> None:
    if line is None:  # the control case: a ^ under a heading cell is fine, so is a 2 × 2 block
        assert parse("正文。\n\n" + text).blocks[1].merges == {(1, 0): MERGE_UP}
        block = parse("| A | < |\n| ^ | ^ |\n|---|---|\n| 1 | 2 |\n").blocks[0]
        assert block.merges == {(0, 1): MERGE_LEFT, (1, 0): MERGE_UP, (1, 1): MERGE_UP}
        return
    with pytest.raises(MarkupError) as info:
        parse("正文。\n\n" + text, "t.md")
    assert message in str(info.value) and f"t.md:{line}" in str(info.value)


def test_a_paragraph_right_above_a_table_title_stays_a_paragraph() -> None:
    doc = parse("正文。\n::: 表 标题\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "Table"]
    assert doc.blocks[1].title == "标题"


# ------------------------------------------------------------------------------ table()

ROWS = [{"name": "甲区", "n": 12, "m": {"x": 31}, "r": 0.1},
        {"name": "乙县", "n": 9, "m": {"x": 22}, "r": 0.2},
        {"name": "丙县", "n": 6, "m": {"x": 17}, "r": "—"}]
COLS = [{"key": "name", "head": "县区"}, {"key": "n", "head": "企业（户）", "group": "企业党建"},
        {"key": "m.x", "head": "党员（人）", "group": "企业党建"}, {"key": "r", "head": "比率"}]


def _table(rows=ROWS, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("columns", COLS)
    return parse(str(table(rows, **kw))).blocks[0]


def test_table_from_rows_two_row_header_number_and_exact_totals() -> None:
    t = _table(number=True, total="合计", title="表1 情况")
    assert t.title == "表1 情况" and t.header_rows == 2
    assert _cells(t)[0] == ["序号", "县区", "企业党建", "", "比率"]
    assert _cells(t)[1] == ["", "", "企业（户）", "党员（人）", ""]
    assert _cells(t)[2:5] == [["1", "甲区", "12", "31", "0.1"], ["2", "乙县", "9", "22", "0.2"],
                              ["3", "丙县", "6", "17", "—"]]
    assert _cells(t)[5] == ["合计", "", "27", "70", "0.3"]  # 0.1 + 0.2 exactly; — adds nothing
    assert t.merges[5, 1] == MERGE_LEFT and t.merges[1, 0] == MERGE_UP
    assert t.align == ["center", "left", "right", "right", "right"]


def test_table_sorts_and_words_figures_with_filters() -> None:
    cols = [*COLS[:2], {"key": "m.x", "head": "党员", "filter": ["wan", 3]}]
    t = _table(columns=cols, sort="-n", total="合计")
    assert [row[0] for row in _cells(t)[2:5]] == ["甲区", "乙县", "丙县"]
    t = _table(columns=cols, sort="n")
    assert [row[0] for row in _cells(t)[2:]] == ["丙县", "乙县", "甲区"]
    t = _table(columns=cols, sort=["name"], total="合计")
    assert [row[0] for row in _cells(t)[2:5]] == sorted(["甲区", "乙县", "丙县"])
    assert _cells(t)[-1] == ["合计", "27", "0.007万"]


def test_table_with_given_widths_and_alignment() -> None:
    cols = [{**COLS[0], "width": 4, "align": "center"}, {**COLS[1], "width": 3}]
    t = _table(columns=cols, number=True)
    assert t.widths == [2, 4, 3] and t.align == ["center", "center", "right"]
    t = _table(columns=cols[:2], widths=[1, 2, 3], number=True)
    assert t.widths == [1, 2, 3]


def test_stated_totals_are_checked() -> None:
    assert _cells(_table(total="合计", stated={"n": 27, "m": {"x": 70}}))[-1][1:3] == ["27", "70"]
    with pytest.raises(TemplateError) as info:
        table(ROWS, columns=COLS, total="合计", stated={"n": 28})
    assert ("the 合计 of column '企业（户）' is 27 (the sum of 3 rows) but the data states n: 28"
            in str(info.value))


@pytest.mark.parametrize(("rows", "kw", "message"), [
    ([{"name": "甲区", "n": 1, "m": {"x": 1}, "r": 1}, {"name": "乙县", "m": {"x": 1}, "r": 1}], {},
     "row 2 (乙县), column '企业（户）': rows[1].n is missing"),
    ([{"name": "甲区", "n": 1, "m": {}, "r": 1}], {},
     "row 1 (甲区), column '党员（人）': rows[0].m.x is missing"),
    ([{"name": "甲区", "n": [1], "m": {"x": 1}, "r": 1}], {}, "row 1 (甲区), column '企业（户）'"),
    ([{"name": "甲区", "n": 1, "m": {"x": 1}, "r": 1}, {"name": "乙县", "n": "一", "m": {"x": 1}, "r": 1}],
     {"total": "合计"}, "row 2 (乙县), column '企业（户）': '一' is not a figure"),
    ([{"name": "甲\n区", "n": 1, "m": {"x": 1}, "r": 1}], {}, "has a line break"),
    (ROWS, {"sort": "nope"}, "rows[0].nope is missing"),
    ([{"name": "甲", "n": 1, "m": {"x": 1}, "r": 1}, {"name": "乙", "n": "x", "m": {"x": 1}, "r": 1}],
     {"sort": "n"}, "some rows give a figure and some text"),
    ("甲区", {}, "must be a list of mappings"),
    ([1, 2], {}, "row 1 is 1, not a mapping"),
    (ROWS, {"columns": []}, "columns must list at least one column"),
    (ROWS, {"columns": [5]}, "columns[0] must be a mapping"),
    (ROWS, {"columns": [{"head": "x"}]}, "columns[0] names no key"),
    (ROWS, {"columns": [{"key": "n", "colour": "red"}]}, "unknown option 'colour'"),
    (ROWS, {"columns": [{"key": "n", "filter": "nope"}]}, "'nope' is not a filter"),
    (ROWS, {"columns": [{"key": "name"}, {"key": "r", "filter": "cn_num"}]}, "row 1 (甲区), column 'r'"),
    (ROWS, {"columns": [{"key": "n", "sum": "yes"}]}, "sum must be true or false"),
    (ROWS, {"columns": [{"key": "n", "align": "middle"}]}, "align must be left, center or right"),
    (ROWS, {"columns": [{"key": "n", "width": 0}]}, "width must be a positive number"),
    (ROWS, {"columns": [{"key": "n", "width": 2}, {"key": "name"}]}, "given for some columns but not all"),
    (ROWS, {"widths": [1, 2]}, "widths must give 4 positive numbers"),
    (ROWS, {"columns": [{"key": "n"}], "total": "合计"}, "needs a first column that is not summed"),
    (ROWS, {"title": "a\nb"}, "title must be text on one line"),
    (ROWS, {"stated": 5, "total": "合计"}, "stated must be a mapping"),
])
def test_bad_rows_and_columns_name_the_row_and_column(rows, kw, message) -> None:  # type: ignore[no-untyped-def]
    kw.setdefault("columns", COLS)
    with pytest.raises(TemplateError) as info:
        table(rows, **kw)
    assert message in str(info.value)


def _render(root: Path) -> tuple[int, str, str]:
    return run_cli("render", str(root / "t.md.j2"), str(root / "d.yaml"), "-o", str(root / "o.docx"))


def _project(tmp_path: Path, template: str, data: str) -> Path:
    (tmp_path / "t.md.j2").write_text(template, encoding="utf-8")
    (tmp_path / "d.yaml").write_text(data, encoding="utf-8")
    return tmp_path


TEMPLATE = """---
title: 测试
---
正文。

{{ table(rows, columns=[{"key": "name", "head": "县区"}, {"key": "n", "head": "企业（户）"}],
         total="合计", stated=data) }}
"""


def test_in_a_template_the_error_names_the_template_line_and_the_data(tmp_path: Path) -> None:
    root = _project(tmp_path, TEMPLATE, "n: 3\nrows:\n  - {name: 甲区, n: 1}\n  - {name: 乙县, n:}\n")
    code, stdout, stderr = _render(root)
    assert_clean_failure(code, stdout, stderr)
    assert "t.md.j2:6 rows[1].n: table: row 2 (乙县), column '企业（户）': rows[1].n is empty in the data" \
        in stderr
    assert not (root / "o.docx").exists()
    edit_file(root / "d.yaml", "n:}", "n: 1}")
    code, stdout, stderr = _render(root)
    assert_clean_failure(code, stdout, stderr)
    assert "the 合计 of column '企业（户）' is 2 (the sum of 2 rows) but the data states n: 3" in stderr
    edit_file(root / "d.yaml", "n: 3", "n: 2")
    code, _, stderr = _render(root)
    assert code == 0, stderr
    assert body_texts(root / "o.docx")[2:] == ["县区", "企业（户）", "甲区", "1", "乙县", "1", "合计", "2"]


def test_hostile_values_in_the_data_land_in_their_cells(tmp_path: Path) -> None:
    data = 'n: 2\nrows:\n  - {name: "| x | y |", n: 1}\n  - {name: "<", n: 1}\n'
    root = _project(tmp_path, TEMPLATE, data)
    code, _, stderr = _render(root)
    assert code == 0, stderr
    assert body_texts(root / "o.docx")[4:] == ["| x | y |", "1", "<", "1", "合计", "2"]


# ------------------------------------------------------------------------------ layout

def test_columns_fill_the_type_area_and_follow_the_content() -> None:
    _, p = _doc()
    grid = next(i.grid for i in p.items if i.grid is not None)
    assert sum(grid.widths) == spec.TEXT_WIDTH
    assert grid.widths[0] < grid.widths[1]  # 序号 narrower than the names
    doc = parse("::: 列宽 1 3\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    grid = next(i.grid for i in plan(doc).items if i.grid is not None)
    assert sum(grid.widths) == spec.TEXT_WIDTH and abs(grid.widths[1] / grid.widths[0] - 3) < 0.01


def test_a_long_cell_wraps_and_its_row_takes_its_lines() -> None:
    doc = parse("| 名称 | 数 |\n|---|---|\n| " + "很长的名称" * 12 + " | 1 |\n")
    grid = next(i.grid for i in plan(doc).items if i.grid is not None)
    assert grid.heights[1] == len(grid.lines[1][0]) > 1
    assert grid.align[1] == ["left", "right"] and grid.align[0] == ["center", "center"]


@pytest.mark.parametrize("rows", [10, 17, 18, 19, 40, 60])
def test_header_rows_repeat_on_every_page_and_rows_never_split(rows: int) -> None:
    _, p = _doc(rows)
    table_rows = [i for i in p.items if i.grid is not None]
    grid = table_rows[0].grid
    pages = sorted({i.page for i in table_rows})
    for page in pages[1:]:
        first = min((i for i in table_rows if i.page == page), key=lambda i: i.row)
        assert first.row == grid.header_height + 1  # the repeated header above it
    assert all(len({pos[0] for pos in i.positions}) == 1 for i in table_rows)
    assert all(i.positions[-1][1] <= spec.LINES_PER_PAGE for i in table_rows)


def test_a_tall_row_moves_to_the_next_page_whole() -> None:
    tall = "| 99 | " + "很长的名称" * 12 + " | 1 | 2 |"
    doc = parse("正文。\n\n" + GROUPED.format(rows="\n".join(
        [f"| {k} | 县{k} | {k} | {k} |" for k in range(1, 15)] + [tall])))
    p = plan(doc)
    row = next(i for i in p.items if i.grid is not None and i.row_index == 17)
    assert len(row.lines) > 1 and {page for page, _ in row.positions} == {2}
    assert row.row == row.grid.header_height + 1  # under the repeated header


def test_table_size_is_a_house_style_setting() -> None:
    _, p = _doc(style=spec.Style(table_size=14))
    grid = next(i.grid for i in p.items if i.grid is not None)
    assert grid.size == 14
    for bad in (20, 8, True, "四号"):
        with pytest.raises((spec.SettingError, TypeError)):
            spec.Style(table_size=bad)


def test_table_size_from_reportgen_yaml(tmp_path: Path) -> None:
    project = copy_project(ROLLUP, tmp_path)
    config = project / "reportgen.yaml"
    edit_file(config, "documents:", "style:\n  table_size: 17\ndocuments:")
    code, stdout, stderr = run_cli("build", str(project), "-o", str(tmp_path / "out"))
    assert_clean_failure(code, stdout, stderr)
    assert "table_size must be between 10.5 and 16" in stderr
    edit_file(config, "table_size: 17", "table_size: 14")
    code, _, stderr = run_cli("build", str(project), "-o", str(tmp_path / "out"))
    assert code == 0, stderr
    sizes = {el.get(f"{W}val") for el in _xml(next((tmp_path / "out").glob("*.docx"))).iter(f"{W}tbl")
             for el in el.iter(f"{W}sz")}
    assert sizes == {"28"}  # 4号 in every cell


# ------------------------------------------------------------------------------ .docx

def _xml(path_or_bytes):  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(path_or_bytes) as zf:
        return etree.fromstring(zf.read("word/document.xml"))


def test_docx_table_is_ruled_fixed_repeats_its_header_and_never_splits_a_row(tmp_path: Path) -> None:
    doc, p = _doc(5)
    path = tmp_path / "t.docx"
    path.write_bytes(write_docx(p, doc))
    [tbl] = _xml(path).iter(f"{W}tbl")
    assert tbl.find(f"{W}tblPr/{W}tblW").get(f"{W}w") == str(spec.TEXT_WIDTH)
    assert tbl.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"
    rules = tbl.find(f"{W}tblPr/{W}tblBorders")
    assert [(r.tag[len(W):], r.get(f"{W}val")) for r in rules] == [
        (side, "single") for side in ("top", "left", "bottom", "right", "insideH", "insideV")]
    assert sum(int(c.get(f"{W}w")) for c in tbl.iter(f"{W}gridCol")) == spec.TEXT_WIDTH
    rows = tbl.findall(f"{W}tr")
    assert len(rows) == 1 + 2 + 5 + 1  # title, two header rows, five rows, 合计
    assert [r.find(f"{W}trPr/{W}tblHeader") is not None for r in rows] == [True] * 3 + [False] * 6
    assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
    assert rows[0].find(f"{W}tc/{W}tcPr/{W}gridSpan").get(f"{W}val") == "4"  # the title across
    assert [tc.find(f"{W}tcPr/{W}vMerge") is not None for tc in rows[2].findall(f"{W}tc")] == [
        True, True, False, False]
    assert rows[-1].find(f"{W}tc/{W}tcPr/{W}gridSpan").get(f"{W}val") == "2"  # 合计 over 序号 and 县区
    jc = [tc.find(f".//{W}jc").get(f"{W}val") for tc in rows[3].findall(f"{W}tc")]
    assert jc == ["center", "left", "right", "right"]


def test_two_tables_in_a_row_stay_two_tables() -> None:
    doc = parse("| a | b |\n|---|---|\n| 1 | 2 |\n\n| c | d |\n|---|---|\n| 3 | 4 |\n")
    assert len(list(_xml(__import__("io").BytesIO(write_docx(plan(doc), doc))).iter(f"{W}tbl"))) == 2


# ------------------------------------------------------------------------------ preview

def _width(text: str) -> int:
    return round(cells(text) * 2)


def test_preview_draws_the_table_with_aligned_columns_and_repeats_its_header() -> None:
    _, p = _doc(40)
    lines = [line for page in render_pages(p) for line in page if line.startswith("|")]
    rules = [tuple(_width(line[:k]) for k, ch in enumerate(line) if ch == "|") for line in lines]
    assert len({r for r in rules if len(r) == 5}) == 1  # every four-cell row: rules in the same columns
    assert any("某某县区40" in line for line in lines)
    assert sum("序号" in line for line in lines) == len({i.page for i in p.items if i.grid is not None})


# ----------------------------------------------------------------- the rollup example

def _table_cells(path: Path, index: int = -1) -> list[list[str]]:
    tbl = [t for t in _xml(path).iter(f"{W}tbl") if t.find(f".//{W}tblHeader") is not None][index]
    return [["".join(tc.itertext()) for tc in tr.findall(f"{W}tc")] for tr in tbl.findall(f"{W}tr")]


def test_rollup_example_carries_the_districts_table(tmp_path: Path) -> None:
    code, _, stderr = run_cli("build", str(ROLLUP), "-o", str(tmp_path))
    assert code == 0, stderr
    [docx] = tmp_path.glob("*.docx")
    rows = _table_cells(docx, 0)
    assert rows[0] == ["表1 各县区主要数字（示例）"]
    assert rows[1] == ["序号", "县区", "企业党建", "培训和直播带货"]
    assert rows[2] == ["", "", "企业（户）", "党员（人）", "培训（人次）", "直播带货（场次）"]
    assert rows[3:] == [["1", "甲区", "12", "31", "140", "1210"], ["2", "乙县", "9", "22", "96", "870"],
                        ["3", "丙县", "6", "17", "52", "415"], ["合计", "27", "70", "288", "2495"]]
    wide = _table_cells(docx, 1)  # the wide variant, on a landscape page
    assert wide[0] == ["表2 各县区主要数字明细（示例）"]
    assert wide[1] == ["序号", "县区", "企业党建", "培训", "直播带货"]
    assert wide[3:] == [["1", "甲区", "12", "9", "31", "6", "140", "3", "1210", "812.5"],
                        ["2", "乙县", "9", "7", "22", "4", "96", "2", "870", "506.3"],
                        ["3", "丙县", "6", "5", "17", "3", "52", "1", "415", "214.6"],
                        ["合计", "27", "21", "70", "13", "288", "6", "2495", "1533.4"]]
    orient = [s.find(f"{W}pgSz").get(f"{W}orient") for s in _xml(docx).iter(f"{W}sectPr")]
    assert orient == [None, "landscape"]  # upright pages, then the last 附件 across its page
    code, stdout, _ = run_cli("check", str(docx))
    assert code == 0 and "0 个错误" in stdout


def test_one_district_changed_moves_the_total_and_the_text_together(tmp_path: Path) -> None:
    project = copy_project(ROLLUP, tmp_path)
    edit_file(project / "districts" / "2-yi-2020.yaml", "trainees: 96 ", "trainees: 196 ")
    code, _, stderr = run_cli("build", str(project), "-o", str(tmp_path / "out"))
    assert code == 0, stderr
    [docx] = (tmp_path / "out").glob("*.docx")
    rows = _table_cells(docx, 0)
    assert rows[4][4] == "196" and rows[-1] == ["合计", "27", "70", "388", "2495"]
    wide = _table_cells(docx, 1)
    assert wide[4][6] == "196" and wide[-1][5] == "388"
    assert "全年共培训388人次" in "".join(norm(t) for t in body_texts(docx))


def test_a_stated_city_total_that_the_table_contradicts_stops_the_build(tmp_path: Path) -> None:
    project = copy_project(ROLLUP, tmp_path)
    template = project / "rollup.md.j2"
    edit_file(template, "stated=data,", 'stated={"registry": {"party_members": 71}},')
    code, stdout, stderr = run_cli("build", str(project), "-o", str(tmp_path / "out"))
    assert_clean_failure(code, stdout, stderr)
    assert "rollup.md.j2:" in stderr and "the 合计 of column '党员（人）' is 70" in stderr
    assert "states registry.party_members: 71" in stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.docx"))


@pytest.mark.render
def test_a_table_across_pages_prints_as_offices_print_it(tmp_path: Path) -> None:
    """60 districts: LibreOffice's pages are the predicted ones; every page of the table starts
    with its title and header rows, no row is split, the rules stand on the type area's edges."""
    import pdfplumber
    from pdfmeasure import AREA_BOTTOM, AREA_LEFT, AREA_RIGHT, to_mm

    project = rollup_with(tmp_path, 60)
    predicted, pdf_path = build_pdf(project, tmp_path / "out")
    with pdfplumber.open(pdf_path) as pdf:
        assert len(pdf.pages) == predicted
        table_pages = [pg for pg in pdf.pages if "表1" in (pg.extract_text() or "")]
        assert len(table_pages) >= 3
        seen: list[str] = []
        for pg in table_pages:
            words = pg.extract_words()
            tops = sorted({round(w["top"]) for w in words})
            texts = [w["text"] for w in words]
            start = texts.index("表1")
            assert start == 0 or pg is table_pages[0], texts[:4]  # continued: the title heads the page
            assert texts[start + 1] == "各县区主要数字（示例）"
            assert {"企业党建", "培训和直播带货", "序号", "县区"} <= set(texts[start : start + 12])
            by_line: dict[int, list[str]] = {}
            for w in words:
                by_line.setdefault(round(w["top"]), []).append(w["text"])
            for top in tops:
                line = by_line[top]
                if re.fullmatch(r"\d+", line[0]) and len(line) >= 2 and line[1].startswith("第"):
                    assert len(line) == 6, line  # 序号, 县区 and four figures: the row is whole
                    seen.append(line[1])
            verticals = [e for e in pg.lines + pg.rects if abs(e["x0"] - e["x1"]) < 1.5]
            left = min(e["x0"] for e in verticals)
            right = max(e["x1"] for e in verticals)
            assert abs(to_mm(left - AREA_LEFT)) <= 0.5 and abs(to_mm(right - AREA_RIGHT)) <= 0.5
            bottom = max(e["bottom"] for e in pg.lines + pg.rects)
            assert bottom <= AREA_BOTTOM + 1
        assert seen == [f"第{k}区" for k in range(1, 61)]  # every row once, none split or lost
        assert "合计" in table_pages[-1].extract_text()


COLOPHON = """---
title: 关于报送统计表的通知
to: 各县区委网信办
cc: [市委组织部, 市财政局]
printer: 示例市委网信办
print_date: 2020-12-20
---
{before}

{table}

请认真核对。
"""


@pytest.mark.render
def test_pages_and_the_colophon_stay_exact_with_tables(tmp_path: Path) -> None:
    """Tables of several lengths, sizes and row heights: LibreOffice prints the predicted number
    of pages, and the 版记's last rule stands on the type area's bottom edge of an even page."""
    import shutil

    import pdfplumber
    from pdfmeasure import AREA_LEFT, horizontal_rules, text_lines, to_mm

    from reportgen.writers.pdf import convert

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not on PATH")
    cases = {"20-rows": (20, 16.0, 1), "45-rows": (45, 16.0, 3), "60-rows-4hao": (60, 14.0, 1),
             "33-tall-rows": (33, 16.0, 9), "12-rows": (12, 14.0, 14), "no-table": (0, 16.0, 3)}
    predicted: dict[str, int] = {}
    names: dict[str, list[str]] = {}  # the predicted lines of the 县区 cells, row after row
    columns: dict[str, tuple[float, float]] = {}
    files = []
    for name, (rows, size, before) in cases.items():
        tall = ["很长的县区名称用来折行" * (k % 3) for k in range(rows)] if "tall" in name else [""] * rows
        body = "\n".join(f"| {k + 1} | 某县区{k + 1}{tall[k]} | {k * 3} | {k * 17} |" for k in range(rows))
        text = COLOPHON.format(before="\n\n".join(["为做好统计工作，现将有关数字报送如下。"] * before),
                               table=GROUPED.format(rows=body) if rows else "")
        doc = parse(text)
        laid = plan(doc, spec.Style(table_size=size))
        predicted[name] = laid.pages
        grid = next((i.grid for i in laid.items if i.grid is not None), None)
        if grid is not None:
            names[name] = [line for r in range(grid.header_rows, len(grid.heights))
                           for line in grid.lines[r][1]]
            left = AREA_LEFT + grid.widths[0] / 20
            columns[name] = (left, left + grid.widths[1] / 20)
        path = tmp_path / f"{name}.docx"
        path.write_bytes(write_docx(laid, doc))
        files.append(path)
    convert(files, tmp_path / "pdf")
    bottoms: dict[str, float] = {}
    for name, pages in predicted.items():
        with pdfplumber.open(tmp_path / "pdf" / f"{name}.pdf") as pdf:
            assert len(pdf.pages) == pages, name
            assert pages % 2 == 0
            assert "抄送" in (pdf.pages[-1].extract_text() or "")
            bottoms[name] = to_mm(horizontal_rules(pdf.pages[-1])[-1]["y"])
            if name in names:  # every line of every name cell breaks where the layout said
                x0, x1 = columns[name]
                printed = []
                for page in pdf.pages:
                    rules = [e for e in page.lines + page.rects if abs(e["x0"] - e["x1"]) < 1.5]
                    if rules:  # the table's part of the page
                        box = (x0, min(e["top"] for e in rules), x1, max(e["bottom"] for e in rules))
                        printed += [line.text for line in text_lines(page.within_bbox(box))]
                assert [t for t in printed if t not in ("县区", "合计")] == names[name], name
    # The 版记's last rule: where it stands without a table (the rows' slack, test_render_pdf), ±0.3 mm.
    control = bottoms.pop("no-table")
    assert control == pytest.approx(262, abs=2)
    assert all(abs(y - control) <= 0.3 for y in bottoms.values()), (control, bottoms)


SIGNED = """---
title: 关于报送统计表的报告
to: 市委网信办
signature: 示例市委网信办
date: 2020-12-20
---
为做好统计工作，现将有关数字报送如下。

{table}
"""


@pytest.mark.render
def test_every_row_and_the_signature_fall_on_the_predicted_page(tmp_path: Path) -> None:
    """A table ending near a page's foot, then the signature: the last row goes over with the
    signature (never a page with only a signature), under the repeated header; each row of
    each variant is on the page the layout predicts."""
    import shutil

    import pdfplumber

    from reportgen.writers.pdf import convert

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not on PATH")
    predicted: dict[int, dict[str, int]] = {}
    files = []
    for rows in range(10, 19):
        body = "\n".join(f"| {k} | 某县区{k} | {k * 3} | {k * 17} |" for k in range(1, rows + 1))
        doc = parse(SIGNED.format(table=GROUPED.format(rows=body)))
        laid = plan(doc)
        pages = {plain(i.grid.table.rows[i.row_index][1]): i.page
                 for i in laid.items if i.grid is not None and i.row_index >= i.grid.header_rows}
        pages["合计"] = pages.pop("")
        pages["示例市委网信办"] = next(i.page for i in laid.items if i.role == "signature")
        predicted[rows] = pages
        (tmp_path / f"{rows}.docx").write_bytes(write_docx(laid, doc))
        files.append(tmp_path / f"{rows}.docx")
    convert(files, tmp_path / "pdf")
    moved = 0
    for rows, pages in predicted.items():
        with pdfplumber.open(tmp_path / "pdf" / f"{rows}.pdf") as pdf:
            words = [{w["text"] for w in page.extract_words()} for page in pdf.pages]
        printed = {text: next(k for k, found in enumerate(words, 1) if text in found) for text in pages}
        assert printed == pages, rows
        moved += pages["合计"] != pages["某县区1"]
    assert moved >= 3  # the cases where the last row goes over with the signature


def test_a_value_missing_from_a_district_file_names_that_file(tmp_path: Path) -> None:
    project = copy_project(ROLLUP, tmp_path)
    yi = project / "districts" / "2-yi-2020.yaml"
    edit_file(yi, "name: 乙县", "# name: 乙县")
    template = project / "rollup.md.j2"  # the text's own uses of the name go first
    template.write_text(template.read_text(encoding="utf-8").replace("{{ d.name }}", ""), encoding="utf-8")
    code, stdout, stderr = run_cli("build", str(project), "-o", str(tmp_path / "out"))
    assert_clean_failure(code, stdout, stderr)
    assert f"row 2, column '县区': districts[1].name is missing in {yi}" in stderr
    assert "rollup.md.j2:" in stderr


def test_table_is_also_a_filter(tmp_path: Path) -> None:
    template = TEMPLATE.replace("table(rows, columns", "rows | table(columns")
    root = _project(tmp_path, template, "n: 2\nrows:\n  - {name: 甲区, n: 1}\n  - {name: 乙县, n: 1}\n")
    code, _, stderr = _render(root)
    assert code == 0, stderr
    assert body_texts(root / "o.docx")[-2:] == ["合计", "2"]


EVERY_FORM = """---
title: 测试
cc: [甲]
printer: 乙
print_date: 2020-01-01
---
正文。

| a | b |
| 1 | 2 |

::: 表 表2
::: 列宽 1 2 3
| A | < | B |
| ^ | ^ | C |
|---|:---:|---:|
| 1 | **粗** | 3 |
| x | < | ^ |

::: 附件 附表

::: 表 表3 附表
| 序号 | 名称 |
|---|---|
| 1 | 甲 |
"""


@pytest.mark.parametrize("size", [16, 14, 10.5])
def test_every_table_form_is_schema_valid(tmp_path: Path, size: float) -> None:
    """No header, a 2 × 2 merged block, a merge in a body row, bold, given widths, a table
    last in an attachment, before a 版记: 0 findings on the Office 2007 and 2016 schemas."""
    from openxml_audit import FileFormat, OpenXmlValidator

    doc = parse(EVERY_FORM)
    path = tmp_path / "t.docx"
    path.write_bytes(write_docx(plan(doc, spec.Style(table_size=size)), doc))
    for fmt in (FileFormat.OFFICE_2007, FileFormat.OFFICE_2016):
        result = OpenXmlValidator(file_format=fmt, max_errors=20).validate(str(path))
        assert [str(e) for e in result.errors] == [], fmt
    assert len(list(_xml(path).iter(f"{W}tbl"))) == 4  # three tables and the 版记


CELL = st.text(alphabet="甲乙丙丁县区企业党员（）、，。0123456789.%abcXYZ", min_size=0, max_size=40)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 6).flatmap(lambda n: st.lists(st.lists(CELL, min_size=n, max_size=n),
                                                     min_size=1, max_size=30)),
       st.sampled_from([16.0, 14.0, 12.0]))
def test_any_table_fills_the_type_width_and_its_lines_fit_their_cells(rows, size) -> None:  # type: ignore[no-untyped-def]
    text = "\n".join("| " + " | ".join(escape(c) or "—" for c in row) + " |" for row in rows)
    doc = parse("正文。\n\n| " + " | ".join(f"列{k}" for k in range(len(rows[0]))) + " |\n|"
                + "---|" * len(rows[0]) + "\n" + text + "\n")
    style = spec.Style(table_size=size)
    laid = plan(doc, style)
    grid = next(i.grid for i in laid.items if i.grid is not None)
    turned = next(i.landscape for i in laid.items if i.grid is not None)
    # A table whose words and numbers cannot fit the upright page goes on landscape pages.
    assert turned == (least_width(grid.table, size) > spec.TEXT_WIDTH)
    assert sum(grid.widths) == (landscape.text_width(style) if turned else spec.TEXT_WIDTH)
    from reportgen.layout import _text_cells

    for (r, c), _span in grid.spans.items():
        room = _text_cells(grid.widths[c], size)
        # A line may overflow only where it offers no place to break (a character and the
        # punctuation that cannot start a line, in a column squeezed by long numbers beside it).
        assert all(cells(line) <= room + 1e-9 or not any(can_break(a, b) for a, b in pairwise(units(line)))
                   for line in grid.lines[r][c])
        assert "".join(grid.lines[r][c]) == plain(grid.table.rows[r][c])
        assert len(grid.lines[r][c]) <= grid.heights[r]
    items = [i for i in laid.items if i.grid is not None]
    room = 15 if turned else 22
    assert all(len({page for page, _ in i.positions}) == 1 for i in items if len(i.lines) <= room)


VILLAGES = [{"c": c, "n": n, "v": v} for c, n, v in (
    ("甲县", "一村", 1), ("乙县", "二村", 2), ("甲县", "三村", 3), ("乙县", "四村", 4), ("丙县", "五村", 5))]
VILLAGE_COLUMNS = [{"key": "c", "head": "县"}, {"key": "n", "head": "村"}, {"key": "v", "head": "数"}]


@pytest.mark.parametrize(("kw", "order", "merged"), [
    ({}, ["一村", "三村", "二村", "四村", "五村"], {(3, 2), (5, 2)}),
    ({"sort": "-v"}, ["五村", "四村", "二村", "三村", "一村"], {(4, 2), (6, 2)}),
    ({"sort": "n"}, ["一村", "三村", "二村", "四村", "五村"], {(3, 2), (5, 2)}),
])
def test_group_by_brings_a_groups_rows_together_and_merges_its_cell(kw, order, merged) -> None:  # type: ignore[no-untyped-def]
    t = _table(VILLAGES, columns=VILLAGE_COLUMNS, number=True, total="合计", group_by="c", **kw)
    assert [row[2] for row in _cells(t)[1:6]] == order
    assert {k for k, mark in t.merges.items() if mark == MERGE_UP} == {(r - 1, c - 1) for r, c in merged}
    assert _cells(t)[-1] == ["合计", "", "", "15"]
    grid = next(i.grid for i in plan(parse(str(table(VILLAGES, columns=VILLAGE_COLUMNS, group_by="c"))))
                .items if i.grid is not None)
    assert grid.spans[1, 0] == (2, 1)  # 甲县 over its two rows


def test_group_by_must_name_a_column() -> None:
    with pytest.raises(TemplateError, match="group_by 'x' must be the key of one of the columns"):
        table(VILLAGES, columns=VILLAGE_COLUMNS, group_by="x")


def test_subtotals_per_group_and_the_total_over_the_rows_only() -> None:
    t = _table(VILLAGES, columns=VILLAGE_COLUMNS, number=True, total="合计", group_by="c", subtotal="小计")
    assert _cells(t)[1:] == [
        ["1", "甲县", "一村", "1"], ["2", "", "三村", "3"], ["", "", "小计", "4"],
        ["3", "乙县", "二村", "2"], ["4", "", "四村", "4"], ["", "", "小计", "6"],
        ["5", "丙县", "五村", "5"], ["", "", "小计", "5"], ["合计", "", "", "15"]]
    grid = next(i.grid for i in plan(parse(str(table(
        VILLAGES, columns=VILLAGE_COLUMNS, group_by="c", subtotal="小计")))).items if i.grid is not None)
    assert grid.spans[1, 0] == (3, 1)  # 甲县 over its two rows and their 小计
    exact = [{"c": "甲", "n": "一", "v": 0.1}, {"c": "甲", "n": "二", "v": 0.2}]
    last = _cells(_table(exact, columns=VILLAGE_COLUMNS, group_by="c", subtotal="小计"))[-1]
    assert last == ["", "小计", "0.3"]


@pytest.mark.parametrize(("kw", "message"), [
    ({"subtotal": "小计"}, "subtotal needs group_by"),
    ({"subtotal": "小计", "group_by": "n"}, "need a column after the group_by column that is not summed"),
    ({"subtotal": "小\n计", "group_by": "c"}, "subtotal must be text on one line"),
])
def test_bad_subtotals_are_named(kw, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TemplateError, match=message):
        table(VILLAGES, columns=VILLAGE_COLUMNS, **kw)


@pytest.mark.parametrize(("edit", "message"), [
    (("table(rows,", "table(rowz,"), "table: the rows: 'rowz' is not in the data"),
    (('"key": "name"', '"key": name'), "table: columns[0].key: 'name' is not in the data"),
    (("stated=data", "stated=dat"), "table: stated: 'dat' is not in the data"),
    (('total="合计"', "total=label"), "table: total: 'label' is not in the data"),
])
def test_a_misspelt_name_in_the_call_is_named(tmp_path: Path, edit: tuple[str, str], message: str) -> None:
    root = _project(tmp_path, TEMPLATE.replace(*edit), "n: 2\nrows:\n  - {name: 甲区, n: 2}\n")
    code, stdout, stderr = _render(root)
    assert_clean_failure(code, stdout, stderr)
    assert message in stderr and "t.md.j2:6" in stderr
