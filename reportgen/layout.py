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

from . import landscape, spec
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
_GOOD_BREAK_AFTER = ("关于", "的", "》", "”", "、", "和", "及", "与", "暨", "，")
_GOOD_BREAK_BEFORE = ("《", "“", "的", "关于", "——")  # —— opens a title's second part (its subtitle)
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
        # A name in 《》 or “” stays whole where it can (“我的刀盾” is one name, 的 inside it no break).
        depth += part.count("《") - part.count("》") + part.count("“") - part.count("”")
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


#: What a title line of less than half the longest line costs: more than a break inside a word
#: at a natural point (10), less than one inside a word (80) [7.3.1 长短适宜].
SHORT_LINE_PENALTY = 40.0


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
        # Among good shapes prefer balanced neighbours (a 菱形's outer lines not too short), and
        # no line of less than half the longest (关于 alone over a long line is not 长短适宜).
        score += sum(abs(a - b) for a, b in itertools.pairwise(widths)) * 0.2
        score += SHORT_LINE_PENALTY * sum(1 for w in widths if w < max(widths) / 2)
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
    line_twips: int | None = None  # an exact line height other than the grid's (a 命令's mark)
    center_tabs: tuple[float, ...] = ()  # centring tab stops, in cells from the left (joint signatures)
    joint: JointMark | None = None  # 联合行文: the stacked organ marks this item prints
    landscape: bool = False  # printed on a landscape page (横排表格, see reportgen.landscape)

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
    format: str = "standard"  # the Document's: standard, letter (信函), order (命令), minutes (纪要)
    letter: LetterHead | None = None  # 信函格式: the mark and double lines drawn on page 1


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
    # cells broken before their bracketed unit (培训 | （人次）): the .docx breaks the line there
    unit_breaks: dict[tuple[int, int], int] = field(default_factory=dict)  # → offset of the （

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
            least[c] = max(least[c], _least_cells(text) + COLUMN_AIR)
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


#: A unit in brackets at the end of a cell, as headings give it: 培训（人次）, 销售额（万元）.
_BRACKET_UNIT = re.compile(r"（[^（）]{1,6}）$")


def _least_cells(text: str) -> float:
    """Cells a column needs for this text at the least: its longest word or number, and a
    closing bracketed unit whole (培训 over （人次）, never 培训（人 over 次）)."""
    least = max((cells(u) for u in units(text)), default=0.0)
    unit = _BRACKET_UNIT.search(text)
    return max(least, cells(unit.group())) if unit and unit.start() else least


def cell_lines(text: str, width: float) -> tuple[list[str], int | None]:
    """A cell's lines in ``width`` cells, and the offset of the bracketed unit when the line is
    broken before it: a closing （…） that would be split across lines starts a line instead."""
    lines = break_lines(text, width)
    unit = _BRACKET_UNIT.search(text)
    if len(lines) == 1 or unit is None or not unit.start() or cells(unit.group()) > width + 1e-9:
        return lines, None
    ends = list(itertools.accumulate(len(line) for line in lines))[:-1]
    if not any(unit.start() < end < len(text) for end in ends):
        return lines, None
    return [*break_lines(text[: unit.start()], width), unit.group()], unit.start()


def least_width(table: Table, size: float) -> int:
    """Twips the columns need at the least: each its longest unbreakable word or number (two
    characters at least), as :func:`column_widths` never goes below."""
    cw = char_twips(size)
    least = [2.0 + COLUMN_AIR] * table.columns
    for (r, c), (_rows, cols) in _spans(table).items():
        if cols == 1:
            least[c] = max(least[c], _least_cells(plain(table.rows[r][c])) + COLUMN_AIR)
    return round(sum(w * cw + 2 * CELL_INSET + BORDER_ROOM for w in least))


def is_landscape(table: Table, style: Style) -> bool:
    """A table goes on landscape pages when asked (``::: 横排``, ``landscape=true``), or, unless
    told to stay upright (``::: 竖排``), when its columns cannot fit the portrait type width."""
    if table.landscape is not None:
        return table.landscape
    return least_width(table, style.table_size) > style.text_width


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


