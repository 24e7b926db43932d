"""The numbers of GB/T 9704-2012 and the house style that a project may override.

This module is the single source of truth for the docx writer, the text preview and
the checker. Lengths are in twips (1/20 pt) unless a name says otherwise; clause
numbers of the standard are given in brackets.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from .gongwen import cn_small  # the numeral of heading numbers, for heading_number

TWIPS_PER_PT = 20
TWIPS_PER_MM = 1440 / 25.4

# --- Page [5.1, 5.2.1] -------------------------------------------------------
PAGE_WIDTH = 11906  # A4 210 mm
PAGE_HEIGHT = 16838  # A4 297 mm
MARGIN_TOP = 2098  # 37 mm 天头
MARGIN_BOTTOM = 1984  # 35 mm
MARGIN_LEFT = 1587  # 28 mm 订口
MARGIN_RIGHT = 1474  # 26 mm
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 8845 ≈ 156 mm
TEXT_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM  # 12756 = 225 mm

# --- Grid [5.2.3]: 22 lines × 28 characters ----------------------------------
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
# 579 twips exact gives 22 lines in LibreOffice and Word; 580 gives 21 (measured).
LINE_PITCH = 579
# With exact line spacing LibreOffice puts the baseline 0.80 of the line height below the line's
# top whatever the font size (measured with Noto CJK: 0.806 for 16, 22 and 36 pt), and a CJK
# character's em box rises 0.88 em above its baseline: where a mark's or a line's top stands.
EXACT_BASELINE = 0.80
EM_ASCENT = 0.88
# 28 × 16 pt > 442.2 pt: −0.25 pt tracking on 三号 runs gives 28 per line (measured).
BODY_TRACKING = -5  # twentieths of a point (w:spacing w:val)
# Footer distance: puts the page-number dash 7 mm below the type area [7.5].
FOOTER_DISTANCE = 1429
HEADER_DISTANCE = 851

# --- Sizes in points [2.2 of the research notes] -----------------------------
SIZES_PT = {
    "初号": 42.0,
    "小初": 36.0,
    "一号": 26.0,
    "二号": 22.0,
    "三号": 16.0,
    "四号": 14.0,
    "小四": 12.0,
}
BODY_SIZE = SIZES_PT["三号"]
TITLE_SIZE = SIZES_PT["二号"]
COLOPHON_SIZE = SIZES_PT["四号"]  # 版记 and page numbers
ORGAN_MARK_MAX_SIZE = SIZES_PT["小初"]

RED = "FF0000"
BLACK = "000000"

# Distance from the top of the type area to the top of the organ mark [7.2.4].
ORGAN_MARK_TOP_MM = 35.0
# Red rule under the 文号 [7.2.7].
RED_RULE_BELOW_MM = 4.0
# 联合行文 [7.2.4]: at most this many organ marks stacked in the 版头 (主办机关 first).
JOINT_MARKS_MAX = 4
# The seal of a local organ (4.2 cm across): joint signatures are spaced so that their seals
# neither overlap nor touch, and rows of seals stand clear of each other [7.3.5.1].
SEAL_DIAMETER_MM = 42.0
# 联合行文 with seals: at most three seals a row, "每排印章两端不得超出版心" [7.3.5.1].
SEALS_PER_ROW = 3

# A document variable (w:docVar) of the .docx written for paper with a pre-printed 版头: the
# checker then expects no organ mark and no red rule in the file.
LETTERHEAD_VARIABLE = "reportgenLetterhead"

# --- Positions in characters (字) of the element's own size -----------------
# Shared by the layout (which places the elements) and the checker (which measures them).
BODY_INDENT = 2.0  # every paragraph and heading: first line 左空二字 [7.3.3]
UPWARD_NUMBER_INDENT = 1.0  # 上行文: 发文字号 居左空一字 [7.2.5]
SIGNERS_RIGHT = 1.0  # 签发人 block 居右空一字 [7.2.6]
ATTACHMENT_NOTE_INDENT = 2.0  # 附件说明 左空二字 [7.3.4]
SEALED_DATE_RIGHT = 4.0  # sealed document: 成文日期 右空四字 [7.3.5.1]
UNSEALED_SIGNATURE_RIGHT = 2.0  # unsealed: 署名 右空二字 [7.3.5.2]
UNSEALED_DATE_SHIFT = 2.0  # unsealed: the date starts two 字 right of the signature [7.3.5.2]
COLOPHON_INDENT = 1.0  # 抄送, 印发机关 and 印发日期: 左右各空一字 [7.4.2, 7.4.3]
PAGE_NUMBER_INDENT = 1.0  # 页码: odd pages 右空一字, even pages 左空一字 [7.5]

# --- Formats --------------------------------------------------------------------
PAGE_NUMBER_DASH = "—"  # 一字线 (U+2014) on both sides of the page number [7.5]
# 版记 rules [7.4.1]: the first and last thick, the ones between thin.
COLOPHON_THICK_MM = 0.35
COLOPHON_THIN_MM = 0.25

# --- What the checker tolerates --------------------------------------------------
PAGE_TOLERANCE_MM = 1.0  # paper size and margins, ± [5.2.1]
INDENT_TOLERANCE = 0.3  # 字, on indents measured from the paragraph properties
POSITION_TOLERANCE = 0.5  # 字, on positions that also depend on text widths (dates, signatures)
SIZE_TOLERANCE_PT = 0.25
RULE_TOLERANCE_MM = 0.05  # line thickness: ¼-pt steps are 0.09 mm apart

# Level markers of the four heading levels [7.3.3].


def heading_number(level: int, n: int) -> str:
    """The marker of the n-th heading of a level: 一、 （一） 1. （1）."""
    if level == 1:
        return f"{cn_small(n)}、"
    if level == 2:
        return f"（{cn_small(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    raise ValueError(f"heading level must be 1..4, got {level}")


@dataclass(frozen=True)
class Fonts:
    """Font names per font kind; offices use these names and they must stay configurable [notes: Fonts]."""

    fangsong: str = "仿宋_GB2312"  # 仿宋: body, 1. and （1） headings
    heiti: str = "黑体"  # 一、 headings, 密级, 紧急程度, 附件 label
    kaiti: str = "楷体_GB2312"  # （一） headings, 签发人 names
    xiaobiaosong: str = "方正小标宋简体"  # title, organ mark
    songti: str = "宋体"  # page numbers
    latin: str | None = None  # a Latin font for digits and letters (house style), None = same as CJK


@dataclass(frozen=True)
class FontFallbacks:
    """The font Word or WPS should use for each kind when the house font is not installed: the
    ``altName`` of the font's entry in word/fontTable.xml. None: the built-in choice
    (writers/base.py FALLBACKS: 仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体, 方正小标宋简体 → 宋体 …),
    each a font every Chinese Windows has."""

    fangsong: str | None = None
    heiti: str | None = None
    kaiti: str | None = None
    xiaobiaosong: str | None = None
    songti: str | None = None
    latin: str | None = None


MM_KEYS = ("top", "bottom", "left", "right")


def mm_to_twips(value: float) -> int:
    return round(value * TWIPS_PER_MM)


@dataclass(frozen=True)
class Page:
    """Page margins in twips (A4 paper is fixed). The defaults are GB/T 9704's 37/35/28/26 mm."""

    top: int = MARGIN_TOP
    bottom: int = MARGIN_BOTTOM
    left: int = MARGIN_LEFT
    right: int = MARGIN_RIGHT

    @classmethod
    def from_mm(cls, values: dict[str, Any], base: Page | None = None) -> Page:
        """Margins given in millimetres (``{top: 37, left: 28}``); missing ones keep ``base``."""
        unknown = set(values) - set(MM_KEYS)
        if unknown:
            raise KeyError(f"page.{sorted(unknown)[0]}")
        changed: dict[str, int] = {}
        for key, value in values.items():
            _check_range(f"page.{key}", value)
            changed[key] = mm_to_twips(value)
        return replace(base or cls(), **changed)


