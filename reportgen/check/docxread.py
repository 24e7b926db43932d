"""Read any .docx into plain records with the formatting Word would apply.

Every paragraph and run gets its *effective* properties: docDefaults, then the table
style, the paragraph style chain (basedOn), the character style chain, then direct
formatting — later levels win attribute by attribute where OOXML merges that way
(``w:ind``, ``w:spacing``, ``w:rFonts``). Fonts keep where they came from, and a
theme font (``w:eastAsiaTheme`` …) is kept as a theme font, since it overrides the
named font beside it.

Text boxes are read where Word and WPS put what a 公文 draws: the 红头, the 版记 and WPS's
page numbers. Of each ``mc:AlternateContent`` only the Choice is read (its Fallback repeats
it in VML). A text box's paragraphs come before the paragraph that anchors it, flagged
``in_box``; a box holding the 版记 goes to the end, where it prints.
"""

from __future__ import annotations

import itertools
import math
import re
import zipfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import CheckError, Place
from ..ooxml import UnsafePackageError, check_package, parse_xml, read_member

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
V_NS = "urn:schemas-microsoft-com:vml"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
PIC_NS = "http://schemas.openxmlformats.org/drawingml/2006/picture"
RT_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
RT_THEME = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
RT_SETTINGS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings"
RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"

SLOTS = ("ascii", "hAnsi", "eastAsia", "cs")
THEME_ATTR = {"ascii": "asciiTheme", "hAnsi": "hAnsiTheme", "eastAsia": "eastAsiaTheme", "cs": "cstheme"}
# Word's own defaults when nothing is said: 10 pt, left aligned.
DEFAULT_SIZE_PT = 10.0


@cache
def w(tag: str) -> str:
    """The Clark name of a WordprocessingML tag (remembered: the reader asks for a few dozen
    names some ten thousand times a document)."""
    return f"{{{W_NS}}}{tag}"


def _wval(el: Any, name: str = "val") -> str | None:
    return None if el is None else el.get(w(name))


def _on(el: Any) -> bool | None:
    """An OOXML on/off property: None when absent, True when present without val."""
    if el is None:
        return None
    val = el.get(w("val"))
    return val is None or val.lower() not in ("0", "false", "off", "none")


# More paragraphs than any 公文 has (a 300-page report has about 6000): reading them would take
# minutes (about 1 ms each), so a crafted file could hold up a whole ``check`` run.
PARAGRAPH_LIMIT = 20000
# Larger magnitudes are no measure of a page (OOXML's own limit is a 32-bit number).
INT_LIMIT = 2**31


def _int(value: str | None) -> int | None:
    """A number attribute; None when absent or not a finite number in OOXML's range
    (``abc``, ``nan``, ``1e999``): the file is then read as if the attribute were missing."""
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    if not math.isfinite(number) or abs(number) >= INT_LIMIT:
        return None
    return round(number)


# --- records ---------------------------------------------------------------------

@dataclass(frozen=True)
class FontSlot:
    """The effective font of one rFonts slot: a name, or a theme font that overrides names."""

    name: str | None
    theme: str | None = None  # e.g. minorEastAsia, when a *Theme attribute won
    source: str = ""  # docDefaults, style "Normal", direct


@dataclass(frozen=True)
class Border:
    val: str
    sz: int  # eighths of a point
    color: str | None
    space: int = 0  # points

    @property
    def visible(self) -> bool:
        return self.val not in ("nil", "none")

    @property
    def mm(self) -> float:
        return self.sz / 8 * 25.4 / 72


@dataclass
class RunInfo:
    text: str
    start: int  # offset in the paragraph's text
    fonts: dict[str, FontSlot]
    size: float  # pt
    color: str | None  # RRGGBB upper case, None = automatic (black)
    theme_color: str | None
    bold: bool
    tracking: int  # twentieths of a point (w:spacing in rPr)


@dataclass
class Shape:
    """A drawing or VML shape in a paragraph: only what the checker needs. A DrawingML shape
    placed at an offset from the page's top edge (wp:anchor) has its place: ``page_y`` of its
    top, ``page_x`` of its left (from the page's edge) or ``margin_x`` (from the left margin)
    when placed by an offset, ``centred`` when aligned to the centre, ``length`` (its width) and
    ``stroke`` (the line's width), all in EMU; ``compound`` is a line's a:ln/@cmpd (thickThin,
    thinThick, dbl: one shape drawn as a double line). None where not so placed."""

    is_line: bool
    color: str | None
    page_x: int | None = None
    page_y: int | None = None
    length: int | None = None
    stroke: int | None = None
    margin_x: int | None = None
    centred: bool = False
    compound: str | None = None


