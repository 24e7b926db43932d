"""The 22 × 28 grid: line breaking, title splitting, pagination, 版记 placement.

Pure functions over the Document model. The result, a :class:`Plan`, is a list of
grid items (one per printed paragraph) with their lines already broken and their
pages known; the docx writer and the terminal preview both draw from it, so the
preview shows the pages the .docx will have.

Widths are in grid cells: a CJK character or full-width punctuation mark is one
cell, a half-width digit or Latin letter half a cell. These are the metrics of the
fonts the standard names (仿宋_GB2312 and its kin have half-width ASCII), with no
extra space between CJK and digits or Latin (autospace off) and no punctuation
hanging past the margin; the .docx asks for exactly that, and the PDF step makes
LibreOffice render it so (see reportgen.writers.pdf), so one set of metrics serves
the .docx, the PDF and the preview. tests/test_render_pdf.py compares every line
of the example PDFs with these predictions.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import assert_never

from . import spec
from .gongwen import format_date, title_shape
from .model import MERGE_LEFT, Block, Document, Heading, Paragraph, Run, Table, plain, table_spans
from .spec import Style

# Lines may not start with these (closing punctuation) … [GB/T 15834-2011, 5.1]. The
# 省略号 …… and 破折号 —— may start a line but are never split (5.1.4, 5.1.5): units()
# keeps each pair whole.
NO_LINE_START = set("，。、；：？！）》」』】〕〗〉”’·%‰℃,.;:?!)]}")
# … nor end with these (opening punctuation).
NO_LINE_END = set("（《「『【〔〖〈“‘([{")
# Closing marks that a following digit or Latin word stays with, and opening marks that
# stay with a preceding one: LibreOffice does not break "，2020", "》App" or "2020（"
# (measured, tests/test_linebreak_rules.py), and curly quotes keep to any half-width
# neighbour ("1%“", "”a"). A "%" keeps a digit or Latin word after it ("5%2020", "%GDP"),
# as LibreOffice does and as Word keeps a run of Latin text (measured, tests/test_word_fidelity.py).
GLUE_AFTER = set("，。、）》」』】〕〗〉”’%")
GLUE_BEFORE = set("（《「『【〔〖〈“‘")
QUOTES_OPEN, QUOTES_CLOSE = set("“‘"), set("”’")
# A number followed by one of these is kept on one line with it (2020年, 31户).
UNITS = set("年月日时分秒个人户名家所项条次期场单元万亿千百十岁%‰号")
# Combining diacritics (é written e + U+0301): part of the word they sit in, as a renderer sees it.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_WORD = re.compile(rf"[A-Za-z0-9][A-Za-z0-9.,%+\-/:{_MARKS}]*[A-Za-z0-9%{_MARKS}]|[A-Za-z0-9][{_MARKS}]*")
_AFTER_HYPHEN = re.compile(r"(?<=-)(?=[A-Za-z])")


_ZWJ = "\u200d"
_EMOJI_MODIFIERS = range(0x1F3FB, 0x1F400)
_REGIONAL_INDICATORS = range(0x1F1E6, 0x1F200)


@lru_cache(maxsize=8192)
def char_cells(ch: str) -> float:
    """Width of one character in grid cells.

    Marks that sit on the character before them (combining accents, Thai and Tibetan vowel
    signs, variation selectors), format characters (ZWJ, soft hyphen) and emoji skin-tone
    modifiers take no room of their own: they are part of the cluster they extend.
    """
    if unicodedata.category(ch) in ("Mn", "Me", "Cf") or ord(ch) in _EMOJI_MODIFIERS:
        return 0.0
    if unicodedata.east_asian_width(ch) in ("W", "F", "A"):
        return 1.0
    return 0.5


def cells(text: str) -> float:
    return sum(map(char_cells, text))


@lru_cache(maxsize=8192)
def _extends(ch: str) -> bool:
    """Whether ``ch`` belongs to the grapheme cluster before it (UAX #29's Extend, SpacingMark, ZWJ)."""
    return unicodedata.category(ch) in ("Mn", "Me", "Mc") or ch == _ZWJ or ord(ch) in _EMOJI_MODIFIERS \
        or 0xE0020 <= ord(ch) <= 0xE007F  # emoji tag sequences (subdivision flags)


# Text made only of these needs no grapheme clustering (ASCII, Latin-1, general punctuation
# without the joiners, CJK and full-width forms): the common case stays one regex.
_PLAIN = re.compile(r"[\x00-\u02ff\u2010-\u2027\u2030-\u205f\u3000-\u9fff\uff00-\uffef]*")


def _clusters(found: list[str]) -> list[str]:
    """Join marks, joiners and what a ZWJ joins to the unit before them; pair regional indicators.

    A renderer never breaks a line inside a grapheme cluster (é written e + U+0301, an emoji
    with its variation selector or skin tone, a ZWJ family, a flag).
    """
    out: list[list[str]] = []  # each cluster's parts, joined once (no quadratic +=)
    for unit in found:
        first = unit[0]
        if out and (_extends(first) or out[-1][-1][-1] == _ZWJ
                    or (ord(first) in _REGIONAL_INDICATORS and len(out[-1]) == 1
                        and len(out[-1][0]) == 1 and ord(out[-1][0]) in _REGIONAL_INDICATORS)):
            out[-1].append(unit)
        else:
            out.append([unit])
    return ["".join(parts) for parts in out]


# At each position the first alternative that matches wins: a word, a doubled mark, a character.
_UNIT = re.compile(f"{_WORD.pattern}|……|——|.", re.S)


def units(text: str) -> list[str]:
    """Split text into unbreakable units: ASCII words and numbers, …… and ——, single characters,
    each with the marks that extend it (grapheme clusters stay whole).

    A hyphen followed by a letter ends a unit (Wi-|Fi), as renderers break there. Remembered
    per text: the line breaker and the .docx writer's joiners both ask for every paragraph.
    """
    return list(_units(text))


@lru_cache(maxsize=4096)
def _units(text: str) -> tuple[str, ...]:
    found = _UNIT.findall(text)
    if "-" in text:
        found = [part for unit in found for part in _AFTER_HYPHEN.split(unit)]
    if _PLAIN.fullmatch(text) is None:
        found = _clusters(found)
    return tuple(found)


def can_break(before: str, after: str) -> bool:
    """Whether a line may end after the unit ``before`` and the next begin with ``after``.

    Closing punctuation may not start a line, opening punctuation may not end one
    (禁则); and the renderer keeps a digit or Latin word with a closing mark before it
    or an opening mark or …… after it (GLUE_AFTER, GLUE_BEFORE).

    Measured against LibreOffice 7.4 on every pair of these classes
    (tests/test_linebreak_rules.py): the one difference left is that LibreOffice splits
    a …… or —— between its two characters when the line end falls there ("…|…，"),
    which GB/T 15834-2011 5.1.4/5.1.5 forbids; here the pair moves down whole.
    """
    first, last = after[0], before[-1]
    if first in NO_LINE_START or last in NO_LINE_END:
        return False
    if last in GLUE_AFTER and first.isascii() and first.isalnum():
        return False
    if (first in GLUE_BEFORE or first == "…") and last.isascii() and last.isalnum():
        return False
    if first == last == "—":
        return False  # ———— stays whole
    return not ((first in QUOTES_OPEN and last.isascii()) or (last in QUOTES_CLOSE and first.isascii()))


def break_lines(text: str, width: float = spec.CHARS_PER_LINE, first_indent: float = 0.0,
                left: float = 0.0, right: float = 0.0) -> list[str]:
    """Break a paragraph into lines the way a CJK renderer does.

    ``width`` is the line in cells, ``first_indent``/``left``/``right`` indents in cells.
    Lines break only where :func:`can_break` allows: a line never starts with closing
    punctuation nor ends with opening punctuation; when the unit that does not fit
    may not start a line, the units before it move down with it (kinsoku by
    push-down, never by hanging punctuation into the margin).

    When a full line offers no place where it may end (a run of ，，， or ——, a word
    longer than the line), the line breaks where it is full, as LibreOffice does (its
    emergency break, measured in tests/test_hardening_rules.py): 100 000 commas fill
    163 pages, not one comma a line. Grapheme clusters (:func:`units`) are never split.
    Linear in the text: each unit is placed once, and a unit that moves down is
    looked at again at most once per line it passes.
    """
    if not text:
        return [""]
    eps = 1e-9
    lines: list[list[str]] = [[]]
    used = 0.0
    avail = width - left - right - first_indent
    for unit in units(text):
        w = char_cells(unit) if len(unit) == 1 else cells(unit)  # most units are one character
        line = lines[-1]
        if used + w <= avail + eps or not line:
            if w > avail + eps and not line and len(unit) > 1:
                # A Latin word longer than the line: break it between its clusters.
                for part in _clusters(list(unit)):
                    cw = cells(part)
                    if used + cw > avail + eps and lines[-1]:
                        lines.append([])
                        used = 0.0
                        avail = width - left - right
                    lines[-1].append(part)
                    used += cw
                continue
            line.append(unit)
            used += w
            continue
        # The last place in the line where it may end: the units after it move down.
        cut = len(line)
        while cut > 0 and not can_break(line[cut - 1], line[cut] if cut < len(line) else unit):
            cut -= 1
        if cut == 0:
            cut = len(line)  # nowhere: break where the line is full
        carry = line[cut:]
        del line[cut:]
        carry.append(unit)
        lines.append(carry)
        avail = width - left - right
        used = sum(cells(u) for u in carry)
    return ["".join(line) for line in lines]


# --- title splitting ------------------------------------------------------------

TITLE_CELLS = int(spec.TEXT_WIDTH / 20 / spec.TITLE_SIZE)  # 20 cells of 2号 per line
_GOOD_BREAK_AFTER = ("关于", "的", "》", "、", "和", "及", "与", "暨", "，")
_GOOD_BREAK_BEFORE = ("《", "的", "关于", "——")  # —— opens a title's second part (its subtitle)
# A year leads the phrase it dates (2023年宝鸡市…): a break right after it parts them.
_YEAR_END = re.compile(r"\d{4}年度?$")
YEAR_SPLIT_PENALTY = 60.0  # worse than a break inside a phrase (10), better than inside a word (80)
# Words common in 公文 titles that a line break must not split (no dictionary is shipped,
# so this list stands in for word segmentation).
TITLE_WORDS = (
    "互联网", "网信办", "网信", "党建", "党委", "党组", "党支部", "工作", "企业", "组织", "社会",
    "实施", "意见", "通知", "报告", "请示", "方案", "总结", "办法", "规定", "决定", "要点",
    "建设", "发展", "管理", "加强", "进一步", "全市", "全省", "全面", "关于", "印发", "开展",
    "推进", "落实", "宝鸡", "陕西", "行业", "网络", "中共", "委员会", "人民政府", "办公室",
    "专项", "行动", "情况", "年度", "计划", "制度", "机制", "培训", "安全", "信息化",
)


def _title_breakpoints(text: str) -> list[tuple[int, float]]:
    """Allowed break offsets in ``text`` with a penalty (0 = a natural break)."""
    parts = units(text)
    offsets: list[tuple[int, float]] = []
    # Offsets strictly inside an occurrence of a title word.
    inside: set[int] = set()
    for word in TITLE_WORDS:
        start = text.find(word)
        while start >= 0:
            inside.update(range(start + 1, start + len(word)))
            start = text.find(word, start + 1)
    pos = 0
    depth = 0
    for index, part in enumerate(parts[:-1]):
        depth += part.count("《") - part.count("》")
        pos += len(part)
        nxt = parts[index + 1]
        if nxt[0] in NO_LINE_START or part[-1] in NO_LINE_END:
            continue
        if _WORD.fullmatch(part) and part[-1].isdigit() and nxt[0] in UNITS:
            continue  # a number stays with its unit
        before = text[:pos]
        if pos in inside:
            penalty = 300.0 if depth > 0 else 80.0
            offsets.append((pos, penalty))
            continue
        penalty = 200.0 if depth > 0 else 10.0
        if before.endswith(_GOOD_BREAK_AFTER) or text[pos:].startswith(_GOOD_BREAK_BEFORE):
            penalty = 0.0 if depth == 0 else 150.0
        elif _YEAR_END.search(before):
            penalty = max(penalty, YEAR_SPLIT_PENALTY)
        offsets.append((pos, penalty))
    return offsets


def title_shape_ok(widths: list[float]) -> bool:
    """梯形 (上短下长) or 菱形; never rectangle, hourglass or 上长下短 (:func:`gongwen.title_shape`)."""
    return title_shape(widths) is None


@lru_cache(maxsize=256)
def _split_title(text: str, width: int) -> tuple[str, ...]:
    """split_title remembered per process: the documents of a batch often share a title."""
    return tuple(split_title(text, width))


def split_title(text: str, width: int = TITLE_CELLS) -> list[str]:
    """Split a title into lines of a 梯形 or 菱形 shape [7.3.1].

    Every split into at most five lines is scored: a break inside 《》 costs far more
    than an extra line, a break inside a word more than one at a natural point (after
    关于, 的, 》, 、 …), a rectangle or hourglass shape most of all. Numbers never part
    from their units (no break point exists there).
    """
    if cells(text) <= width:
        return [text]
    points = _title_breakpoints(text)
    best: tuple[float, list[str]] | None = None
    # Cells of text[:i] for every i: the width of any slice is then one subtraction.
    upto = list(itertools.accumulate((char_cells(c) for c in text), initial=0.0))

    def span(a: int, b: int) -> float:
        return upto[b] - upto[a]

    def consider(chosen: list[int], penalty: float) -> None:
        nonlocal best
        cuts = [0, *chosen, len(text)]
        lines = [text[a:b] for a, b in itertools.pairwise(cuts)]
        widths = [span(a, b) for a, b in itertools.pairwise(cuts)]
        score = penalty + 25.0 * (len(lines) - 2)
        if not title_shape_ok(widths):
            score += 1000.0
        # Among good shapes prefer balanced neighbours (a 菱形's outer lines not too short).
        score += sum(abs(a - b) for a, b in itertools.pairwise(widths)) * 0.2
        if best is None or score < best[0]:
            best = (score, lines)

    def search(start: int, chosen: list[int], penalty: float) -> None:
        # Every completion has at least len(chosen) + 1 lines and penalties only add up:
        # a branch that cannot beat the best split found so far is not explored.
        if best is not None and penalty + 25.0 * (len(chosen) - 1) >= best[0]:
            return
        if span(start, len(text)) <= width:
            consider(chosen, penalty)
            return
        if len(chosen) >= 4:
            return
        for pos, pen in points:
            if pos <= start:
                continue
            if span(start, pos) > width:
                break
            search(pos, [*chosen, pos], penalty + pen)

    search(0, [], 0.0)
    return best[1] if best is not None else break_lines(text, width)


# --- the plan -------------------------------------------------------------------

@dataclass
class Seg:
    """A run of text in one font kind (a field name of spec.Fonts) and size."""

    text: str
    font: str = "fangsong"
    size: float = spec.BODY_SIZE
    bold: bool = False
    color: str | None = None
    tab_before: bool = False
    scale: int = 100  # character width in % (a long organ mark is condensed)


@dataclass
class Item:
    """One printed paragraph on the grid."""

    role: str
    segs: list[Seg] = field(default_factory=list)
    align: str = "both"  # left | center | right | both
    first_line: float = 0.0  # indents in cells of the item's size
    left: float = 0.0
    right: float = 0.0
    lines: list[str] = field(default_factory=lambda: [""])
    grid_lines: int = 1  # how many 579-twip lines it takes per printed line
    page_break_before: bool = False
    keep_next: bool = False
    red_rule: bool = False
    right_tab: bool = False
    tab_pos: float | None = None  # a left tab stop, in cells from the type area's left edge
    size: float = spec.BODY_SIZE
    page: int = 0  # filled by paginate (1-based)
    row: int = 0  # first grid line on that page (1-based)
    positions: list[tuple[int, int]] = field(default_factory=list)  # (page, row) of every line
    given_lines: tuple[str, ...] = ()  # a title's lines as its author gave them
    grid: TableGrid | None = None  # a table row: its table, laid out
    row_index: int = 0  # which row of grid

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segs)

    @property
    def height(self) -> int:
        return len(self.lines) * self.grid_lines