# A house style must leave room for a readable grid.
MIN_CHARS_PER_LINE = 20
MIN_LINES_PER_PAGE = 15


# Font kind (a field of Fonts) of every level of heading [7.3.3]: 一、黑体 （一）楷体 1.（1）仿宋.
HEADING_FONTS = ("heiti", "kaiti", "fangsong", "fangsong")

# Font kind and size (pt) of every element [7.2–7.5]. A font kind of None: the standard names none
# (份号 is only "3号 Arabic numerals"). The 发文机关标志's size is not fixed [7.2.4], hence None.
ELEMENT_FORMATS: dict[str, tuple[str | None, float | None]] = {
    "copy_number": (None, BODY_SIZE),
    "secrecy": ("heiti", BODY_SIZE),
    "urgency": ("heiti", BODY_SIZE),
    "organ_mark": ("xiaobiaosong", None),
    "doc_number": ("fangsong", BODY_SIZE),
    "signers": ("kaiti", BODY_SIZE),  # the names; the label 签发人： is 仿宋
    "title": ("xiaobiaosong", TITLE_SIZE),
    "subtitle": ("kaiti", BODY_SIZE),  # an article's ——… line (not GB/T 9704's: offices' practice)
    "byline": ("kaiti", BODY_SIZE),
    "to": ("fangsong", BODY_SIZE),
    "body": ("fangsong", BODY_SIZE),
    "heading1": (HEADING_FONTS[0], BODY_SIZE),
    "heading2": (HEADING_FONTS[1], BODY_SIZE),
    "heading3": (HEADING_FONTS[2], BODY_SIZE),
    "heading4": (HEADING_FONTS[3], BODY_SIZE),
    "attachment_note": ("fangsong", BODY_SIZE),
    "signature": ("fangsong", BODY_SIZE),
    "date": ("fangsong", BODY_SIZE),
    "note": ("fangsong", BODY_SIZE),
    "attachment_label": ("heiti", BODY_SIZE),
    "attachment_title": ("xiaobiaosong", TITLE_SIZE),
    "cc": ("fangsong", COLOPHON_SIZE),
    "printer": ("fangsong", COLOPHON_SIZE),
    "page_number": ("songti", COLOPHON_SIZE),
}