@dataclass
class Para:
    index: int  # 1-based, document order, blank and table paragraphs included
    text: str  # w:t text, tabs as \t, line breaks as \n
    runs: list[RunInfo]
    style: str | None
    align: str  # left | center | right | both | distribute
    left: int  # twips, *Chars resolved
    right: int
    first_line: int  # negative for a hanging indent
    line: int | None  # w:spacing/@line
    line_rule: str  # auto | exact | atLeast
    before: int
    after: int
    borders: dict[str, Border]
    tabs: list[tuple[str, int]]  # (val, pos) custom tab stops
    snap_to_grid: bool
    page_break_before: bool
    has_page_break: bool  # a w:br type="page" inside
    num_pr: tuple[str, str] | None  # (numId, ilvl) of automatic numbering
    mark_size: float  # size of the paragraph mark
    in_table: bool = False
    table: int | None = None  # which table (0-based) in the body
    row: int | None = None
    column: int | None = None  # the cell's first grid column (0-based), for table paragraphs
    span: int = 1  # grid columns the cell covers (w:gridSpan)
    merged_up: bool = False  # the cell continues the one above it (w:vMerge without restart)
    header_row: bool = False  # its row repeats at the top of each page (w:tblHeader)
    shapes: list[Shape] = field(default_factory=list)
    section: int = 0  # 0-based section the paragraph belongs to
    ends_section: bool = False
    number_label: str = ""  # the number Word's list numbering shows before the text (一、, （二）, 3.)
    in_box: bool = False  # in a text box (its place on the page is the box's, not measured)
    box_align: str | None = None  # the box's horizontal alignment on the margins (left, outside …)
    # a VML box placed on the page: (left, top, width, height) in twips, and its text vertical
    box_place: tuple[int, int, int, int] | None = None
    box_vertical: bool = False
    has_image: bool = False  # holds a picture (a seal, a scanned page): its height is the picture's
    # its DrawingML pictures: (relationship id of the image part, width, height in EMU)
    images: tuple[tuple[str, int, int], ...] = ()
    keep_next: bool = False  # w:keepNext, directly or from its style: kept on the page of the next

    @property
    def size(self) -> float:
        """The size of the first run with visible text, else of the paragraph mark."""
        for run in self.runs:
            if run.text.strip():
                return run.size
        return self.mark_size

    @property
    def tracking(self) -> int:
        for run in self.runs:
            if run.text.strip():
                return run.tracking
        return 0

    @property
    def cell(self) -> float:
        """One 字 in twips at the paragraph's size (with its character spacing)."""
        return max(self.size * 20 + self.tracking, 1.0)

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass
class FooterInfo:
    kind: str  # default | even | first
    paras: list[Para]
    page_text: str  # the footer's text with {PAGE} where the page number field stands
    part: str  # part name, for messages


@dataclass
class SectionInfo:
    index: int
    page_width: int | None
    page_height: int | None
    margins: dict[str, int | None]  # top bottom left right gutter
    grid_type: str | None
    grid_pitch: int | None
    footers: dict[str, FooterInfo | None]  # effective (inherited from earlier sections when linked)
    title_page: bool
    number_format: str | None  # w:pgNumType/@w:fmt
    first_para: int = 1
    last_para: int = 0

    @property
    def text_width(self) -> int:
        left = self.margins.get("left") or 0
        right = self.margins.get("right") or 0
        gutter = self.margins.get("gutter") or 0
        return (self.page_width or 0) - left - right - gutter


@dataclass
class TableInfo:
    rows: int
    lines: list[Border | None]  # above the first row, between rows, below the last
    width: int | None  # twips


@dataclass
class DocxView:
    path: str
    paras: list[Para]
    sections: list[SectionInfo]
    even_and_odd: bool
    has_styles: bool
    theme_fonts: dict[str, str] = field(default_factory=dict)  # minorEastAsia → 等线 …
    tables: list[TableInfo] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)  # w:docVars of the settings part


# --- styles ------------------------------------------------------------------------

class Styles:
    """Style lookups with basedOn chains; the default paragraph/character/table styles."""

    def __init__(self, root: Any | None) -> None:
        self.by_id: dict[str, Any] = {}
        self.default: dict[str, str] = {}
        self.rpr_default = None
        self.ppr_default = None
        if root is None:
            return
        for style in root.findall(w("style")):
            sid = style.get(w("styleId"))
            if sid is None:
                continue
            self.by_id[sid] = style
            if style.get(w("default")) in ("1", "true", "on"):
                self.default.setdefault(style.get(w("type")) or "paragraph", sid)
        defaults = root.find(w("docDefaults"))
        if defaults is not None:
            self.rpr_default = defaults.find(f"{w('rPrDefault')}/{w('rPr')}")
            self.ppr_default = defaults.find(f"{w('pPrDefault')}/{w('pPr')}")

    def chain(self, sid: str | None, kind: str) -> list[tuple[str, Any]]:
        """(name, style element) from the most basic to ``sid`` itself."""
        if sid is None or sid not in self.by_id:
            sid = self.default.get(kind)
        out: list[tuple[str, Any]] = []
        seen: set[str] = set()
        while sid and sid in self.by_id and sid not in seen:
            seen.add(sid)
            style = self.by_id[sid]
            name_el = style.find(w("name"))
            out.append((_wval(name_el) or sid, style))
            sid = _wval(style.find(w("basedOn")))
        return list(reversed(out))

    def name(self, sid: str | None) -> str | None:
        if sid is None:
            sid = self.default.get("paragraph")
        style = self.by_id.get(sid or "")
        if style is None:
            return sid
        return _wval(style.find(w("name"))) or sid


# --- resolution -----------------------------------------------------------------

Level = tuple[str, Any]  # (source label, pPr or rPr element)


