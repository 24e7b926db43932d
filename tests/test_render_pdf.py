"""Rendering tests: build examples/baoji-2020 to PDF with LibreOffice and measure the pages.

Every expected number comes from GB/T 9704-2012 (see /work/shared/reference/gbt9704-notes.md and the
constants in ``pdfmeasure``), not from the program's output. Measuring conventions (baseline, em box,
ink) are explained in ``pdfmeasure``'s docstring and next to each test.

The example builds two documents:

* ``宝网信办发〔2020〕38号.pdf``: the 报告 cover letter, 2 pages (page 1 content, page 2 only the 版记);
* ``2020年宝鸡市互联网企业党建工作总结.pdf``: the summary, 6 pages.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from conftest import EXAMPLE
from pdfmeasure import (
    AREA_BOTTOM,
    AREA_LEFT,
    AREA_RIGHT,
    AREA_TOP,
    CHAR_3HAO,
    CHARS_PER_LINE,
    LINE_PITCH,
    LINES_PER_PAGE,
    PAPER_H,
    PAPER_W,
    SIZE_2HAO,
    SIZE_3HAO,
    SIZE_4HAO,
    Line,
    baseline,
    body_lines,
    compare_breaks,
    find_line,
    font_family,
    footer_lines,
    grid_row,
    horizontal_rules,
    is_black,
    is_cjk_text,
    is_red,
    mm,
    page_number_problems,
    short_line_is_forced,
    squeeze,
    text_lines,
    to_mm,
)

from reportgen import spec

pytestmark = pytest.mark.render

REPORT_PDF = "宝网信办发〔2020〕38号.pdf"
SUMMARY_PDF = "2020年宝鸡市互联网企业党建工作总结.pdf"

ORGAN = "中共宝鸡市委网信办"
DOC_NUMBER = "宝网信办发〔2020〕38号"
DATE = "2020年12月15日"
HEADING_1 = re.compile(r"^[一二三四五六七八九十]+、")


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def built(example_pdfs) -> Path:
    """The example project built once with PDFs (conftest); return the output folder."""
    for name in (REPORT_PDF, SUMMARY_PDF):
        assert (example_pdfs / name).is_file(), \
            f"{name} not written; output folder has {sorted(os.listdir(example_pdfs))}"
    return example_pdfs


@pytest.fixture(scope="module")
def report(built):
    with pdfplumber.open(built / REPORT_PDF) as pdf:
        yield pdf


@pytest.fixture(scope="module")
def summary(built):
    with pdfplumber.open(built / SUMMARY_PDF) as pdf:
        yield pdf


@pytest.fixture(scope="module")
def both(report, summary):
    return {"report": report, "summary": summary}


def report_title_lines(report) -> list[Line]:
    """The report's title: the lines between the red rule and the 主送机关 (省委网信办：)."""
    page = report.pages[0]
    rule_y = next(rule["y"] for rule in horizontal_rules(page) if is_red(rule["color"]))
    lines = body_lines(page)
    addressee = find_line(lines, "省委网信办：")
    return [line for line in lines if rule_y < line.baseline < addressee.baseline]


# --------------------------------------------------------------------------- 1. paper


@pytest.mark.parametrize("doc", ["report", "summary"])
def test_page_size_is_a4(both, doc):
    for page in both[doc].pages:
        assert page.width == pytest.approx(PAPER_W, abs=1), f"page {page.page_number} width"
        assert page.height == pytest.approx(PAPER_H, abs=1), f"page {page.page_number} height"


# --------------------------------------------------------------------------- 2. 22 lines


def test_summary_page_count(summary):
    assert len(summary.pages) == 6


@pytest.mark.parametrize("page_number", [2, 3, 4, 5])
def test_full_pages_have_22_lines(summary, page_number):
    """Pages 2–5 are full body pages (page 1 has the title, page 6 is the partial last page)."""
    lines = body_lines(summary.pages[page_number - 1])
    assert len(lines) == LINES_PER_PAGE, lines


# --------------------------------------------------------------------------- 3. 28 characters


def expected_chars(line: Line) -> int:
    """28 per full line, minus the paragraph's indent (2 characters on first lines)."""
    indent = round((line.x0 - AREA_LEFT) / CHAR_3HAO)
    return CHARS_PER_LINE - indent


