"""A laid-out Plan → .docx bytes following GB/T 9704-2012.

Every paragraph gets explicit formatting from ``spec`` (exact 579-twip lines, indents in
characters converted to twips, fonts in all four rFonts slots), so the result does not
depend on the styles of whatever program opens it.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import math
import re
import zipfile
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from .. import landscape, spec
from ..errors import OutputError, Place
from ..layout import (
    CELL_INSET,
    GLUE_AFTER,
    GLUE_BEFORE,
    JOINT_SUFFIX_GAP,
    LETTER_LINE_GAP_PT,
    LETTER_THICK_PT,
    LETTER_THIN_PT,
    MARK_LINES,
    NO_LINE_END,
    NO_LINE_START,
    QUOTES_CLOSE,
    QUOTES_OPEN,
    Item,
    JointMark,
    LetterHead,
    Plan,
    Seg,
    TableGrid,
    can_break,
    cells,
    organ_mark_line,
    units,
)
from ..model import Document
from ..spec import Fonts, Style
from .base import HEADING_STYLE_IDS, base_docx

# Schema order of the children of w:pPr, w:rPr and w:tblPr (ECMA-376 Part 1, 17.3 and
# 17.4): Word refuses a file whose property children are out of this order.
PPR_SEQ = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
    "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
    "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE",
    "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
    "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
    "w:sectPr", "w:pPrChange",
)
RPR_SEQ = (
    "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike",
    "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid",
    "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz",
    "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign",
    "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath",
)
TBLPR_SEQ = (
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders",
    "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
    "w:tblPrChange",
)

# Fixed zip timestamp when the document has no date (zip cannot store dates before 1980).
EPOCH = (1980, 1, 1, 0, 0, 0)


@lru_cache(maxsize=256)
def _w(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _el(tag: str, **attrs: str):  # type: ignore[no-untyped-def]
    from docx.oxml import OxmlElement

    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(_w(f"w:{key}"), value)
    return el


@lru_cache(maxsize=8)
def _ranks(seq: tuple[str, ...]) -> dict[str, int]:
    """Clark-notation tag → position in a schema sequence (computed once per sequence)."""
    return {_w(tag): rank for rank, tag in enumerate(seq)}


def _no_cell_margins():  # type: ignore[no-untyped-def]
    """w:tblCellMar of zero on every side: a cell's text is placed by its paragraph's indents."""
    margins = _el("w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        margins.append(_el(f"w:{side}", w="0", type="dxa"))
    return margins


def _insert_ordered(parent, child, seq: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    """Insert ``child`` into ``parent`` at its schema position (Word is schema-strict)."""
    tag = child.tag
    ranks = _ranks(seq)
    rank = ranks[tag]
    for index, existing in enumerate(parent):
        other = ranks.get(existing.tag, -1)
        if other == rank:
            parent.remove(existing)
            # A property occurs once: the replacement takes the old one's place.
            parent.insert(index, child)
            return
        if other > rank:
            parent.insert(index, child)
            return
    parent.append(child)


def _cell_twips(size: float) -> int:
    """One 字 in twips at a font size (三号 runs carry the −0.25 pt tracking)."""
    tracking = spec.BODY_TRACKING if size == spec.BODY_SIZE else 0
    return round(size * 20 + tracking)


def _props(cached):  # type: ignore[no-untyped-def]
    """A copy of a cached properties element: most paragraphs and runs of a document share a
    handful of formats, and building elements one attribute at a time is the writer's main cost."""
    return copy.deepcopy(cached)


def _run_props(seg: Seg, plan: Plan):  # type: ignore[no-untyped-def]
    return _props(_rpr(plan.style.fonts, seg.font, seg.size, seg.bold, seg.color, seg.scale))


def _paragraph(item: Item, plan: Plan, line_twips: int | None = None):  # type: ignore[no-untyped-def]
    """A new w:p with the item's paragraph properties."""
    p = _el("w:p")
    p.append(_props(_ppr(plan.style, item.keep_next, item.page_break_before, item.red_rule, item.size,
                         item.right_tab, item.tab_pos, item.left, item.right, item.first_line,
                         item.grid_lines, item.align, item.role == "organ_mark", line_twips,
                         heading_level(item))))
    return p


def heading_level(item: Item) -> int:
    """1–4 for a heading's paragraph (it takes Word's heading style of that level), else 0."""
    role = item.role
    return int(role[-1]) if role.startswith("heading") and role[-1:] in "1234" else 0


@lru_cache(maxsize=256)
def _rpr(fonts: Fonts, font: str, size: float, bold: bool, color: str | None,  # type: ignore[no-untyped-def]
         scale: int):
    name = getattr(fonts, font)
    latin = fonts.latin or name
    rpr = _el("w:rPr")
    rf = _el("w:rFonts", ascii=latin, hAnsi=latin, eastAsia=name, cs=latin, hint="eastAsia")
    _insert_ordered(rpr, rf, RPR_SEQ)
    if bold:
        _insert_ordered(rpr, _el("w:b"), RPR_SEQ)
        _insert_ordered(rpr, _el("w:bCs"), RPR_SEQ)
    if color:
        _insert_ordered(rpr, _el("w:color", val=color), RPR_SEQ)
    tracking = spec.BODY_TRACKING if size == spec.BODY_SIZE else 0
    _insert_ordered(rpr, _el("w:spacing", val=str(tracking)), RPR_SEQ)
    if scale != 100:
        _insert_ordered(rpr, _el("w:w", val=str(scale)), RPR_SEQ)
    half_points = str(round(size * 2))
    _insert_ordered(rpr, _el("w:sz", val=half_points), RPR_SEQ)
    _insert_ordered(rpr, _el("w:szCs", val=half_points), RPR_SEQ)
    return rpr