def _merge_attrs(levels: list[Level], tag: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for _source, props in levels:
        el = props.find(w(tag)) if props is not None else None
        if el is not None:
            for key, value in el.attrib.items():
                merged[key.split("}")[-1]] = value
    return merged


def _last(levels: list[Level], tag: str) -> Any:
    found = None
    for _source, props in levels:
        if props is None:
            continue
        el = props.find(w(tag))
        if el is not None:
            found = el
    return found


def _fonts(levels: list[Level]) -> dict[str, FontSlot]:
    slots: dict[str, FontSlot] = {s: FontSlot(None) for s in SLOTS}
    for source, props in levels:
        el = props.find(w("rFonts")) if props is not None else None
        if el is None:
            continue
        for slot in SLOTS:
            theme = el.get(w(THEME_ATTR[slot]))
            name = el.get(w(slot))
            if theme:
                slots[slot] = FontSlot(name, theme, source)  # the theme font wins over the name beside it
            elif name:
                slots[slot] = FontSlot(name, None, source)
    return slots


def _rpr_levels(styles: Styles, para_style: str | None, run_style: str | None, table_style: str | None,
                direct: Any) -> list[Level]:
    levels: list[Level] = [("docDefaults", styles.rpr_default)]
    if table_style is not None:
        levels += [(f"表格样式 table style {n}", s.find(w("rPr")))
                   for n, s in styles.chain(table_style, "table")]
    levels += [(f"样式 style {n}", s.find(w("rPr"))) for n, s in styles.chain(para_style, "paragraph")]
    levels += [(f"字符样式 character style {n}", s.find(w("rPr")))
               for n, s in styles.chain(run_style, "character")]
    levels.append(("直接格式 direct", direct))
    return [(src, el) for src, el in levels if el is not None]


def _ppr_levels(styles: Styles, para_style: str | None, table_style: str | None, direct: Any) -> list[Level]:
    levels: list[Level] = [("docDefaults", styles.ppr_default)]
    if table_style is not None:
        levels += [(n, s.find(w("pPr"))) for n, s in styles.chain(table_style, "table")]
    levels += [(n, s.find(w("pPr"))) for n, s in styles.chain(para_style, "paragraph")]
    levels.append(("direct", direct))
    return [(src, el) for src, el in levels if el is not None]


def _color(levels: list[Level]) -> tuple[str | None, str | None]:
    el = _last(levels, "color")
    if el is None:
        return None, None
    theme = el.get(w("themeColor"))
    # Anything but six hex digits (auto, ZZZZZZ, F00) is read as automatic, as Word shows it.
    m = _HEX.match(el.get(w("val")) or "")
    return (m.group(1).upper() if m else None), theme


def _run_text(run: Any) -> tuple[str, bool]:
    parts: list[str] = []
    page_break = False
    for child in run:
        tag = child.tag
        if tag == w("t"):
            parts.append(child.text or "")
        elif tag in (w("tab"), w("ptab")):
            parts.append("\t")
        elif tag == w("br"):
            if child.get(w("type")) == "page":
                page_break = True
            elif child.get(w("type")) != "column":
                parts.append("\n")
        elif tag == w("cr"):
            parts.append("\n")
        elif tag == w("noBreakHyphen"):
            parts.append("-")
    return "".join(parts), page_break


def _own_runs(p: Any) -> list[Any]:
    """The paragraph's runs, not those of paragraphs nested in text boxes."""
    out = []
    for r in p.iter(w("r")):
        parent = r.getparent()
        while parent is not None and parent.tag != w("p"):
            parent = parent.getparent()
        if parent is p:
            out.append(r)
    return out


_HEX = re.compile(r"^#?([0-9A-Fa-f]{6})$")
_VML_COLORS = {"red": "FF0000", "black": "000000"}


def _shape_color(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip().split()[0]
    if value.lower() in _VML_COLORS:
        return _VML_COLORS[value.lower()]
    m = _HEX.match(value)
    return m.group(1).upper() if m else None


def _has_image(p: Any) -> bool:
    return next(p.iter(f"{{{PIC_NS}}}pic"), None) is not None or next(p.iter(f"{{{V_NS}}}imagedata"), None) \
        is not None


def _images(p: Any) -> tuple[tuple[str, int, int], ...]:
    """The DrawingML pictures of a paragraph (inline or floating): the image part's relationship
    id and the picture's extent, in EMU."""
    found = []
    for drawing in p.iter(w("drawing")):
        extent = next(drawing.iter(f"{{{WP_NS}}}extent"), None)
        for blip in drawing.iter(f"{{{A_NS}}}blip"):
            rid = blip.get(f"{{{R_NS}}}embed")
            if rid and extent is not None:
                found.append((rid, _int(extent.get("cx")) or 0, _int(extent.get("cy")) or 0))
    return tuple(found)


def drop_fallbacks(root: Any) -> None:
    """Keep one reading of each ``mc:AlternateContent``: its Choice (what Word 2010+ and WPS
    show). The Fallback repeats the same text box or shape in VML; reading both counted every
    WPS footer and every text box twice."""
    for fallback in list(root.iter(f"{{{MC_NS}}}Fallback")):
        parent = fallback.getparent()
        if parent is not None:
            parent.remove(fallback)


# A line of the 版记 (抄送：…, …印发): a text box holding one belongs at the end of the document.
COLOPHON_LINE = re.compile(r"^\s*抄\s*送\s*[:：]|\d{4}\s*年.*印\s*发\s*$")


WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def box_align(box: Any) -> str | None:
    """How a text box is aligned across the margins (left, center, right, inside, outside), from
    DrawingML's wp:positionH/wp:align or VML's mso-position-horizontal; None when placed by an
    offset or relative to the page, which is not measured."""
    for anchor in box.iterancestors():
        if anchor.tag == f"{{{WP_NS}}}anchor":
            pos = anchor.find(f"{{{WP_NS}}}positionH")
            align = pos.find(f"{{{WP_NS}}}align") if pos is not None else None
            if pos is not None and pos.get("relativeFrom") == "margin" and align is not None:
                return (align.text or "").strip() or None
            return None
        shapes = tuple(f"{{{V_NS}}}{name}" for name in ("shape", "rect", "roundrect"))
        style = anchor.get("style") if anchor.tag in shapes else None
        if style is not None:
            props = dict(part.split(":", 1) for part in style.split(";") if ":" in part)
            if props.get("mso-position-horizontal-relative", "").strip() == "margin":
                return props.get("mso-position-horizontal", "").strip() or None
            return None
    return None


def _pt_twips(value: str) -> int | None:
    """A VML length (``12.5pt``, ``1in``, ``10mm``) in twips."""
    m = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*(pt|in|mm|cm)\s*", value or "")
    if m is None:
        return None
    return round(float(m.group(1)) * {"pt": 20, "in": 1440, "mm": 1440 / 25.4, "cm": 1440 / 2.54}[m.group(2)])


def box_place(box: Any) -> tuple[tuple[int, int, int, int] | None, bool]:
    """Where a VML text box stands on the page ((left, top, width, height) in twips) when it is
    placed by offsets from the page's edges, and whether its text runs vertically
    (``layout-flow:vertical``: a landscape page's number, turned with the page)."""
    for anchor in box.iterancestors():
        if anchor.tag != f"{{{V_NS}}}shape":
            continue
        props = {k.strip(): v.strip() for k, v in (part.split(":", 1) for part in
                                                   (anchor.get("style") or "").split(";") if ":" in part)}
        textbox = anchor.find(f"{{{V_NS}}}textbox")
        flow = textbox.get("style", "") if textbox is not None else ""
        vertical = "layout-flow:vertical" in flow.replace(" ", "")
        if props.get("mso-position-horizontal-relative") != "page" or \
                props.get("mso-position-vertical-relative") != "page":
            return None, vertical
        values = [_pt_twips(props.get(k, "")) for k in ("margin-left", "margin-top", "width", "height")]
        if any(v is None for v in values):
            return None, vertical
        return (values[0], values[1], values[2], values[3]), vertical  # type: ignore[return-value]
    return None, False


def text_boxes(p: Any) -> list[Any]:
    """The outermost text boxes (w:txbxContent) inside a paragraph."""
    out = []
    for box in p.iter(w("txbxContent")):
        parent = box.getparent()
        while parent is not None and parent is not p and parent.tag != w("txbxContent"):
            parent = parent.getparent()
        if parent is p:
            out.append(box)
    return out


def _page_place(drawing: Any) -> dict[str, Any]:
    """Where a drawing anchored at an offset from the page's top edge stands (Shape's fields)."""
    anchor = drawing.find(f"{{{WP_NS}}}anchor")
    if anchor is None:
        return {}
    place: dict[str, Any] = {}
    vertical = anchor.find(f"{{{WP_NS}}}positionV")
    offset = vertical.find(f"{{{WP_NS}}}posOffset") if vertical is not None else None
    if vertical is None or vertical.get("relativeFrom") != "page" or offset is None:
        return {}
    place["page_y"] = _int(offset.text)
    horizontal = anchor.find(f"{{{WP_NS}}}positionH")
    if horizontal is not None:
        offset = horizontal.find(f"{{{WP_NS}}}posOffset")
        align = horizontal.find(f"{{{WP_NS}}}align")
        origin = horizontal.get("relativeFrom")
        if offset is not None and origin == "page":
            place["page_x"] = _int(offset.text)
        elif offset is not None and origin == "margin":
            place["margin_x"] = _int(offset.text)
        place["centred"] = align is not None and (align.text or "").strip() == "center" \
            and origin in ("page", "margin")
    extent = anchor.find(f"{{{WP_NS}}}extent")
    place["length"] = _int(extent.get("cx")) if extent is not None else None
    ln = next(drawing.iter(f"{{{A_NS}}}ln"), None)
    if ln is not None:
        place["stroke"] = _int(ln.get("w"))
        place["compound"] = ln.get("cmpd") if ln.get("cmpd") not in (None, "sng") else None
    return place


def _shapes(p: Any) -> list[Shape]:
    shapes: list[Shape] = []
    for drawing in p.iter(w("drawing")):
        geom = next(drawing.iter(f"{{{A_NS}}}prstGeom"), None)
        is_line = geom is not None and "line" in (geom.get("prst") or "").lower()
        color = None
        for ln in drawing.iter(f"{{{A_NS}}}ln"):
            clr = next(ln.iter(f"{{{A_NS}}}srgbClr"), None)
            if clr is not None:
                color = _shape_color(clr.get("val"))
        shapes.append(Shape(is_line, color, **_page_place(drawing)))
    for pict in p.iter(w("pict")):
        for el in pict.iter():
            if not isinstance(el.tag, str) or not el.tag.startswith(f"{{{V_NS}}}"):
                continue
            name = el.tag.split("}")[1]
            if name in ("line", "shape", "rect"):
                color = _shape_color(el.get("strokecolor"))
                shapes.append(Shape(name == "line", color))
    return shapes


class Reader:
    """Turns paragraphs of one package into :class:`Para` records."""

    def __init__(self, styles: Styles) -> None:
        self.styles = styles

    def para(self, p: Any, index: int, table_style: str | None = None) -> Para:
        ppr = p.find(w("pPr"))
        pstyle = _wval(ppr.find(w("pStyle"))) if ppr is not None else None
        plevels = _ppr_levels(self.styles, pstyle, table_style, ppr)
        runs: list[RunInfo] = []
        text_parts: list[str] = []
        offset = 0
        page_break = False
        for r in _own_runs(p):
            text, brk = _run_text(r)
            page_break = page_break or brk
            rpr = r.find(w("rPr"))
            rstyle = _wval(rpr.find(w("rStyle"))) if rpr is not None else None
            rlevels = _rpr_levels(self.styles, pstyle, rstyle, table_style, rpr)
            runs.append(self._run(text, offset, rlevels))
            text_parts.append(text)
            offset += len(text)
        mark_levels = _rpr_levels(self.styles, pstyle, None, table_style,
                                  ppr.find(w("rPr")) if ppr is not None else None)
        mark_size = self._size(mark_levels)
        size = next((r.size for r in runs if r.text.strip()), mark_size)
        ind = _merge_attrs(plevels, "ind")
        cell = size * 20

        def twips(name: str, chars: str, alt: str | None = None) -> int:
            chars_val = _int(ind.get(chars))
            if chars_val:
                return round(chars_val / 100 * cell)
            return _int(ind.get(name)) or (_int(ind.get(alt)) if alt else None) or 0

        left = twips("left", "leftChars", "start")
        right = twips("right", "rightChars", "end")
        hanging_chars = _int(ind.get("hangingChars"))
        first_chars = _int(ind.get("firstLineChars"))
        if hanging_chars:
            first = -round(hanging_chars / 100 * cell)
        elif first_chars:
            first = round(first_chars / 100 * cell)
        elif ind.get("hanging") is not None and _int(ind.get("hanging")):
            first = -(_int(ind.get("hanging")) or 0)
        else:
            first = _int(ind.get("firstLine")) or 0
        spacing = _merge_attrs(plevels, "spacing")
        jc = _wval(_last(plevels, "jc")) or "left"
        jc = {"start": "left", "end": "right", "justify": "both", "lowKashida": "both",
              "mediumKashida": "both", "highKashida": "both", "thaiDistribute": "distribute"}.get(jc, jc)
        borders: dict[str, Border] = {}
        for _source, props in plevels:
            bdr = props.find(w("pBdr"))
            if bdr is None:
                continue
            for side in bdr:
                name = side.tag.split("}")[1]
                borders[name] = Border(side.get(w("val")) or "single", _int(side.get(w("sz"))) or 0,
                                       _shape_color(side.get(w("color"))), _int(side.get(w("space"))) or 0)
        tabs: dict[int, str] = {}
        for _source, props in plevels:
            el = props.find(w("tabs"))
            if el is None:
                continue
            for tab in el.findall(w("tab")):
                pos = _int(tab.get(w("pos")))
                if pos is None:
                    continue
                if tab.get(w("val")) == "clear":
                    tabs.pop(pos, None)
                else:
                    tabs[pos] = tab.get(w("val")) or "left"
        num = _last(plevels, "numPr")
        num_pr = None
        if num is not None:
            num_id = _wval(num.find(w("numId")))
            if num_id and num_id != "0":
                num_pr = (num_id, _wval(num.find(w("ilvl"))) or "0")
        snap = _on(_last(plevels, "snapToGrid"))
        before = self._lines_or_twips(spacing, "before")
        after = self._lines_or_twips(spacing, "after")
        return Para(
            index=index,
            text="".join(text_parts),
            runs=runs,
            style=self.styles.name(pstyle),
            align=jc,
            left=left,
            right=right,
            first_line=first,
            line=_int(spacing.get("line")),
            line_rule=spacing.get("lineRule") or "auto",
            before=before,
            after=after,
            borders=borders,
            tabs=sorted((val, pos) for pos, val in tabs.items()),
            snap_to_grid=snap is not False,
            page_break_before=bool(_on(_last(plevels, "pageBreakBefore"))),
            has_page_break=page_break,
            num_pr=num_pr,
            mark_size=mark_size,
            shapes=_shapes(p),
            has_image=_has_image(p),
            images=_images(p),
            keep_next=bool(_on(_last(plevels, "keepNext"))),
        )

    @staticmethod
    def _lines_or_twips(spacing: dict[str, str], side: str) -> int:
        if spacing.get(f"{side}Autospacing") in ("1", "true", "on"):
            return 280  # Word's automatic 14 pt
        lines = _int(spacing.get(f"{side}Lines"))
        if lines:
            return round(lines / 100 * 240)  # hundredths of a line of 12 pt
        return _int(spacing.get(side)) or 0

    @staticmethod
    def _size(levels: list[Level]) -> float:
        el = _last(levels, "sz")
        value = _int(_wval(el))
        return value / 2 if value else DEFAULT_SIZE_PT

    def _run(self, text: str, start: int, levels: list[Level]) -> RunInfo:
        color, theme_color = _color(levels)
        return RunInfo(
            text=text,
            start=start,
            fonts=_fonts(levels),
            size=self._size(levels),
            color=color,
            theme_color=theme_color,
            bold=bool(_on(_last(levels, "b"))),
            tracking=_int(_wval(_last(levels, "spacing"))) or 0,
        )


# --- fields in footers ------------------------------------------------------------

_PAGE_FIELD = re.compile(r"^\s*PAGE\b", re.IGNORECASE)


def field_text(p: Any) -> str:
    """The paragraph's text with ``{PAGE}`` where a PAGE field stands (simple or complex)."""
    out: list[str] = []
    depth_instr: list[str] = []
    skipping: list[bool] = []

    def walk(el: Any) -> None:
        for child in el:
            tag = child.tag
            if tag == w("fldSimple"):
                if _PAGE_FIELD.match(child.get(w("instr")) or ""):
                    out.append("{PAGE}")
                else:
                    walk(child)
                continue
            if tag == w("fldChar"):
                kind = child.get(w("fldCharType"))
                if kind == "begin":
                    depth_instr.append("")
                    skipping.append(True)  # instruction part
                elif kind == "separate" and depth_instr:
                    is_page = bool(_PAGE_FIELD.match(depth_instr[-1]))
                    if is_page:
                        out.append("{PAGE}")
                    skipping[-1] = is_page
                elif kind == "end" and depth_instr:
                    if skipping[-1] and _PAGE_FIELD.match(depth_instr[-1]) and "{PAGE}" not in out[-1:]:
                        out.append("{PAGE}")  # a field without a cached result
                    depth_instr.pop()
                    skipping.pop()
                continue
            if tag == w("instrText") and depth_instr:
                depth_instr[-1] += child.text or ""
                continue
            if tag == w("t") and not any(skipping):
                out.append(child.text or "")
                continue
            if tag == w("tab") and not any(skipping):
                out.append("\t")
                continue
            if tag in (w("pPr"), w("rPr"), w("txbxContent")):
                continue
            walk(child)

    walk(p)
    return "".join(out)


# --- the package --------------------------------------------------------------------

def _open(path: Path) -> Any:
    """Open with python-docx; every failure becomes a CheckError that names the file."""
    where = Place(str(path))
    if not path.exists():
        raise CheckError("文件不存在 file not found", place=where)
    if path.is_dir():
        raise CheckError("这是文件夹 is a folder, not a .docx file", place=where)
    if path.is_file() and path.stat().st_size == 0:
        raise CheckError("空文件 the file is empty (0 bytes), not a .docx", place=where,
                         hint="give the .docx as saved by Word, WPS or LibreOffice")
    if _encrypted(path):
        raise CheckError("文档已加密 the document is encrypted (password-protected) and cannot be read",
                         place=where, hint="open it in Word or WPS, remove the password"
                         " (文件 → 信息 → 保护文档), save, and give that file")
    if not zipfile.is_zipfile(path):
        hint = "a .doc (Word 97–2003) or .wps file must be saved as .docx first" \
            if path.suffix.lower() in (".doc", ".wps") else "give a Word .docx file"
        raise CheckError("不是 .docx 文件 not a .docx file (not a zip package)", place=where, hint=hint)
    from docx.opc.exceptions import PackageNotFoundError

    resave = "open and re-save it in Word, WPS or LibreOffice"
    try:
        _vet_package(path)
    except UnsafePackageError as exc:
        raise CheckError(f"文件已损坏或不安全 damaged or unsafe .docx: {exc}", place=where,
                         hint=resave) from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise CheckError(f"文件已损坏 damaged .docx: {exc}", place=where, hint=resave) from None
    try:
        return _document(path)
    except (PackageNotFoundError, KeyError, zipfile.BadZipFile) as exc:
        raise CheckError(f"不是 Word 文档 not a Word document: {exc}", place=where,
                         hint="give a .docx saved by Word, WPS or LibreOffice") from None
    except ValueError as exc:  # python-docx: a package of another kind (.xlsx, .docm …)
        raise CheckError(f"不是 Word 文档 not a Word document: {exc}", place=where,
                         hint="give a .docx saved by Word, WPS or LibreOffice") from None
    except Exception as exc:  # lxml.etree.XMLSyntaxError and other damage inside the package
        raise CheckError(f"文件已损坏 damaged .docx: {type(exc).__name__}: {exc}", place=where,
                         hint=resave) from None


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: .doc, .wps, or an encrypted .docx


def _encrypted(path: Path) -> bool:
    """An encrypted .docx is a compound file holding an ``EncryptedPackage`` stream (MS-OFFCRYPTO)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(1 << 20)
    except OSError:
        return False
    return head.startswith(OLE_MAGIC) and "EncryptedPackage".encode("utf-16-le") in head


# The main part of a document, a template and their macro-enabled kinds: the text is read alike.
MAIN_TYPES = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)


def _document(path: Path) -> Any:
    """python-docx's Document for .docx, .dotx, .docm and .dotm (python-docx itself takes .docx only)."""
    from docx.opc.part import PartFactory
    from docx.package import Package
    from docx.parts.document import DocumentPart

    for content_type in MAIN_TYPES:
        PartFactory.part_type_for.setdefault(content_type, DocumentPart)
    part = Package.open(str(path)).main_document_part
    if part.content_type not in MAIN_TYPES:
        raise ValueError(f"the main part is {part.content_type}, not a Word document")
    return part.document


def _vet_package(path: Path) -> None:
    """Read every XML member once through the size cap and the entity-free parser before
    python-docx opens the file (which would unpack and parse members without limits)."""
    from lxml import etree

    with zipfile.ZipFile(path) as zf:
        check_package(zf)
        for name in zf.namelist():
            data = read_member(zf, name)
            if name.endswith((".xml", ".rels")):
                try:
                    parse_xml(data)
                except etree.XMLSyntaxError as exc:
                    raise UnsafePackageError(f"{name} is not well-formed XML ({exc})") from None
                except UnsafePackageError as exc:
                    raise UnsafePackageError(f"{name}: {exc}") from None


def _related(part: Any, reltype: str) -> Any | None:
    for rel in part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            return rel.target_part
    return None


def _part_xml(part: Any) -> Any:
    element = getattr(part, "element", None)
    if element is not None:
        return element
    return parse_xml(part.blob)


def _section_info(sect: Any, index: int, footers: dict[str, FooterInfo | None]) -> SectionInfo:
    pg = sect.find(w("pgSz"))
    mar = sect.find(w("pgMar"))
    grid = sect.find(w("docGrid"))
    fmt = sect.find(w("pgNumType"))
    return SectionInfo(
        index=index,
        page_width=_int(_wval(pg, "w")),
        page_height=_int(_wval(pg, "h")),
        margins={k: _int(_wval(mar, k)) for k in ("top", "bottom", "left", "right", "gutter")},
        grid_type=_wval(grid, "type"),
        grid_pitch=_int(_wval(grid, "linePitch")),
        footers=footers,
        title_page=bool(_on(sect.find(w("titlePg")))),
        number_format=_wval(fmt, "fmt"),
    )


def read_docx(path: Path) -> DocxView:
    """Read a .docx file; raise CheckError when it is not one."""
    document = _open(path)
    try:
        return _read(document, str(path))
    except CheckError:
        raise
    except Exception as exc:  # a package python-docx opened but whose parts are malformed
        raise CheckError(f"无法读取 cannot read the document: {type(exc).__name__}: {exc}",
                         place=Place(str(path)),
                         hint="open and re-save it in Word, WPS or LibreOffice") from None


def _read(document: Any, path: str) -> DocxView:
    part = document.part
    styles_part = _related(part, RT_STYLES)
    styles = Styles(_part_xml(styles_part) if styles_part is not None else None)
    reader = Reader(styles)
    settings_part = _related(part, RT_SETTINGS)
    settings = _part_xml(settings_part) if settings_part is not None else None
    even_and_odd = settings is not None and bool(_on(settings.find(w("evenAndOddHeaders"))))
    body = document.element.body
    count = sum(1 for _ in body.iter(w("p")))
    if count > PARAGRAPH_LIMIT:
        raise CheckError(f"{count} 段 paragraphs: more than the {PARAGRAPH_LIMIT} this check reads"
                         " (a 公文 has a few hundred)", place=Place(path),
                         hint="check the documents one at a time, or split this file")
    default_table_style = styles.default.get("table")

    paras: list[Para] = []
    sect_elements: list[Any] = []
    section_of: list[int] = []

    def add(p: Any, table_style: str | None = None, table: int | None = None, row: int | None = None,
            in_box: bool = False, column: int | None = None) -> None:
        para = reader.para(p, len(paras) + 1, table_style)
        if table is not None:
            para.in_table, para.table, para.row, para.column = True, table, row, column
        para.section = len(sect_elements)
        para.in_box = in_box
        paras.append(para)
        if in_box:
            return
        sect = p.find(f"{w('pPr')}/{w('sectPr')}")
        if sect is not None:
            para.ends_section = True
            sect_elements.append(sect)
        section_of.append(para.section)

    tables: list[TableInfo] = []

    late: list[Any] = []  # text boxes holding the 版记: printed at the foot of the last page

    def boxes(p: Any) -> None:
        """The paragraphs of the text boxes anchored in ``p``, before ``p`` itself."""
        for box in text_boxes(p):
            inner = list(box.iter(w("p")))
            if any(COLOPHON_LINE.search("".join(t.text or "" for t in q.iter(w("t")))) for q in inner):
                late.extend(inner)
                continue
            for q in inner:
                if any(ch.isalnum() for t in q.iter(w("t")) for ch in (t.text or "")):
                    add(q, in_box=True)  # not a lone ★ or a blank line of the box

    def walk(container: Any) -> None:
        for child in container:
            if child.tag == w("p"):
                boxes(child)
                add(child)
            elif child.tag == w("tbl"):
                tbl_style = _wval(child.find(f"{w('tblPr')}/{w('tblStyle')}")) or default_table_style
                number = len(tables)
                tables.append(_table_info(child, styles, tbl_style))
                for r_index, tr in enumerate(child.findall(w("tr"))):
                    column = 0
                    header = bool(_on(tr.find(f"{w('trPr')}/{w('tblHeader')}")))
                    for tc in tr.findall(w("tc")):
                        tc_pr = tc.find(w("tcPr"))
                        span = max(_int(_wval(tc_pr.find(w("gridSpan")))) or 1, 1) if tc_pr is not None else 1
                        v_merge = tc_pr.find(w("vMerge")) if tc_pr is not None else None
                        for p in tc.iter(w("p")):
                            add(p, tbl_style, number, r_index, column=column)
                            paras[-1].span = span
                            paras[-1].merged_up = v_merge is not None and _wval(v_merge) != "restart"
                            paras[-1].header_row = header
                        column += min(span, 64)
            elif child.tag == w("sdt"):
                content = child.find(w("sdtContent"))
                if content is not None:
                    walk(content)
            elif child.tag in (w("ins"), w("customXml"), w("smartTag")):
                walk(child)

    drop_fallbacks(document.element)
    walk(body)
    for q in late:
        add(q, in_box=True)
    final = body.find(w("sectPr"))
    if final is not None:
        sect_elements.append(final)

    footer_cache: dict[str, FooterInfo] = {}

    def footer(ref: Any, kind: str) -> FooterInfo | None:
        rid = ref.get(f"{{{R_NS}}}id")
        if rid is None or rid not in part.rels:
            return None
        if rid in footer_cache:
            return footer_cache[rid]
        fpart = part.rels[rid].target_part
        root = _part_xml(fpart)
        drop_fallbacks(root)
        boxed = [(q, box_align(box)) for box in root.iter(w("txbxContent")) for q in box.iter(w("p"))]
        in_boxes = {id(q): align for q, align in boxed}  # the list keeps each proxy (and its id) alive
        placed = [(q, box_place(box)) for box in root.iter(w("txbxContent")) for q in box.iter(w("p"))]
        places = {id(q): place for q, place in placed}
        fparas = [reader.para(p, k + 1) for k, p in enumerate(root.iter(w("p")))]
        for para, p in zip(fparas, root.iter(w("p")), strict=True):
            para.in_box = id(p) in in_boxes
            para.box_align = in_boxes.get(id(p))
            para.box_place, para.box_vertical = places.get(id(p), (None, False))
        texts = [field_text(p) for p in root.iter(w("p"))]
        info = FooterInfo(kind, fparas, "\n".join(t for t in texts if t.strip()), str(fpart.partname))
        footer_cache[rid] = info
        return info

    sections: list[SectionInfo] = []
    inherited: dict[str, FooterInfo | None] = {"default": None, "even": None, "first": None}
    for index, sect in enumerate(sect_elements):
        current = dict(inherited)
        for ref in sect.findall(w("footerReference")):
            kind = ref.get(w("type")) or "default"
            if kind in current:
                current[kind] = footer(ref, kind)
        inherited = current
        sections.append(_section_info(sect, index, current))
    if not sections:
        sections.append(SectionInfo(0, None, None, {}, None, None, dict(inherited), False, None))
    for para in paras:
        para.section = min(para.section, len(sections) - 1)
    for sec in sections:
        members = [p.index for p in paras if p.section == sec.index]
        if members:
            sec.first_para, sec.last_para = members[0], members[-1]
    numbering_part = _related(part, RT_NUMBERING)
    number_labels(paras, _numbering(_part_xml(numbering_part) if numbering_part is not None else None))
    theme_part = _related(part, RT_THEME)
    lang = settings.find(w("themeFontLang")) if settings is not None else None
    theme = _theme_fonts(theme_part, _wval(lang, "eastAsia")) if theme_part is not None else {}
    variables = {} if settings is None else {
        var.get(w("name")) or "": var.get(w("val")) or "" for var in settings.iter(w("docVar"))}
    return DocxView(path, paras, sections, even_and_odd, styles_part is not None, theme, tables, variables)


_CN_DIGITS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens % 10]) + "十" + (_CN_DIGITS[ones] if ones else "")