@dataclass
class Colophon:
    """The 版记 rows (抄送, 印发), placed at the bottom of the last even page."""

    rows: list[Item]
    pad_lines: int = 0
    page_break_before: bool = False
    blank_page_before: bool = False  # 7.5: then neither page carries a page number
    page: int = 0

    @property
    def height(self) -> int:
        return sum(r.height for r in self.rows)


@dataclass
class Plan:
    items: list[Item]
    colophon: Colophon | None
    pages: int = 1
    style: Style = field(default_factory=Style)


def _runs_to_segs(runs: list[Run], font: str, style: Style) -> list[Seg]:
    segs: list[Seg] = []
    for run in runs:
        segs.append(Seg(run.text, font, bold=run.bold))
    if style.bold_ordinals or style.ordinal_font:
        segs = _bold_ordinals(segs, style.bold_ordinals, style.ordinal_font)
    return segs


_ORDINAL = re.compile(r"[一二三四五六七八九十]{1,3}是")


def _bold_ordinals(segs: list[Seg], bold: bool = True, font: str = "") -> list[Seg]:
    """一是、二是 … set off in the text: bold, and in a font of their own (黑体, 楷体) where the
    house style says so (``bold_ordinals``, ``ordinal_font``)."""
    out: list[Seg] = []
    for seg in segs:
        if seg.bold:
            out.append(seg)
            continue
        pos = 0
        for m in _ORDINAL.finditer(seg.text):
            if m.start() > pos:
                out.append(Seg(seg.text[pos : m.start()], seg.font, seg.size))
            out.append(Seg(m.group(0), font or seg.font, seg.size, bold=bold))
            pos = m.end()
        if pos < len(seg.text):
            out.append(Seg(seg.text[pos:], seg.font, seg.size))
    return out