def lay_table(table: Table, style: Style, width: int | None = None) -> TableGrid:
    """Column widths, cell lines and row heights of a table ``width`` twips wide (the type width)."""
    size = style.table_size
    titled = bool(table.title)
    if titled:
        table = _with_title(table)
    spans = _spans(table)
    widths = column_widths(table, size, width or style.text_width, spans)
    rows = len(table.rows)
    lines: list[list[list[str]]] = [[[] for _ in row] for row in table.rows]
    align: list[list[str]] = [["left"] * len(row) for row in table.rows]
    heights = [1] * rows
    unit_breaks: dict[tuple[int, int], int] = {}
    for (r, c), (_rows, cols) in spans.items():
        text = plain(table.rows[r][c])
        lines[r][c], at = cell_lines(text, max(_text_cells(sum(widths[c : c + cols]), size), 0.5))
        if at is not None:
            unit_breaks[r, c] = at
        align[r][c] = _cell_align(table, r, c, text)
    for (r, c), (nrows, _cols) in spans.items():
        if nrows == 1:
            heights[r] = max(heights[r], len(lines[r][c]))
    for (r, c), (nrows, _cols) in sorted(spans.items()):
        if nrows > 1:
            short = len(lines[r][c]) - sum(heights[r : r + nrows])
            if short > 0:
                heights[r + nrows - 1] += short
    return TableGrid(table, size, widths, align, lines, spans, heights, titled, unit_breaks)


def table_items(table: Table, style: Style) -> list[Item]:
    """One item per row (the title's first); header rows keep with the row after them. A wide
    table is laid out across the landscape type area (its items marked ``landscape``)."""
    turned = is_landscape(table, style)
    grid = lay_table(table, style, landscape.text_width(style) if turned else None)
    size = style.table_size
    return [Item("table_row", [Seg("　".join(plain(c) for c in row), size=size)], align="left", size=size,
                 grid=grid, row_index=r, keep_next=r < grid.header_rows, landscape=turned)
            for r, row in enumerate(grid.table.rows)]


#: What may stand on a landscape page before its table: the attachment's label and title.
_ATTACHMENT_HEAD = ("attachment_label", "blank", "attachment_title", "blank")


def _landscape_runs(items: list[Item]) -> None:
    """Mark what prints on the landscape pages with a wide table and start those pages.

    An attachment whose first block is a landscape table carries its label and title onto
    the landscape page; a blank line between two landscape tables, or after the last one at
    the end, stays with them. Each run of landscape items starts a new page (a new section in
    the .docx), and so does the item after it."""
    for k, item in enumerate(items):
        if item.landscape and item.row_index == 0 and k >= len(_ATTACHMENT_HEAD) and [
                i.role for i in items[k - len(_ATTACHMENT_HEAD) : k]] == list(_ATTACHMENT_HEAD):
            for head in items[k - len(_ATTACHMENT_HEAD) : k]:
                head.landscape = True
        if item.role == "blank" and k and items[k - 1].landscape and (
                k + 1 == len(items) or items[k + 1].landscape):
            item.landscape = True
    for k, item in enumerate(items):
        if k and item.landscape != items[k - 1].landscape:
            item.page_break_before = True


# A long organ mark keeps at least 一号 and is narrowed (character width) rather than made
# smaller than the title; below half width it shrinks again.
ORGAN_MARK_MIN_SIZE = spec.SIZES_PT["一号"]
ORGAN_MARK_MIN_SCALE = 50


def organ_mark_fit(text: str, style: Style | None = None) -> tuple[float, int]:
    """(size in pt, character width in %) that fit the mark into the type width [7.2.4].

    The house size (小初 by default) when it fits; else smaller down to 一号, then narrower
    characters (w:w, as offices condense long names) down to 50 %, then smaller again.
    """
    return _mark_fit(cells(text), style or spec.DEFAULT_STYLE)