def _format_number(n: int, fmt: str) -> str:
    if fmt.startswith(("chinese", "ideograph", "taiwanese", "japanese")):
        return _chinese(n) if n < 100 else str(n)
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    return str(n)


def _numbering(root: Any | None) -> dict[str, tuple[str, dict[int, tuple[int, str, str]]]]:
    """numId → (abstractNumId, {ilvl: (start, numFmt, lvlText)}) from numbering.xml."""
    if root is None:
        return {}
    abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
    for el in root.findall(w("abstractNum")):
        levels: dict[int, tuple[int, str, str]] = {}
        for lvl in el.findall(w("lvl")):
            ilvl = _int(lvl.get(w("ilvl")))
            if ilvl is None:
                continue
            levels[ilvl] = (_int(_wval(lvl.find(w("start")))) or 1, _wval(lvl.find(w("numFmt"))) or "decimal",
                            _wval(lvl.find(w("lvlText"))) or "")
        abstract[el.get(w("abstractNumId")) or ""] = levels
    out = {}
    for num in root.findall(w("num")):
        abs_id = _wval(num.find(w("abstractNumId"))) or ""
        out[num.get(w("numId")) or ""] = (abs_id, abstract.get(abs_id, {}))
    return out


Levels = dict[int, tuple[int, str, str]]  # ilvl → (start, numFmt, lvlText)