# Names offices give each font kind, as lower-case fragments: a font whose name contains one of
# them is of that kind (仿宋_GB2312, 方正仿宋_GBK, FangSong …). Checked in this order, so that
# 仿宋 and 小标宋 are not taken for 宋体.
FONT_KIND_FRAGMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("fangsong", ("仿宋", "fangsong", "fang song", "fzfsk", "fzfs")),
    ("xiaobiaosong", ("小标宋", "xiaobiaosong", "xbsong", "fzxbs")),
    ("kaiti", ("楷体", "楷", "kaiti", "kai ti", "fzkt", "ukai")),
    ("heiti", ("黑体", "simhei", "heiti", "hei ti", "fzht")),
    ("songti", ("宋体", "simsun", "songti", "nsimsun", "song ti", "fzss")),
)

FONT_KIND_NAMES = {
    "fangsong": "仿宋", "heiti": "黑体", "kaiti": "楷体", "xiaobiaosong": "小标宋", "songti": "宋体",
}


@dataclass(frozen=True)
class Style:
    """A house style profile. The defaults are GB/T 9704-2012; a project overrides fields."""

    fonts: Fonts = field(default_factory=Fonts)
    red_rule_sz: int = 12  # eighths of a point: 1.5 pt
    colophon_thick_sz: int = 8  # 0.35 mm
    colophon_thin_sz: int = 6  # 0.25 mm
    signature_blank_lines: int = 2  # room for the seal between body and signature
    sealed: bool = True  # 7.3.5.1 (sealed) or 7.3.5.2 (unsealed) signature layout
    bold_ordinals: bool = False  # bold 一是/二是 (local house style, not the standard)
    ordinal_font: str = ""  # 一是/二是 in heiti or kaiti ("" = the paragraph's font), a house style's choice
    heading_bold: tuple[bool, bool, bool, bool] = (False, False, False, False)
    cc_full_stop: bool = True  # 抄送：A，B。 [7.4.2]
    organ_mark_suffix: str = ""  # e.g. "文件"
    red: str = RED  # the organ mark and the red rule (hex RGB)
    organ_mark_size: float = ORGAN_MARK_MAX_SIZE  # pt; shrunk further when the mark is long
    title_size: float = TITLE_SIZE  # pt: titles and attachment titles (2号)
    # pt: table text and table titles. GB/T 9704 leaves it to the office; 3号 keeps the body's size,
    # 4号 (14) is the usual smaller choice. Either way every table line takes one grid line.
    table_size: float = BODY_SIZE
    page: Page = field(default_factory=Page)
    font_fallbacks: FontFallbacks = field(default_factory=FontFallbacks)
    # U+2060 WORD JOINER where the layout keeps units together beyond the kinsoku lists, so that
    # Word and WPS break lines where the layout does (writers/docx.joiner_offsets); false leaves the
    # text as typed, should an office's Word or WPS show the joiner.
    word_joiners: bool = True
    # "printed": the 版头's organ mark and red rule are printed with the text; "preprinted": the
    # office prints onto paper that carries them, so their room is left blank at its exact height.
    letterhead: str = "printed"

    def __post_init__(self) -> None:
        """Every setting within its range (:data:`STYLE_RANGES`), whether it came from
        reportgen.yaml or a reference .docx: the writer puts them into the XML as they are."""
        for name, value in (("red", self.red), ("organ_mark_suffix", self.organ_mark_suffix),
                            *((f"fonts.{f.name}", getattr(self.fonts, f.name)) for f in fields(Fonts)),
                            *((f"font_fallbacks.{f.name}", getattr(self.font_fallbacks, f.name))
                              for f in fields(FontFallbacks))):
            if value is not None:
                _check_text(name, value)
        for name, allowed in CHOICES.items():
            if getattr(self, name) not in allowed:
                raise SettingError(name, f"{name} must be one of {', '.join(map(repr, allowed))},"
                                         f" got {getattr(self, name)!r}")
        for name in RANGES:
            if "." not in name:
                _check_range(name, getattr(self, name))
        if self.colophon_thin_sz > self.colophon_thick_sz:
            raise SettingError("colophon_thin_sz", f"colophon_thin_sz ({self.colophon_thin_sz}) must not be"
                               f" thicker than colophon_thick_sz ({self.colophon_thick_sz})")
        if self.chars_per_line < MIN_CHARS_PER_LINE or self.lines_per_page < MIN_LINES_PER_PAGE:
            raise SettingError("page", (
                f"page margins leave {self.chars_per_line} characters × {self.lines_per_page} lines; "
                f"at least {MIN_CHARS_PER_LINE} × {MIN_LINES_PER_PAGE} are needed (GB/T 9704: 28 × 22)"))

    # The grid follows the margins: 28 × 22 with the standard's.
    @property
    def text_width(self) -> int:
        """Type area width in twips (8845 ≈ 156 mm by the standard)."""
        return PAGE_WIDTH - self.page.left - self.page.right

    @property
    def text_height(self) -> int:
        return PAGE_HEIGHT - self.page.top - self.page.bottom

    @property
    def chars_per_line(self) -> int:
        """三号 characters (with their −0.25 pt tracking) that fit the type width."""
        return self.text_width // round(BODY_SIZE * TWIPS_PER_PT + BODY_TRACKING)

    @property
    def lines_per_page(self) -> int:
        return self.text_height // LINE_PITCH

    @property
    def footer_distance(self) -> int:
        """Keeps the page number 7 mm below the type area whatever the bottom margin [7.5]."""
        return max(self.page.bottom - (MARGIN_BOTTOM - FOOTER_DISTANCE), 0)

    def with_overrides(self, overrides: dict[str, Any]) -> Style:
        """A copy with the given fields replaced; unknown keys raise KeyError."""
        values: dict[str, Any] = {}
        names = {f.name for f in fields(self)}
        for key, value in overrides.items():
            if key in ("fonts", "font_fallbacks"):
                values[key] = _font_mapping(key, value, getattr(self, key))
            elif key == "page":
                if not isinstance(value, dict):
                    raise SettingError("page", "page must be a mapping of margins in mm: {top: 37, left: 28}")
                values["page"] = Page.from_mm(value, self.page)
            elif key in names:
                value = tuple(value) if isinstance(value, list) else value
                _check_type(key, value, getattr(DEFAULT_STYLE, key))
                values[key] = value
            else:
                raise KeyError(key)
        return replace(self, **values)


