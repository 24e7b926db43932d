"""House style from a reference .docx that an office keeps in Word or WPS.

``style: {reference: house.docx}`` in reportgen.yaml reads a few values from the file and
turns them into :class:`reportgen.spec.Style` overrides; settings written next to it in
reportgen.yaml win over it. What is read (and nothing else: the reference's text, other
styles, headers and pictures are not copied):

====================================  ==========================================
reference .docx                       house style
====================================  ==========================================
style 正文 / Normal (its fonts else    fonts.fangsong (East Asian font), fonts.latin
the document defaults')               (its Western font, when it names a different
                                      font); a size set on 正文 must be 三号 (16 pt)
style 标题 / Title                     fonts.xiaobiaosong, title_size
style 标题 1 / heading 1               fonts.heiti
style 标题 2 / heading 2               fonts.kaiti
style 页脚 / footer                    fonts.songti (page numbers)
a style named 发文机关标志              red (its font colour), organ_mark_size
page setup of the last section        page margins (the paper must be A4)
====================================  ==========================================

Styles are found by their name as Word stores it (``Normal``, ``Title``, ``heading 1``,
``footer`` whatever the language of Word or WPS). Only what a style sets itself counts, not
what it inherits: a 标题 style left as Word made it keeps the standard's 方正小标宋简体. Theme
fonts (Word's 等线/Calibri defaults, shown as "+正文" or "+标题") are not house fonts and are
ignored; so are theme colours.
"""

from __future__ import annotations

import math
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import spec
from .errors import Place, ProjectError
from .ooxml import UnsafePackageError, check_package, parse_xml, read_member

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# A4 within 1 mm (Word stores 11906 × 16838 twips; some tools round differently).
A4_TOLERANCE = round(spec.TWIPS_PER_MM)
SAVE_AS_DOCX = "save it from Word or WPS as a Word document (.docx); .doc and .wps files are not read"


@dataclass(frozen=True)
class ReferenceDocx:
    """A reference .docx named in reportgen.yaml, with where it was named."""

    path: Path
    place: Place


@dataclass
class _StyleProps:
    east_asia: str | None = None
    latin: str | None = None
    half_points: int | None = None
    color: str | None = None


def _error(ref: ReferenceDocx, message: str, hint: str | None = None) -> ProjectError:
    return ProjectError(f"reference {ref.path.name}: {message}", place=ref.place, hint=hint)


def _read_xml(zf: zipfile.ZipFile, part: str, ref: ReferenceDocx) -> Any | None:
    """A part parsed without entities or DTDs, read through the zip size cap (ooxml)."""
    from lxml import etree

    try:
        data = read_member(zf, part)
    except KeyError:
        return None
    except UnsafePackageError as exc:
        raise _error(ref, f"{exc}", SAVE_AS_DOCX) from None
    try:
        return parse_xml(data)
    except UnsafePackageError as exc:
        raise _error(ref, f"{part}: {exc}", SAVE_AS_DOCX) from None
    except etree.XMLSyntaxError as exc:
        raise _error(ref, f"{part} is not valid XML ({exc})", SAVE_AS_DOCX) from None


def _props(rpr: Any) -> _StyleProps:
    """Explicit fonts, size and colour of a w:rPr (theme fonts and colours left out)."""
    props = _StyleProps()
    if rpr is None:
        return props
    fonts = rpr.find(f"{W}rFonts")
    if fonts is not None:
        # A theme attribute overrides the name beside it (Word's rule), so a slot with one is
        # a theme font, not a house font.
        if fonts.get(f"{W}eastAsiaTheme") is None:
            props.east_asia = fonts.get(f"{W}eastAsia")
        if fonts.get(f"{W}asciiTheme") is None:
            props.latin = fonts.get(f"{W}ascii")
    size = rpr.find(f"{W}sz")
    if size is not None and (size.get(f"{W}val") or "").isdigit():
        props.half_points = int(size.get(f"{W}val") or 0)
    color = rpr.find(f"{W}color")
    if color is not None and color.get(f"{W}themeColor") is None:
        value = (color.get(f"{W}val") or "").upper()
        if len(value) == 6 and all(c in "0123456789ABCDEF" for c in value):
            props.color = value
    return props