def full_cjk_lines(page) -> list[Line]:
    """Body (3号) lines of pure CJK text that run to the right edge of the type area, i.e. that
    are not the last line of their paragraph. Lines with digits or Latin are left out, because
    half-width characters change the count."""
    return [line for line in body_lines(page)
            if line.sizes == {SIZE_3HAO} and line.x1 >= AREA_RIGHT - 2 and is_cjk_text(line.stripped)]


def next_line(summary, page_number: int, line: Line) -> Line | None:
    """The body line printed after ``line`` (on the next page when it is the page's last)."""
    below = [other for other in body_lines(summary.pages[page_number - 1]) if other.baseline > line.baseline]
    if below:
        return below[0]
    if page_number < len(summary.pages):
        return body_lines(summary.pages[page_number])[0]
    return None


@pytest.mark.parametrize("page_number", [1, 2, 3, 4, 5, 6])
def test_full_cjk_lines_hold_28_characters(summary, page_number):
    """A full line holds 28 characters [5.2.3], fewer only when the rules of line breaking force it:
    the next line begins with closing punctuation (it may not start a line, so the character before it
    moves down too, and the group did not fit: 28 − n < 1 + closing marks) or with an opening mark that
    would otherwise have ended this line. No punctuation hangs into the margin instead."""
    lines = full_cjk_lines(summary.pages[page_number - 1])
    assert lines, "no full line of pure CJK text on this page"
    wrong = []
    for line in lines:
        count, expected = len(line.glyphs), expected_chars(line)
        if count == expected:
            continue
        following = next_line(summary, page_number, line)
        head = following.stripped if following is not None else ""
        if not short_line_is_forced(count, expected, head):
            wrong.append((line, count, expected, head[:3]))
    assert not wrong, wrong


@pytest.mark.parametrize("doc", ["report", "summary"])
def test_text_stays_inside_type_area_horizontally(both, doc):
    """GB/T 9704 5.2.1: the type area is 156 mm wide; no character may stand outside it (a hanging
    "，" did before the PDF step turned LibreOffice's hanging punctuation off)."""
    outside = [(page.page_number, line) for page in both[doc].pages for line in text_lines(page)
               if line.x0 < AREA_LEFT - 0.5 or line.x1 > AREA_RIGHT + 0.5]
    assert not outside, outside


# --------------------------------------------------------------------------- 4. margins


@pytest.mark.parametrize("page_number", [1, 2, 3, 4, 5, 6])
def test_left_edge_of_unindented_lines_is_28mm(summary, page_number):
    lines = [line for line in body_lines(summary.pages[page_number - 1]) if line.sizes == {SIZE_3HAO}]
    left = min(line.x0 for line in lines)
    assert to_mm(left) == pytest.approx(28, abs=1)
    # Most lines (all but paragraph first lines) start there.
    flush = [line for line in lines if abs(line.x0 - left) < 1]
    assert len(flush) >= len(lines) / 2


@pytest.mark.parametrize("page_number", [2, 3, 4, 5])
def test_lines_sit_on_a_22_line_grid_from_37mm(summary, page_number):
    """The 天头 is 37 mm ± 1 and 22 lines fill the 225 mm type area [5.2.1, 5.2.3].

    What the PDF can show: a character's ``top`` from pdfplumber is baseline − font size (a
    bounding box artefact of the embedded Type 1 subset), and its glyph (ink) top depends on the
    character. The renderer also places each line's glyphs in the lower part of its exact-spaced
    line box (extra leading above), so no glyph of line 1 touches 37 mm: the first line's
    em-box top is ~40.4 mm and its ink top ~40.6 mm in LibreOffice 7.4.

    So the test checks the grid instead: the line pitch must be 225 mm / 22, and the em box of the
    k-th line (baseline − 0.88 em … baseline + 0.12 em) must lie inside the k-th grid cell
    [37 mm + (k−1)·pitch, 37 mm + k·pitch], with the standard's ±1 mm. This pins the grid's top
    to 37 mm (line 1 cannot start above it) and its bottom to 262 mm (line 22 cannot end
    below it), which is what "22 lines filling the type area from 37 mm" means.
    """
    lines = body_lines(summary.pages[page_number - 1])
    assert len(lines) == LINES_PER_PAGE
    pitch = (lines[-1].baseline - lines[0].baseline) / (LINES_PER_PAGE - 1)
    # 28.99 pt by the standard; the docx can only say 579 twips = 28.95 pt.
    assert pitch == pytest.approx(LINE_PITCH, abs=0.15)
    tol = mm(1)
    for k, line in enumerate(lines):
        cell_top = AREA_TOP + k * LINE_PITCH
        cell_bottom = cell_top + LINE_PITCH
        assert line.em_top >= cell_top - tol, (k + 1, to_mm(line.em_top), to_mm(cell_top))
        assert line.em_bottom <= cell_bottom + tol, (k + 1, to_mm(line.em_bottom), to_mm(cell_bottom))
    assert lines[-1].em_bottom <= AREA_BOTTOM + tol


