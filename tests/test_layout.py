"""The grid: widths, line breaking with the punctuation rules, title shapes, pagination."""

from __future__ import annotations

import datetime as dt

from reportgen import spec
from reportgen.layout import (
    NO_LINE_END,
    NO_LINE_START,
    break_lines,
    can_break,
    cells,
    plan,
    split_title,
    title_shape_ok,
    units,
)
from reportgen.markup import parse
from reportgen.model import Document, Paragraph, Run


def test_widths() -> None:
    assert cells("宝鸡") == 2
    assert cells("2020年") == 3  # half-width digits are half a cell
    assert cells("〔〕“”—") == 5


def test_pure_cjk_fills_28_then_wraps() -> None:
    text = "字" * 60
    assert [len(x) for x in break_lines(text, first_indent=2)] == [26, 28, 6]


def test_numbers_are_not_split() -> None:
    lines = break_lines("字" * 27 + "2953场次")
    assert lines == ["字" * 27, "2953场次"]


def test_no_line_starts_with_closing_punctuation() -> None:
    lines = break_lines("字" * 28 + "。后面")
    assert lines[1][0] not in NO_LINE_START
    assert lines == ["字" * 27, "字。后面"]


def test_no_line_ends_with_opening_punctuation() -> None:
    lines = break_lines("字" * 27 + "《书名》")
    assert lines[0][-1] not in NO_LINE_END
    assert lines == ["字" * 27, "《书名》"]


def test_ellipsis_and_dash_stay_whole_but_may_start_a_line() -> None:
    """GB/T 15834-2011 5.1.4, 5.1.5: …… and —— are never split across lines; they may begin one."""
    assert break_lines("字" * 27 + "……等") == ["字" * 27, "……等"]
    assert break_lines("字" * 27 + "——等") == ["字" * 27, "——等"]
    # With closing punctuation after it, the pair moves down whole and takes the mark along.
    assert break_lines("字" * 26 + "……，等") == ["字" * 26, "……，等"]


def test_digits_and_latin_stay_with_adjacent_brackets_and_commas() -> None:
    """No break in "，2020", "11（" or "1%“" (LibreOffice keeps them, measured in
    test_linebreak_rules): the units before move down instead."""
    assert break_lines("字" * 27 + "，2020年") == ["字" * 26, "字，2020年"]
    assert break_lines("字" * 26 + "11（字）") == ["字" * 26, "11（字）"]
    assert break_lines("字" * 26 + "1%“字”") == ["字" * 26, "1%“字”"]
    assert not can_break("》", "App") and not can_break("2020", "《")
    assert can_break("字", "2020") and can_break("2020", "年") and can_break("字", "“")


def test_hyphenated_latin_words_break_after_the_hyphen() -> None:
    assert units("用Wi-Fi和1-2") == ["用", "Wi-", "Fi", "和", "1-2"]
    assert break_lines("字" * 26 + "Wi-Fi") == ["字" * 26 + "Wi-", "Fi"]


def test_every_line_respects_the_rules_on_real_text() -> None:
    text = "今年以来，对新媒体从业人员和网络名人、电商达人等举办了2期专题培训班，直接培训300余人次，" * 5
    lines = break_lines(text, first_indent=2)
    assert "".join(lines) == text
    for index, line in enumerate(lines):
        width = 26 if index == 0 else 28
        assert cells(line) <= width
        assert index == 0 or line[0] not in NO_LINE_START
        assert line[-1] not in NO_LINE_END


def test_title_keeps_book_title_marks_whole_in_a_diamond() -> None:
    lines = split_title("关于报送《2020年宝鸡市互联网企业党建工作总结》的报告")
    assert lines == ["关于报送", "《2020年宝鸡市互联网企业党建工作总结》", "的报告"]


def test_short_title_is_one_line() -> None:
    assert split_title("2020年宝鸡市互联网企业党建工作总结") == ["2020年宝鸡市互联网企业党建工作总结"]