def _mark_fit(n: float, style: Style) -> tuple[float, int]:
    """:func:`organ_mark_fit` for a mark ``n`` cells wide."""
    room = style.text_width / 20 * 0.96  # a little air at both ends
    n = max(n, 1)
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
    if doc.format == "letter":
        items += _letter_head(doc, style)
    elif doc.format == "order":
        items += _order_head(doc, style)
    elif doc.has_head:
        items += _head_marks(doc)
        if doc.organ_marks:
            items.append(joint_mark_item(doc.organ_marks, style))
            items += [Item("blank"), Item("blank")]
        elif doc.organ_mark:
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
    if doc.attendance:
        items += _attendance(doc)
    if doc.format == "order" and doc.signature_title:
        _order_signature(items, doc)
    elif doc.signature or doc.date:
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
    _landscape_runs(items)
    return items


def _signature(items: list[Item], doc: Document, style: Style) -> None:
    date_text = format_date(doc.date) if doc.date else ""
    # Keep the last body lines with the signature: never a page with only a signature.
    for item in reversed(items):
        if item.role != "blank":
            item.keep_next = True
            break
    if doc.signatures:
        _joint_signatures(items, doc.signatures, date_text, style)
        return
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
    if item.role in ("organ_mark", "blank", "letter_head") or item.center_tabs:
        item.lines = [item.text]  # a joint signature row: one line, each name at its tab stop
        return
    if item.grid is not None:
        item.lines = [""] * item.grid.heights[item.row_index]
        return
    # A negative first_line is a hanging indent (附件说明, 抄送): the first line starts left of ``left``.
    item.lines = break_lines(item.text, _item_width(item, style), first_indent=item.first_line,
                             left=item.left, right=item.right)


def paginate(items: list[Item], lines_per_page: int = spec.LINES_PER_PAGE,
             landscape_lines: int | None = None) -> tuple[int, int]:
    """Assign each item its page and first row; return (pages, grid lines used on the last).

    Widow/orphan control is off in the .docx, so a paragraph splits at any line, except
    one with keep-with-next: LibreOffice moves such a paragraph whole when the next one
    cannot follow it on the page (measured: a 10-line last paragraph moved with the
    signature rather than leave one line behind), and the .docx adds keep-lines-together
    so that Word does the same. So every line of a keep-with-next item is glued to the
    next line; a glued group that does not fit in what is left of a page moves to the
    next page whole (unless it is taller than a page). Landscape items (a 横排表格) fill
    pages of ``landscape_lines`` (default: the portrait number).
    """
    turned = landscape_lines or lines_per_page

    def room(index: int) -> int:
        return turned if items[index].landscape else lines_per_page

    # Flatten to printed lines: (item index, height in grid lines, glued to the next line).
    flat: list[tuple[int, int, bool]] = []
    breaks: set[int] = set()
    for index, item in enumerate(items):
        if item.page_break_before and flat:
            breaks.add(len(flat))
        count = len(item.lines)
        # A table row is never split across pages (unless it is taller than a page).
        whole = item.grid is not None and count <= room(index)
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
        limit = room(flat[i][0])
        if row > 1 and row - 1 + height > limit and height <= limit:
            page, row = page + 1, 1
        grid = items[flat[i][0]].grid
        if row == 1 and grid is not None and i > 0 and flat[i - 1][0] != flat[i][0] \
                and items[flat[i - 1][0]].grid is grid:
            row += grid.header_height  # the header rows, repeated at the top of the page
        for k in range(i, j + 1):
            index, lines, _ = flat[k]
            if row > 1 and row - 1 + lines > room(index):
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
    pages, used = paginate(items, style.lines_per_page, landscape.lines_per_page(style))
    colophon = None
    if doc.has_colophon:
        colophon = _colophon(doc, style)
        page = pages
        # after a landscape page the 版记 starts an upright one
        free = 0 if items and items[-1].landscape else style.lines_per_page - used
        # A 信函's 版记 stands at the foot of its last page, odd or even [10.1].
        if (page % 2 == 1 and doc.format != "letter") or free < colophon.height:
            colophon.page_break_before = True
            page += 1
            if page % 2 == 1 and doc.format != "letter":
                page += 1  # a blank page, then the 版记 on the even page
                colophon.blank_page_before = True
            free = style.lines_per_page
        colophon.pad_lines = free - colophon.height
        colophon.page = page
        pages = page
    letter = letter_head(doc, style) if doc.format == "letter" else None
    return Plan(items, colophon, pages, style, doc.format, letter)


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