@lru_cache(maxsize=256)
def _ppr(style: Style, keep_next: bool, page_break_before: bool, red_rule: bool,  # type: ignore[no-untyped-def]
         size: float, right_tab: bool, tab_pos: float | None, left: float, right: float, first_line: float,
         grid_lines: int, align: str, organ_mark: bool, line_twips: int | None, heading: int = 0):
    seq = PPR_SEQ
    ppr = _el("w:pPr")
    if heading:
        _insert_ordered(ppr, _el("w:pStyle", val=HEADING_STYLE_IDS[heading - 1]), seq)
    if keep_next:
        _insert_ordered(ppr, _el("w:keepNext"), seq)
        # LibreOffice moves a keep-with-next paragraph whole; make Word do the same (layout.paginate).
        _insert_ordered(ppr, _el("w:keepLines"), seq)
    if page_break_before:
        _insert_ordered(ppr, _el("w:pageBreakBefore"), seq)
    if red_rule:
        bdr = _el("w:pBdr")
        bdr.append(_el("w:bottom", val="single", sz=str(style.red_rule_sz), space=str(RED_RULE_SPACE_PT),
                       color=style.red))
        _insert_ordered(ppr, bdr, seq)
    # The line-breaking assumptions of reportgen.layout, on every paragraph so that no style
    # or default can change them: no widow control, no punctuation hanging past the margin
    # (overflowPunct, which OOXML turns on when it is absent), no extra space between CJK and
    # digits or Latin (autoSpaceDE/DN). Word follows them; LibreOffice's DOCX import inverts
    # overflowPunct and drops autoSpaceDE/DN, which writers/pdf.py makes up for.
    for tag in ("w:widowControl", "w:overflowPunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:snapToGrid"):
        _insert_ordered(ppr, _el(tag, val="0"), seq)
    cell = _cell_twips(size)
    if right_tab:
        tabs = _el("w:tabs")
        stop = round(right or spec.SIGNERS_RIGHT)  # 签发人 and 印发日期 右空一字 [7.2.6, 7.4.3]
        tabs.append(_el("w:tab", val="right", pos=str(style.text_width - stop * cell)))
        _insert_ordered(ppr, tabs, seq)
    elif tab_pos is not None:
        tabs = _el("w:tabs")
        tabs.append(_el("w:tab", val="left", pos=str(round(tab_pos * cell))))
        _insert_ordered(ppr, tabs, seq)
    height = line_twips or spec.LINE_PITCH * grid_lines
    after = 0
    if organ_mark:
        height = line_twips or organ_mark_line(size)  # a 命令's mark stands higher (layout.mark_line)
        after = spec.LINE_PITCH * grid_lines - height
    _insert_ordered(ppr, _el("w:spacing", before="0", after=str(after), line=str(height), lineRule="exact"),
                    seq)
    ind = {"left": str(round(left * cell)), "right": str(round(right * cell)) if not right_tab else "0"}
    if first_line >= 0:
        ind["firstLine"] = str(round(first_line * cell))
    else:
        ind["hanging"] = str(round(-first_line * cell))
    _insert_ordered(ppr, _el("w:ind", **ind), seq)
    jc = {"left": "left", "center": "center", "right": "right", "both": "both"}[align]
    _insert_ordered(ppr, _el("w:jc", val=jc), seq)
    return ppr


COLOPHON_ROW_SLACK = 40  # twips per 版记 row: room for its 1 pt rules (measured)
RED_RULE_SPACE_PT = 7  # w:space of the red rule border: 4 mm below the 文号 (measured)


def red_rule_room(style: spec.Style) -> int:
    """Twips a red-rule border adds below its paragraph (its space and its width)."""
    return RED_RULE_SPACE_PT * 20 + round(style.red_rule_sz * 20 / 8)


def _item(item: Item, plan: Plan, line_twips: int | None = None):  # type: ignore[no-untyped-def]
    p = _paragraph(item, plan, line_twips)
    if plan.format == "letter" and item.role == "doc_number" and item.right_tab:
        # 信函: the 文号 顶格 at the right edge of the type area, beside the 份号 [10.1]
        for tab in p.iter(_w("w:tab")):
            tab.set(_w("w:pos"), str(plan.style.text_width))
    if item.role in ("title", "attachment_title"):
        # The title's lines were chosen by the splitter (梯形/菱形): keep them with breaks.
        for index, line in enumerate(item.lines):
            run = _run(p, line)
            if index:
                run.insert(run.index(run.find(_w("w:t"))), _el("w:br"))
            run.insert(0, _run_props(item.segs[0], plan))
        return p
    _add_segs(p, item, plan)
    if item.center_tabs:
        _center_tabs(p, item)
    return p


def _center_tabs(p, item: Item) -> None:  # type: ignore[no-untyped-def]
    """Centring tab stops at the item's columns: joint signatures, each under its seal."""
    tabs = _el("w:tabs")
    cell = _cell_twips(item.size)
    for stop in item.center_tabs:
        tabs.append(_el("w:tab", val="center", pos=str(round(stop * cell))))
    _insert_ordered(p.pPr, tabs, PPR_SEQ)


def _preprinted(item: Item) -> Item:
    """The item as printed onto paper that carries the organ mark and the red rule: the mark's
    room kept blank at its exact height, the 文号 without its rule. The rule's border adds room
    below the 文号 that the next line gives back; without it neither happens, so every line
    below stands where it stands with a printed 版头."""
    import dataclasses

    if item.role == "organ_mark":
        return dataclasses.replace(item, segs=[])
    return dataclasses.replace(item, red_rule=False)


def _joint_mark(item: Item, plan: Plan):  # type: ignore[no-untyped-def]
    """Stacked organ marks [7.2.4], as offices set a joint 红头: a table without rules, centred,
    one row per organ (the names spread to the longest's width by character spacing), and the
    suffix (文件) in a cell merged down all rows, centred vertically on the stack. Rows of the
    single mark's exact line height: the first name's top stands 35 mm below the type area.
    On pre-printed paper, one empty line of the stack's height instead."""
    joint = item.joint
    assert joint is not None
    height = joint.row_twips * len(joint.names)
    if not item.segs:  # pre-printed paper: the room only
        p = _el("w:p")
        ppr = _el("w:pPr")
        p.append(ppr)
        _insert_ordered(ppr, _el("w:spacing", before="0", after="0", line=str(height), lineRule="exact"),
                        PPR_SEQ)
        return p
    char = _mark_char(joint)
    # Air after each cell's text (a cell exactly as wide as its text wraps in LibreOffice), and as
    # much before the names, so that the printed mark is centred.
    names_width = math.ceil((joint.names_cells + 2 * MARK_AIR) * char)
    suffix_width = 0
    if joint.suffix:
        suffix_width = math.ceil((JOINT_SUFFIX_GAP + cells(joint.suffix) + MARK_AIR) * char)
    widths = [names_width] + ([suffix_width] if suffix_width else [])
    tbl = _el("w:tbl")
    tblpr = _el("w:tblPr")
    tbl.append(tblpr)
    _insert_ordered(tblpr, _el("w:tblW", w=str(sum(widths)), type="dxa"), TBLPR_SEQ)
    _insert_ordered(tblpr, _el("w:jc", val="center"), TBLPR_SEQ)
    borders = _el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_el(f"w:{side}", val="nil"))
    _insert_ordered(tblpr, borders, TBLPR_SEQ)
    _insert_ordered(tblpr, _el("w:tblLayout", type="fixed"), TBLPR_SEQ)
    _insert_ordered(tblpr, _no_cell_margins(), TBLPR_SEQ)
    grid = _el("w:tblGrid")
    for width in widths:
        grid.append(_el("w:gridCol", w=str(width)))
    tbl.append(grid)
    seg = item.segs[0]  # every name and the suffix share the mark's font, size, colour and width
    for r, name in enumerate(joint.names):
        tr = _el("w:tr")
        trpr = _el("w:trPr")
        trpr.append(_el("w:cantSplit"))
        trpr.append(_el("w:trHeight", val=str(joint.row_twips), hRule="exact"))
        tr.append(trpr)
        tr.append(_mark_cell(plan, joint, names_width, name, seg, None))
        if suffix_width:
            tr.append(_mark_cell(plan, joint, suffix_width, joint.suffix if r == 0 else "", seg,
                                 "restart" if r == 0 else "continue"))
        tbl.append(tr)
    return tbl


