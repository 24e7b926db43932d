"""The shared 公文 text rules (reportgen.gongwen): a table of cases per rule, and the two sides that
use them (the element check before layout, the .docx checker) giving the same verdict on the same
input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reportgen import fields, filters, gongwen, spec
from reportgen.check import check_file
from reportgen.layout import cells, plan, title_shape_ok
from reportgen.markup import parse
from reportgen.model import Document
from reportgen.writers.docx import write_docx

# --------------------------------------------------------------------- the rules, one by one

NUMERALS = [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (23, "二十三"), (99, "九十九"),
            (100, "一百"), (105, "一百零五"), (110, "一百一十"), (999, "九百九十九"), (1000, "一千"),
            (1010, "一千零一十"), (9999, "九千九百九十九")]


@pytest.mark.parametrize(("n", "text"), NUMERALS)
def test_numerals_spelled_and_read_back(n: int, text: str) -> None:
    assert gongwen.cn_small(n) == spec.cn_small(n) == filters.cn_num(n) == text
    assert gongwen.cn_value(text) == n


def test_every_numeral_below_ten_thousand_reads_back() -> None:
    assert all(gongwen.cn_value(gongwen.cn_small(n)) == n for n in range(1, 10_000))


@pytest.mark.parametrize("text", ["", "甲", "一二", "十十", "零", "百", "二十零", "一十二", "二〇", "1"])
def test_what_is_not_a_heading_numeral(text: str) -> None:
    assert gongwen.cn_value(text) is None


@pytest.mark.parametrize("n", [0, -1, 10**16])
def test_heading_numeral_out_of_range(n: int) -> None:
    with pytest.raises(ValueError, match="out of range"):
        gongwen.cn_small(n)


MARKERS = [
    ("一、基本情况", (1, 1, "一、", False)),
    ("十二、保障", (1, 12, "十二、", False)),
    ("一百零一、附则", (1, 101, "一百零一、", False)),
    ("（三）组织建设", (2, 3, "（三）", False)),
    ("3.排查摸底", (3, 3, "3.", False)),
    ("12．排查", (3, 12, "12．", False)),
    ("（4）单独组建", (4, 4, "（4）", False)),
    ("二．工作任务", (1, 2, "二．", True)),
    ("二 、工作任务", (1, 2, "二 、", True)),
    ("(三)组织", (2, 3, "(三)", True)),
    ("1、排查", (3, 1, "1、", True)),
    ("(2)联合", (4, 2, "(2)", True)),
    ("2）联合", (4, 2, "2）", True)),
    ("1.5万元用于培训", None),
    ("2020年工作总结", None),
    ("基本情况", None),
    ("第一、", None),
]


@pytest.mark.parametrize(("text", "marker"), MARKERS)
def test_heading_markers(text: str, marker: tuple[int, int, str, bool] | None) -> None:
    assert gongwen.heading_marker(text) == marker


@pytest.mark.parametrize(("level", "n"),
                         [(1, 1), (1, 12), (1, 100), (2, 7), (2, 35), (3, 9), (3, 99), (4, 3)])
def test_written_markers_are_read_as_right(level: int, n: int) -> None:
    """What heading_number writes, heading_marker reads as the right marker of that level and number."""
    found = gongwen.heading_marker(spec.heading_number(level, n) + "工作")
    assert found == (level, n, spec.heading_number(level, n), False)


DOC_NUMBERS = [
    ("宝网信办发〔2020〕38号", ()),
    ("国办发〔2021〕1号", ()),
    ("某政办发[2020]5号", ("brackets",)),
    ("某政办发（2020）5号", ("brackets",)),
    ("某政办发【2020】5号", ("brackets",)),
    ("某政办发2020年5号", ("brackets", "nian")),
    ("某政办发〔20〕5号", ("year",)),
    ("某政办发〔2020〕第5号", ("di",)),
    ("某政办发〔2020〕05号", ("zero",)),
    ("某政办发〔2020〕年5号", ("nian",)),
    ("某政办发 〔2020〕5号", ("spaces",)),
    ("某政办发[20]第05号", ("di", "brackets", "year", "zero")),
]


@pytest.mark.parametrize(("text", "faults"), DOC_NUMBERS)
def test_doc_number_faults(text: str, faults: tuple[str, ...]) -> None:
    parsed = gongwen.parse_doc_number(text)
    assert parsed is not None and parsed.faults == faults
    if "year" not in faults:
        assert gongwen.parse_doc_number(parsed.fixed).faults == ()  # type: ignore[union-attr]


@pytest.mark.parametrize("text", ["", "2020年5号", "关于转发国办发〔2020〕5号文件的通知", "某政办发〔2020〕5",
                                  "ABC〔2020〕5号"])
def test_not_a_doc_number(text: str) -> None:
    assert gongwen.parse_doc_number(text) is None


DATES = [
    ("2020年12月15日", (), "2020年12月15日"),
    ("2021年1月5日", (), "2021年1月5日"),
    ("2021年01月05日", ("zero",), "2021年1月5日"),
    ("2021 年 1 月 5 日", ("spaces",), "2021年1月5日"),
    ("2021年2月30日", ("invalid",), None),
    ("2021年13月1日", ("invalid",), None),
    ("二〇二一年三月五日", ("hanzi",), None),
    ("2021年3月05日 ", ("zero", "spaces"), "2021年3月5日"),
]


@pytest.mark.parametrize(("text", "faults", "fixed"), DATES)
def test_date_faults(text: str, faults: tuple[str, ...], fixed: str | None) -> None:
    assert gongwen.date_faults(text) == (faults, fixed)


@pytest.mark.parametrize("text", ["2021-03-05", "2021年3月", "3月5日", "今天"])
def test_not_a_date(text: str) -> None:
    assert gongwen.date_faults(text) is None


@pytest.mark.parametrize("day", [dt.date(2000, 1, 1), dt.date(2020, 12, 5), dt.date(2021, 10, 31),
                                 dt.date(2107, 9, 9)])
def test_dates_we_write_have_no_fault(day: dt.date) -> None:
    written = gongwen.format_date(day)
    assert filters.cn_date(day) == written
    assert gongwen.date_faults(written) == ((), written)


SHAPES = [
    ([10, 16], None),  # 梯形 上短下长
    ([4, 19, 3], None),  # 菱形
    ([8, 14, 20], None),
    ([10, 18, 18], None),
    ([16.5, 16], "rectangle"),
    ([16, 16, 16], "rectangle"),
    ([16, 8, 16], "hourglass"),
    ([10, 18, 9, 15], "hourglass"),
    ([16, 10], "inverted"),  # 上长下短
    ([20, 15, 10], "inverted"),
    ([20, 19.8, 5], "inverted"),
    ([12], None),
    ([], None),
]


@pytest.mark.parametrize(("widths", "shape"), SHAPES)
def test_title_shapes(widths: list[float], shape: str | None) -> None:
    assert gongwen.title_shape(widths) == shape
    assert title_shape_ok(widths) is (shape is None)


@pytest.mark.parametrize(("text", "fault"), [
    ("机密★1年", None), ("绝密★长期", None), ("秘密★6个月", None), ("机密★2025年12月31日", None),
    ("机密", "no-period"), ("机密★", "no-period"), ("机密*1年", "star"), ("机密★一年", "period"),
    ("内部★1年", "level"), ("", "level")])
def test_secrecy(text: str, fault: str | None) -> None:
    assert gongwen.secrecy_fault(text) == fault


@pytest.mark.parametrize(("word", "ok"), [("特急", True), ("加急", True), ("特提", False), ("平急", False),
                                          ("急件", False), ("", False)])
def test_urgency_words(word: str, ok: bool) -> None:
    assert gongwen.urgency_ok(word) is ok


# ---------------------------------------------------------- both sides, the same verdict

HEAD = """---
kind: 通知
copy_number: "000123"
secrecy: {secrecy}
urgency: {urgency}
organ_mark: 宝鸡市人民政府
number: {number}
title: 关于做好全市互联网企业党建工作的通知
to: 各县区人民政府
signature: 宝鸡市人民政府
date: 2020-12-15
---
为加强全市互联网企业党建工作，现将有关事项通知如下。
"""


def _both(tmp_path: Path, *, number: str = "宝政发〔2020〕38号", urgency: str = "特急",
          secrecy: str = "机密★1年", title_lines: list[str] | None = None
          ) -> tuple[list[str], list[str]]:
    """(element-check messages, checker rules) for one document written without the element check."""
    doc = parse(HEAD.format(number=number, urgency=urgency, secrecy=secrecy), "t.md")
    laid = plan(doc)
    if title_lines is not None:
        title = next(item for item in laid.items if item.role == "title")
        title.lines = title_lines
    path = tmp_path / "t.docx"
    path.write_bytes(write_docx(laid, doc))
    messages = [p.message for p in fields.check_document(doc)]
    rules = [f.rule for f in check_file(path).findings]
    return messages, rules


_FAULT_RULE = {"di": "doc-number.di", "brackets": "doc-number.brackets", "year": "doc-number.year",
               "zero": "doc-number.zero", "nian": "doc-number.nian", "spaces": "doc-number.spaces"}


@pytest.mark.parametrize(("number", "faults"), [case for case in DOC_NUMBERS if "spaces" not in case[1]])
def test_doc_number_same_verdict(tmp_path: Path, number: str, faults: tuple[str, ...]) -> None:
    messages, rules = _both(tmp_path, number=number)
    said = {fault for fault, (message, _) in fields._DOC_NUMBER_FAULTS.items()
            if any(message in m for m in messages)}
    found = {fault for fault, rule in _FAULT_RULE.items() if rule in rules}
    assert said == found == set(faults)


@pytest.mark.parametrize("word", ["特急", "加急", "特提", "平急"])
def test_urgency_same_verdict(tmp_path: Path, word: str) -> None:
    messages, rules = _both(tmp_path, urgency=word)
    data_says_wrong = any("紧急程度" in m for m in messages)
    checker_says_wrong = "urgency.word" in rules
    assert data_says_wrong is checker_says_wrong is (not gongwen.urgency_ok(word))


@pytest.mark.parametrize("secrecy", ["机密★1年", "机密", "秘密★一年", "绝密★长期"])
def test_secrecy_same_verdict(tmp_path: Path, secrecy: str) -> None:
    messages, rules = _both(tmp_path, secrecy=secrecy)
    data_says_wrong = any("密级" in m or "保密期限" in m for m in messages)
    assert data_says_wrong is ("secrecy.period" in rules) is (gongwen.secrecy_fault(secrecy) is not None)


TITLE = "关于做好全市互联网企业党建工作的通知"


@pytest.mark.parametrize("cut", [2, 4, 7, 9, 11, 13, 15])
def test_title_shape_same_verdict(tmp_path: Path, cut: int) -> None:
    """The layout's shape rule and the checker's agree on every two-line split of one title."""
    lines = [TITLE[:cut], TITLE[cut:]]
    _, rules = _both(tmp_path, title_lines=lines)
    assert title_shape_ok([cells(line) for line in lines]) is ("title.shape" not in rules)


def test_title_shape_three_lines_same_verdict(tmp_path: Path) -> None:
    for lines in (["关于做好", "全市互联网企业党建", "工作的通知"],
                  ["关于做好全市互联网", "企业党建工作", "的通知"]):
        _, rules = _both(tmp_path, title_lines=lines)
        assert title_shape_ok([cells(line) for line in lines]) is ("title.shape" not in rules), lines


@pytest.mark.parametrize(("heading", "numbered"), [
    ("一、基本情况", True), ("（一）组织", True), ("1.排查", True), ("（1）组建", True), ("(2)组建", True),
    ("1、排查", True), ("二．任务", True), ("1.5万元专项经费", False), ("2020年工作回顾", False),
    ("基本情况", False)])
def test_manual_heading_number_same_verdict(heading: str, numbered: bool) -> None:
    """The markup refuses a typed number on a heading exactly when the checker reads it as a marker."""
    from reportgen.errors import MarkupError

    try:
        parse(f"---\ntitle: 通知\n---\n# {heading}\n正文。\n", "t.md")
        refused = False
    except MarkupError as exc:
        refused = any("already carries a number" in p.message for p in exc.problems)
    assert refused is numbered is (gongwen.heading_marker(heading) is not None)


def test_date_we_write_passes_the_checker(tmp_path: Path) -> None:
    doc = Document(title="关于做好工作的通知", signature="宝鸡市人民政府", date=dt.date(2021, 1, 5),
                   kind="通知")
    path = tmp_path / "d.docx"
    path.write_bytes(write_docx(plan(doc), doc))
    assert "date.format" not in [f.rule for f in check_file(path).findings]
    assert not [p for p in fields.check_document(doc) if "日期" in p.message]
