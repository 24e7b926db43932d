"""Hardening of the 公文 rules and the layout: every block of a document is searched and laid out,
and line prediction follows the renderer where no break is allowed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import unicodedata
from pathlib import Path

import pytest
from conftest import run_cli

from reportgen import fields, spec
from reportgen.layout import break_lines, build_items, cells, plan, units
from reportgen.markup import parse
from reportgen.model import Attachment, Document, Paragraph, Run, Table, iter_blocks

# --------------------------------------------------------- every block: body, tables, attachments

REPORT = """---
kind: 报告
organ_mark: 某某市网信办
number: 某网信发〔2020〕5号
signers: [张三]
title: 关于工作情况的报告
to: 市委网信办
signature: 某某市网信办
date: 2020-12-15
---
{body}
"""


@pytest.mark.parametrize(("body", "asks"), [
    ("今年工作进展顺利。\n\n以上报告妥否，请批示。", True),
    ("今年工作进展顺利。\n\n::: 附件 工作情况\n\n以上事项请予批准。", True),
    ("今年工作进展顺利。\n\n::: 附件 工作情况\n\n# 请批示的事项\n\n正文。", True),
    ("今年工作进展顺利。\n\n::: 附件 经费表\n\n| 项目 | 说明 |\n| --- | --- |\n| 培训 | 请审批 |", True),
    ("| 项目 | 说明 |\n| --- | --- |\n| 培训 | 妥否 |", True),
    ("今年工作进展顺利。\n\n::: 附件 附件一\n\n正文。\n\n::: 附件 附件二\n\n请指示。", True),
    ("今年工作进展顺利。\n\n::: 附件 工作情况\n\n特此报告。", False),
    ("今年工作进展顺利，特此报告。", False),
])
def test_a_report_asking_for_instructions_anywhere_is_warned(body: str, asks: bool) -> None:
    doc = parse(REPORT.format(body=body), "t.md")
    warned = [p for p in fields.check_document(doc) if "asks for instructions" in p.message]
    assert bool(warned) is asks
    if asks:
        assert warned[0].severity == "warning" and "请示事项" in (warned[0].hint or "")


def test_the_warning_for_an_attachment_reaches_the_user(tmp_path: Path) -> None:
    template = tmp_path / "t.md.j2"
    body = "今年工作进展顺利。\n\n::: 附件 工作情况\n\n以上事项妥否，请批示。"
    template.write_text(REPORT.format(body=body),
                        encoding="utf-8")
    data = tmp_path / "d.yaml"
    data.write_text("year: 2020\n", encoding="utf-8")
    code, stdout, stderr = run_cli("validate", str(template), str(data))
    assert code == 0 and "Traceback" not in stdout + stderr
    assert "警告 warning:" in stderr and "a 报告 asks for instructions: “…以上事项妥否，请批示。…”" in stderr


def test_iter_blocks_walks_the_body_then_each_attachment() -> None:
    body = [Paragraph([Run("正文")]), Table([[[Run("表")]]])]
    first = [Paragraph([Run("附件一")])]
    second = [Table([[[Run("附件二表")]]]), Paragraph([Run("附件二")])]
    doc = Document(blocks=body, attachments=[Attachment("一", first), Attachment("二", second),
                                             Attachment("空")])
    assert list(iter_blocks(doc)) == [*body, *first, *second]
    assert list(iter_blocks(Document())) == []


@dataclasses.dataclass
class _Figure:
    """A block kind the layout does not know."""

    caption: str
    text: str = ""


@pytest.mark.parametrize("where", ["body", "attachment"])
def test_an_unknown_block_is_an_error_not_a_silent_gap(where: str) -> None:
    figure = _Figure("图1")
    doc = Document(title="关于工作的通知", blocks=[Paragraph([Run("正文")])])
    if where == "body":
        doc.blocks.append(figure)  # type: ignore[arg-type]
    else:
        doc.attachments = [Attachment("附件", [figure])]  # type: ignore[list-item]
    with pytest.raises(AssertionError, match="_Figure"):
        build_items(doc, spec.DEFAULT_STYLE)


# ------------------------------------------------- line prediction where no break is allowed

def _lengths(text: str, width: float = 28, indent: float = 2) -> list[int]:
    return [len(line) for line in break_lines(text, width, first_indent=indent)]


@pytest.mark.parametrize(("text", "lengths"), [
    ("，" * 100, [26, 28, 28, 18]),  # no line may start with ，: full lines all the same
    ("。" * 30, [26, 4]),
    ("字" * 20 + "，" * 40 + "尾", [19, 28, 14]),  # the legal break first, then the full line
    ("字" * 30 + "。" * 30 + "字", [26, 3, 28, 4]),
    ("—" * 44, [26, 18]),  # —— pairs: whole, but the run breaks when the line is full
    ("字" * 10 + "——" + "字" * 30, [26, 16]),
    ("（" * 30 + "字", [26, 5]),  # nor may a line end with （
    ("“" * 27 + "字", [26, 2]),
])
def test_a_full_line_without_a_legal_break_breaks_where_it_is_full(text: str, lengths: list[int]) -> None:
    assert _lengths(text) == lengths
    assert "".join(break_lines(text, 28, first_indent=2)) == text


def test_a_legal_break_in_the_line_is_still_preferred() -> None:
    """Kinsoku by push-down is unchanged: 字 moves down with the ，，， it may not be parted from."""
    assert break_lines("字" * 26 + "，，好", 28, first_indent=2) == ["字" * 25, "字，，好"]
    assert break_lines("字" * 25 + "（注）", 28, first_indent=2) == ["字" * 25, "（注）"]


@pytest.mark.parametrize(("text", "cells_", "units_"), [
    ("e\u0301", 0.5, ["e\u0301"]),
    ("cafe\u0301s", 2.5, ["cafe\u0301s"]),  # a word with a combining accent stays one word
    ("a\u0308o\u0302\u0323", 1.0, ["a\u0308o\u0302\u0323"]),
    ("葛\U000e0100", 1.0, ["葛\U000e0100"]),  # ideographic variation selector
    ("❤\ufe0f字", 1.5, ["❤\ufe0f", "字"]),
    ("👍\U0001f3fd字", 2.0, ["👍\U0001f3fd", "字"]),  # skin tone
    ("👨\u200d👩\u200d👧", 3.0, ["👨\u200d👩\u200d👧"]),  # ZWJ family
    ("\U0001f1e8\U0001f1f3\U0001f1fa\U0001f1f8", 2.0, ["\U0001f1e8\U0001f1f3", "\U0001f1fa\U0001f1f8"]),
    ("ลั", 0.5, ["ลั"]),  # Thai vowel mark above
    ("བོ", 0.5, ["བོ"]),  # Tibetan vowel sign
    ("ᠮᠣ\u180b", 1.0, ["ᠮ", "ᠣ\u180b"]),  # Mongolian free variation selector
    ("字\u200b字", 2.0, ["字", "\u200b", "字"]),  # a zero-width space is a break, not a mark
])
def test_grapheme_clusters_are_units_and_marks_take_no_room(text: str, cells_: float,
                                                            units_: list[str]) -> None:
    assert cells(text) == cells_
    assert units(text) == units_


@pytest.mark.parametrize("cluster", ["e\u0301", "葛\U000e0100", "❤\ufe0f", "👍\U0001f3fd", "👨\u200d👩",
                                     "ลั", "བོ", "\U0001f1e8\U0001f1f3", "x\u0301\u0302\u0303"])
@pytest.mark.parametrize("before", [0, 1, 7, 25, 26, 27])
def test_no_line_starts_with_a_mark(cluster: str, before: int) -> None:
    text = "字" * before + cluster * 40 + "尾"
    lines = break_lines(text, 28, first_indent=2)
    assert "".join(lines) == text
    for line in lines[1:]:
        assert not (line[0] in "\u200d\ufe0f" or unicodedata.category(line[0]) in ("Mn", "Me", "Mc")
                    or 0x1F3FB <= ord(line[0]) <= 0x1F3FF), (line[:3], lines)
    # A run of clusters breaks only at a full line: no line is shorter than the run needs.
    assert len(lines) <= math.ceil((before + 1 + cells(cluster * 40)) / 26) + 1


def test_a_paragraph_of_100_000_commas_fills_163_pages() -> None:
    doc = Document(title="关于逗号的通知", blocks=[Paragraph([Run("，" * 100_000)])])
    assert plan(doc).pages == 163  # LibreOffice sets it on 163 pages


@pytest.mark.parametrize("text", ["，" * 100_000, "—" * 100_000, "e\u0301" * 50_000, "字" * 100_000,
                                  "a" * 100_000, "\u0301" * 100_000, ("字" * 27 + "，" * 40) * 1500])
def test_break_lines_is_linear(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ten times the text costs about ten times the work, not a hundred (no quadratic step):
    the steps counted are the looks at a break opportunity and the width sums, not seconds
    (timings belong in benchmarks; benchmarks/speed.py has none for this, the count suffices)."""
    import reportgen.layout as layout

    calls = [0]
    for name in ("can_break", "cells"):
        real = getattr(layout, name)

        def counted(*args: object, _real: object = real) -> object:
            calls[0] += 1
            return _real(*args)  # type: ignore[operator]

        monkeypatch.setattr(layout, name, counted)

    def work(sample: str) -> int:
        calls[0] = 0
        break_lines(sample, 28, first_indent=2)
        return calls[0]

    small, large = work(text[: len(text) // 10]), work(text)
    assert large <= 12 * max(small, 10), (small, large)


def test_a_dash_run_does_not_move_the_colophon() -> None:
    """44 — used to take 8 predicted lines (one pair a line) and push the 版记 to a new page."""
    def pages(body: str) -> tuple[int, int]:
        doc = Document(kind="通知", title="关于破折号的通知", blocks=[Paragraph([Run(body)])],
                       signature="某某市人民政府", date=dt.date(2020, 12, 15), cc=["某某局"],
                       printer="某某市人民政府办公室", print_date=dt.date(2020, 12, 15))
        laid = plan(doc)
        assert laid.colophon is not None
        return laid.pages, laid.colophon.page

    assert pages("—" * 44) == pages("字" * 44)


# -------------------------------------------------- the same cases through LibreOffice

# Paragraphs whose breaks depend on the rules only (CJK characters and marks keep their cell):
# the prediction must give LibreOffice's lines exactly.
EXACT = [
    "，" * 100,
    "字" * 20 + "，" * 40 + "尾",
    "字" * 30 + "。" * 30 + "字",
    "字" * 10 + "——" + "字" * 30,
    "（" * 30 + "字",
    "字" * 25 + "葛\U000e0100" * 5,  # a variation selector stays on its character's line
    "字" * 25 + "e\u0301" * 10 + "字" * 10,  # a word with accents moves down whole
    "字" * 26 + "a\u0308o\u0302\u0323" + "字" * 10,
    "字" * 24 + "a" * 8 + "\u0301" + "字" * 3,
]
# Where the fonts at hand decide (a paragraph of dashes alone is set in the Latin script, at
# 0.83 字 a dash; accented Latin letters are proportional in the CJK fonts), the lines may end a
# few characters apart, but their number is the same and no cluster is split.
SAME_COUNT = [
    "—" * 44,
    "e\u0301" * 60,
    "字" * 2 + "x\u0301\u0302" * 20 + "字" * 20,
]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    import shutil

    import pdfplumber
    from pdfmeasure import compare_breaks

    from reportgen.writers.docx import write_docx
    from reportgen.writers.pdf import convert

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not on PATH")
    doc = Document(kind="通知", title="断行", blocks=[Paragraph([Run(t)]) for t in EXACT + SAME_COUNT],
                   signature="某某市人民政府", date=dt.date(2020, 12, 15), cc=["某某局"],
                   printer="某某市人民政府办公室", print_date=dt.date(2020, 12, 15))
    laid = plan(doc)
    out = tmp_path_factory.mktemp("nobreak")
    docx = out / "nobreak.docx"
    docx.write_bytes(write_docx(laid, doc))
    (pdf_path,) = convert([docx], out)
    with pdfplumber.open(pdf_path) as pdf:
        pages = len(pdf.pages)
        found = [p for p in compare_breaks(laid, pdf, spec.LINE_PITCH / 20) if p.role == "body"]
    assert len(found) == len(EXACT + SAME_COUNT)
    return laid, pages, found


@pytest.mark.render
@pytest.mark.parametrize("k", range(len(EXACT)))
def test_lines_without_a_legal_break_are_libreoffices(rendered, k: int) -> None:  # type: ignore[no-untyped-def]
    _, _, found = rendered
    assert found[k].predicted == found[k].rendered


@pytest.mark.render
@pytest.mark.parametrize("k", range(len(SAME_COUNT)))
def test_lines_set_in_other_fonts_are_as_many(rendered, k: int) -> None:  # type: ignore[no-untyped-def]
    _, _, found = rendered
    p = found[len(EXACT) + k]
    assert [(page, row) for page, row, _ in p.predicted] == [(page, row) for page, row, _ in p.rendered]
    for _, _, text in p.rendered[1:]:
        assert unicodedata.category(text[0]) not in ("Mn", "Me"), text


@pytest.mark.render
def test_the_pages_and_the_colophon_are_where_predicted(rendered) -> None:  # type: ignore[no-untyped-def]
    laid, pages, found = rendered
    assert pages == laid.pages
    assert found[-1].predicted[-1][:2] == found[-1].rendered[-1][:2]