MARK_AIR = 0.25  # characters


def _mark_char(joint: JointMark) -> float:
    """Twips one character of the stacked marks advances: the size as written (half points)."""
    return round(joint.size * 2) / 2 * spec.TWIPS_PER_PT * joint.scale / 100


def _mark_cell(plan: Plan, joint: JointMark, width: int, text: str, seg: Seg,  # type: ignore[no-untyped-def]
               merge: str | None):
    """One cell of the stacked marks: a name spread to the names' width, or the suffix."""
    tc = _el("w:tc")
    tcpr = _el("w:tcPr")
    tc.append(tcpr)
    _insert_ordered(tcpr, _el("w:tcW", w=str(width), type="dxa"), TCPR_SEQ)
    if merge is not None:
        _insert_ordered(tcpr, _el("w:vMerge", val="restart") if merge == "restart" else _el("w:vMerge"),
                        TCPR_SEQ)
        _insert_ordered(tcpr, _el("w:vAlign", val="center"), TCPR_SEQ)
    p = _el("w:p")
    tc.append(p)
    ppr = _el("w:pPr")
    p.append(ppr)
    for tag in ("w:widowControl", "w:overflowPunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:snapToGrid"):
        _insert_ordered(ppr, _el(tag, val="0"), PPR_SEQ)
    _insert_ordered(ppr, _el("w:spacing", before="0", after="0", line=str(joint.row_twips), lineRule="exact"),
                    PPR_SEQ)
    char = _mark_char(joint)
    lead = JOINT_SUFFIX_GAP if merge is not None else MARK_AIR
    _insert_ordered(ppr, _el("w:ind", left=str(round(lead * char)), right="0"), PPR_SEQ)
    _insert_ordered(ppr, _el("w:jc", val="left"), PPR_SEQ)
    if not text:
        return tc
    rpr = _props(_rpr(plan.style.fonts, seg.font, seg.size, seg.bold, seg.color, seg.scale))
    spread = 0
    if merge is None and len(text) > 1:
        # 分散对齐 by character spacing: the same in every program, unlike jc="distribute".
        spread = int((joint.names_cells - cells(text)) * char / (len(text) - 1))
    if spread:
        head = _run(p, text[:-1])
        spaced = copy.deepcopy(rpr)
        _insert_ordered(spaced, _el("w:spacing", val=str(spread)), RPR_SEQ)
        head.insert(0, spaced)
        text = text[-1]
    run = _run(p, text)
    run.insert(0, rpr)
    return tc


def _run(p, text: str = ""):  # type: ignore[no-untyped-def]
    """A w:r at the end of ``p`` holding ``text``."""
    run = p.add_r()
    if _TAB_OR_BREAK.search(text):
        run.text = text  # python-docx turns tabs and line ends into w:tab and w:br
    elif text:
        run.add_t(text)  # one w:t, xml:space="preserve" when it starts or ends with a space
    return run


_TAB_OR_BREAK = re.compile("[\t\r\n]")


WORD_JOINER = "\u2060"
_DOUBLED = ("……", "——")
# The characters of layout.can_break's rules beyond the kinsoku lists (GLUE_AFTER, GLUE_BEFORE,
# the curly quotes, …… and ——): a boundary without one of them on its side needs no joiner.
_GLUE_LAST = frozenset(GLUE_AFTER | QUOTES_CLOSE | {"—"})
_GLUE_FIRST = frozenset(GLUE_BEFORE | QUOTES_OPEN | {"…", "—"})
_GLUE_CHARS = re.compile("[" + re.escape("".join(sorted(_GLUE_LAST | _GLUE_FIRST))) + "]")


def joiner_offsets(text: str) -> list[int]:
    """Offsets in ``text`` before which a WORD JOINER (U+2060) makes the layout's line-breaking
    rules explicit for Word and WPS.

    The settings' kinsoku lists (base.kinsoku_lists) carry the layout's single-character rules.
    What they cannot say, the layout's rules about pairs, goes into the text: a joiner where
    :func:`reportgen.layout.can_break` keeps two units together for another reason than those
    lists ("，|2020", "2020|（", "a|“", "——|——"), and between the two halves of …… and ——,
    which the layout never splits and Word's rules would (Word breaks on both sides of a CJK
    character and at a CJK/Latin boundary). A joiner takes no room (layout.char_cells)."""
    offsets: list[int] = []
    if not _GLUE_CHARS.search(text):
        return offsets  # the layout's pair rules all involve one of these characters
    pos = 0
    previous = " "
    for unit in units(text):
        last, first = previous[-1], unit[0]
        if ((last in _GLUE_LAST or first in _GLUE_FIRST) and not (last.isspace() or first.isspace())
                and first not in NO_LINE_START and last not in NO_LINE_END and not can_break(previous, unit)):
            offsets.append(pos)
        if unit in _DOUBLED:
            offsets.append(pos + 1)
        pos += len(unit)
        previous = unit
    return offsets