def _styles(root: Any) -> tuple[_StyleProps, dict[str, _StyleProps]]:
    """(docDefaults run properties, each style's own run properties by lower-case name)."""
    defaults = _props(root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr"))
    named: dict[str, _StyleProps] = {}
    for style in root.findall(f"{W}style"):
        name = style.find(f"{W}name")
        if name is None or not name.get(f"{W}val"):
            continue
        named.setdefault((name.get(f"{W}val") or "").strip().lower(), _props(style.find(f"{W}rPr")))
    return defaults, named


def _twips(el: Any, attr: str, ref: ReferenceDocx) -> int | None:
    """A length attribute in twips; None when absent or not a number (Word ignores it then).
    A number no page can have (``inf``, ``nan``, 1e30) is named: the file is damaged."""
    value = el.get(f"{W}{attr}")
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    if not math.isfinite(number) or abs(number) > spec.PAGE_HEIGHT * 10:
        name = el.tag.rsplit("}", 1)[-1]
        raise _error(ref, f"w:{name} w:{attr}={value!r} is not a length a page can have",
                     "set the page setup again in Word or WPS (布局 → 页边距 / 纸张大小) and save it")
    return round(number)


def _page(root: Any, ref: ReferenceDocx) -> dict[str, float]:
    """Margins (mm) of the document's last section; the paper must be A4 portrait."""
    if root is None:
        return {}
    sections = root.findall(f".//{W}sectPr")
    if not sections:
        return {}
    section = sections[-1]
    size = section.find(f"{W}pgSz")
    if size is not None:
        width, height = _twips(size, "w", ref), _twips(size, "h", ref)
        if width and height and (abs(width - spec.PAGE_WIDTH) > A4_TOLERANCE
                                 or abs(height - spec.PAGE_HEIGHT) > A4_TOLERANCE):
            paper = f"{width / spec.TWIPS_PER_MM:.0f} × {height / spec.TWIPS_PER_MM:.0f} mm"
            raise _error(ref, f"its paper is {paper}; GB/T 9704 documents are A4 portrait (210 × 297 mm)",
                         "set the paper size to A4 and the orientation to portrait in the reference"
                         " (布局 → 纸张大小 / 纸张方向) and save it again")
    margins = section.find(f"{W}pgMar")
    if margins is None:
        return {}
    page: dict[str, float] = {}
    for key in spec.MM_KEYS:
        value = _twips(margins, key, ref)
        if value is not None:
            # Word allows a negative top/bottom margin ("do not move the text"): its size counts.
            page[key] = round(abs(value) / spec.TWIPS_PER_MM, 2)
    return page


ROLE_STYLES = (  # (style name, font kind of spec.Fonts)
    ("title", "xiaobiaosong"),
    ("heading 1", "heiti"),
    ("heading 2", "kaiti"),
    ("footer", "songti"),
)
ORGAN_MARK_STYLE = "发文机关标志"


def read_reference(ref: ReferenceDocx) -> dict[str, Any]:
    """The house-style overrides a reference .docx gives (see the module docstring)."""
    if not ref.path.is_file():
        where = "is a folder, not a file" if ref.path.is_dir() else "does not exist"
        raise _error(ref, f"{ref.path} {where}", "the path is relative to the folder of reportgen.yaml")
    try:
        zf = zipfile.ZipFile(ref.path)
        check_package(zf)
    except (zipfile.BadZipFile, OSError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not a zip package"
        raise _error(ref, f"not a .docx file ({detail})", SAVE_AS_DOCX) from None
    except UnsafePackageError as exc:
        zf.close()
        raise _error(ref, f"{exc}", SAVE_AS_DOCX) from None
    with zf:
        styles = _read_xml(zf, "word/styles.xml", ref)
        document = _read_xml(zf, "word/document.xml", ref)
    if styles is None or document is None:
        raise _error(ref, "not a Word document (no word/styles.xml or word/document.xml in it)", SAVE_AS_DOCX)
    overrides: dict[str, Any] = {}
    fonts: dict[str, str] = {}
    defaults, named = _styles(styles)
    normal = named.get("normal", _StyleProps())
    body_font = normal.east_asia or defaults.east_asia
    latin = normal.latin or defaults.latin
    if body_font:
        fonts["fangsong"] = body_font
    if latin and latin != (body_font or spec.Fonts().fangsong):
        fonts["latin"] = latin
    # Only a size set on 正文 itself: docDefaults hold Word's own default (五号), not a house choice.
    body_size = normal.half_points
    if body_size is not None and body_size != round(spec.BODY_SIZE * 2):
        raise _error(ref, f"its 正文 (Normal) text is {body_size / 2:g} pt; reportgen sets body text in 三号"
                          " (16 pt), the size the 22 × 28 grid of GB/T 9704 is made for",
                     "set 正文 to 三号 in the reference (or leave its size unset) and save it again")
    for name, kind in ROLE_STYLES:
        props = named.get(name)
        if props and props.east_asia:
            fonts[kind] = props.east_asia
    title = named.get("title")
    if title and title.half_points:
        overrides["title_size"] = title.half_points / 2
    mark = named.get(ORGAN_MARK_STYLE.lower())
    if mark:
        if mark.color:
            overrides["red"] = mark.color
        if mark.half_points:
            overrides["organ_mark_size"] = mark.half_points / 2
    if fonts:
        overrides["fonts"] = fonts
    page = _page(document, ref)
    if page:
        overrides["page"] = page
    return overrides


def apply_reference(base: spec.Style, ref: ReferenceDocx) -> spec.Style:
    """``base`` with the reference's values; a value the house style cannot take is named."""
    overrides = read_reference(ref)
    try:
        return base.with_overrides(overrides)
    except (KeyError, TypeError, ValueError) as exc:
        raise _error(ref, f"{exc}",
                     "change it in the reference, or override it in reportgen.yaml's style") from None


def from_setting(value: Any, root: Path, place: Place) -> ReferenceDocx:
    """The ``reference`` setting of reportgen.yaml: a path relative to the project folder."""
    if not isinstance(value, str) or not value.strip():
        raise ProjectError("style.reference must be the path of a .docx file", place=place,
                           hint="reference: house.docx (relative to the folder of reportgen.yaml)")
    return ReferenceDocx(root / value, place)