def _body_item(role: str, segs: list[Seg], **kw: object) -> Item:
    item = Item(role, segs, first_line=spec.BODY_INDENT, **kw)  # type: ignore[arg-type]
    return item


HEADING_FONTS = spec.HEADING_FONTS


def _blocks(blocks: list[Block], style: Style) -> list[Item]:
    items: list[Item] = []
    for block in blocks:
        match block:
            case Heading():
                font = HEADING_FONTS[block.level - 1]
                bold = style.heading_bold[block.level - 1]
                segs = [Seg(block.number, font, bold=bold)] if block.number else []
                segs += [Seg(s.text, font, bold=s.bold or bold)
                         for s in _runs_to_segs(block.runs, font, style)]
                if block.tail:
                    segs += _runs_to_segs(block.tail, "fangsong", style)
                    items.append(_body_item(f"heading{block.level}", segs))
                else:
                    items.append(_body_item(f"heading{block.level}", segs, keep_next=True))
            case Paragraph():
                items.append(_body_item("body", _runs_to_segs(block.runs, "fangsong", style)))
            case Table():
                if items and items[-1].grid is not None:
                    items.append(Item("blank"))  # two tables apart, not one
                items += table_items(block, style)
            case _:
                # A new kind of Block must be laid out here, not dropped from the page.
                assert_never(block)
    return items