def _joined(texts: list[str]) -> list[str]:
    """``texts`` (the segments of one paragraph) with word joiners where :func:`joiner_offsets`
    puts them in the whole paragraph; a joiner between two segments goes to the second."""
    offsets = joiner_offsets("".join(texts))
    if not offsets:
        return texts
    out: list[str] = []
    start = 0
    marks = iter(offsets)
    mark = next(marks, None)
    for text in texts:
        end = start + len(text)
        pieces: list[str] = []
        cut = start
        while mark is not None and mark < end:
            pieces.append(text[cut - start:mark - start])
            cut = mark
            mark = next(marks, None)
        pieces.append(text[cut - start:])
        out.append(WORD_JOINER.join(pieces))
        start = end
    return out


def _add_segs(p, item: Item, plan: Plan) -> None:  # type: ignore[no-untyped-def]
    """One run per segment; a segment may start with a tab (文号…签发人, 印发机关…日期).

    A paragraph of more than one line gets word joiners (:func:`joiner_offsets`); one that fits
    a line needs none, so 文号, dates and signatures keep their text as typed."""
    texts = [("\t" if seg.tab_before else "") + seg.text for seg in item.segs]
    if len(item.lines) > 1 and plan.style.word_joiners:
        texts = _joined(texts)
    for seg, text in zip(item.segs, texts, strict=True):
        if seg.tab_before:
            text = text[1:]
            run = _run(p)
            run.append(_el("w:tab"))
            run.insert(0, _run_props(seg, plan))
        if text:
            run = _run(p, text)
            run.insert(0, _run_props(seg, plan))


def _page_number_footer(footer, odd: bool) -> None:  # type: ignore[no-untyped-def]
    """"— n —" in 4号宋体: odd pages right, even pages left, one 字 in [7.5]."""
    p = footer.paragraphs[0]
    cell = round(_cell_twips(spec.COLOPHON_SIZE) * spec.PAGE_NUMBER_INDENT)
    ppr = p._p.get_or_add_pPr()
    ind = _el("w:ind", right=str(cell), firstLine="0") if odd else _el("w:ind", left=str(cell), firstLine="0")
    _insert_ordered(ppr, ind, PPR_SEQ)
    _insert_ordered(ppr, _el("w:jc", val="right" if odd else "left"), PPR_SEQ)
    p.add_run("— ")
    for run in page_field():
        p._p.append(run)
    p.add_run(" —")


def page_field() -> list:  # type: ignore[type-arg]
    """The PAGE field in its complex form (begin, instruction, separate, result, end), as every
    Word and WPS file writes it: a reader that does not evaluate fields shows the cached "1"
    rather than nothing or the word PAGE, and no reader has to support w:fldSimple."""
    runs = []
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        r = _el("w:r")
        if kind:
            r.append(_el("w:fldChar", fldCharType=kind))
        else:
            t = _el("w:instrText" if text == " PAGE " else "w:t")
            t.text = text
            if text != text.strip():
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            r.append(t)
        runs.append(r)
    return runs


def _clear_footer(footer) -> None:  # type: ignore[no-untyped-def]
    footer.is_linked_to_previous = False
    for p in footer.paragraphs:
        for child in list(p._p):
            if child.tag != _w("w:pPr"):
                p._p.remove(child)


@dataclass
class _Skeleton:
    """What every document of a style shares, made once per process with python-docx."""

    parts: dict[str, bytes]  # package members, document.xml and core.xml included as made
    document: Any  # w:document with an empty w:body
    section_break: Any | None  # the w:p that ends the numbered section (blank page before the 版记)
    sect_pr: Any  # the body's final w:sectPr
    core: Any  # cp:coreProperties
    block_width: int  # EMU between the margins
    numbered: Any = None  # the w:sectPr of upright numbered pages (ends them before a landscape run)
    turned: Any = None  # the w:sectPr of landscape pages (横排表格), with their own footers


@lru_cache(maxsize=8)
def _skeleton(style: Style, blank_page_section: bool, unnumbered_first: bool = False,
              turned: bool = False) -> _Skeleton:
    """The package: page-number footers and, when the 版记 needs a blank page before it, a
    second section whose footers are empty (7.5: those pages carry no number).
    ``unnumbered_first``: a first page whose footer is empty (信函格式 [10.1]); with ``turned``,
    the section of landscape pages and their footers (:func:`_landscape_footer`)."""
    from docx import Document as open_docx  # noqa: N813 - a function, read as one

    d = open_docx(io.BytesIO(base_docx(style)))
    section = d.sections[0]
    _page_number_footer(section.footer, odd=True)
    _page_number_footer(section.even_page_footer, odd=False)
    if unnumbered_first:
        section.different_first_page_header_footer = True
        _clear_footer(section.first_page_footer)
    block_width = int(d._block_width)
    if blank_page_section:
        from docx.enum.section import WD_SECTION

        new = d.add_section(WD_SECTION.NEW_PAGE)
        _clear_footer(new.footer)
        _clear_footer(new.even_page_footer)
    body = d.element.body
    numbered = copy.deepcopy(body.sectPr.getprevious().pPr.sectPr if blank_page_section else body.sectPr)
    landscape_sect = _landscape_section(d, style) if turned else None
    out = io.BytesIO()
    d.save(out)
    with zipfile.ZipFile(out) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    document = copy.deepcopy(d.element)
    body = document.body
    sect_pr = body.sectPr
    section_break = sect_pr.getprevious() if blank_page_section else None
    if turned:  # the body ends as it would without the landscape section
        section_break = body.findall(_w("w:p"))[0] if blank_page_section else None
        sect_pr = copy.deepcopy(body.findall(_w("w:p"))[-1].pPr.sectPr)
    for child in list(body):
        body.remove(child)
    return _Skeleton(parts, document, section_break, sect_pr, d.core_properties._element, block_width,
                     numbered, landscape_sect)