# --------------------------------------------------------------------------- 5. sizes


def test_font_sizes(report, summary):
    title = find_line(body_lines(summary.pages[0]), "2020年宝鸡市互联网企业党建工作总结")
    assert title.sizes == {SIZE_2HAO}
    report_title = report_title_lines(report)
    assert len(report_title) == 3 and all(line.sizes == {SIZE_2HAO} for line in report_title), report_title
    body = [line for page in summary.pages for line in body_lines(page) if line.stripped != title.stripped]
    assert body and all(line.sizes == {SIZE_3HAO} for line in body), \
        [line for line in body if line.sizes != {SIZE_3HAO}]
    for pdf in (report, summary):
        for page in pdf.pages:
            for line in footer_lines(page):
                assert line.sizes == {SIZE_4HAO}, (page.page_number, line)
    cc = find_line(text_lines(report.pages[-1]), "抄送")
    assert cc.sizes == {SIZE_4HAO}


# --------------------------------------------------------------------------- 6. 版头


def test_organ_mark_is_red_and_red_rule_below_doc_number(report):
    page = report.pages[0]
    lines = body_lines(page)
    organ = find_line(lines, ORGAN)
    assert all(is_red(c["non_stroking_color"]) for c in organ.glyphs), \
        {tuple(c["non_stroking_color"]) for c in organ.glyphs}
    number = find_line(lines, DOC_NUMBER)
    assert all(is_black(c["non_stroking_color"]) for c in number.glyphs)
    red = [rule for rule in horizontal_rules(page) if is_red(rule["color"])]
    assert len(red) == 1, red
    rule = red[0]
    # "发文字号之下4mm处" [7.2.7]: measured from the bottom of the 文号's em box (baseline + 0.12 em,
    # the bottom of the square character body; ink bottoms vary per glyph) to the rule's centre line
    # (its nominal position; the stroke is 1–1.5 pt thick).
    gap = to_mm(rule["y"] - number.em_bottom)
    assert gap == pytest.approx(4, abs=1.5)
    assert to_mm(rule["x0"]) == pytest.approx(28, abs=1)
    assert to_mm(rule["x1"]) == pytest.approx(184, abs=1)
    assert to_mm(rule["x1"] - rule["x0"]) == pytest.approx(156, abs=1)


# --------------------------------------------------------------------------- 7. page numbers


@pytest.mark.parametrize("doc", ["report", "summary"])
def test_page_numbers(both, doc):
    """— n — [7.5]: 4号, 一字线 (U+2014) 7 mm below the type area; odd pages right with one
    character right indent, even pages left with one character left indent."""
    problems = [p for page in both[doc].pages for p in page_number_problems(page)]
    assert not problems, problems


# --------------------------------------------------------------------------- 8. 版记


def test_report_imprint_on_even_last_page(report):
    assert len(report.pages) == 2
    page = report.pages[-1]
    assert page.page_number % 2 == 0
    rules = horizontal_rules(page)
    assert len(rules) == 2, rules
    for rule in rules:
        assert is_black(rule["color"]), rule
        assert to_mm(rule["x1"] - rule["x0"]) == pytest.approx(156, abs=1), rule
        assert to_mm(rule["x0"]) == pytest.approx(28, abs=1), rule
    first, last = rules
    # The last rule of the 版记 sits on the bottom edge of the type area [7.4.1].
    assert to_mm(last["y"]) == pytest.approx(262, abs=2)
    cc = find_line(body_lines(page), "抄送")
    assert first["y"] < cc.em_top and cc.em_bottom < last["y"], (first, cc, last)
    # 抄送: one (4号) character indent on the left [7.4.2].
    assert cc.x0 - AREA_LEFT == pytest.approx(SIZE_4HAO, abs=2)
    # The page holds nothing but the 版记 and the page number.
    assert [line.stripped for line in body_lines(page)] == [cc.stripped]


# --------------------------------------------------------------------------- 9. signature


