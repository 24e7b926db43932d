"""横排表格: a table too wide for the portrait type area, printed on landscape pages.

GB/T 9704-2012, 9: an A4 table printed across the page (横排) keeps its page number where the
other pages have theirs, and its head at the binding edge (订口) on odd pages and at the outer
edge (切口) on even pages. With the binding on the left of an odd page and on the right of an
even one, both put the table's head at the left edge of the sheet held upright: the landscape
page is the portrait page turned a quarter to the left. So, on every landscape page,

* the landscape top margin is the portrait left margin (订口), the bottom the right, the left
  margin the portrait bottom (where the page number prints) and the right the portrait top;
* the type area is 225 × 156 mm (the portrait one lying on its side): 15 grid lines of 579 twips;
* the page number stands where it stands on a portrait page of the same parity, in the same
  4号 "— n —", so it reads sideways: in the left margin, its 一字线 7 mm from the type area,
  near the type area's bottom edge on odd pages and its top edge on even pages (one 字 in).
  The .docx draws it in a text box with vertical text (VML, ``layout-flow:vertical``: the
  characters turned a quarter to the right, as the portrait number is seen on the turned
  sheet), anchored to the page in the landscape section's own footers.
"""

from __future__ import annotations

from . import spec
from .spec import Style

#: Page size of a landscape section (twips): A4 on its side.
PAGE_WIDTH, PAGE_HEIGHT = spec.PAGE_HEIGHT, spec.PAGE_WIDTH


def margins(style: Style) -> tuple[int, int, int, int]:
    """(top, right, bottom, left) margins of a landscape page, in twips: the portrait page's
    margins turned a quarter to the left."""
    page = style.page
    return page.left, page.top, page.right, page.bottom


def text_width(style: Style) -> int:
    """The landscape type area's width: the portrait type area's height (225 mm)."""
    return style.text_height


def text_height(style: Style) -> int:
    return style.text_width


def lines_per_page(style: Style) -> int:
    """Grid lines on a landscape page (15 with the standard's margins)."""
    return text_height(style) // spec.LINE_PITCH


#: Footer distance of a landscape page (twips): its footer holds only the anchor of the number's
#: box, and must stay within the bottom margin (26 mm there).
FOOTER_DISTANCE = 567

#: Height of the page number's line (4号 宋体 at single spacing, as the Footer style has it:
#: 19.9 pt measured in LibreOffice), in twips. The box is exactly this wide, so that the line's
#: bottom stands on the box's edge as the portrait line's bottom stands on the footer distance.
NUMBER_LINE = 398
#: Length of the box along the landscape page's height: room for "— 1234 —".
NUMBER_BOX = 2268  # 40 mm


def number_box(style: Style, odd: bool) -> tuple[int, int, int, int]:
    """(left, top, width, height) of the page number's text box on a landscape page, in twips
    from the page's top-left corner.

    On a portrait page the number's line ends ``footer_distance`` above the paper's bottom
    edge; turned, that edge is the landscape page's left edge, so the box's left side stands
    there. Along the page it ends one 字 before the type area's bottom edge (odd pages: the
    portrait number ends one 字 from the right) or starts one 字 below its top edge (even)."""
    top, _right, bottom, _left = margins(style)
    indent = round(spec.COLOPHON_SIZE * spec.TWIPS_PER_PT * spec.PAGE_NUMBER_INDENT)
    x = style.footer_distance
    y = PAGE_HEIGHT - bottom - indent - NUMBER_BOX if odd else top + indent
    return x, y, NUMBER_LINE, NUMBER_BOX