def _landscape_section(d, style: Style):  # type: ignore[no-untyped-def]
    """Add the landscape section to python-docx's document ``d``: A4 on its side, the margins
    turned (reportgen.landscape), footers of its own holding the page number turned with the
    page; return a copy of its w:sectPr."""
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Twips

    new = d.add_section(WD_SECTION.NEW_PAGE)
    new.orientation = WD_ORIENT.LANDSCAPE
    new.page_width, new.page_height = Twips(landscape.PAGE_WIDTH), Twips(landscape.PAGE_HEIGHT)
    top, right, bottom, left = landscape.margins(style)
    new.top_margin, new.right_margin = Twips(top), Twips(right)
    new.bottom_margin, new.left_margin = Twips(bottom), Twips(left)
    # The footer only anchors the number's box: low in the 26 mm margin, so that its empty line
    # does not push into the type area (LibreOffice grows a footer upwards into the body).
    new.footer_distance = Twips(landscape.FOOTER_DISTANCE)
    for footer, odd in ((new.footer, True), (new.even_page_footer, False)):
        footer.is_linked_to_previous = False
        _landscape_footer(footer, style, odd)
    return copy.deepcopy(d.element.body.sectPr)


V_NS = "urn:schemas-microsoft-com:vml"
O_NS = "urn:schemas-microsoft-com:office:office"


def _landscape_footer(footer, style: Style, odd: bool) -> None:  # type: ignore[no-untyped-def]
    """The footer of a landscape page: "— n —" in a text box in the left margin, its text
    vertical (turned a quarter to the right), where a portrait page of that parity has its
    number once the sheet is turned back (reportgen.landscape.number_box)."""
    from lxml import etree

    x, y, width, height = landscape.number_box(style, odd)
    p = footer.paragraphs[0]
    run = _el("w:r")
    pict = _el("w:pict")
    run.append(pict)
    shapetype = etree.SubElement(pict, f"{{{V_NS}}}shapetype", id="_x0000_t202", coordsize="21600,21600",
                                 path="m,l,21600r21600,l21600,xe", nsmap={"v": V_NS, "o": O_NS})
    shapetype.set(f"{{{O_NS}}}spt", "202")
    etree.SubElement(shapetype, f"{{{V_NS}}}path", gradientshapeok="t").set(f"{{{O_NS}}}connecttype", "rect")
    box = (f"position:absolute;margin-left:{x / 20}pt;margin-top:{y / 20}pt;width:{width / 20}pt;"
           f"height:{height / 20}pt;z-index:1;mso-position-horizontal:absolute;"
           "mso-position-horizontal-relative:page;mso-position-vertical:absolute;"
           "mso-position-vertical-relative:page")
    shape = etree.SubElement(pict, f"{{{V_NS}}}shape", id=f"PageNumber{'Odd' if odd else 'Even'}",
                             type="#_x0000_t202", style=box, filled="f", stroked="f")
    textbox = etree.SubElement(shape, f"{{{V_NS}}}textbox", style="layout-flow:vertical", inset="0,0,0,0")
    content = _el("w:txbxContent")
    textbox.append(content)
    inner = _el("w:p")
    content.append(inner)
    ppr = inner.get_or_add_pPr()
    _insert_ordered(ppr, _el("w:pStyle", val="Footer"), PPR_SEQ)
    _insert_ordered(ppr, _el("w:jc", val="right" if odd else "left"), PPR_SEQ)
    number = _el("w:r")
    text = _el("w:t")
    text.text = "— "
    text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    number.append(text)
    inner.append(number)
    for field_run in page_field():
        inner.append(field_run)
    tail = copy.deepcopy(number)
    tail[0].text = " —"
    inner.append(tail)
    p._p.append(run)


def _section_end(sect_pr):  # type: ignore[no-untyped-def]
    """A paragraph that ends a section (``sect_pr``) and takes no room: the pages before a
    landscape run, or the run itself, end with it."""
    p = _el("w:p")
    ppr = p.get_or_add_pPr()
    _insert_ordered(ppr, _el("w:spacing", before="0", after="0", line="2", lineRule="exact"), PPR_SEQ)
    _insert_ordered(ppr, copy.deepcopy(sect_pr), PPR_SEQ)
    return p


# The 版记 table floats at the bottom of the type area in the .docx Word and WPS open: however many
# lines Word makes of the text before it, its last rule stays on the type area's bottom edge
# [7.4.1]. LibreOffice (7.4) lays such a table out inline at the top of the page, so the copy it
# converts (writers/pdf.stage_docx) gets the padded form instead: this many blank lines before an
# inline table, which the settings part records as a document variable.
COLOPHON_PAD_VARIABLE = "reportgenColophonPad"
COLOPHON_FLOAT = {"leftFromText": "0", "rightFromText": "0", "topFromText": "0", "bottomFromText": "0",
                  "vertAnchor": "margin", "horzAnchor": "margin", "tblpXSpec": "center",
                  "tblpYSpec": "bottom"}


def blank_line():  # type: ignore[no-untyped-def]
    """An empty paragraph one grid line high, as the layout's blank lines are written."""
    return _item(Item("blank"), Plan([], None, 0, spec.DEFAULT_STYLE))