def signature_lines(report) -> tuple[int, Line, Line, int]:
    """(page index, organ name line, date line, page index of the body's last paragraph)."""
    body_page = None
    for index, page in enumerate(report.pages):
        lines = body_lines(page)
        if any("现随文报来" in line.stripped for line in lines):
            body_page = index
        names = [line for line in lines if line.stripped == ORGAN and line.size == SIZE_3HAO]
        dates = [line for line in lines if line.stripped == DATE]
        if names and dates:
            return index, names[-1], dates[-1], body_page
    raise AssertionError("signature (organ name over the date) not found")


def test_signature_with_body_and_date_right_indent(report):
    index, name, date, body_page = signature_lines(report)
    # The signature never stands alone on a page [7.3.5.5].
    assert index == body_page == 0
    assert name.baseline < date.baseline
    assert date.baseline - name.baseline == pytest.approx(LINE_PITCH, abs=1)
    # 成文日期右空四字 [7.3.5.1].
    assert AREA_RIGHT - date.x1 == pytest.approx(4 * CHAR_3HAO, abs=4)


def test_signature_centred_over_date(report):
    """GB/T 9704 7.3.5.1: the organ name is centred over the date."""
    _, name, date, _ = signature_lines(report)
    assert abs(name.centre_x - date.centre_x) <= SIZE_3HAO / 2, (name.centre_x, date.centre_x)


# --------------------------------------------------------------------------- 10. fonts


def is_serif(fontname: str) -> bool:
    name = font_family(fontname).lower()
    return "serif" in name and "sans" not in name


def is_sans(fontname: str) -> bool:
    return "sans" in font_family(fontname).lower()


def is_bold(fontname: str) -> bool:
    return "bold" in font_family(fontname).lower()


def test_every_character_uses_a_cjk_font(report, summary):
    """No fallback to a Latin-only font (DejaVu etc.) for digits, quotes or dashes."""
    fonts = {font_family(c["fontname"]) for pdf in (report, summary) for page in pdf.pages
             for c in page.chars if not c["text"].isspace()}
    assert fonts and all("CJK" in font for font in fonts), fonts


def test_title_bold_serif_and_body_regular_serif(report, summary):
    titles = [find_line(body_lines(summary.pages[0]), "2020年宝鸡市互联网企业党建工作总结")]
    titles += report_title_lines(report)
    assert len(titles) == 4, titles
    for line in titles:
        assert all(is_serif(c["fontname"]) and is_bold(c["fontname"]) for c in line.glyphs), \
            (line, line.fontnames)
    # Body paragraphs: Regular serif (仿宋 → Noto Serif CJK SC), not a sans fallback.
    samples = [
        find_line(body_lines(summary.pages[0]), "全市互联网企业党建工作在省委网信办"),
        find_line(body_lines(summary.pages[1]), "为主要工作任务"),
        find_line(body_lines(report.pages[0]), "现随文报来"),
        find_line(body_lines(report.pages[0]), ORGAN, nth=1),
        find_line(body_lines(report.pages[0]), DATE),
    ]
    for line in samples:
        assert all(is_serif(c["fontname"]) and not is_bold(c["fontname"]) for c in line.glyphs), \
            (line, line.fontnames)
    # Every body line of the summary that is not a 一、 heading is serif.
    for page in summary.pages:
        for line in body_lines(page):
            if not HEADING_1.match(line.stripped):
                assert all(is_serif(c["fontname"]) for c in line.glyphs), (page.page_number, line,
                                                                            line.fontnames)


def test_first_level_headings_in_sans(summary):
    headings = [line for page in summary.pages for line in body_lines(page)
                if HEADING_1.match(line.stripped)]
    assert [line.stripped for line in headings][:1] == ["一、高度重视，精心部署"]
    assert len(headings) >= 3, headings
    for line in headings:
        assert all(is_sans(c["fontname"]) and "CJK" in c["fontname"] for c in line.glyphs), \
            (line, line.fontnames)