# --- GB/T 9704 chapter 10: 信函格式, 命令（令）格式, 纪要格式 ---------------------------------
#
# A 纪要 is laid out as the standard head (its mark 35 mm below the type area's top, as 7.2.4's,
# its number line where the 文号 stands, under it the red rule), with its attendance lines under
# the body. A 信函 and a 命令 have heads of their own, below.


LETTER_MARK_TOP_MM = 30.0  # 信函: the mark's top 30 mm below the page's top edge [10.1]
LETTER_MARK_GAP_MM = 4.0  # the first double line 4 mm under the mark [10.1]
LETTER_LINE_MM = 170.0  # both double lines 170 mm long, centred [10.1]
LETTER_BOTTOM_LINE_MM = 20.0  # the second double line 20 mm above the page's bottom edge [10.1]
LETTER_NUMBER_GAP = 7 / 8  # the first element under the line: 7/8 of a 3号 character below it [10.1]
# The double lines: a thick and a thin red line, this far apart (centre to centre), in points.
LETTER_THICK_PT, LETTER_THIN_PT, LETTER_LINE_GAP_PT = 1.5, 0.5, 2.5
ORDER_MARK_TOP_MM = 20.0  # 命令: the mark's top 20 mm below the type area's top [10.2]
ORDER_SIGNATURE_GAP = "　　"  # the 签发人职务 stands 左空二字 of the 签名章 [7.3.5.3]


@dataclass
class LetterHead:
    """What a 信函 draws on its first page, outside the text's flow: the organ mark and the two
    red double lines. Positions in twips from the page's top edge; the lines' x from its left edge.

    The elements under the first double line sit on grid line 2, so the line stands 7/8 of a 3号
    character above their tops; the mark stands 4 mm above the line, its top 30 mm from the page's
    top: its size follows (about 29 pt with the standard's margins), narrowed for a long name.
    """

    mark: str
    size: float
    scale: int
    mark_top: int  # the em box's top
    top_line: int  # centre of the first double line's thick (upper) line
    bottom_line: int  # centre of the second double line's thin (upper) line; the thick one below it
    line_left: int
    line_length: int


def letter_head(doc: Document, style: Style) -> LetterHead:
    """The geometry of a 信函's mark and double lines [10.1]."""
    mm = spec.TWIPS_PER_MM
    pitch = spec.LINE_PITCH
    # The top of the em box of a 3号 character on grid line 2, then the lower (thin) line's bottom.
    em_top = (style.page.top + pitch + spec.EXACT_BASELINE * pitch
              - spec.EM_ASCENT * spec.BODY_SIZE * spec.TWIPS_PER_PT)
    thin_bottom = em_top - LETTER_NUMBER_GAP * spec.BODY_SIZE * spec.TWIPS_PER_PT
    thin_centre = thin_bottom - LETTER_THIN_PT * 10
    thick_centre = thin_centre - LETTER_LINE_GAP_PT * 20
    mark_bottom = thick_centre - LETTER_THICK_PT * 10 - LETTER_MARK_GAP_MM * mm
    mark_top = LETTER_MARK_TOP_MM * mm
    size = math.floor((mark_bottom - mark_top) / spec.TWIPS_PER_PT * 2) / 2  # the em box is the size
    text = doc.organ_mark or ""
    room = style.text_width / 20 * 0.96  # a little air at both ends, as organ_mark_fit
    scale = max(ORGAN_MARK_MIN_SCALE, min(100, int(100 * room / (max(cells(text), 1) * size))))
    length = round(LETTER_LINE_MM * mm)
    centre = style.page.left + style.text_width / 2
    # The second double line is thin above thick (上细下粗); the thick line's lower edge 20 mm up.
    bottom = spec.PAGE_HEIGHT - LETTER_BOTTOM_LINE_MM * mm - LETTER_THICK_PT * 10 - LETTER_LINE_GAP_PT * 20
    return LetterHead(text, size, scale, round(mark_top), round(thick_centre), round(bottom),
                      round(centre - length / 2), length)