# --- tables ---------------------------------------------------------------------

#: Room between a cell's border and its text, each side (twips): paragraph indents, so the
#: table's outer borders stand on the type area's edges whatever the program's table model.
CELL_INSET = 57  # 1 mm
#: Width a border may take from a cell's text (twips; the rules are ½ pt = 10 twips).
BORDER_ROOM = 20
#: Air added to a column's text width when widths follow the content (cells).
COLUMN_AIR = 0.25
_NUMERIC = re.compile(r"[+\-−]?[0-9][0-9,.]*%?|[—-]+")


@dataclass
class TableGrid:
    """A table on the grid: column widths in twips, every cell's lines, every row's height.

    ``spans`` maps each cell that others merge into to (rows, columns) it covers; covered
    cells have no lines. Every printed line of a cell takes one grid line, whatever the
    table's type size, so the text after the table stays on the grid.
    """

    table: Table
    size: float
    widths: list[int]
    align: list[list[str]]  # per row, per column
    lines: list[list[list[str]]]  # per row, per column
    spans: dict[tuple[int, int], tuple[int, int]]
    heights: list[int]  # grid lines per row
    titled: bool = False  # the first row is the title: one cell across, no rules but the one below

    @property
    def header_rows(self) -> int:
        return self.table.header_rows

    @property
    def header_height(self) -> int:
        return sum(self.heights[: self.header_rows])