def _font_file(family: str) -> tuple[str, int] | None:
    """(file, face index) fontconfig picks for ``family``, if it is that family."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    out = subprocess.run([fc_match, "-f", "%{family}|%{file}|%{index}", family], capture_output=True,
                         text=True, check=False).stdout
    found, _, rest = out.partition("|")
    path, _, index = rest.partition("|")
    if family not in found or not Path(path).is_file():
        return None
    return path, int(index or 0)


def test_cjk_glyphs_are_simplified_chinese_forms(report):
    """The embedded fonts are called ``NotoSerifCJKjp-…`` because the Noto CJK collection shares one
    CFF table named after its JP face; which face was used shows in the glyphs. The full-width
    colon sits at the lower left in SC and in the middle in JP: compare the rendered ``：`` of
    ``省委网信办：`` with both faces."""
    from PIL import Image, ImageDraw, ImageFont

    sc, jp = _font_file("Noto Serif CJK SC"), _font_file("Noto Serif CJK JP")
    if sc is None or jp is None:
        pytest.skip("Noto Serif CJK SC/JP not found by fc-match")
    page = report.pages[0]
    colon = next(c for c in page.chars if c["text"] == "：")
    size, base, px = colon["size"], baseline(colon), 96
    em_box = (colon["x0"], base - 0.88 * size, colon["x0"] + size, base + 0.12 * size)
    image = page.crop(em_box).to_image(resolution=px * 72 / size).original.convert("L").resize((px, px))
    seen = {i for i, v in enumerate(image.tobytes()) if v < 128}

    def overlap(font_file: tuple[str, int]) -> float:
        font = ImageFont.truetype(font_file[0], px, index=font_file[1])
        ref = Image.new("L", (px, px), 255)
        ImageDraw.Draw(ref).text((0, round(0.88 * px)), "：", font=font, fill=0, anchor="ls")
        drawn = {i for i, v in enumerate(ref.tobytes()) if v < 128}
        return len(seen & drawn) / max(1, len(seen | drawn))

    assert seen, "no ink for the colon"
    sc_score, jp_score = overlap(sc), overlap(jp)
    assert sc_score > 0.5 and sc_score > jp_score + 0.3, (sc_score, jp_score)


# --------------------------------------------------------------------------- 11. predicted line breaks


GRID_PITCH = spec.LINE_PITCH / 20  # the docx's exact line height in points (579 twips)


@pytest.fixture(scope="module")
def example_plans(built) -> dict[str, tuple]:
    """The plan of each example document, as the build made it, with the path of its PDF."""
    from reportgen.project import load_project, make_style, render_document

    project = load_project(EXAMPLE)
    out = {}
    for document in project.documents:
        style = make_style(document.style, project.style, document.place)
        rendered = render_document(document.name, document.template, project.data + document.data, style,
                                   project.root, document.output)
        out[document.name] = (rendered.plan, built / f"{Path(rendered.output).stem}.pdf")
    return out


@pytest.fixture(scope="module")
def breaks(example_plans) -> dict[str, list]:
    """Every printed paragraph of both example documents, as predicted by reportgen.layout and as found
    in the PDF, line by line with page and grid row."""
    out = {}
    for name, (plan, path) in example_plans.items():
        with pdfplumber.open(path) as pdf:
            out[name] = compare_breaks(plan, pdf, GRID_PITCH)
    return out


def test_predicted_line_breaks_are_libreoffices(breaks, report_figure):
    """The layout engine predicts every line of the example documents: the same text on the same page
    and grid row as LibreOffice prints it. The docx writer relies on it (signature kept with the body,
    版记 padded to the bottom of the last even page) and the preview shows it."""
    figures, wrong = [], []
    for name, paragraphs in breaks.items():
        lines = sum(len(p.predicted) for p in paragraphs)
        figures.append(f"{name} {sum(p.same for p in paragraphs)}/{len(paragraphs)} paragraphs "
                       f"({sum(p.same_lines for p in paragraphs)}/{lines} lines)")
        wrong += [(name, p.role, p.predicted, p.rendered) for p in paragraphs if not p.same]
    report_figure("line breaks, layout vs LibreOffice: " + ", ".join(figures))
    assert sum(len(paragraphs) for paragraphs in breaks.values()) >= 20  # both documents, every paragraph
    assert not wrong, wrong


def test_preview_shows_the_printed_lines(example_plans):
    """Every line LibreOffice prints stands, with the same text, on the same page and row of the
    terminal preview (reportgen preview)."""
    from reportgen.writers.text import render_pages

    wrong = []
    for name, (plan, path) in example_plans.items():
        pages = render_pages(plan)
        with pdfplumber.open(path) as pdf:
            assert len(pdf.pages) == len(pages), name
            for page in pdf.pages:
                for line in text_lines(page, bottom_limit=AREA_BOTTOM):
                    row = grid_row(line, GRID_PITCH)
                    shown = squeeze(pages[page.page_number - 1][row - 1])
                    if shown != line.stripped:
                        wrong.append((name, page.page_number, row, shown, line.stripped))
    assert not wrong, wrong