def _colophon(body, plan: Plan, skeleton: _Skeleton, anchored: bool,  # type: ignore[no-untyped-def]
              after_section: bool = False) -> int:
    """Append the 版记; returns the blank lines that pad it to the bottom of the page (written
    before it unless ``anchored``, when the table floats at the bottom instead). ``after_section``:
    a section break (after landscape pages) has just started a new page."""
    from docx.oxml.table import CT_Tbl

    colophon = plan.colophon
    assert colophon is not None
    if colophon.page_break_before:
        if colophon.blank_page_before:
            # 7.5: a blank page before the 版记 page and the 版记 page carry no page number.
            if not after_section:
                body.append(copy.deepcopy(skeleton.section_break))
            body.append(_item(Item("blank"), plan))
            after_section = False
        body.append(_item(Item("blank", page_break_before=not after_section), plan))
        pad = colophon.pad_lines - 1
    else:
        pad = colophon.pad_lines
    pad = max(pad, 0)
    if not anchored:
        for _ in range(pad):
            body.append(blank_line())
    tbl = CT_Tbl.new_tbl(len(colophon.rows), 1, skeleton.block_width)
    body.append(tbl)
    tblpr = tbl.tblPr
    seq = TBLPR_SEQ
    if anchored:
        _insert_ordered(tblpr, _el("w:tblpPr", **COLOPHON_FLOAT), seq)
        _insert_ordered(tblpr, _el("w:tblOverlap", val="never"), seq)
    # python-docx's w:tblLook carries Word 2010 attributes the 2007 schema does not know, and
    # the table has no style for it to select parts of.
    for look in tblpr.findall(_w("w:tblLook")):
        tblpr.remove(look)
    _insert_ordered(tblpr, _el("w:tblW", w=str(plan.style.text_width), type="dxa"), seq)
    borders = _el("w:tblBorders")
    thick, thin = str(plan.style.colophon_thick_sz), str(plan.style.colophon_thin_sz)
    ruled = "nil" if plan.format == "letter" else "single"  # a 信函's 版记 has no rules [10.1]
    for side, val, sz in (("top", ruled, thick), ("left", "nil", "0"), ("bottom", ruled, thick),
                          ("right", "nil", "0"), ("insideH", ruled, thin), ("insideV", "nil", "0")):
        attrs = {"val": val}
        if val != "nil":
            attrs.update(sz=sz, space="0", color=spec.BLACK)
        borders.append(_el(f"w:{side}", **attrs))
    _insert_ordered(tblpr, borders, seq)
    _insert_ordered(tblpr, _el("w:tblLayout", type="fixed"), seq)
    _insert_ordered(tblpr, _no_cell_margins(), seq)
    grid = tbl.tblGrid
    for col in grid.findall(_w("w:gridCol")):
        col.set(_w("w:w"), str(plan.style.text_width))
    for tr, item in zip(tbl.tr_lst, colophon.rows, strict=True):
        trpr = tr.get_or_add_trPr()
        # Rows a little under the grid line leave room for the paragraph Word needs after
        # a table; the last rule still lands within 0.5 pt of the type area's bottom.
        trpr.append(_el("w:trHeight", val=str(spec.LINE_PITCH * item.height - COLOPHON_ROW_SLACK),
                        hRule="exact"))
        tc = tr.tc_lst[0]
        tc.width = plan.style.text_width * 635  # EMU per twip
        old = tc.p_lst[0]
        p = _paragraph(item, plan, line_twips=spec.LINE_PITCH - COLOPHON_ROW_SLACK)
        old.addprevious(p)
        tc.remove(old)
        _add_segs(p, item, plan)
    # Word needs a paragraph after a table at the end of the body: make it take no room.
    tail = _el("w:p")
    body.append(tail)
    ppr = tail.get_or_add_pPr()
    _insert_ordered(ppr, _el("w:spacing", before="0", after="0", line="2", lineRule="exact"), PPR_SEQ)
    run = _run(tail)
    rpr = run.get_or_add_rPr()
    _insert_ordered(rpr, _el("w:sz", val="2"), RPR_SEQ)
    return pad


TABLE_RULE_SZ = 4  # eighths of a point: the ½ pt rules offices print tables with
TABLE_TOP_ROOM = 15  # twips (measured: the rows of a table with ½ pt rules start 0.75 pt low)
TCPR_SEQ = ("w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd", "w:noWrap", "w:tcMar",
            "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")


def _table(grid: TableGrid, plan: Plan):  # type: ignore[no-untyped-def]
    """A ruled table across the type area: every cell bordered, fixed column widths, rows of
    whole grid lines that never split, the header rows repeated on every page."""
    style = plan.style
    turned = any(i.landscape for i in plan.items if i.grid is grid)
    tbl = _el("w:tbl")
    tblpr = _el("w:tblPr")
    tbl.append(tblpr)
    _insert_ordered(tblpr, _el("w:tblW", w=str(sum(grid.widths)), type="dxa"), TBLPR_SEQ)
    _insert_ordered(tblpr, _el("w:tblInd", w="0", type="dxa"), TBLPR_SEQ)
    borders = _el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_el(f"w:{side}", val="single", sz=str(TABLE_RULE_SZ), space="0", color=spec.BLACK))
    _insert_ordered(tblpr, borders, TBLPR_SEQ)
    _insert_ordered(tblpr, _el("w:tblLayout", type="fixed"), TBLPR_SEQ)
    # No cell margins: the text's inset is the paragraphs' indent, so the outer rules stand on
    # the type area's edges in Word's and LibreOffice's table models alike.
    _insert_ordered(tblpr, _no_cell_margins(), TBLPR_SEQ)
    cols = _el("w:tblGrid")
    for width in grid.widths:
        cols.append(_el("w:gridCol", w=str(width)))
    tbl.append(cols)
    # A body row the layout keeps with what follows (the last row, before the signature): its
    # paragraphs keep with the next one, which LibreOffice and Word honour for that row alone.
    # (On header rows it would keep the whole table with the next paragraph in LibreOffice.)
    keep = {i.row_index for i in plan.items
            if i.grid is grid and i.keep_next and i.row_index >= grid.header_rows}
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for (r0, c0), (nrows, _ncols) in grid.spans.items():
        for r in range(r0, r0 + nrows):
            owner[r, c0] = (r0, c0)
    for r, height in enumerate(grid.heights):
        tr = _el("w:tr")
        trpr = _el("w:trPr")
        if height <= (landscape.lines_per_page(style) if turned else style.lines_per_page):
            trpr.append(_el("w:cantSplit"))
        # LibreOffice puts the table's top rule below the line above it, not on it: the first
        # row gives that room back, so the rows and the text after the table stay on the grid.
        trpr.append(_el("w:trHeight", val=str(spec.LINE_PITCH * height - (TABLE_TOP_ROOM if r == 0 else 0)),
                        hRule="exact"))
        if r < grid.header_rows:
            trpr.append(_el("w:tblHeader"))
        tr.append(trpr)
        c = 0
        while c < len(grid.widths):
            origin = owner.get((r, c))
            if origin is None:  # inside a horizontal span
                c += 1
                continue
            nrows, ncols = grid.spans[origin]
            tr.append(_cell(grid, plan, r, c, origin, nrows, ncols, r in keep))
            c += ncols
        tbl.append(tr)
    return tbl