def char_twips(size: float) -> int:
    """One 字 in twips at a size (三号 carries the −0.25 pt tracking that gives 28 a line)."""
    return round(size * spec.TWIPS_PER_PT + (spec.BODY_TRACKING if size == spec.BODY_SIZE else 0))


def _spans(table: Table) -> dict[tuple[int, int], tuple[int, int]]:
    """(row, column) of every cell others merge into → (rows, columns) it covers."""
    return table_spans(table)[0]


def _cell_align(table: Table, r: int, c: int, text: str) -> str:
    """Header cells centred; a column's alignment when given; else numbers right, text left."""
    if r < table.header_rows:
        return "center"
    given = table.align[c] if c < len(table.align) else ""
    if given:
        return given
    return "right" if _NUMERIC.fullmatch(text.strip()) else "left"


def column_widths(table: Table, size: float, total: int,
                  spans: dict[tuple[int, int], tuple[int, int]]) -> list[int]:
    """Twips per column, summing to ``total`` (the type width).

    Given widths are scaled to the total. Else each column gets the width of its widest
    one-column cell on one line (plus a little air); when they do not fit, the columns
    narrower than an equal share keep theirs and the others share the rest in proportion,
    never below their longest unbreakable word or number.
    """
    n = table.columns
    cw = char_twips(size)
    pad = 2 * CELL_INSET + BORDER_ROOM
    if table.widths:
        raw = [w / sum(table.widths) * total for w in table.widths]
    else:
        # At least two characters a column: a character and the punctuation that may not start a line.
        natural = [2.0 + COLUMN_AIR] * n
        least = [2.0 + COLUMN_AIR] * n
        for (r, c), (_rows, cols) in spans.items():
            if cols != 1:
                continue
            text = plain(table.rows[r][c])
            natural[c] = max(natural[c], cells(text) + COLUMN_AIR)
            least[c] = max(least[c], max((cells(u) for u in units(text)), default=0.0) + COLUMN_AIR)
        room = (total - n * pad) / cw
        if sum(natural) <= room:
            extra = room - sum(natural)
            want = [w + extra * w / sum(natural) for w in natural]
        else:
            want = list(natural)
            fixed: set[int] = set()
            while True:
                free = room - sum(want[c] for c in fixed)
                rest = [c for c in range(n) if c not in fixed]
                share = free / max(len(rest), 1)
                small = [c for c in rest if natural[c] <= share]
                if not small:
                    scale = free / sum(natural[c] for c in rest) if rest else 1.0
                    for c in rest:
                        want[c] = max(natural[c] * scale, least[c])
                    break
                fixed.update(small)
        raw = [w * cw + pad for w in want]
        raw = [w / sum(raw) * total for w in raw]
    widths = [int(w) for w in raw]
    widths[max(range(n), key=lambda c: raw[c])] += total - sum(widths)
    return widths


def _text_cells(width: int, size: float) -> float:
    """Cells of text that fit a column of ``width`` twips."""
    return (width - 2 * CELL_INSET - BORDER_ROOM) / char_twips(size)


def _with_title(table: Table) -> Table:
    """The table with its title as a first row across all columns, part of the header: the
    title stays with the table and repeats above it on every page, like its column headings."""
    n = table.columns
    merges = {(r + 1, c): mark for (r, c), mark in table.merges.items()}
    merges.update({(0, c): MERGE_LEFT for c in range(1, n)})
    rows = [[[Run(table.title)], *([] for _ in range(n - 1))], *table.rows]
    return Table(rows, table.header_rows + 1, table.line, "", table.align, table.widths, merges)


