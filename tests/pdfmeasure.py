"""Measuring helpers for the PDF rendering tests (pdfplumber).

Coordinates are PDF points (1/72 in) measured from the top-left corner of the page, as pdfplumber
reports them (``top`` grows downwards). The GB/T 9704-2012 geometry is given in millimetres and
converted with :func:`mm`.

What the numbers mean:

* **baseline** comes from the text matrix of each character, so it does not depend on the
  font's ascent/descent values that pdfminer uses for a char's ``top``/``bottom`` (LibreOffice's
  Type 1 subsets declare a descent of 0, so ``bottom`` *is* the baseline there and ``top`` is
  baseline − size, which is neither the glyph top nor the em box top).
* **em box** of a CJK character is the square body the character is designed in. For the Noto CJK
  fonts (and the usual Chinese fonts) it runs from 0.88 em above the baseline to 0.12 em below it
  (the OpenType ``ideo`` baseline at −120/1000, OS/2 typo ascender/descender 880/−120).
* **ink** is what is actually painted: a crop of the page is rasterised and the dark pixels are
  located. It is used where the standard measures from a visible mark (the 一字线 of the page number).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

PT_PER_MM = 72 / 25.4

EM_ASCENT = 0.88  # CJK em box above the baseline, fraction of the font size
EM_DESCENT = 0.12  # CJK em box below the baseline


def mm(value: float) -> float:
    """Millimetres → points."""
    return value * PT_PER_MM


def to_mm(value: float) -> float:
    """Points → millimetres."""
    return value / PT_PER_MM


# GB/T 9704-2012 5.1 / 5.2.1: A4 paper, 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm.
PAPER_W = mm(210)
PAPER_H = mm(297)
AREA_LEFT = mm(28)
AREA_RIGHT = mm(28 + 156)  # 184 mm from the left edge of the paper
AREA_TOP = mm(37)
AREA_BOTTOM = mm(37 + 225)  # 262 mm from the top edge of the paper
LINES_PER_PAGE = 22  # 5.2.3
CHARS_PER_LINE = 28  # 5.2.3
LINE_PITCH = mm(225) / LINES_PER_PAGE  # 22 lines filling the 225 mm type area: 28.99 pt


def baseline(char: dict) -> float:
    """Distance of the character's baseline from the top of the page."""
    # pdfminer: y0 = matrix.f + descent (PDF coordinates, y up); bottom = page height − y0.
    return char["bottom"] + (char["y0"] - char["matrix"][5])


def is_cjk_text(text: str) -> bool:
    """True when no character is ASCII (no digits, Latin letters or half-width punctuation)."""
    return all(ord(ch) > 0x7F for ch in text)