def number_labels(paras: list[Para], numbering: dict[str, tuple[str, Levels]]) -> None:
    """Give each auto-numbered paragraph the label Word shows (一、 （二） 3.), counting as Word
    does: per list, a deeper level restarting under each new item of the level above."""
    counters: dict[str, dict[int, int]] = {}
    for p in paras:
        if p.num_pr is None or p.num_pr[0] not in numbering:
            continue
        abs_id, levels = numbering[p.num_pr[0]]
        ilvl = _int(p.num_pr[1]) or 0
        if ilvl not in levels:
            continue
        count = counters.setdefault(abs_id, {})
        count[ilvl] = count.get(ilvl, levels[ilvl][0] - 1) + 1
        for deeper in [k for k in count if k > ilvl]:
            del count[deeper]
        _start, fmt, text = levels[ilvl]
        if fmt not in ("bullet", "none"):
            p.number_label = _label_text(text, count, levels)


def _label_text(text: str, count: dict[int, int], levels: Levels) -> str:
    """lvlText with each %k replaced by level k's counter in its own number format."""

    def value(m: re.Match[str]) -> str:
        k = int(m.group(1)) - 1
        start, fmt, _text = levels.get(k, (1, "decimal", ""))
        return _format_number(count.get(k, start), fmt)

    return re.sub(r"%(\d)", value, text)