def _font_mapping(key: str, value: Any, base: Any) -> Any:
    """``base`` (a Fonts or FontFallbacks) with the font names of a ``fonts:`` or ``font_fallbacks:``
    mapping; a latin font and any fallback may be null (the built-in choice)."""
    example = "{fangsong: 方正仿宋_GBK, …}" if key == "fonts" else "{xiaobiaosong: 华文中宋, …}"
    if not isinstance(value, dict):
        raise SettingError(key, f"{key} must be a mapping: {example}")
    unknown = set(value) - {f.name for f in fields(type(base))}
    if unknown:
        raise KeyError(f"{key}.{sorted(unknown, key=str)[0]}")
    for name, font in value.items():
        named = isinstance(font, str) and bool(font.strip())
        if not named and not (font is None and (key == "font_fallbacks" or name == "latin")):
            raise SettingError(f"{key}.{name}", f"{key}.{name} must be a font name, got {font!r}")
    return replace(base, **value)


class SettingError(ValueError):
    """A house-style setting out of its type or range; ``key`` is its path (``page.top``)."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


# The allowed range of every number of the house style: (low, high, unit). Word draws borders
# 2–96 eighths of a point (¼–12 pt); the sizes are those GB/T 9704 leaves open; margins beyond
# 100 mm leave no type area on A4 (the grid check below also needs 20 × 15 characters).
RANGES: dict[str, tuple[float, float, str]] = {
    "red_rule_sz": (2, 96, "eighths of a point (12 = 1.5 pt)"),
    "colophon_thick_sz": (2, 96, "eighths of a point (8 ≈ 0.35 mm)"),
    "colophon_thin_sz": (2, 96, "eighths of a point (6 ≈ 0.25 mm)"),
    "signature_blank_lines": (0, 10, "blank lines"),
    "organ_mark_size": (16, 42, "pt"),
    "title_size": (16, 26, "pt"),
    "table_size": (10.5, 16, "pt (10.5 = 五号, 12 = 小四, 14 = 四号, 16 = 三号)"),
    **{f"page.{key}": (0, 100, "millimetres") for key in MM_KEYS},
}
# Settings that take one of a few words: the font of 一是/二是 ("" keeps the paragraph's).
CHOICES: dict[str, tuple[str, ...]] = {"ordinal_font": ("", "heiti", "kaiti"),
                                       "letterhead": ("printed", "preprinted")}
# Text settings: a font name Windows can install has at most 31 characters (LF_FACESIZE).
TEXT_LIMITS: dict[str, int] = {"organ_mark_suffix": 20, "red": 6, **{
    f"{group}.{f}": 31 for f in ("fangsong", "heiti", "kaiti", "xiaobiaosong", "songti", "latin")
    for group in ("fonts", "font_fallbacks")}}


def _check_range(key: str, value: Any) -> None:
    """A number within ``RANGES[key]``; rejects bool, nan and ±inf (YAML's .nan, .inf)."""
    low, high, unit = RANGES[key]
    whole = key.endswith(("_sz", "_lines"))
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if not number or (whole and not isinstance(value, int)):
        kind = "a whole number" if whole else "a number"
        raise SettingError(key, f"{key} must be {kind} of {unit}, between {low:g} and {high:g},"
                                f" got {value!r}")
    if not low <= value <= high:  # also false for nan
        raise SettingError(key, f"{key} must be between {low:g} and {high:g} {unit}, got {value!r}")


def _check_text(key: str, value: Any) -> None:
    """Text that goes into XML: no control characters or lone surrogates, a bounded length."""
    import unicodedata

    limit = TEXT_LIMITS[key]
    if not isinstance(value, str):
        raise SettingError(key, f"{key} must be text, got {value!r}")
    bad = next((c for c in value if unicodedata.category(c) in ("Cc", "Cs") or c in "\ufffe\uffff"), None)
    if bad is not None:
        raise SettingError(key, f"{key} contains the control character U+{ord(bad):04X}; remove it")
    if len(value) > limit:
        raise SettingError(key, f"{key} is {len(value)} characters long; at most {limit} are allowed")
    if key == "red" and not (len(value) == 6 and all(c in "0123456789abcdefABCDEF" for c in value)):
        raise SettingError(key, f"red must be six hex digits like FF0000, got {value!r}")


def _check_type(key: str, value: Any, default: Any) -> None:
    """A house-style value must have the type of the standard's default (YAML gives any)."""
    if isinstance(default, bool):
        ok, want = isinstance(value, bool), "true or false"
    elif isinstance(default, int):
        ok, want = isinstance(value, int) and not isinstance(value, bool), "a whole number"
    elif isinstance(default, float):
        ok, want = isinstance(value, int | float) and not isinstance(value, bool), "a number"
    elif isinstance(default, str):
        ok, want = isinstance(value, str), "text"
    elif isinstance(default, tuple):
        ok = (isinstance(value, tuple) and len(value) == len(default)
              and all(isinstance(v, type(d)) for v, d in zip(value, default, strict=True)))
        want = f"a list of {len(default)} values like {list(default)}"
    else:
        return
    if not ok:
        raise SettingError(key, f"{key} must be {want}, got {value!r}")


DEFAULT_STYLE = Style()