@dataclass
class Line:
    """Characters sharing one baseline on one page, left to right."""

    chars: list[dict] = field(default_factory=list)

    @property
    def glyphs(self) -> list[dict]:
        """The characters without spaces."""
        return [c for c in self.chars if not c["text"].isspace()]

    @property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)

    @property
    def stripped(self) -> str:
        return "".join(c["text"] for c in self.glyphs)

    @property
    def x0(self) -> float:
        return min(c["x0"] for c in self.glyphs)

    @property
    def x1(self) -> float:
        return max(c["x1"] for c in self.glyphs)

    @property
    def centre_x(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def baseline(self) -> float:
        return sum(baseline(c) for c in self.glyphs) / len(self.glyphs)

    @property
    def size(self) -> float:
        return max(c["size"] for c in self.glyphs)

    @property
    def em_top(self) -> float:
        return self.baseline - EM_ASCENT * self.size

    @property
    def em_bottom(self) -> float:
        return self.baseline + EM_DESCENT * self.size

    @property
    def sizes(self) -> set[float]:
        return {round(c["size"], 1) for c in self.glyphs}

    @property
    def fontnames(self) -> set[str]:
        return {font_family(c["fontname"]) for c in self.glyphs}

    def __repr__(self) -> str:  # readable assertion messages
        return (f"Line({self.stripped!r}, x0={self.x0:.1f}, x1={self.x1:.1f}, "
                f"baseline={self.baseline:.1f}, size={self.size:g})")


def font_family(fontname: str) -> str:
    """Drop the subset tag: ``BAAAAA+NotoSerifCJKjp-Bold`` → ``NotoSerifCJKjp-Bold``."""
    return re.sub(r"^[A-Z]{6}\+", "", fontname)


def text_lines(page, *, bottom_limit: float | None = None, decimals: int = 0) -> list[Line]:
    """Group the page's upright characters into lines by their rounded baseline, top to bottom.

    ``bottom_limit`` drops characters whose baseline lies below it (e.g. the footer).
    Characters whose baselines round apart but lie within 1.5 pt are merged (a rounding boundary).
    """
    chars = [c for c in page.chars if c.get("upright", True)]
    if bottom_limit is not None:
        chars = [c for c in chars if baseline(c) <= bottom_limit]
    groups: dict[float, list[dict]] = {}
    for c in chars:
        groups.setdefault(round(baseline(c), decimals), []).append(c)
    lines: list[Line] = []
    for key in sorted(groups):
        members = sorted(groups[key], key=lambda c: c["x0"])
        if lines and abs(baseline(members[0]) - baseline(lines[-1].chars[0])) < 1.5:
            lines[-1].chars = sorted(lines[-1].chars + members, key=lambda c: c["x0"])
        else:
            lines.append(Line(members))
    return [line for line in lines if line.glyphs]


def find_line(lines: Iterable[Line], needle: str, *, nth: int = 0) -> Line:
    """The ``nth`` line (0-based) whose text without spaces contains ``needle``."""
    hits = [line for line in lines if needle in line.stripped]
    if len(hits) <= nth:
        raise AssertionError(f"no line #{nth} containing {needle!r}; lines: {list(lines)!r}")
    return hits[nth]


def horizontal_rules(page, *, min_length: float = mm(100)) -> list[dict]:
    """Horizontal lines (and thin rectangles drawn as lines) at least ``min_length`` long,
    de-duplicated (LibreOffice sometimes paints the same border twice), top to bottom.

    Each rule is a dict with x0, x1, y (centre line, from the top), width (stroke), color.
    """
    rules: list[dict] = []
    for obj in list(page.lines) + list(page.rects):
        length = obj["x1"] - obj["x0"]
        height = obj["bottom"] - obj["top"]
        if length < min_length or height > 3:
            continue
        if obj["object_type"] == "rect":
            y = (obj["top"] + obj["bottom"]) / 2
            width = height
            color = obj.get("non_stroking_color")
        else:
            y = (obj["top"] + obj["bottom"]) / 2
            width = obj.get("linewidth") or 0
            color = obj.get("stroking_color")
        rule = {"x0": obj["x0"], "x1": obj["x1"], "y": y, "width": width, "color": color_tuple(color)}
        if not any(abs(r["y"] - y) < 0.5 and abs(r["x0"] - rule["x0"]) < 0.5
                   and abs(r["x1"] - rule["x1"]) < 0.5 for r in rules):
            rules.append(rule)
    return sorted(rules, key=lambda r: r["y"])


def color_tuple(color) -> tuple[float, ...]:
    """pdfplumber colours as an RGB tuple: grey (g,) → (g, g, g); None → black."""
    if color is None:
        return (0.0, 0.0, 0.0)
    if isinstance(color, int | float):
        color = (color,)
    color = tuple(float(v) for v in color)
    if len(color) == 1:
        return color * 3
    if len(color) == 4:  # CMYK
        c, m, y, k = color
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return color


def is_red(color: Sequence[float], tol: float = 0.1) -> bool:
    r, g, b = color_tuple(color)
    return r >= 1 - tol and g <= tol and b <= tol


def is_black(color: Sequence[float], tol: float = 0.1) -> bool:
    return all(v <= tol for v in color_tuple(color))


def ink_bbox(page, bbox: tuple[float, float, float, float], *, resolution: int = 600,
             threshold: int = 128) -> tuple[float, float, float, float] | None:
    """Bounding box (x0, top, x1, bottom in page points) of the dark pixels inside ``bbox``."""
    region = page.crop(bbox)
    image = region.to_image(resolution=resolution).original.convert("L")
    width, height = image.size
    mask = image.point(lambda v: 255 if v < threshold else 0)
    box = mask.getbbox()
    if box is None:
        return None
    sx = (bbox[2] - bbox[0]) / width
    sy = (bbox[3] - bbox[1]) / height
    left, upper, right, lower = box
    return (bbox[0] + left * sx, bbox[1] + upper * sy, bbox[0] + right * sx, bbox[1] + lower * sy)


# --------------------------------------------------------------------------- predicted vs rendered lines


@dataclass
class ParagraphBreaks:
    """One printed paragraph: its lines as the layout predicted them and as the PDF has them, each
    line as (page, grid row, text without white space)."""

    role: str
    predicted: list[tuple[int, int, str]]
    rendered: list[tuple[int, int, str]]

    @property
    def same(self) -> bool:
        return self.predicted == self.rendered

    @property
    def same_lines(self) -> int:
        """Lines with the same text on the same page and grid row in both."""
        return sum(p == r for p, r in zip(self.predicted, self.rendered, strict=False))


def squeeze(text: str) -> str:
    """Text without white space (pdfplumber's characters carry no spaces, and U+3000 is one)."""
    return "".join(ch for ch in text if not ch.isspace())


def grid_row(line: Line, pitch: float) -> int:
    """The grid row (1-based, from the top of the type area) whose band holds the line's baseline."""
    return int((line.baseline - AREA_TOP) // pitch) + 1


def compare_breaks(plan, pdf, pitch: float) -> list[ParagraphBreaks]:
    """Match every printed paragraph of a layout ``plan`` (reportgen.layout.Plan) with the text lines of
    its rendered ``pdf`` (pdfplumber), in reading order; ``pitch`` is the docx line pitch in points.

    The PDF's lines inside the type area (page numbers excluded) are read page by page, top to bottom,
    and handed out to the plan's paragraphs in order: each takes lines until their text covers the
    paragraph's text. A predicted line's row is the last grid row it occupies (the organ mark takes
    two); the 版记 rows stand at the bottom of their page. Raises AssertionError when the text itself
    differs, since then the two cannot be compared line by line.
    """
    predicted: list[tuple[str, list[tuple[int, int, str]]]] = []
    for item in plan.items:
        lines = [(page, row + item.grid_lines - 1, squeeze(text))
                 for (page, row), text in zip(item.positions, item.lines, strict=True)]
        predicted.append((item.role, [line for line in lines if line[2]]))
    if plan.colophon is not None:
        row = LINES_PER_PAGE - plan.colophon.height
        for item in plan.colophon.rows:
            lines = []
            for text in item.lines:
                row += item.grid_lines
                lines.append((plan.colophon.page, row, squeeze(text)))
            predicted.append((item.role, lines))
    rendered = [(page.page_number, grid_row(line, pitch), line.stripped) for page in pdf.pages
                for line in text_lines(page, bottom_limit=AREA_BOTTOM)]
    out: list[ParagraphBreaks] = []
    cursor = 0
    for role, lines in predicted:
        if not lines:
            continue
        text = "".join(t for _, _, t in lines)
        taken: list[tuple[int, int, str]] = []
        while cursor < len(rendered) and len("".join(t for _, _, t in taken)) < len(text):
            taken.append(rendered[cursor])
            cursor += 1
        got = "".join(t for _, _, t in taken)
        if got != text:
            raise AssertionError(f"{role} paragraph: the PDF has {got!r} where the plan has {text!r}")
        out.append(ParagraphBreaks(role, lines, taken))
    if cursor != len(rendered):
        raise AssertionError(f"lines in the PDF beyond the plan: {rendered[cursor:]!r}")
    return out


# Marks that may not start a line (closing) and may not end one (opening): the line-breaking rules
# (禁则) every CJK renderer applies; GB/T 9704 itself only fixes 28 characters per full line.
CLOSING = set("，。、；：？！）》」』】〕〗〉”’")
OPENING = set("（《「『【〔〖〈“‘")


def short_line_is_forced(count: int, expected: int, head: str) -> bool:
    """A full line may hold fewer than its 28 characters only when line breaking forces it: the next
    line (starting with ``head``) begins with a character pushed down together with the closing marks
    after it (28 − n < 1 + closing marks), or with an opening mark that would have ended this line."""
    if count == expected:
        return True
    closing = len(head[1:]) - len(head[1:].lstrip("".join(CLOSING)))
    pushed_closing = closing >= 1 and count < expected < count + 1 + closing
    pushed_opening = head[:1] in OPENING and count == expected - 1
    return pushed_closing or pushed_opening


# Sizes of the standard's elements, and the page number's form [7.5].
SIZE_2HAO, SIZE_3HAO, SIZE_4HAO = 22.0, 16.0, 14.0  # titles; body text; page numbers and 版记
# One 3号 character on the grid: 16 pt with −0.25 pt character spacing, 28 of them fill 156 mm
# (28 × 15.75 pt = 441 pt ≤ 442.2 pt).
CHAR_3HAO = 15.75
EM_DASH = "\u2014"
PAGE_NUMBER = re.compile(rf"^{EM_DASH}\s*(\d+)\s*{EM_DASH}$")


def body_lines(page) -> list[Line]:  # type: ignore[no-untyped-def]
    """Text lines inside the type area: the footer (page number) below 262 mm is excluded."""
    return text_lines(page, bottom_limit=AREA_BOTTOM)


def footer_lines(page) -> list[Line]:  # type: ignore[no-untyped-def]
    return [line for line in text_lines(page) if line.baseline > AREA_BOTTOM]


def page_number_problems(page) -> list[str]:  # type: ignore[no-untyped-def]
    """What is wrong with a page's number against 7.5: "— n —" in 4号, odd pages in the right half
    one character from the right edge of the type area, even pages in the left half one character from
    its left edge, the 一字线 7 mm below the type area. The standard measures to the top of the dash
    itself, so its ink is taken (its em box would put the "top" 3 mm higher, on empty space)."""
    n = page.page_number
    footer = footer_lines(page)
    if len(footer) != 1:
        return [f"page {n}: {len(footer)} footer lines {footer}"]
    line = footer[0]
    match = PAGE_NUMBER.match(line.stripped)
    if not match or int(match.group(1)) != n:
        return [f"page {n}: footer {line.stripped!r}"]
    problems = []
    if line.sizes != {SIZE_4HAO}:
        problems.append(f"page {n}: size {line.sizes}")
    if n % 2:
        gap, half_ok = AREA_RIGHT - line.x1, line.centre_x > PAPER_W / 2
    else:
        gap, half_ok = line.x0 - AREA_LEFT, line.centre_x < PAPER_W / 2
    if not half_ok or abs(gap - SIZE_4HAO) > 3:
        problems.append(f"page {n}: {'right' if n % 2 else 'left'} gap {gap:.1f} pt, line {line}")
    dash = next(c for c in line.glyphs if c["text"] == EM_DASH)
    base = baseline(dash)
    ink = ink_bbox(page, (dash["x0"], base - dash["size"], dash["x1"], base + 0.3 * dash["size"]))
    if ink is None:
        problems.append(f"page {n}: no ink for the dash")
    elif abs(to_mm(ink[1] - AREA_BOTTOM) - 7) > 2:
        problems.append(f"page {n}: dash {to_mm(ink[1] - AREA_BOTTOM):.2f} mm below the type area")
    return problems