def _border(el: Any) -> Border | None:
    if el is None:
        return None
    return Border(el.get(w("val")) or "single", _int(el.get(w("sz"))) or 0, _shape_color(el.get(w("color"))),
                  _int(el.get(w("space"))) or 0)


def _table_info(tbl: Any, styles: Styles, table_style: str | None) -> TableInfo:
    """The horizontal rules of a table: table style, then tblBorders, then the first cell's tcBorders."""
    sides: dict[str, Border | None] = {}
    levels = [s.find(w("tblPr")) for _n, s in styles.chain(table_style, "table")] + [tbl.find(w("tblPr"))]
    for props in levels:
        borders = props.find(w("tblBorders")) if props is not None else None
        if borders is None:
            continue
        for side in borders:
            sides[side.tag.split("}")[1]] = _border(side)
    rows = tbl.findall(w("tr"))

    def cell_border(row: Any, side: str) -> Border | None:
        tc = row.find(w("tc"))
        el = tc.find(f"{w('tcPr')}/{w('tcBorders')}/{w(side)}") if tc is not None else None
        return _border(el)

    lines: list[Border | None] = []
    if rows:
        lines.append(cell_border(rows[0], "top") or sides.get("top"))
        for a, b in itertools.pairwise(rows):
            lines.append(cell_border(a, "bottom") or cell_border(b, "top") or sides.get("insideH"))
        lines.append(cell_border(rows[-1], "bottom") or sides.get("bottom"))
    tbl_w = tbl.find(f"{w('tblPr')}/{w('tblW')}")
    width = None
    if tbl_w is not None and tbl_w.get(w("type")) == "dxa":
        width = _int(tbl_w.get(w("w")))
    else:
        cols = [_int(c.get(w("w"))) or 0 for c in tbl.findall(f"{w('tblGrid')}/{w('gridCol')}")]
        width = sum(cols) or None
    return TableInfo(len(rows), lines, width)