def _letter_head(doc: Document, style: Style) -> list[Item]:
    """Grid line 1 holds the drawn mark and lines (its text is the mark, for the preview); under
    the first double line, 份号, 密级和保密期限 and 紧急程度 顶格 at the left, one a line, and the
    文号 顶格 at the right on the first of those lines; the title two lines below [10.1]."""
    head = letter_head(doc, style)
    mark = Seg(head.mark, "xiaobiaosong", head.size, color=style.red, scale=head.scale)
    items = [Item("letter_head", [mark], align="center")]
    left = [Item(role, [Seg(text, "fangsong" if role == "copy_number" else "heiti")], align="left")
            for role, text in (("copy_number", doc.copy_number), ("secrecy", doc.secrecy),
                               ("urgency", doc.urgency)) if text]
    number = doc.doc_number
    if number and left:
        first = left[0]
        left[0] = Item("doc_number", [*first.segs, Seg(number, tab_before=True)], align="left",
                       right_tab=True)
    elif number:
        left.insert(0, Item("doc_number", [Seg(number)], align="right"))
    items += left or [Item("blank")]
    items += [Item("blank"), Item("blank")]
    return items


def organ_mark_line(size: float) -> int:
    """Exact line height (twips) that puts the top of the organ mark 35 mm below the type area [7.2.4].

    The mark follows the three 版头 lines (份号, 密级, 紧急程度, blank when absent); its
    paragraph keeps two grid lines in all (line + space after), so what follows stays on the grid.
    """
    top = spec.ORGAN_MARK_TOP_MM * spec.TWIPS_PER_MM - 3 * spec.LINE_PITCH
    return min(mark_line(size, top)[0], 2 * spec.LINE_PITCH)


def mark_line(size: float, top_twips: float) -> tuple[int, int]:
    """(exact line height in twips, grid lines) of a mark's paragraph whose em box's top stands
    ``top_twips`` below the paragraph's top; the space after it fills whole grid lines."""
    line = round((top_twips + spec.EM_ASCENT * size * spec.TWIPS_PER_PT) / spec.EXACT_BASELINE)
    return line, max(1, math.ceil(line / spec.LINE_PITCH))


def _order_head(doc: Document, style: Style) -> list[Item]:
    """The mark (organ + 命令 or 令) with its top 20 mm below the type area's top, the 令号 two
    lines below it, centred, and the body two lines below the 令号 [10.2]."""
    items: list[Item] = []
    if doc.organ_mark:
        size, scale = organ_mark_fit(doc.organ_mark, style)
        line, lines = mark_line(size, ORDER_MARK_TOP_MM * spec.TWIPS_PER_MM)
        mark = Seg(doc.organ_mark, "xiaobiaosong", size, color=style.red, scale=scale)
        items.append(Item("organ_mark", [mark], align="center", grid_lines=lines, size=size, line_twips=line))
        items += [Item("blank"), Item("blank")]
    if doc.doc_number:
        items.append(Item("doc_number", [Seg(doc.doc_number)], align="center"))
        items += [Item("blank"), Item("blank")]
    return items


