"""A laid-out Plan → .docx bytes following GB/T 9704-2012.

Every paragraph gets explicit formatting from ``spec`` (exact 579-twip lines, indents in
characters converted to twips, fonts in all four rFonts slots), so the result does not
depend on the styles of whatever program opens it.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import TYPE_CHECKING

from .. import spec
from ..layout import Item, Plan, Seg
from ..model import Document
from .base import base_docx

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph as DocxParagraph

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


def _w(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _el(tag: str, **attrs: str):  # type: ignore[no-untyped-def]
    from docx.oxml import OxmlElement

    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(_w(f"w:{key}"), value)
    return el


def _insert_ordered(parent, child, seq: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    """Insert ``child`` into ``parent`` at its schema position (Word is schema-strict)."""
    tag = child.tag
    for old in parent.findall(tag):
        parent.remove(old)
    names = [_w(t) for t in seq]
    later = set(names[names.index(tag) + 1 :])
    for index, existing in enumerate(parent):
        if existing.tag in later:
            parent.insert(index, child)
            return
    parent.append(child)


def _cell_twips(size: float) -> int:
    """One 字 in twips at a font size (三号 runs carry the −0.25 pt tracking)."""
    tracking = spec.BODY_TRACKING if size == spec.BODY_SIZE else 0
    return round(size * 20 + tracking)


def _format_run(run, seg: Seg, plan: Plan) -> None:  # type: ignore[no-untyped-def]
    fonts = plan.style.fonts
    name = getattr(fonts, seg.font)
    latin = fonts.latin or name
    rpr = run._r.get_or_add_rPr()
    rf = _el("w:rFonts", ascii=latin, hAnsi=latin, eastAsia=name, cs=latin, hint="eastAsia")
    _insert_ordered(rpr, rf, RPR_SEQ)
    if seg.bold:
        _insert_ordered(rpr, _el("w:b"), RPR_SEQ)
        _insert_ordered(rpr, _el("w:bCs"), RPR_SEQ)
    if seg.color:
        _insert_ordered(rpr, _el("w:color", val=seg.color), RPR_SEQ)
    tracking = spec.BODY_TRACKING if seg.size == spec.BODY_SIZE else 0
    _insert_ordered(rpr, _el("w:spacing", val=str(tracking)), RPR_SEQ)
    if seg.scale != 100:
        _insert_ordered(rpr, _el("w:w", val=str(seg.scale)), RPR_SEQ)
    half_points = str(round(seg.size * 2))
    _insert_ordered(rpr, _el("w:sz", val=half_points), RPR_SEQ)
    _insert_ordered(rpr, _el("w:szCs", val=half_points), RPR_SEQ)


def _format_paragraph(p: DocxParagraph, item: Item, plan: Plan, line_twips: int | None = None) -> None:
    seq = PPR_SEQ
    ppr = p._p.get_or_add_pPr()
    if item.keep_next:
        _insert_ordered(ppr, _el("w:keepNext"), seq)
        # LibreOffice moves a keep-with-next paragraph whole; make Word do the same (layout.paginate).
        _insert_ordered(ppr, _el("w:keepLines"), seq)
    if item.page_break_before:
        _insert_ordered(ppr, _el("w:pageBreakBefore"), seq)
    if item.red_rule:
        bdr = _el("w:pBdr")
        bdr.append(_el("w:bottom", val="single", sz=str(plan.style.red_rule_sz), space=str(RED_RULE_SPACE_PT),
                       color=plan.style.red))
        _insert_ordered(ppr, bdr, seq)
    # The line-breaking assumptions of reportgen.layout, on every paragraph so that no style
    # or default can change them: no widow control, no punctuation hanging past the margin
    # (overflowPunct, which OOXML turns on when it is absent), no extra space between CJK and
    # digits or Latin (autoSpaceDE/DN). Word follows them; LibreOffice's DOCX import inverts
    # overflowPunct and drops autoSpaceDE/DN, which writers/pdf.py makes up for.
    for tag in ("w:widowControl", "w:overflowPunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:snapToGrid"):
        _insert_ordered(ppr, _el(tag, val="0"), seq)
    cell = _cell_twips(item.size)
    if item.right_tab:
        tabs = _el("w:tabs")
        right = round(item.right or spec.SIGNERS_RIGHT)  # 签发人 and 印发日期 右空一字 [7.2.6, 7.4.3]
        tabs.append(_el("w:tab", val="right", pos=str(plan.style.text_width - right * cell)))
        _insert_ordered(ppr, tabs, seq)
    elif item.tab_pos is not None:
        tabs = _el("w:tabs")
        tabs.append(_el("w:tab", val="left", pos=str(round(item.tab_pos * cell))))
        _insert_ordered(ppr, tabs, seq)
    height = line_twips or spec.LINE_PITCH * item.grid_lines
    after = 0
    if item.role == "organ_mark":
        height = organ_mark_line(item.size)
        after = spec.LINE_PITCH * item.grid_lines - height
    _insert_ordered(ppr, _el("w:spacing", before="0", after=str(after), line=str(height), lineRule="exact"),
                    seq)
    ind = {"left": str(round(item.left * cell)), "right": str(round(item.right * cell))
           if not item.right_tab else "0"}
    if item.first_line >= 0:
        ind["firstLine"] = str(round(item.first_line * cell))
    else:
        ind["hanging"] = str(round(-item.first_line * cell))
    _insert_ordered(ppr, _el("w:ind", **ind), seq)
    jc = {"left": "left", "center": "center", "right": "right", "both": "both"}[item.align]
    _insert_ordered(ppr, _el("w:jc", val=jc), seq)


# With exact line spacing LibreOffice puts the baseline 0.80 of the line height below the
# line's top whatever the font size (measured with Noto CJK: 0.806 for 16, 22 and 36 pt).
EXACT_BASELINE = 0.80
EM_ASCENT = 0.88  # top of a CJK character's em box above its baseline, in em


def organ_mark_line(size: float) -> int:
    """Exact line height (twips) that puts the top of the organ mark 35 mm below the type area [7.2.4].

    The mark follows the three 版头 lines (份号, 密级, 紧急程度, blank when absent); its
    paragraph keeps two grid lines in all (line + space after), so what follows stays on the grid.
    """
    above = 3 * spec.LINE_PITCH
    top = spec.ORGAN_MARK_TOP_MM * spec.TWIPS_PER_MM
    line = (top - above + EM_ASCENT * size * spec.TWIPS_PER_PT) / EXACT_BASELINE
    return min(round(line), 2 * spec.LINE_PITCH)


COLOPHON_ROW_SLACK = 40  # twips per 版记 row: room for its 1 pt rules (measured)
RED_RULE_SPACE_PT = 7  # w:space of the red rule border: 4 mm below the 文号 (measured)


def red_rule_room(style: spec.Style) -> int:
    """Twips a red-rule border adds below its paragraph (its space and its width)."""
    return RED_RULE_SPACE_PT * 20 + round(style.red_rule_sz * 20 / 8)


def _add_item(container, item: Item, plan: Plan, line_twips: int | None = None) -> None:  # type: ignore[no-untyped-def]
    p = container.add_paragraph()
    _format_paragraph(p, item, plan, line_twips)
    if item.role in ("title", "attachment_title"):
        # The title's lines were chosen by the splitter (梯形/菱形): keep them with breaks.
        for index, line in enumerate(item.lines):
            run = p.add_run(line)
            if index:
                run._r.insert(run._r.index(run._r.find(_w("w:t"))), _el("w:br"))
            _format_run(run, item.segs[0], plan)
        return
    _add_segs(p, item, plan)


def _add_segs(p: DocxParagraph, item: Item, plan: Plan) -> None:
    """One run per segment; a segment may start with a tab (文号…签发人, 印发机关…日期)."""
    for seg in item.segs:
        if seg.tab_before:
            run = p.add_run()
            run._r.append(_el("w:tab"))
            _format_run(run, seg, plan)
        if seg.text:
            _format_run(p.add_run(seg.text), seg, plan)


def _page_number_footer(footer, odd: bool) -> None:  # type: ignore[no-untyped-def]
    """"— n —" in 4号宋体: odd pages right, even pages left, one 字 in [7.5]."""
    p = footer.paragraphs[0]
    cell = round(_cell_twips(spec.COLOPHON_SIZE) * spec.PAGE_NUMBER_INDENT)
    ppr = p._p.get_or_add_pPr()
    ind = _el("w:ind", right=str(cell), firstLine="0") if odd else _el("w:ind", left=str(cell), firstLine="0")
    _insert_ordered(ppr, ind, PPR_SEQ)
    _insert_ordered(ppr, _el("w:jc", val="right" if odd else "left"), PPR_SEQ)
    p.add_run("— ")
    fld = _el("w:fldSimple", instr=" PAGE ")
    r = _el("w:r")
    t = _el("w:t")
    t.text = "1"
    r.append(t)
    fld.append(r)
    p._p.append(fld)
    p.add_run(" —")


def _clear_footer(footer) -> None:  # type: ignore[no-untyped-def]
    footer.is_linked_to_previous = False
    for p in footer.paragraphs:
        for child in list(p._p):
            if child.tag != _w("w:pPr"):
                p._p.remove(child)


def _colophon(d: DocxDocument, plan: Plan) -> None:
    colophon = plan.colophon
    assert colophon is not None
    if colophon.page_break_before:
        if colophon.blank_page_before:
            # 7.5: a blank page before the 版记 page and the 版记 page carry no page number.
            from docx.enum.section import WD_SECTION

            new = d.add_section(WD_SECTION.NEW_PAGE)
            _clear_footer(new.footer)
            _clear_footer(new.even_page_footer)
            _add_item(d, Item("blank"), plan)
        _add_item(d, Item("blank", page_break_before=True), plan)
        pad = colophon.pad_lines - 1
    else:
        pad = colophon.pad_lines
    for _ in range(max(pad, 0)):
        _add_item(d, Item("blank"), plan)
    table = d.add_table(rows=len(colophon.rows), cols=1)
    tbl = table._tbl
    tblpr = tbl.tblPr
    seq = TBLPR_SEQ
    _insert_ordered(tblpr, _el("w:tblW", w=str(plan.style.text_width), type="dxa"), seq)
    borders = _el("w:tblBorders")
    thick, thin = str(plan.style.colophon_thick_sz), str(plan.style.colophon_thin_sz)
    for side, val, sz in (("top", "single", thick), ("left", "nil", "0"), ("bottom", "single", thick),
                          ("right", "nil", "0"), ("insideH", "single", thin), ("insideV", "nil", "0")):
        attrs = {"val": val}
        if val != "nil":
            attrs.update(sz=sz, space="0", color=spec.BLACK)
        borders.append(_el(f"w:{side}", **attrs))
    _insert_ordered(tblpr, borders, seq)
    _insert_ordered(tblpr, _el("w:tblLayout", type="fixed"), seq)
    margins = _el("w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        margins.append(_el(f"w:{side}", w="0", type="dxa"))
    _insert_ordered(tblpr, margins, seq)
    grid = tbl.tblGrid
    for col in grid.findall(_w("w:gridCol")):
        col.set(_w("w:w"), str(plan.style.text_width))
    for row, item in zip(table.rows, colophon.rows, strict=True):
        trpr = row._tr.get_or_add_trPr()
        # Rows a little under the grid line leave room for the paragraph Word needs after
        # a table; the last rule still lands within 0.5 pt of the type area's bottom.
        trpr.append(_el("w:trHeight", val=str(spec.LINE_PITCH * item.height - COLOPHON_ROW_SLACK),
                        hRule="exact"))
        cell = row.cells[0]
        cell.width = plan.style.text_width * 635  # EMU per twip
        p = cell.paragraphs[0]
        _format_paragraph(p, item, plan, line_twips=spec.LINE_PITCH - COLOPHON_ROW_SLACK)
        _add_segs(p, item, plan)
    # Word needs a paragraph after a table at the end of the body: make it take no room.
    tail = d.add_paragraph()
    ppr = tail._p.get_or_add_pPr()
    _insert_ordered(ppr, _el("w:spacing", before="0", after="0", line="2", lineRule="exact"), PPR_SEQ)
    run = tail.add_run()
    rpr = run._r.get_or_add_rPr()
    _insert_ordered(rpr, _el("w:sz", val="2"), RPR_SEQ)


def write_docx(plan: Plan, doc: Document) -> bytes:
    """Render a plan to reproducible .docx bytes."""
    from docx import Document as open_docx  # noqa: N813 - a function, read as one

    d = open_docx(io.BytesIO(base_docx(plan.style)))
    section = d.sections[0]
    _page_number_footer(section.footer, odd=True)
    _page_number_footer(section.even_page_footer, odd=False)
    room = 0
    for item in plan.items:
        # The red rule's border adds room below the 文号 line; the blank line after it gives
        # that room back, so the 文号 (and a 签发人 line above it) and the text below stay on the grid.
        _add_item(d, item, plan, spec.LINE_PITCH - room if room else None)
        room = red_rule_room(plan.style) if item.red_rule else 0
    if plan.colophon is not None:
        _colophon(d, plan)
    when = doc.date or dt.date(1980, 1, 1)
    stamp = dt.datetime(when.year, when.month, when.day, tzinfo=dt.UTC)
    core = d.core_properties
    core.title = doc.title
    core.author = doc.signature or doc.printer or ""
    core.created = stamp
    core.modified = stamp
    core.last_modified_by = ""
    core.revision = 1
    out = io.BytesIO()
    d.save(out)
    return normalize_zip(out.getvalue(), (when.year, when.month, when.day, 0, 0, 0))


def normalize_zip(data: bytes, date_time: tuple[int, int, int, int, int, int] = EPOCH) -> bytes:
    """Rewrite a zip with sorted members and fixed timestamps, so equal input gives equal bytes."""
    if date_time < EPOCH:
        date_time = EPOCH
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    # [Content_Types].xml first (some readers expect it), the rest sorted.
    ordered = sorted(names, key=lambda n: (n != "[Content_Types].xml", n))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            dst.writestr(info, src.read(name))
    return out.getvalue()
