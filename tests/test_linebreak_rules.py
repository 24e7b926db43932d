"""The layout's line-breaking rules against LibreOffice, pair by pair of character classes.

One document holds a paragraph for every pair (X, Y) of a CJK character, closing and opening
punctuation, ……, ——, digits and Latin: 26 cells of text end with X, so that the first line (26 cells
after the two-character indent) is full exactly at X and Y must go to the next line, and the renderer
has to decide where the line may end. The document goes through the same writer and PDF step as a
build, and every line of the PDF is compared with reportgen.layout's prediction.
"""

from __future__ import annotations

import shutil

import pdfplumber
import pytest
from pdfmeasure import compare_breaks

from reportgen import spec
from reportgen.layout import plan
from reportgen.markup import parse
from reportgen.writers.docx import write_docx
from reportgen.writers.pdf import convert

pytestmark = pytest.mark.render

FILL = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥天地玄黄"
BEFORE = ["字", *"，。、；：？！）》」』】〕〗〉”’", "……", "——", *"“‘（《「『【〔〖〈",
          "11", "ab", "1%", "a."]
AFTER = ["字", "2", "b", *"，。、；：？！）》”（《“「【", "……", "——"]


def _width(text: str) -> float:
    return sum(0.5 if ch.isascii() else 1.0 for ch in text)


@pytest.fixture(scope="module")
def pairs(tmp_path_factory):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not on PATH")
    keys = [(x, y) for x in BEFORE for y in AFTER]
    paragraphs = [FILL[: int(26 - _width(x))] + x + y + "尾" * 8 + "。" for x, y in keys]
    document = parse("---\nkind: 通知\ntitle: 断行\n---\n" + "\n\n".join(paragraphs) + "\n")
    laid = plan(document)
    out = tmp_path_factory.mktemp("pairs")
    docx = out / "pairs.docx"
    docx.write_bytes(write_docx(laid, document))
    (pdf_path,) = convert([docx], out)
    with pdfplumber.open(pdf_path) as pdf:
        found = [p for p in compare_breaks(laid, pdf, spec.LINE_PITCH / 20) if p.role == "body"]
    assert len(found) == len(keys)
    return dict(zip(keys, found, strict=True))


def test_layout_breaks_like_libreoffice_except_where_it_splits_ellipsis_and_dash(pairs, report_figure):
    """Every pair breaks where LibreOffice breaks it, with one exception by design: LibreOffice splits
    …… and —— between their two characters when closing punctuation follows ("…|…，"), which
    GB/T 15834-2011 (5.1.4, 5.1.5) forbids; the layout moves the pair down whole."""
    differ = {key: p for key, p in pairs.items() if not p.same}
    report_figure(f"line-break rules, layout vs LibreOffice: {len(pairs) - len(differ)}/{len(pairs)} "
                  "character pairs break alike")
    unexpected = []
    for (x, y), p in differ.items():
        first_line = p.rendered[0][2]
        split = x in ("……", "——") and first_line.endswith(x[0]) and not first_line.endswith(x)
        if not (split and y in "，。、；：？！）》”"):
            unexpected.append((x, y, [t for *_, t in p.predicted], [t for *_, t in p.rendered]))
    assert not unexpected, unexpected