def _order_signature(items: list[Item], doc: Document) -> None:
    """签发人职务 and 签名章 two lines under the text, the 签名章 右空四字, the 职务 左空二字 of
    it; the date one line under the 签名章, 右空四字 [7.3.5.3, 10.2]."""
    for item in reversed(items):
        if item.role != "blank":
            item.keep_next = True  # never a page with only the signature
            break
    items += [Item("blank", keep_next=True), Item("blank", keep_next=True)]
    segs = [Seg(f"{doc.signature_title}{ORDER_SIGNATURE_GAP}{doc.signature}")]
    items.append(Item("signature", segs, align="right", right=spec.SEALED_DATE_RIGHT,
                      keep_next=bool(doc.date)))
    if doc.date:
        items += [Item("blank", keep_next=True),
                  Item("date", [Seg(format_date(doc.date))], align="right", right=spec.SEALED_DATE_RIGHT)]


def _attendance(doc: Document) -> list[Item]:
    """A 纪要's lines under the body, one blank line below it: the label in 3号黑体 with a
    full-width colon 左空二字, the names in 仿宋 separated by 、, wrapped lines under the first
    name [10.3]."""
    items = [Item("blank")]
    for label, names in doc.attendance:
        head = f"{label}："
        items.append(Item("attendance", [Seg(head, "heiti"), Seg("、".join(names))], align="left",
                          first_line=-cells(head), left=spec.BODY_INDENT + cells(head)))
    return items


# --- 联合行文: stacked organ marks, several signatures -------------------------------

#: Grid lines a single organ mark takes (its exact line and the space after it).
MARK_LINES = 2
#: Room between the stacked organ names and 文件 beside them, in cells of the mark's size.
JOINT_SUFFIX_GAP = 1.0


@dataclass
class JointMark:
    """Two to four organ marks stacked, 主办机关 first, and the suffix (文件) once beside them,
    centred vertically on the stack [7.2.4].

    Names of different lengths are spread to the width of the longest (分散对齐, as offices set
    a joint 红头), so the stack is a block and 文件 stands at the same distance from each name.
    Every name takes a row of ``row_twips`` (the single mark's exact line, which puts the first
    name's top 35 mm below the type area). Below the last name the 版头 goes on as under a single
    mark (its two grid lines, 下空二行, the 文号, the red rule), so the rule keeps its place
    relative to the last mark; the stack then takes ``grid_lines`` whole grid lines in the
    layout, and the part of a line it leaves over (:attr:`room_after`) is added under the red
    rule, so the title and body stay on the grid [7.2.5, 7.2.7, 5.2.3].
    """

    names: list[str]
    suffix: str
    size: float
    scale: int
    row_twips: int
    grid_lines: int

    @property
    def names_cells(self) -> float:
        """Width of the names' column, in cells of the mark's size (before condensing)."""
        return max(cells(name) for name in self.names)

    @property
    def height(self) -> int:
        """Twips from the top of the stack to the end of the last name's two grid lines."""
        return (len(self.names) - 1) * self.row_twips + MARK_LINES * spec.LINE_PITCH

    @property
    def room_after(self) -> int:
        """Twips the stack falls short of its whole grid lines (added under the red rule)."""
        return self.grid_lines * spec.LINE_PITCH - self.height