def lay_table(table: Table, style: Style) -> TableGrid:
    """Column widths, cell lines and row heights of a table."""
    size = style.table_size
    titled = bool(table.title)
    if titled:
        table = _with_title(table)
    spans = _spans(table)
    widths = column_widths(table, size, style.text_width, spans)
    rows = len(table.rows)
    lines: list[list[list[str]]] = [[[] for _ in row] for row in table.rows]
    align: list[list[str]] = [["left"] * len(row) for row in table.rows]
    heights = [1] * rows
    for (r, c), (_rows, cols) in spans.items():
        text = plain(table.rows[r][c])
        lines[r][c] = break_lines(text, max(_text_cells(sum(widths[c : c + cols]), size), 0.5))
        align[r][c] = _cell_align(table, r, c, text)
    for (r, c), (nrows, _cols) in spans.items():
        if nrows == 1:
            heights[r] = max(heights[r], len(lines[r][c]))
    for (r, c), (nrows, _cols) in sorted(spans.items()):
        if nrows > 1:
            short = len(lines[r][c]) - sum(heights[r : r + nrows])
            if short > 0:
                heights[r + nrows - 1] += short
    return TableGrid(table, size, widths, align, lines, spans, heights, titled)


def table_items(table: Table, style: Style) -> list[Item]:
    """One item per row (the title's first); header rows keep with the row after them."""
    grid = lay_table(table, style)
    size = style.table_size
    return [Item("table_row", [Seg("　".join(plain(c) for c in row), size=size)], align="left", size=size,
                 grid=grid, row_index=r, keep_next=r < grid.header_rows)
            for r, row in enumerate(grid.table.rows)]


# A long organ mark keeps at least 一号 and is narrowed (character width) rather than made
# smaller than the title; below half width it shrinks again.
ORGAN_MARK_MIN_SIZE = spec.SIZES_PT["一号"]
ORGAN_MARK_MIN_SCALE = 50


def organ_mark_fit(text: str, style: Style | None = None) -> tuple[float, int]:
    """(size in pt, character width in %) that fit the mark into the type width [7.2.4].

    The house size (小初 by default) when it fits; else smaller down to 一号, then narrower
    characters (w:w, as offices condense long names) down to 50 %, then smaller again.
    """
    style = style or spec.DEFAULT_STYLE
    room = style.text_width / 20 * 0.96  # a little air at both ends
    n = max(cells(text), 1)
    size = style.organ_mark_size
    if n * size <= room:
        return size, 100
    size = max(math.floor(room / n * 10) / 10, min(ORGAN_MARK_MIN_SIZE, size))
    scale = min(100, int(100 * room / (n * size)))
    if scale < ORGAN_MARK_MIN_SCALE:
        scale = ORGAN_MARK_MIN_SCALE
        size = math.floor(room / (n * scale / 100) * 10) / 10
    return size, scale


def _head_marks(doc: Document) -> list[Item]:
    """份号 on line 1, 密级和保密期限 on line 2, 紧急程度 below them; three lines in all [7.2.1–7.2.3].

    密级 keeps line 2 even without a 份号 ("顶格编排在版心左上角第二行"); 紧急程度 takes the line
    after whatever stands above it.
    """
    lines: list[Item] = []
    if doc.copy_number:
        lines.append(Item("copy_number", [Seg(doc.copy_number)], align="left"))
    if doc.secrecy:
        if not lines:
            lines.append(Item("blank"))
        lines.append(Item("secrecy", [Seg(doc.secrecy, "heiti")], align="left"))
    if doc.urgency:
        lines.append(Item("urgency", [Seg(doc.urgency, "heiti")], align="left"))
    while len(lines) < 3:
        lines.append(Item("blank"))
    return lines


SIGNER_LABEL = "签发人："


def _doc_number_lines(doc: Document, style: Style) -> list[Item]:
    """The 发文字号 line with the red rule under it; for 上行文 also the 签发人 lines [7.2.5, 7.2.6].

    上行文: the 文号 stands 居左空一字 on the line of the *last* 签发人; the names go two to a
    line, and a wrapped line's names start under the first name of the line above. Every name
    line therefore uses one left tab stop at the same column, chosen so that the widest line
    ends one character from the right edge (签发人：stands just left of that column).
    """
    number = doc.doc_number or ""
    if not doc.is_upward and not doc.signers:  # names of 签发人 make it a 上行文 whatever its title says
        return [Item("doc_number", [Seg(number)], align="center", red_rule=True)]
    if not doc.signers:
        return [Item("doc_number", [Seg(number)], align="left", first_line=spec.UPWARD_NUMBER_INDENT,
                     red_rule=True)]
    groups = ["　".join(doc.signers[k : k + 2]) for k in range(0, len(doc.signers), 2)]
    column = style.chars_per_line - 1 - max(cells(g) for g in groups)
    items: list[Item] = []
    for index, names in enumerate(groups):
        first, last = index == 0, index == len(groups) - 1
        segs = [Seg(number)] if last else []
        if first:
            segs += [Seg(SIGNER_LABEL, tab_before=True), Seg(names, "kaiti")]
        else:
            segs += [Seg(names, "kaiti", tab_before=True)]
        items.append(Item("doc_number" if last else "signers", segs, align="left",
                          first_line=spec.UPWARD_NUMBER_INDENT if last else 0.0, red_rule=last,
                          tab_pos=column - (cells(SIGNER_LABEL) if first else 0)))
    return items


