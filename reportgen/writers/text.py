"""A laid-out Plan → pages of text for the terminal.

Each page is the 22 × 28 grid: one grid cell is two terminal columns (a CJK character
is two columns wide, a digit one). Lines are broken exactly as the layout predicts
them, and a line stands on the grid row that holds its baseline (a line taller than
one row, like the organ mark, on its last row), as in the printed page. The page
number stands under each page, right on odd pages and left on even ones.
"""

from __future__ import annotations

from collections.abc import Callable

from .. import landscape, spec
from ..layout import Item, Plan, TableGrid, cells

Styler = Callable[[str, str], str]


def _plain(text: str, role: str) -> str:
    return text


def ansi_styler(text: str, role: str) -> str:
    """Colour for the organ mark and rules, bold for titles and headings."""
    if role in ("organ_mark", "red_rule", "letter_head"):
        return f"\x1b[31m{text}\x1b[0m"
    if role in ("title", "attachment_title", "heading1", "heading2", "attachment_label"):
        return f"\x1b[1m{text}\x1b[0m"
    return text


def _place(line: str, item: Item, first: bool, width: float) -> str:
    """Indent/align one printed line within ``width`` cells; returns columns as text."""
    scale = item.size / spec.BODY_SIZE if item.size != spec.BODY_SIZE else 1.0
    used = cells(line) * scale
    if item.align == "center":
        # The screen cannot print larger type: centre what it shows.
        left = max((width - cells(line)) / 2, 0)
    elif item.align == "right":
        left = max(width - used - item.right * scale, 0)
    else:
        indent = item.left + (item.first_line if first else 0)
        left = max(indent * scale, 0)
    return " " * round(left * 2) + line


def turned_pages(plan: Plan) -> set[int]:
    """The landscape pages (横排表格): drawn wider and shorter, as the turned page reads."""
    return {page for item in plan.items if item.landscape for page, _row in item.positions}