_SCRIPTS = {"zh-CN": "Hans", "zh-SG": "Hans", "zh-TW": "Hant", "zh-HK": "Hant", "zh-MO": "Hant",
            "ja-JP": "Jpan", "ko-KR": "Hang"}


def _theme_fonts(theme_part: Any, east_asia_lang: str | None) -> dict[str, str]:
    """Names behind the theme fonts (majorEastAsia …), the East Asian one by themeFontLang."""
    from lxml import etree

    try:
        root = parse_xml(theme_part.blob)
    except (etree.XMLSyntaxError, UnsafePackageError):
        return {}
    a = f"{{{A_NS}}}"
    script = _SCRIPTS.get(east_asia_lang or "zh-CN", "Hans")
    out: dict[str, str] = {}
    for major in ("major", "minor"):
        scheme = next(root.iter(f"{a}{major}Font"), None)
        if scheme is None:
            continue
        latin = scheme.find(f"{a}latin")
        ea = scheme.find(f"{a}ea")
        cs = scheme.find(f"{a}cs")
        by_script = {f.get("script"): f.get("typeface") for f in scheme.findall(f"{a}font")}
        name = latin.get("typeface") if latin is not None else ""
        out[f"{major}HAnsi"] = out[f"{major}Ascii"] = name or ""
        east_asian = ea.get("typeface") if ea is not None else ""
        out[f"{major}EastAsia"] = east_asian or by_script.get(script) or ""
        out[f"{major}Bidi"] = (cs.get("typeface") if cs is not None else "") or ""
    return out
