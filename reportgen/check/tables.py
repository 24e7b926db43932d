"""`check` reads tables: their width, header rows, title, totals, and the fonts and sizes of
their cells.

GB/T 9704 says little about tables beyond the type area and 横排表格 (clause 9); what offices
print and what goes wrong with them is checked here:

* ``table.width``: a table wider than its page's type area prints into the margin (error);
* ``table.header-repeat``: a table with more rows than its page has lines spans pages, and
  without header rows marked to repeat (``w:tblHeader``) its later pages have no headings;
* ``table.title``: a 表N title above the table: one below it, numbers out of order (表1, 表3), or
  a table without a title where the document's other tables have one;
* ``table.total``: a 合计/总计 row whose figure is not the sum of its column (exact decimals) —
  on any document, since a wrong total is where a statistics table hurts most;
* ``table.font`` / ``table.size``: cell text in a 公文 font (仿宋, 黑体, 楷体, 宋体) and at a
  size from 五号 to 三号 (the ``table_size`` range), one size across the body rows; at the
  house style's ``table_size`` when it sets one (``check --project``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from .. import spec
from .classify import font_kind, strip_all
from .docxread import Para

if TYPE_CHECKING:
    from .rules import Checker

TOTAL_LABELS = ("合计", "总计", "共计", "总数", "全市合计", "全省合计", "全县合计")
SUBTOTAL_LABELS = ("小计",)
CELL_FONTS = ("fangsong", "heiti", "kaiti", "songti")
_FIGURE = re.compile(r"[+\-−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[+\-−]?\d+(?:\.\d+)?")
_NOT_APPLICABLE = {"—", "——", "-", "－", "/", ""}
_TITLE = re.compile(r"^表\s*(\d+)")
TABLE_SIZES = (10.5, 16.0)  # 五号 … 三号, as spec.STYLE_RANGES allows for table_size


@dataclass
class _Table:
    number: int
    paras: list[Para]
    cells: dict[tuple[int, int], list[Para]] = field(default_factory=dict)  # (row, column) → paragraphs
    spans: dict[tuple[int, int], int] = field(default_factory=dict)
    rows: int = 0
    columns: int = 0

    def text(self, r: int, c: int) -> str:
        return strip_all("".join(p.text for p in self.cells.get((r, c), [])).replace("\n", ""))

    def first(self, r: int, c: int) -> Para | None:
        found = self.cells.get((r, c))
        return found[0] if found else None

    @property
    def header_rows(self) -> set[int]:
        return {p.row for p in self.paras if p.header_row and p.row is not None}


_LAYOUT_ROLES = frozenset({"cc", "printer", "colophon_other", "organ_mark", "doc_number", "signers",
                           "signature", "date"})


def _tables(checker: Checker) -> list[_Table]:
    by_number: dict[int, _Table] = {}
    for p in checker.view.paras:
        if not p.in_table or p.table is None or p.row is None or p.column is None:
            continue
        table = by_number.setdefault(p.table, _Table(p.table, []))
        table.paras.append(p)
        if not p.merged_up:
            table.cells.setdefault((p.row, p.column), []).append(p)
            table.spans[p.row, p.column] = p.span
        table.rows = max(table.rows, p.row + 1)
        table.columns = max(table.columns, p.column + p.span)
    # Tables that only place a 版头 or 版记 element (a joint organ mark's stack, the 版记's rows,
    # a signature beside its seal) are layout, not tables of the text.
    return [t for _n, t in sorted(by_number.items())
            if not any(checker.role(p).role in _LAYOUT_ROLES for p in t.paras)]


def check_tables(checker: Checker) -> None:
    tables = _tables(checker)
    for table in tables:
        _width(checker, table)
        _header(checker, table)
        _total(checker, table)
        _cells(checker, table)
    _titles(checker, tables)


def _where(table: _Table) -> str:
    return f"表格{table.number + 1} table {table.number + 1}"


def _width(checker: Checker, table: _Table) -> None:
    info = checker.view.tables[table.number] if table.number < len(checker.view.tables) else None
    sec = checker.section(table.paras[0])
    if info is None or info.width is None or not sec.page_width:
        return
    over = info.width - sec.text_width
    if over > spec.PAGE_TOLERANCE_MM * spec.TWIPS_PER_MM:
        checker.add("table.width", f"{_where(table)}：宽 {info.width / spec.TWIPS_PER_MM:.1f} mm，比版心宽 "
                    f"{over / spec.TWIPS_PER_MM:.1f} mm wider than the type area "
                    f"({sec.text_width / spec.TWIPS_PER_MM:.0f} mm)",
                    "表格属性 → 表格 → 指定宽度 不超过版心（列宽相应缩小）；表格太宽时横排（横向页面）",
                    table.paras[0], xml=f"w:tblW w:w<={sec.text_width} w:type=dxa")


def _lines_per_page(checker: Checker, table: _Table) -> int:
    sec = checker.section(table.paras[0])
    top, bottom = sec.margins.get("top"), sec.margins.get("bottom")
    if not sec.page_height or top is None or bottom is None:
        return spec.LINES_PER_PAGE
    return max((sec.page_height - top - bottom) // spec.LINE_PITCH, 1)


def _header(checker: Checker, table: _Table) -> None:
    lines = _lines_per_page(checker, table)
    if table.rows <= lines or table.header_rows:
        return
    checker.add("table.header-repeat", f"{_where(table)}：{table.rows} 行 rows，跨页 spans pages "
                f"（每页至多 {lines} 行 a page holds {lines} lines）但没有标题行重复 no header row repeats",
                "选中表头行 → 表格属性 → 行 → 在各页顶端以标题行形式重复出现", table.paras[0],
                xml="w:trPr/w:tblHeader")


def _figure(text: str) -> Decimal | None:
    """The figure a cell holds, None when it holds anything else (a name, a rate, words)."""
    flat = text.replace(" ", "").replace("\u3000", "")
    if not _FIGURE.fullmatch(flat):
        return None
    try:
        return Decimal(flat.replace(",", "").replace("−", "-"))
    except InvalidOperation:
        return None


def _label(table: _Table, r: int) -> str:
    return next((text for c in range(table.columns) if (text := table.text(r, c))), "")


def _total(checker: Checker, table: _Table) -> None:
    """Each 合计 row against the figures above it (below the header rows and any earlier 合计)."""
    header = table.header_rows or {0}
    start = max(header) + 1
    for r in range(start, table.rows):
        label = _label(table, r).replace(" ", "").replace("\u3000", "")
        if label not in TOTAL_LABELS:
            continue
        body = [k for k in range(start, r) if _label(table, k).replace(" ", "") not in SUBTOTAL_LABELS]
        for c in range(table.columns):
            stated = _figure(table.text(r, c)) if (r, c) in table.cells else None
            if stated is None or not body:
                continue
            texts = [table.text(k, c) for k in body if (k, c) in table.cells]
            if not texts or any("%" in t or "％" in t for t in texts):
                continue
            figures = [_figure(t) for t in texts]
            if any(f is None and t not in _NOT_APPLICABLE for f, t in zip(figures, texts, strict=True)):
                continue  # a column of names or words: no sum
            if sum((f for f in figures if f is not None), Decimal(0)) == stated:
                continue
            total = sum((f for f in figures if f is not None), Decimal(0))
            head = next((table.text(h, c) for h in sorted(header, reverse=True) if table.text(h, c)), "")
            column = f"“{head}”列 column" if head else f"第{c + 1}列 column {c + 1}"
            checker.add("table.total", f"{_where(table)} {column}：{label} {table.text(r, c)}，但上面 "
                        f"{len(texts)} 行之和为 {_plain(total)} the rows above add up to {_plain(total)}",
                        f"核对这一列的数字和{label}", table.first(r, c))
            start = r + 1


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _cells(checker: Checker, table: _Table) -> None:
    """Fonts and sizes of the cell text: one finding per table and cause."""
    header = table.header_rows or {0}
    wrong_fonts: Counter[str] = Counter()
    first_font: dict[str, Para] = {}
    sizes: dict[float, list[Para]] = {}
    for p in table.paras:
        if p.merged_up:
            continue
        for run in p.runs:
            if not re.search(r"[\u3400-\u9fff]", run.text):
                continue
            font = run.fonts["eastAsia"]
            name = checker.view.theme_fonts.get(font.theme) if font.theme else font.name
            if font_kind(name, checker.style) not in CELL_FONTS:
                shown = name or "未指定 unset"
                wrong_fonts[shown] += 1
                first_font.setdefault(shown, p)
        visible = [run for run in p.runs if run.text.strip()]
        if visible and p.row not in header:
            sizes.setdefault(visible[0].size, []).append(p)
    for name, count in wrong_fonts.items():
        more = f"（共 {count} 处 in {count} places）" if count > 1 else ""
        checker.add("table.font", f"{_where(table)}：字体 font {name}，"
                    f"表格文字应为 仿宋、黑体、楷体或宋体{more}",
                    "选中表格 → 字体 → 中文字体 仿宋_GB2312（表头可用黑体）", first_font[name],
                    xml="w:rFonts w:eastAsia")
    low, high = TABLE_SIZES
    house = checker.style.table_size
    if house != spec.BODY_SIZE:  # the house style sets its table size (style: {table_size: 14})
        low = high = house
    for size, paras in sorted(sizes.items()):
        if house != spec.BODY_SIZE and abs(size - house) > spec.SIZE_TOLERANCE_PT:
            checker.add("table.size", f"{_where(table)}：字号 size {size:g} 磅 pt（{len(paras)} 格 cells），"
                        f"本单位表格文字为 {house:g} 磅 the house style's table_size",
                        f"选中表格 → 字体 → 字号 {house:g} 磅", paras[0],
                        xml=f"w:sz w:val={round(house * 2)}")
            continue
        if not low - spec.SIZE_TOLERANCE_PT <= size <= high + spec.SIZE_TOLERANCE_PT:
            checker.add("table.size", f"{_where(table)}：字号 size {size:g} 磅 pt（{len(paras)} 格 cells），"
                        "表格文字应在 五号 10.5 磅 至 三号 16 磅 之间",
                        "选中表格 → 字体 → 字号 四号或三号（与单位规定一致）", paras[0],
                        xml="w:sz w:val=28..32")
    if len(sizes) > 1:
        common = max(sizes, key=lambda k: len(sizes[k]))
        for size, paras in sorted(sizes.items()):
            if size != common and len(paras) < len(sizes[common]) and \
                    low - spec.SIZE_TOLERANCE_PT <= size <= high + spec.SIZE_TOLERANCE_PT:
                checker.add("table.size", f"{_where(table)}：{len(paras)} 格 cells 字号 {size:g} 磅，其余 "
                            f"{common:g} 磅 one size across the table's rows",
                            f"选中表格 → 字体 → 字号 统一为 {common:g} 磅", paras[0],
                            xml=f"w:sz w:val={round(common * 2)}")


def _titles(checker: Checker, tables: list[_Table]) -> None:
    """表N titles: above the table, in order, and on every table once one has one."""
    paras = checker.view.paras
    titles: list[tuple[_Table, str | None]] = []
    for table in tables:
        title = None
        if table.columns > 1 and table.spans.get((0, 0)) == table.columns and table.text(0, 0):
            title = table.text(0, 0)  # a title row across the table (as reportgen writes it)
        else:
            before = _neighbour(paras, table.paras[0].index, -1)
            if before is not None and not before.in_table and (
                    _TITLE.match(strip_all(before.text)) or before.align == "center"):
                title = strip_all(before.text)
        if title is None:
            after = _neighbour(paras, table.paras[-1].index, +1)
            if after is not None and not after.in_table and _TITLE.match(strip_all(after.text)):
                checker.add("table.title", f"{_where(table)}：标题「{strip_all(after.text)[:16]}」在表格下方 "
                            "the title stands below the table", "把表格标题（表N …）移到表格上方，居中",
                            after)
                title = strip_all(after.text)
        titles.append((table, title))
    numbered = [(t, int(m.group(1))) for t, title in titles if title and (m := _TITLE.match(title))]
    for k, (table, number) in enumerate(numbered):
        if number != k + 1:
            checker.add("table.title", f"{_where(table)}：表{number} 应为 表{k + 1} tables numbered in order",
                        f"表格按出现顺序编号：表{k + 1}", table.paras[0])
            break
    if any(title for _t, title in titles):
        for table, title in titles:
            if title is None:
                checker.add("table.title", f"{_where(table)}：没有标题 no title, unlike the document's other "
                            "tables", "在表格上方加标题（表N 名称），居中", table.paras[0])


def _neighbour(paras: list[Para], index: int, step: int) -> Para | None:
    """The nearest non-blank paragraph before (step −1) or after (+1) paragraph ``index``."""
    k = index - 1 + step
    while 0 <= k < len(paras):
        if not paras[k].blank:
            return paras[k]
        k += step
    return None