def turned_width(plan: Plan) -> float:
    """Cells of 三号 across a landscape page's type area (40 with the standard's margins)."""
    cell = round(spec.BODY_SIZE * spec.TWIPS_PER_PT + spec.BODY_TRACKING)
    return float(landscape.text_width(plan.style) // cell)


def render_pages(plan: Plan, styler: Styler = _plain) -> list[list[str]]:
    """The plan as pages, each a list of 22 terminal lines (blank rows included); a landscape
    page has its 15 lines, as wide as its type area."""
    upright_width = float(plan.style.chars_per_line)
    lines_per_page = plan.style.lines_per_page
    turned = turned_pages(plan)
    pages: list[list[str]] = [
        ["" for _ in range(landscape.lines_per_page(plan.style) if n in turned else lines_per_page)]
        for n in range(1, plan.pages + 1)]
    shown: TableGrid | None = None
    page_of_last_row = 0
    for item in plan.items:
        width = turned_width(plan) if item.landscape else upright_width
        if item.role == "blank":
            continue  # leaves the row empty (and a red rule drawn there intact)
        if item.grid is not None:
            grid = item.grid
            rows = table_lines(grid, int(width * 2))
            page, row = item.positions[0]
            if grid is shown and page != page_of_last_row:  # a new page: the header rows again
                header = [line for r in range(grid.header_rows) for line in rows[r]]
                for k, line in enumerate(header):
                    pages[page - 1][row - 1 - len(header) + k] = styler(line, "table_row")
            for line, (page, row) in zip(rows[item.row_index], item.positions, strict=True):
                pages[page - 1][row - 1] = styler(line, "table_row")
            shown, page_of_last_row = grid, page
            continue
        if item.joint is not None:
            _joint_mark_rows(pages[item.page - 1], item, width, styler, plan.style.letterhead)
            continue
        for index, (line, (page, row)) in enumerate(zip(item.lines, item.positions, strict=True)):
            text = _place(line, item, index == 0, width)
            if item.center_tabs:
                text = _tabbed_line(item)
            elif plan.style.letterhead == "preprinted" and item.role == "organ_mark":
                text = ""  # printed on the paper
            if item.role == "doc_number" or item.role == "signers":
                text = _doc_number_line(item, width)
            base_row = row + item.grid_lines - 1
            pages[page - 1][base_row - 1] = styler(text, item.role)
            if item.red_rule and base_row < lines_per_page and plan.style.letterhead != "preprinted":
                pages[page - 1][base_row] = styler("=" * int(width * 2), "red_rule")
    width = upright_width
    if plan.colophon is not None:
        colophon = plan.colophon
        rows = [line for r in colophon.rows for line in r.lines]
        start = lines_per_page - len(rows)
        page = pages[colophon.page - 1]
        page[start - 1] = "=" * int(width * 2)
        for k, (text, item) in enumerate(zip(rows, [r for r in colophon.rows for _ in r.lines],
                                               strict=True)):
            text = _two_ends(item, width) if item.role == "printer" else _place(text, item, k == 0, width)
            page[start + k] = text
        page.append("=" * int(width * 2))
    return pages


def table_lines(grid: TableGrid, width: int) -> list[list[str]]:
    """Every row of a table as terminal lines: columns aligned (a CJK character is two
    columns wide), each cell's lines as the layout broke them, separated by ``|``."""
    n = len(grid.widths)
    need = [1] * n
    for (r, c), (_rows, cols) in grid.spans.items():
        if cols == 1:
            need[c] = max([need[c], *(round(cells(line) * 2) for line in grid.lines[r][c])])
    room = width - (n + 1)
    if sum(need) < room:  # share what is left like the printed columns share the type width
        extra = room - sum(need)
        share = [w / sum(grid.widths) * extra for w in grid.widths]
        need = [w + int(x) for w, x in zip(need, share, strict=True)]
        need[-1] += room - sum(need)
    out: list[list[str]] = []
    for r, height in enumerate(grid.heights):
        lines = []
        for k in range(height):
            parts = []
            for (r0, c0), (nrows, ncols) in sorted(grid.spans.items(), key=lambda e: e[0][1]):
                if not r0 <= r < r0 + nrows:
                    continue
                span = sum(need[c0 : c0 + ncols]) + ncols - 1
                text = ""
                if r == r0:  # a cell merged down its rows: its text on the first of them
                    cell = grid.lines[r0][c0]
                    lead = max(height - len(cell), 0) // 2
                    if 0 <= k - lead < len(cell):
                        text = cell[k - lead]
                gap = max(span - round(cells(text) * 2), 0)
                align = grid.align[r0][c0]
                left = gap // 2 if align == "center" else gap if align == "right" else 0
                parts.append(" " * left + text + " " * (gap - left))
            if grid.titled and r == 0:
                lines.append(" " + parts[0] + " ")  # the title: no rules beside it
            else:
                lines.append("|" + "|".join(parts) + "|")
        out.append(lines)
    return out


def _joint_mark_rows(page: list[str], item: Item, width: float, styler: Styler, letterhead: str) -> None:
    """Stacked organ marks: a name a row from the item's first row, the suffix (文件) beside
    the middle of the stack (on the upper middle row when the names are even)."""
    joint = item.joint
    assert joint is not None
    if letterhead == "preprinted":
        return
    rows = len(joint.names)
    names = max(cells(name) for name in joint.names)
    block = names + (1 + cells(joint.suffix) if joint.suffix else 0)
    left = max((width - block) / 2, 0)
    for k, name in enumerate(joint.names):
        text = " " * round(left * 2) + name
        if joint.suffix and k == (rows - 1) // 2:
            text += " " * round((names - cells(name) + 1) * 2) + joint.suffix
        page[item.row - 1 + k] = styler(text, "organ_mark")


def _tabbed_line(item: Item) -> str:
    """A line whose segments each stand centred on a tab stop (joint signatures)."""
    out = ""
    for seg, stop in zip(item.segs, item.center_tabs, strict=True):
        start = max(stop - cells(seg.text) / 2, cells(out) + 0.5 if out else 0.0)
        out += " " * max(round(start * 2) - _columns(out), 1 if out else 0) + seg.text
    return out


def _two_ends(item: Item, width: float) -> str:
    left = item.segs[0].text
    right = item.segs[-1].text
    scale = item.size / spec.BODY_SIZE
    gap = width - (cells(left) + cells(right) + 2) * scale
    return "  " + left + " " * max(round(gap * 2), 1) + right


def _doc_number_line(item: Item, width: float) -> str:
    if item.tab_pos is not None:
        # 文号 (居左空一字) and/or 签发人 names from a left tab stop.
        split = next((k for k, seg in enumerate(item.segs) if seg.tab_before), len(item.segs))
        left = "".join(s.text for s in item.segs[:split])
        right = "".join(s.text for s in item.segs[split:])
        indent = item.first_line if left else 0.0
        gap = item.tab_pos - indent - cells(left)
        return " " * round(indent * 2) + left + " " * max(round(gap * 2), 1) + right
    if not item.right_tab:
        return _place(item.text, item, True, width)
    left = item.segs[0].text
    right = "".join(s.text for s in item.segs[1:])
    gap = width - item.first_line - cells(left) - cells(right) - 1
    return " " * round(item.first_line * 2) + left + " " * max(round(gap * 2), 1) + right


def render_text(plan: Plan, styler: Styler = _plain) -> str:
    """The whole draft: pages framed, page numbers under them, blank (unnumbered) pages marked."""
    out: list[str] = []
    numbered_until = plan.pages
    if plan.colophon is not None and plan.colophon.blank_page_before:
        numbered_until = plan.pages - 2
    turned = turned_pages(plan)
    for number, lines in enumerate(render_pages(plan, styler), 1):
        width = int((turned_width(plan) if number in turned else plan.style.chars_per_line) * 2)
        out.append("┌" + "─" * (width + 2) + "┐")
        for line in lines:
            out.append("│ " + _pad(line, width) + " │")
        out.append("└" + "─" * (width + 2) + "┘")
        if number <= numbered_until and not (number == 1 and plan.format == "letter"):  # 信函 [10.1]
            # a landscape page: its number prints turned, where the upright pages have theirs
            label = f"— {number} —" + ("（横排）" if number in turned else "")
            out.append(label.rjust(width + 2) if number % 2 else "  " + label)
        else:
            out.append("")
        out.append("")
    return "\n".join(out)


def _columns(text: str) -> int:
    import re

    visible = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return round(cells(visible) * 2)


def _pad(line: str, width: int) -> str:
    return line + " " * max(width - _columns(line), 0)