def test_two_line_title_is_a_trapezoid_and_keeps_words() -> None:
    lines = split_title("关于开展2021年度全市网络安全专项检查工作的通知")
    assert len(lines) == 2
    assert cells(lines[0]) < cells(lines[1])
    assert "".join(lines) == "关于开展2021年度全市网络安全专项检查工作的通知"
    assert not lines[0].endswith("2021")  # number stays with 年度


def test_shapes() -> None:
    assert title_shape_ok([10, 16])  # 梯形 上短下长
    assert title_shape_ok([4, 19, 3])  # 菱形
    assert not title_shape_ok([16, 16])  # rectangle
    assert not title_shape_ok([16, 8, 16])  # hourglass


def test_every_title_line_fits() -> None:
    title = "中共宝鸡市委网信办关于进一步加强全市互联网企业和网络社会组织党建工作的实施意见"
    lines = split_title(title)
    assert "".join(lines) == title
    assert all(cells(x) <= 20 for x in lines)
    assert title_shape_ok([cells(x) for x in lines])


def _doc(paragraphs: int, **kw: object) -> Document:
    blocks = [Paragraph([Run("字" * 54)]) for _ in range(paragraphs)]  # 2 lines each
    return Document(title="标题", blocks=blocks, **kw)  # type: ignore[arg-type]


def test_pages_hold_22_lines() -> None:
    laid = plan(_doc(21))  # title + blank + 42 lines = 44 lines = 2 full pages
    assert laid.pages == 2
    assert laid.items[-1].page == 2 and laid.items[-1].row == 21


def test_signature_is_kept_with_the_last_body_line() -> None:
    # Title + blank + 10 two-line paragraphs fill page 1 exactly; the signature block would
    # open page 2 alone, so the last body paragraph moves down with it [7.3.5.5] — whole, as
    # LibreOffice moves a keep-with-next paragraph (and Word, given keep-lines-together).
    doc = _doc(10, signature="中共宝鸡市委网信办", date=dt.date(2020, 12, 15))
    laid = plan(doc)
    signature = next(i for i in laid.items if i.role == "signature")
    last_body = [i for i in laid.items if i.role == "body"][-1]
    assert signature.page == 2
    assert last_body.positions == [(2, 1), (2, 2)]
    assert signature.positions == [(2, 5)]  # after two blank lines for the seal


def test_text_without_signature_fills_page_one() -> None:
    laid = plan(_doc(10))
    assert laid.pages == 1
    assert laid.items[-1].positions == [(1, 21), (1, 22)]


def test_signature_is_centred_over_the_date() -> None:
    laid = plan(Document(blocks=[Paragraph([Run("正文。")])], signature="中共宝鸡市委网信办",
                         date=dt.date(2020, 12, 15)))
    sig = next(i for i in laid.items if i.role == "signature")
    date = next(i for i in laid.items if i.role == "date")
    assert date.right == 4  # 右空四字 [7.3.5.1]
    centre_sig = sig.right + cells(sig.text) / 2
    centre_date = date.right + cells(date.text) / 2
    assert centre_sig == centre_date
    assert date.text == "2020年12月15日"


def test_colophon_lands_on_an_even_page() -> None:
    laid = plan(parse("---\ntitle: 标题\ncc: [市委组织部]\n---\n正文。\n"))
    assert laid.colophon is not None
    assert laid.colophon.page == 2 and laid.pages == 2
    assert laid.colophon.pad_lines == spec.LINES_PER_PAGE - laid.colophon.height


def test_colophon_after_an_even_last_page_shares_it() -> None:
    body = "\n\n".join(["字" * 54] * 12)  # 24 lines + title = page 2, 4 lines used
    laid = plan(parse(f"---\ntitle: 标题\ncc: [甲]\n---\n{body}\n"))
    assert laid.colophon is not None and laid.colophon.page == 2
    assert not laid.colophon.page_break_before


def test_full_even_last_page_puts_the_colophon_after_a_blank_page() -> None:
    body = "\n\n".join(["字" * 54] * 21)  # title + blank + 42 lines: page 2 is full
    laid = plan(parse(f"---\ntitle: 标题\ncc: [甲]\n---\n{body}\n"))
    assert laid.colophon is not None
    assert laid.colophon.blank_page_before and laid.colophon.page == 4 and laid.pages == 4