def build_items(doc: Document, style: Style) -> list[Item]:
    """Turn the Document into grid items in printing order (without the 版记)."""
    items: list[Item] = []
    if doc.has_head:
        items += _head_marks(doc)
        if doc.organ_mark:
            mark = doc.organ_mark + style.organ_mark_suffix
            size, scale = organ_mark_fit(mark, style)
            items.append(Item("organ_mark", [Seg(mark, "xiaobiaosong", size, color=style.red, scale=scale)],
                              align="center", grid_lines=2, size=size))
            items += [Item("blank"), Item("blank")]
        items += _doc_number_lines(doc, style)
        items += [Item("blank"), Item("blank")]
    if doc.title:
        items.append(Item("title", [Seg(doc.title, "xiaobiaosong", style.title_size)], align="center",
                          size=style.title_size, keep_next=True, given_lines=doc.title_lines))
    # An article's subtitle (——…) and byline stand under the title, centred, in 3号楷体.
    for role, text in (("subtitle", doc.subtitle), ("byline", doc.byline)):
        if text:
            items.append(Item(role, [Seg(text, "kaiti")], align="center", keep_next=True))
    if doc.title or doc.subtitle or doc.byline:
        items.append(Item("blank"))
    if doc.to:
        items.append(Item("to", [Seg(doc.to)], align="both"))
    items += _blocks(doc.blocks, style)
    if doc.attachment_note:
        items.append(Item("blank"))
        names = doc.attachment_note
        # 左空二字; continuation lines align with the first name (hanging indent) [7.3.4].
        if len(names) == 1:
            items.append(Item("attachment_note", [Seg(f"附件：{names[0]}")], first_line=-3.0,
                              left=spec.ATTACHMENT_NOTE_INDENT + 3.0))
        else:
            # 附件：1.名称 — the numbers of later lines stand under the first one, and a long
            # name wraps under its own first character [7.3.4].
            for k, name in enumerate(names, 1):
                label = "附件：" if k == 1 else ""
                items.append(Item("attachment_note", [Seg(f"{label}{k}.{name}")],
                                  first_line=-cells(f"{label}{k}."),
                                  left=spec.ATTACHMENT_NOTE_INDENT + cells(f"附件：{k}.")))
    if doc.signature or doc.date:
        _signature(items, doc, style)
    if doc.note:
        note = doc.note if doc.note.startswith("（") else f"（{doc.note}）"
        items.append(Item("note", [Seg(note)], first_line=spec.BODY_INDENT))
    for index, attachment in enumerate(doc.attachments, 1):
        label = "附件" if len(doc.attachments) == 1 else f"附件{index}"
        items.append(Item("attachment_label", [Seg(label, "heiti")], align="left", page_break_before=True))
        items.append(Item("blank"))
        items.append(Item("attachment_title", [Seg(attachment.title, "xiaobiaosong", style.title_size)],
                          align="center", size=style.title_size, keep_next=True))
        items.append(Item("blank"))
        items += _blocks(attachment.blocks, style)
    if items and items[-1].grid is not None:
        items.append(Item("blank"))  # a .docx body ends with a paragraph, never a table
    return items


def _signature(items: list[Item], doc: Document, style: Style) -> None:
    date_text = format_date(doc.date) if doc.date else ""
    # Keep the last body lines with the signature: never a page with only a signature.
    for item in reversed(items):
        if item.role != "blank":
            item.keep_next = True
            break
    blanks = style.signature_blank_lines if style.sealed else 1
    for _ in range(blanks):
        items.append(Item("blank", keep_next=True))
    name = doc.signature or ""
    if style.sealed:
        date_right = spec.SEALED_DATE_RIGHT
        name_right = date_right + (cells(date_text) - cells(name)) / 2 if date_text else date_right
        name_right = max(name_right, 0.0)
    else:
        edge, shift = spec.UNSEALED_SIGNATURE_RIGHT, spec.UNSEALED_DATE_SHIFT
        name_right = edge
        date_right = max(edge, name_right + cells(name) - shift - cells(date_text))
        if cells(date_text) > cells(name) - shift:
            date_right = edge
            name_right = edge + cells(date_text) - (cells(name) - shift)
    if name:
        items.append(Item("signature", [Seg(name)], align="right", right=name_right, keep_next=True))
    if date_text:
        items.append(Item("date", [Seg(date_text)], align="right", right=date_right))


def _item_width(item: Item, style: Style = spec.DEFAULT_STYLE) -> float:
    """Cells of the item's own size that fit on a line (28 for 三号 with its tracking)."""
    if item.size == spec.BODY_SIZE:
        return float(style.chars_per_line)
    return style.text_width / 20 / item.size