def _cell(grid: TableGrid, plan: Plan, r: int, c: int, origin: tuple[int, int],  # type: ignore[no-untyped-def]
          nrows: int, ncols: int, keep: bool):
    tc = _el("w:tc")
    tcpr = _el("w:tcPr")
    tc.append(tcpr)
    _insert_ordered(tcpr, _el("w:tcW", w=str(sum(grid.widths[c : c + ncols])), type="dxa"), TCPR_SEQ)
    if ncols > 1:
        _insert_ordered(tcpr, _el("w:gridSpan", val=str(ncols)), TCPR_SEQ)
    if nrows > 1:
        merge = _el("w:vMerge", val="restart") if origin == (r, c) else _el("w:vMerge")
        _insert_ordered(tcpr, merge, TCPR_SEQ)
    title = grid.titled and r == 0
    if title:  # the title stands above the table: only the rule under it
        rules = _el("w:tcBorders")
        for side in ("top", "left", "right"):
            rules.append(_el(f"w:{side}", val="nil"))
        _insert_ordered(tcpr, rules, TCPR_SEQ)
    _insert_ordered(tcpr, _el("w:vAlign", val="center"), TCPR_SEQ)
    size = grid.size
    inset = CELL_INSET / _cell_twips(size)
    align = grid.align[r][c] if origin == (r, c) else "left"
    item = Item("table_cell", size=size, left=inset, right=inset, align=align, keep_next=keep)
    p = _paragraph(item, plan)
    tc.append(p)
    if origin != (r, c):
        return tc  # a continued vertical merge: an empty paragraph
    font = "heiti" if r < grid.header_rows else "fangsong"  # the title and the column headings
    runs = grid.table.rows[r][c]
    texts = [run.text for run in runs]
    if len(grid.lines[r][c]) > 1 and plan.style.word_joiners:  # as in a paragraph (_add_segs)
        texts = _joined(texts)
    at = grid.unit_breaks.get((r, c))
    if at is not None:  # the line breaks before the bracketed unit, where the layout broke it
        texts = [run.text for run in runs]
    for run_in, text in zip(runs, texts, strict=True):
        if at is not None and 0 <= at < len(text):
            text = text[:at] + "\n" + text[at:]  # a w:br
        if at is not None:
            at -= len(run_in.text)
        if text:
            run = _run(p, text)
            run.insert(0, _props(_rpr(plan.style.fonts, font, size, run_in.bold, None, 100)))
    return tc


def write_docx(plan: Plan, doc: Document, anchored: bool = True) -> bytes:
    """Render a plan to reproducible .docx bytes.

    The package around the body (styles, footers, sections) comes from a skeleton made once
    per style; each document adds only its body and core properties, and is zipped once.
    ``anchored=False`` writes the 版记 in the padded form LibreOffice is given (COLOPHON_PAD_VARIABLE).
    """
    from docx.opc.coreprops import CoreProperties
    from docx.opc.oxml import serialize_part_xml

    colophon = plan.colophon
    turned = any(item.landscape for item in plan.items)
    skeleton = _skeleton(plan.style, colophon is not None and colophon.blank_page_before,
                         plan.format == "letter", turned)
    document = copy.deepcopy(skeleton.document)
    body = document.body
    room = carry = 0
    upright = True
    for item in plan.items:
        if item.landscape == upright:
            # A landscape run is a section of its own: the section break starts its page, and the
            # page after it, so the item's own page break would add a blank page.
            body.append(_section_end(skeleton.numbered if upright else skeleton.turned))
            upright = not item.landscape
            item = replace(item, page_break_before=False)
        if item.grid is not None:
            if item.row_index == 0:
                body.append(_table(item.grid, plan))
            continue
        if item.role == "letter_head" and plan.letter is not None:
            body.append(letter_head(item, plan, plan.letter))
            continue
        preprinted = plan.style.letterhead == "preprinted"
        if preprinted and (item.role == "organ_mark" or item.red_rule):
            item = _preprinted(item)
        if item.joint is not None:
            body.append(_joint_mark(item, plan))
            # Under the last name, a single mark's space after its line (JointMark.height); the
            # part of a grid line the stack leaves over goes under the red rule.
            room = item.joint.row_twips - MARK_LINES * spec.LINE_PITCH
            carry = item.joint.room_after
            continue
        if item.line_twips:
            body.append(_item(item, plan, item.line_twips))
            continue
        # The red rule's border adds room below the 文号 line; the blank line after it gives
        # that room back, so the 文号 (and a 签发人 line above it) and the text below stay on the grid.
        body.append(_item(item, plan, spec.LINE_PITCH - room if room else None))
        room = red_rule_room(plan.style) if item.red_rule else 0
        if item.role == "doc_number":
            room, carry = room - carry, 0
    pad = None
    if colophon is not None:
        if not upright:
            body.append(_section_end(skeleton.turned))
        pad = _colophon(body, plan, skeleton, anchored, after_section=not upright)
    body.append(copy.deepcopy(skeleton.sect_pr if colophon is not None or upright else skeleton.turned))
    undated = undated_stamp()  # checked for every document, dated or not: one outcome per setting
    when = doc.date or undated
    stamp = dt.datetime(when.year, when.month, when.day, tzinfo=dt.UTC)
    core_xml = copy.deepcopy(skeleton.core)
    core = CoreProperties(core_xml)
    # A core property holds at most 255 characters (python-docx enforces it, as Word does): a
    # longer title or signature is cut in the file's properties only; the page prints it whole.
    core.title = doc.title[:CORE_PROPERTY_LIMIT]
    core.author = (doc.signature or doc.printer or "")[:CORE_PROPERTY_LIMIT]
    core.created = stamp
    core.modified = stamp
    core.last_modified_by = ""
    core.revision = 1
    parts = dict(skeleton.parts)
    parts["word/document.xml"] = serialize_part_xml(document)
    parts["docProps/core.xml"] = serialize_part_xml(core_xml)
    if pad is not None and anchored:
        parts["word/settings.xml"] = _with_pad_variable(parts["word/settings.xml"], pad)
    head = any(i.role in ("organ_mark", "doc_number") for i in plan.items)
    if plan.style.letterhead == "preprinted" and head:
        parts["word/settings.xml"] = _with_variable(parts["word/settings.xml"], LETTERHEAD_VARIABLE,
                                                    "preprinted")
    return _zip(parts, (when.year, when.month, when.day, 0, 0, 0))


LETTERHEAD_VARIABLE = spec.LETTERHEAD_VARIABLE


def _with_variable(settings: bytes, name: str, value: str) -> bytes:
    """The settings part with one more document variable (w:docVars follows w:compat)."""
    var = f'<w:docVar w:name="{name}" w:val="{value}"/>'.encode()
    if b"</w:docVars>" in settings:
        return settings.replace(b"</w:docVars>", var + b"</w:docVars>")
    assert settings.count(b"</w:compat>") == 1
    return settings.replace(b"</w:compat>", b"</w:compat><w:docVars>" + var + b"</w:docVars>")