def joint_mark_item(names: list[str], style: Style) -> Item:
    """The 版头's stacked organ marks as one grid item (:class:`JointMark`)."""
    suffix = style.organ_mark_suffix
    width = max(cells(name) for name in names) + (JOINT_SUFFIX_GAP + cells(suffix) if suffix else 0)
    size, scale = _mark_fit(width, style)
    row = organ_mark_line(size)
    lines = math.ceil(((len(names) - 1) * row + MARK_LINES * spec.LINE_PITCH) / spec.LINE_PITCH)
    joint = JointMark(list(names), suffix, size, scale, row, lines)
    # In reading order, as a page prints them top to bottom: 文件 stands beside the middle name
    # (three names), or between the two middle ones (two or four).
    texts = list(names)
    if suffix:
        texts.insert((len(names) - 1) // 2 + 1, suffix)
    segs = [Seg(text, "xiaobiaosong", size, color=style.red, scale=scale) for text in texts]
    return Item("organ_mark", segs, align="center", grid_lines=lines, size=size, joint=joint)


#: Cells of one seal across (3号 characters with their tracking): 42 mm ≈ 7.6 cells.
SEAL_CELLS = (spec.SEAL_DIAMETER_MM * spec.TWIPS_PER_MM
              / (spec.BODY_SIZE * spec.TWIPS_PER_PT + spec.BODY_TRACKING))
#: Seals a row apart: their width and a little air, so that they neither overlap nor touch.
SEAL_PITCH = math.ceil(SEAL_CELLS + 0.4)
#: Grid lines from one row of signatures to the next: a seal's height and a little air.
SEAL_ROW_LINES = math.ceil(spec.SEAL_DIAMETER_MM * spec.TWIPS_PER_MM / spec.LINE_PITCH + 0.4)


def seal_columns(names: list[str], date_text: str, style: Style) -> list[float]:
    """Centres (cells from the left) of the columns joint signatures stand in, right to left
    order reversed (the leftmost first); as many columns as a row holds.

    The last column is centred over the date (右空四字), so the last seal presses the last
    signature and the date; the others stand a seal's width apart (or a name's, when a name is
    wider), and no seal or name may pass the type area's left edge [7.3.5.1]. Three a row when
    they fit, else two, else one.
    """
    width = float(style.chars_per_line)
    date_cells = cells(date_text) if date_text else 0.0
    last = width - spec.SEALED_DATE_RIGHT - date_cells / 2
    widest = max(cells(name) for name in names)
    half = max(SEAL_CELLS, widest) / 2
    last = min(last, width - half)
    pitch = max(SEAL_PITCH, widest + 1)
    for count in range(min(len(names), spec.SEALS_PER_ROW), 1, -1):
        first = last - (count - 1) * pitch
        if first - half >= 0:
            return [first + k * pitch for k in range(count)]
    return [last]


def _joint_signatures(items: list[Item], names: list[str], date_text: str, style: Style) -> None:
    """Several 署名, the 主办机关 first [7.3.5].

    Sealed (7.3.5.1): the signatures side by side in rows of up to three, each under its seal,
    the last one over the date; rows are a seal's height apart; a row that is not full keeps to
    the right-hand columns, so the last signature stands over the date. Unsealed (7.3.5.2): one
    signature a line, 主办机关 first, all ending at one right indent, and the date under the last
    as with one signature.
    """
    if not style.sealed:
        edge, shift = spec.UNSEALED_SIGNATURE_RIGHT, spec.UNSEALED_DATE_SHIFT
        last = cells(names[-1])
        name_right = edge + max(cells(date_text) - (last - shift), 0.0)
        date_right = max(edge, name_right + last - shift - cells(date_text))
        items.append(Item("blank", keep_next=True))
        for name in names:
            items.append(Item("signature", [Seg(name)], align="right", right=name_right, keep_next=True))
        if date_text:
            items.append(Item("date", [Seg(date_text)], align="right", right=date_right))
        return
    columns = seal_columns(names, date_text, style)
    per_row = len(columns)
    rows = math.ceil(len(names) / per_row)
    per_row = math.ceil(len(names) / rows)  # 4 names in rows of two, not three and one
    columns = columns[-per_row:]
    for _ in range(style.signature_blank_lines):
        items.append(Item("blank", keep_next=True))
    for index in range(rows):
        row = names[index * per_row : (index + 1) * per_row]
        stops = tuple(columns[-len(row):])
        if index:
            items += [Item("blank", keep_next=True) for _ in range(SEAL_ROW_LINES - 1)]
        if len(row) == 1:
            right = float(style.chars_per_line) - stops[0] - cells(row[0]) / 2
            items.append(Item("signature", [Seg(row[0])], align="right", right=max(right, 0.0),
                              keep_next=True))
        else:
            items.append(Item("signature", [Seg(name, tab_before=True) for name in row], align="left",
                              center_tabs=stops, keep_next=True))
    if date_text:
        items.append(Item("date", [Seg(date_text)], align="right", right=spec.SEALED_DATE_RIGHT))