def break_item(item: Item, style: Style = spec.DEFAULT_STYLE) -> None:
    if item.role in ("title", "attachment_title"):
        # one paragraph, lines joined by breaks; lines the author gave are kept (a line too long
        # for the width is itself split, as it would wrap)
        width = int(_item_width(item, style))
        given = item.given_lines or (item.text,)
        item.lines = [line for part in given for line in _split_title(part, width)]
        return
    if item.role in ("organ_mark", "blank"):
        item.lines = [item.text]
        return
    if item.grid is not None:
        item.lines = [""] * item.grid.heights[item.row_index]
        return
    # A negative first_line is a hanging indent (附件说明, 抄送): the first line starts left of ``left``.
    item.lines = break_lines(item.text, _item_width(item, style), first_indent=item.first_line,
                             left=item.left, right=item.right)


def paginate(items: list[Item], lines_per_page: int = spec.LINES_PER_PAGE) -> tuple[int, int]:
    """Assign each item its page and first row; return (pages, grid lines used on the last).

    Widow/orphan control is off in the .docx, so a paragraph splits at any line, except
    one with keep-with-next: LibreOffice moves such a paragraph whole when the next one
    cannot follow it on the page (measured: a 10-line last paragraph moved with the
    signature rather than leave one line behind), and the .docx adds keep-lines-together
    so that Word does the same. So every line of a keep-with-next item is glued to the
    next line; a glued group that does not fit in what is left of a page moves to the
    next page whole (unless it is taller than a page).
    """
    # Flatten to printed lines: (item index, height in grid lines, glued to the next line).
    flat: list[tuple[int, int, bool]] = []
    breaks: set[int] = set()
    for index, item in enumerate(items):
        if item.page_break_before and flat:
            breaks.add(len(flat))
        count = len(item.lines)
        # A table row is never split across pages (unless it is taller than a page).
        whole = item.grid is not None and count <= lines_per_page
        for k in range(count):
            glued = (whole and k < count - 1) or (item.keep_next and (
                k < count - 1 or (index + 1 < len(items) and not items[index + 1].page_break_before)))
            flat.append((index, item.grid_lines, glued))
    page, row = 1, 1
    placed: set[int] = set()
    i = 0
    while i < len(flat):
        if i in breaks and row > 1:
            page, row = page + 1, 1
        j = i
        height = flat[i][1]
        while flat[j][2] and j + 1 < len(flat) and (j + 1) not in breaks:
            j += 1
            height += flat[j][1]
        if row > 1 and row - 1 + height > lines_per_page and height <= lines_per_page:
            page, row = page + 1, 1
        grid = items[flat[i][0]].grid
        if row == 1 and grid is not None and i > 0 and flat[i - 1][0] != flat[i][0] \
                and items[flat[i - 1][0]].grid is grid:
            row += grid.header_height  # the header rows, repeated at the top of the page
        for k in range(i, j + 1):
            index, lines, _ = flat[k]
            if row > 1 and row - 1 + lines > lines_per_page:
                page, row = page + 1, 1
            if index not in placed:
                placed.add(index)
                items[index].page, items[index].row = page, row
                items[index].positions = []
            items[index].positions.append((page, row))
            row += lines
        i = j + 1
    return page, row - 1


def plan(doc: Document, style: Style | None = None) -> Plan:
    """Lay the document out on the grid and place the 版记 on the last even page."""
    style = style or spec.DEFAULT_STYLE
    items = build_items(doc, style)
    for item in items:
        break_item(item, style)
    pages, used = paginate(items, style.lines_per_page)
    colophon = None
    if doc.has_colophon:
        colophon = _colophon(doc, style)
        page = pages
        free = style.lines_per_page - used
        if page % 2 == 1 or free < colophon.height:
            colophon.page_break_before = True
            page += 1
            if page % 2 == 1:
                page += 1  # a blank page, then the 版记 on the even page
                colophon.blank_page_before = True
            free = style.lines_per_page
        colophon.pad_lines = free - colophon.height
        colophon.page = page
        pages = page
    return Plan(items, colophon, pages, style)


def _colophon(doc: Document, style: Style) -> Colophon:
    rows: list[Item] = []
    size = spec.COLOPHON_SIZE
    width = style.text_width / 20 / size
    if doc.cc:
        text = "抄送：" + "，".join(doc.cc) + ("。" if style.cc_full_stop else "")
        indent = spec.COLOPHON_INDENT
        item = Item("cc", [Seg(text, size=size)], align="left", left=indent + 3, right=indent,
                    first_line=-3, size=size)
        item.lines = break_lines(text, width, first_indent=-3, left=indent + 3, right=indent)
        rows.append(item)
    if doc.printer or doc.print_date:
        date = (format_date(doc.print_date) + "印发") if doc.print_date else ""
        item = Item("printer", [Seg(doc.printer or "", size=size), Seg(date, size=size, tab_before=True)],
                    align="left", left=spec.COLOPHON_INDENT, right=spec.COLOPHON_INDENT, right_tab=True,
                    size=size)
        item.lines = [item.text]
        rows.append(item)
    return Colophon(rows)