def _with_pad_variable(settings: bytes, pad: int) -> bytes:
    """The settings part with the 版记's padding as a document variable (w:docVars follows w:compat)."""
    var = f'<w:docVars><w:docVar w:name="{COLOPHON_PAD_VARIABLE}" w:val="{pad}"/></w:docVars>'
    assert settings.count(b"</w:compat>") == 1
    return settings.replace(b"</w:compat>", b"</w:compat>" + var.encode())


CORE_PROPERTY_LIMIT = 255
# Zip timestamps hold 1980-01-01 … 2107-12-31.
LAST_STAMP = int(dt.datetime(2107, 12, 31, 23, 59, 59, tzinfo=dt.UTC).timestamp())


def undated_stamp() -> dt.date:
    """The date stamped into a document without 成文日期: SOURCE_DATE_EPOCH when set (the
    reproducible-builds convention), else 1980-01-01. Never the clock: same input, same bytes.

    SOURCE_DATE_EPOCH must be whole seconds since 1970 (``date +%s``) up to the end of 2107;
    a moment before 1980 is stamped 1980-01-01, as zip tools do."""
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return dt.date(1980, 1, 1)
    if not (epoch.isascii() and epoch.isdigit()) or int(epoch) > LAST_STAMP:
        raise OutputError(f"{epoch[:40]!r} is not whole seconds since 1970 from 0 to"
                          f" {LAST_STAMP} (the end of 2107, the last date a .docx can carry)",
                          place=Place(key="SOURCE_DATE_EPOCH"),
                          hint="set it to the output of date +%s, or unset it")
    return max(dt.datetime.fromtimestamp(int(epoch), dt.UTC).date(), dt.date(1980, 1, 1))


def _zip(parts: dict[str, bytes], date_time: tuple[int, int, int, int, int, int] = EPOCH) -> bytes:
    """Members sorted ([Content_Types].xml first: some readers expect it), fixed timestamps."""
    if date_time < EPOCH:
        date_time = EPOCH
    ordered = sorted(parts, key=lambda n: (n != "[Content_Types].xml", n))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            dst.writestr(info, parts[name])
    return out.getvalue()


# --- 信函格式 [10.1]: the mark and the red double lines, drawn on page 1 ---------------------

EMU_PER_TWIP = 635
EMU_PER_PT = 12700
_DRAWING_NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"')
# The line height of the mark's paragraph in its box, in em: its em box's top is then the box's
# top (baseline 0.80 of the line down, the em box 0.88 em above the baseline).
LETTER_MARK_LINE = spec.EM_ASCENT / spec.EXACT_BASELINE


def _anchor(number: int, name: str, x: int, y: int, cx: int, cy: int, shape: str):  # type: ignore[no-untyped-def]
    """A run holding a shape placed on the page (EMU from its top-left corner), in front of the
    text and not moving it (wrapNone)."""
    from docx.oxml import parse_xml

    xml = (f'<w:r {_DRAWING_NS}><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0"'
           f' relativeHeight="{number}" behindDoc="0" locked="1" layoutInCell="1" allowOverlap="1">'
           '<wp:simplePos x="0" y="0"/>'
           f'<wp:positionH relativeFrom="page"><wp:posOffset>{x}</wp:posOffset></wp:positionH>'
           f'<wp:positionV relativeFrom="page"><wp:posOffset>{y}</wp:posOffset></wp:positionV>'
           f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
           f'<wp:docPr id="{number}" name="{name}"/><wp:cNvGraphicFramePr/>'
           '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
           f'{shape}</a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>')
    return parse_xml(xml)


def _line_shape(length: int, width_pt: float, color: str) -> str:
    return ('<wps:wsp><wps:cNvCnPr/><wps:spPr><a:xfrm><a:off x="0" y="0"/>'
            f'<a:ext cx="{length}" cy="0"/></a:xfrm><a:prstGeom prst="line"><a:avLst/></a:prstGeom>'
            f'<a:ln w="{round(width_pt * EMU_PER_PT)}"><a:solidFill><a:srgbClr val="{color}"/></a:solidFill>'
            '</a:ln></wps:spPr><wps:bodyPr/></wps:wsp>')


def letter_head(item: Item, plan: Plan, head: LetterHead):  # type: ignore[no-untyped-def]
    """Grid line 1 of a 信函: an empty line anchoring the organ mark (a text box, its top 30 mm
    from the page's top) and the two red double lines, 170 mm long and centred: 上粗下细 4 mm
    under the mark, 上细下粗 20 mm above the page's bottom edge [10.1]."""
    style = plan.style
    p = _paragraph(Item("blank"), plan)
    line = round(head.size * spec.TWIPS_PER_PT * LETTER_MARK_LINE)
    mark = Item("organ_mark", item.segs, align="center", size=head.size)
    box_p = _paragraph(mark, plan, line)
    _add_segs(box_p, mark, plan)
    for ppr in box_p.findall(_w("w:pPr")):  # the exact line, not the organ mark's 35 mm one
        spacing = ppr.find(_w("w:spacing"))
        spacing.set(_w("w:line"), str(line))
        spacing.set(_w("w:after"), "0")
    box = ('<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/>'
           f'<a:ext cx="{style.text_width * EMU_PER_TWIP}" cy="{line * EMU_PER_TWIP}"/></a:xfrm>'
           '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr>'
           '<wps:txbx><w:txbxContent/></wps:txbx>'
           '<wps:bodyPr lIns="0" tIns="0" rIns="0" bIns="0" anchor="t" wrap="square"><a:noAutofit/>'
           '</wps:bodyPr></wps:wsp>')
    run = _anchor(1, "发文机关标志", style.page.left * EMU_PER_TWIP, head.mark_top * EMU_PER_TWIP,
                  style.text_width * EMU_PER_TWIP, line * EMU_PER_TWIP, box)
    next(run.iter(_w("w:txbxContent"))).append(box_p)
    p.append(run)
    gap = round(LETTER_LINE_GAP_PT * 20)
    lines = ((head.top_line, LETTER_THICK_PT), (head.top_line + gap, LETTER_THIN_PT),
             (head.bottom_line, LETTER_THIN_PT), (head.bottom_line + gap, LETTER_THICK_PT))
    for number, (y, width) in enumerate(lines, 2):
        shape = _line_shape(head.line_length * EMU_PER_TWIP, width, style.red)
        p.append(_anchor(number, f"红色双线{number - 1}", head.line_left * EMU_PER_TWIP, y * EMU_PER_TWIP,
                         head.line_length * EMU_PER_TWIP, 0, shape))
    return p
