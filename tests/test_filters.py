"""Tests for reportgen.filters: worked examples, bad input, and round-trip properties.

The parsers and the digit-by-digit speller below are written independently of the
module under test, so the property tests compare two separate implementations.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from reportgen import filters
from reportgen.errors import FilterError
from reportgen.filters import (
    FILTERS,
    approx,
    change,
    cn_date,
    cn_month_day,
    cn_num,
    cn_year,
    month,
    num,
    ordinal,
    pct,
    pp_change,
    rmb_upper,
    wan,
    yi,
)

# ---------------------------------------------------------------------------
# independent helpers
# ---------------------------------------------------------------------------

LOWER = "零一二三四五六七八九"
UPPER = "零壹贰叁肆伍陆柒捌玖"
LOWER_SMALL = {"十": 10, "百": 100, "千": 1000}
UPPER_SMALL = {"拾": 10, "佰": 100, "仟": 1000}


def parse_cn(text: str, digits: str = LOWER, small: dict[str, int] = LOWER_SMALL) -> int:
    """Read a Chinese numeral (万/亿 sections, 万亿 allowed) back into an int."""
    sign = 1
    if text.startswith("负"):
        sign, text = -1, text[1:]
    assert text, "empty numeral"
    total = section = digit = 0
    for i, ch in enumerate(text):
        if ch in digits:
            digit = digits.index(ch)
        elif ch in small:
            if digit == 0:
                assert i == 0 and small[ch] == 10, f"unit without digit in {text!r}"
                digit = 1
            section += digit * small[ch]
            digit = 0
        elif ch == "万":
            section = (section + digit) * 10**4
            digit = 0
        elif ch == "亿":
            total = (total + section + digit) * 10**8
            section = digit = 0
        else:
            raise AssertionError(f"unexpected {ch!r} in {text!r}")
    return sign * (total + section + digit)


def spell_by_digits(n: int, digits: str = LOWER, small: str = "十百千", bare_ten: bool = True) -> str:
    """A second speller: one left-to-right pass over the decimal digits."""
    if n == 0:
        return digits[0]
    s = str(n)
    units = ("", *small)
    out: list[str] = []
    zero = False
    for i, ch in enumerate(s):
        pos = len(s) - 1 - i
        d = int(ch)
        if d == 0:
            zero = True
        else:
            if zero:
                out.append(digits[0])
            zero = False
            if not (bare_ten and i == 0 and d == 1 and pos % 4 == 1):
                out.append(digits[d])
            out.append(units[pos % 4])
        if pos in (4, 12) and int(s[max(0, i - 3): i + 1]) != 0:
            out.append("万")
            zero = False
        elif pos == 8 and int(s[: i + 1]) != 0:
            out.append("亿")
            zero = False
    return "".join(out)


def parse_upper(text: str) -> Decimal:
    """Read a 大写金额 back into a Decimal."""
    sign = 1
    if text.startswith("负"):
        sign, text = -1, text[1:]
    m = re.fullmatch(r"(?:(.+)元)?(零)?(?:([壹贰叁肆伍陆柒捌玖])角)?(?:([壹贰叁肆伍陆柒捌玖])分)?(整)?",
                     text)
    assert m, text
    yuan_text, _, jiao, fen, _ = m.groups()
    yuan = parse_cn(yuan_text, UPPER, UPPER_SMALL) if yuan_text else 0
    cents = yuan * 100 + (UPPER.index(jiao) * 10 if jiao else 0) + (UPPER.index(fen) if fen else 0)
    return sign * Decimal(cents) / 100


def names(message: str) -> str:
    return message.split(":", 1)[0]


# Strategy for integers with many zeros, where Chinese numerals are tricky.
def zero_heavy(max_len: int) -> st.SearchStrategy[int]:
    return st.lists(st.sampled_from("0000012359"), min_size=1, max_size=max_len).map(
        lambda ds: int("".join(ds))
    )


# ---------------------------------------------------------------------------
# cn_num / ordinal / cn_year
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "零"), (3, "三"), (10, "十"), (12, "十二"), (19, "十九"), (21, "二十一"),
        (105, "一百零五"), (110, "一百一十"), (1000, "一千"), (1005, "一千零五"),
        (1010, "一千零一十"), (10000, "一万"), (100010, "十万零一十"), (101000, "十万一千"),
        (1100000, "一百一十万"), (20000000, "二千万"), (100000000, "一亿"),
        (1_0000_0001, "一亿零一"), (1_0010_0000, "一亿零一十万"), (10_0000_0000, "十亿"),
        (10**12, "一万亿"), (15 * 10**12, "十五万亿"), (1_0001_0000_0000, "一万零一亿"),
        (1_0000_0001_0000, "一万亿零一万"), (1_0000_1000_0000, "一万亿一千万"),
        (10**16 - 1, "九千九百九十九万九千九百九十九亿九千九百九十九万九千九百九十九"),
        (-3, "负三"), (-10, "负十"), (3.0, "三"), (Decimal(12), "十二"),
        (Decimal("12.000"), "十二"), ("31", "三十一"), ("007", "七"),
    ],
)
def test_cn_num_examples(n, expected):
    assert cn_num(n) == expected


@pytest.mark.parametrize(
    "bad",
    [10**16, -(10**16), 1e16, 3.5, Decimal("3.5"), "三十一", "-3", "3.0", "３１", " 31", "",
     "1,000", True, False, None, math.nan, math.inf, -math.inf, Decimal("NaN"),
     Decimal("Infinity"), [], {}, dt.date(2020, 1, 1)],
)
def test_cn_num_rejects(bad):
    with pytest.raises(FilterError) as info:
        cn_num(bad)
    assert names(str(info.value)) == "cn_num"
    assert repr(bad)[:20] in str(info.value) or bad is None


def test_cn_num_message_is_bilingual():
    with pytest.raises(FilterError) as info:
        cn_num("三十一")
    assert str(info.value).startswith("cn_num: 需要整数，得到 '三十一' (expected an integer)")
    assert info.value.problems[0].hint


def test_filter_error_is_value_error():
    with pytest.raises(ValueError):
        cn_num("x")


@given(st.one_of(st.integers(-(10**16) + 1, 10**16 - 1), zero_heavy(16)))
@example(100010)
@example(10**15)
def test_cn_num_round_trip(n):
    text = cn_num(n)
    assert parse_cn(text) == n
    assert text == ("负" if n < 0 else "") + spell_by_digits(abs(n))
    assert "零零" not in text
    assert not text.startswith("一十")
    assert n == 0 or not text.endswith("零")


@pytest.mark.parametrize(("n", "expected"), [(1, "一是"), (2, "二是"), (10, "十是"),
                                             (11, "十一是"), (21, "二十一是"), ("3", "三是")])
def test_ordinal_examples(n, expected):
    assert ordinal(n) == expected


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, None, "一", 10**16])
def test_ordinal_rejects(bad):
    with pytest.raises(FilterError, match=r"^ordinal:"):
        ordinal(bad)


@given(st.integers(1, 10**16 - 1))
def test_ordinal_is_cn_num(n):
    assert ordinal(n) == cn_num(n) + "是"


@pytest.mark.parametrize(("y", "expected"), [(2020, "二〇二〇"), (1949, "一九四九"),
                                             (2000, "二〇〇〇"), ("2021", "二〇二一"),
                                             (2024.0, "二〇二四"), (1, "一")])
def test_cn_year_examples(y, expected):
    assert cn_year(y) == expected


@pytest.mark.parametrize("bad", [0, -2020, 10000, 2020.5, True, None, "二〇二〇", math.nan])
def test_cn_year_rejects(bad):
    with pytest.raises(FilterError, match=r"^cn_year:"):
        cn_year(bad)


@given(st.integers(1, 9999))
def test_cn_year_digit_by_digit(y):
    text = cn_year(y)
    assert "".join(str("〇一二三四五六七八九".index(c)) for c in text) == str(y)


# ---------------------------------------------------------------------------
# dates
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("d", "style", "expected"),
    [
        (dt.date(2020, 12, 15), "arabic", "2020年12月15日"),
        ("2020-01-05", "arabic", "2020年1月5日"),
        (dt.datetime(2020, 12, 15, 10, 30), "arabic", "2020年12月15日"),
        (dt.date(2020, 12, 15), "hanzi", "二〇二〇年十二月十五日"),
        ("2020-12-20", "hanzi", "二〇二〇年十二月二十日"),
        ("2021-01-31", "hanzi", "二〇二一年一月三十一日"),
        ("2020-10-10", "hanzi", "二〇二〇年十月十日"),
        ("2020-11-01", "hanzi", "二〇二〇年十一月一日"),
    ],
)
def test_cn_date_examples(d, style, expected):
    assert cn_date(d, style) == expected


def test_cn_date_default_style_is_arabic():
    assert cn_date("2020-12-15") == "2020年12月15日"


@pytest.mark.parametrize("bad", ["2020/12/15", "2020-02-30", "2020-1-5", "20201215", 20201215,
                                 None, True, math.nan, "", []])
def test_cn_date_rejects(bad):
    with pytest.raises(FilterError, match=r"^cn_date:"):
        cn_date(bad)


def test_cn_date_unknown_style():
    with pytest.raises(FilterError, match=r"^cn_date:") as info:
        cn_date("2020-12-15", style="roman")
    assert "hanzi" in (info.value.problems[0].hint or "")


@pytest.mark.parametrize(("d", "expected"), [("2020-11-26", "11月26日"),
                                             (dt.date(2021, 1, 5), "1月5日"),
                                             (dt.datetime(2021, 10, 1, 8), "10月1日")])
def test_cn_month_day(d, expected):
    assert cn_month_day(d) == expected


@pytest.mark.parametrize("bad", ["11-26", None, 1126, True])
def test_cn_month_day_rejects(bad):
    with pytest.raises(FilterError, match=r"^cn_month_day:"):
        cn_month_day(bad)


@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_cn_date_styles_agree(d):
    arabic = re.fullmatch(r"(\d+)年(\d+)月(\d+)日", cn_date(d))
    assert arabic and tuple(map(int, arabic.groups())) == (d.year, d.month, d.day)
    hanzi = re.fullmatch(r"(.+)年(.+)月(.+)日", cn_date(d.isoformat(), "hanzi"))
    assert hanzi
    assert parse_cn(hanzi[2]) == d.month and parse_cn(hanzi[3]) == d.day
    assert cn_month_day(d) == f"{d.month}月{d.day}日"


# ---------------------------------------------------------------------------
# rmb_upper
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (126000.5, "壹拾贰万陆仟元伍角"), (20000000, "贰仟万元整"), (0, "零元整"),
        (100.05, "壹佰元零伍分"), (1001, "壹仟零壹元整"), (10.5, "壹拾元伍角"),
        (0.5, "伍角"), (101000, "壹拾万壹仟元整"), (1.2, "壹元贰角"),
        # examples from the bank rules on filling in amounts
        (1409.50, "壹仟肆佰零玖元伍角"), (6007.14, "陆仟零柒元壹角肆分"),
        (1680.32, "壹仟陆佰捌拾元叁角贰分"), (107000.53, "壹拾万柒仟元伍角叁分"),
        (16409.02, "壹万陆仟肆佰零玖元零贰分"), (325.04, "叁佰贰拾伍元零肆分"),
        (0.05, "伍分"), (0.55, "伍角伍分"), (10, "壹拾元整"), (100000000, "壹亿元整"),
        (Decimal(123000), "壹拾贰万叁仟元整"), ("126000.50", "壹拾贰万陆仟元伍角"),
        # rounding to 分, half up, on the decimal value (1.005 is not 1.00499… here)
        (1.005, "壹元零壹分"), (2.675, "贰元陆角捌分"), (0.004, "零元整"), (0.005, "壹分"),
        (-1.2, "负壹元贰角"), ("-100", "负壹佰元整"), (-0.004, "零元整"),
        (Decimal("9999999999999999.994"),
         "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_rmb_upper_examples(amount, expected):
    assert rmb_upper(amount) == expected


@pytest.mark.parametrize("bad", [10**16, Decimal("9999999999999999.995"), -(10**16), "1,000",
                                 "壹佰", "1e5", "", True, None, math.nan, math.inf, [1]])
def test_rmb_upper_rejects(bad):
    with pytest.raises(FilterError, match=r"^rmb_upper:"):
        rmb_upper(bad)


@given(st.one_of(st.integers(-(10**18) + 1, 10**18 - 1), zero_heavy(18)))
@example(12600050)
@example(10005)
def test_rmb_upper_round_trip(cents):
    amount = Decimal(cents) / 100
    text = rmb_upper(amount)
    assert parse_upper(text) == amount
    yuan, rest = divmod(abs(cents), 100)
    assert text.endswith("整") == (rest == 0)
    assert ("元零" in text) == (yuan > 0 and rest < 10 and rest > 0)
    if yuan:
        integer_part = text.removeprefix("负").split("元")[0]
        assert integer_part == spell_by_digits(yuan, UPPER, "拾佰仟", bare_ten=False)
    assert "零零" not in text


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_rmb_upper_float_rounds_half_up(x):
    expected = Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert parse_upper(rmb_upper(x)) == abs(expected) * (1 if expected >= 0 else -1)


# ---------------------------------------------------------------------------
# approx
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((312,), "300余"), ((1712345, 2, "万"), "170多万"), ((20350000, 2, "万"), "2000多万"),
        ((300,), "300"), ((20000000, 2, "万"), "2000万"), ((0,), "0"), ((0, 2, "万"), "0"),
        ((312, 1, "", "多"), "300多"), ((2953, 2), "2900余"), ((2953, 4), "2953"),
        ((2953, 5), "2953"), ((2953.5, 4), "2953余"), ((2953.5, 5), "2953.5"), ((17123, 1, "万"), "1万多"),
        ((12345, 2, "万"), "1.2万多"), ((123456789, 2, "亿"), "1.2亿多"),
        ((150000000, 1, "亿"), "1亿多"), ((3500, 1, "千"), "3千多"), ((31000, 2, "千"), "31千"),
        ((312, 1, "百"), "3百多"), ((20350000, 2, "万", "余"), "2000余万"),
        ((Decimal(1712345), 2, "万"), "170多万"), (("312",), "300余"), ((9.99,), "9余"),
        ((1, 3), "1"), ((3 * 10**12 + 5, 1, "万亿"), "3万亿多"),
    ],
)
def test_approx_examples(args, expected):
    assert approx(*args) == expected


def test_approx_keyword_arguments():
    assert approx(1712345, digits=2, unit="万") == "170多万"
    assert approx(1712345, digits=2, unit="万", more="余") == "170余万"


@pytest.mark.parametrize(
    "args",
    [(-5,), (5000, 1, "万"), (0.5,), (312, 0), (312, True), (312, 1.5), (312, 1, "米"),
     (312, 1, "", 3), (True,), (None,), (math.nan,), ("三百",), (math.inf,)],
)
def test_approx_rejects(args):
    with pytest.raises(FilterError, match=r"^approx:"):
        approx(*args)


def test_approx_below_unit_suggests_smaller_unit():
    with pytest.raises(FilterError) as info:
        approx(5000, 1, "万")
    assert "千" in (info.value.problems[0].hint or "")


APPROX_SCALE = {"": 1, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8, "万亿": 10**12}
APPROX_OUT = re.compile(r"(\d+(?:\.\d+)?)(余|多)?(万亿|百|千|万|亿)?(余|多)?")


@given(
    n=st.one_of(st.integers(0, 10**17), zero_heavy(17),
                st.decimals(min_value=0, max_value=10**12, places=3)),
    digits=st.integers(1, 6),
    unit=st.sampled_from(sorted(APPROX_SCALE)),
)
def test_approx_properties(n, digits, unit):
    value = Decimal(n)
    scale = APPROX_SCALE[unit]
    if 0 < value < scale:
        with pytest.raises(FilterError):
            approx(n, digits, unit)
        return
    text = approx(n, digits, unit)
    if value == 0:
        assert text == "0"
        return
    m = APPROX_OUT.fullmatch(text)
    assert m, text
    figure, before, out_unit, after = m.groups()
    assert (out_unit or "") == unit
    shown = Decimal(figure) * scale
    marker = before or after
    assert shown <= value
    assert (marker is not None) == (shown != value)
    assert not (before and after)
    # at most `digits` significant digits, and nothing more could have been kept
    assert len(Decimal(figure).normalize().as_tuple().digits) <= digits
    step = Decimal(10) ** ((value / scale).adjusted() - digits + 1) * scale
    assert value - shown < step
    if marker and unit:
        assert (before is not None) == (Decimal(figure) % 10 == 0)


# ---------------------------------------------------------------------------
# wan / yi
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("fn", "args", "expected"),
    [
        (wan, (12345678,), "1234.57万"), (wan, (12000000,), "1200万"),
        (wan, (12300000,), "1230万"), (wan, (12345678, 0), "1235万"), (wan, (5000,), "0.5万"),
        (wan, (50,), "0.01万"), (wan, (49,), "0万"), (wan, (0,), "0万"),
        (wan, (-12345678,), "-1234.57万"), (wan, (-49,), "0万"), (wan, ("12345678",), "1234.57万"),
        (wan, (12345678, 4), "1234.5678万"), (wan, (1234.5,), "0.12万"),
        (yi, (123456789,), "1.23亿"), (yi, (125000000,), "1.25亿"), (yi, (1250000,), "0.01亿"),
        (yi, (300000000,), "3亿"), (yi, (123456789, 1), "1.2亿"), (yi, (10**12,), "10000亿"),
    ],
)
def test_wan_yi_examples(fn, args, expected):
    assert fn(*args) == expected


@pytest.mark.parametrize("fn", [wan, yi])
@pytest.mark.parametrize("args", [("1,000",), (None,), (True,), (math.nan,), (100, -1), (100, 1.5),
                                  (100, True), (100, 21)])
def test_wan_yi_reject(fn, args):
    with pytest.raises(FilterError, match=f"^{fn.__name__}:"):
        fn(*args)


@given(
    n=st.one_of(st.integers(-(10**20), 10**20),
                st.decimals(min_value=-(10**12), max_value=10**12, places=4)),
    precision=st.integers(0, 6),
    power=st.sampled_from([4, 8]),
)
def test_wan_yi_round_trip(n, precision, power):
    fn, unit = (wan, "万") if power == 4 else (yi, "亿")
    text = fn(n, precision)
    assert text.endswith(unit)
    figure = text[:-1]
    assert re.fullmatch(r"-?\d+(\.\d*[1-9])?", figure), text
    assert figure != "-0"
    error = abs(Decimal(figure) * 10**power - Decimal(n))
    assert error <= Decimal(10) ** (power - precision) / 2


# ---------------------------------------------------------------------------
# pct / change / pp_change
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((0.1234,), "12.3%"), ((0.5,), "50.0%"), ((1,), "100.0%"), ((0,), "0.0%"),
        ((0.12345, 2), "12.35%"), ((0.1234, 0), "12%"), ((0.00045,), "0.0%"),
        ((0.0005,), "0.1%"), ((-0.0004,), "0.0%"), ((-0.25,), "-25.0%"), ((1.5,), "150.0%"),
        (("0.1234",), "12.3%"), ((Decimal("0.12345"), 3), "12.345%"),
    ],
)
def test_pct_examples(args, expected):
    assert pct(*args) == expected


@pytest.mark.parametrize("args", [("12%",), (None,), (True,), (math.inf,), (0.5, -1), (0.5, "1")])
def test_pct_rejects(args):
    with pytest.raises(FilterError, match=r"^pct:"):
        pct(*args)


@given(x=st.decimals(min_value=-1000, max_value=1000, places=8), precision=st.integers(0, 5))
def test_pct_properties(x, precision):
    text = pct(x, precision)
    assert text.endswith("%")
    figure = text[:-1]
    decimals = figure.split(".")[1] if "." in figure else ""
    assert len(decimals) == precision
    assert abs(Decimal(figure) - x * 100) <= Decimal(10) ** -precision / 2


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((120, 100), "增长20.0%"), ((80, 100), "下降20.0%"), ((100, 100), "持平"),
        ((120, 0), "新增120"), ((0, 0), "持平"), ((0, 100), "下降100.0%"),
        ((300, 100), "增长200.0%"), ((100.04, 100), "持平"), ((1, 3), "下降66.7%"),
        ((2, 3, 0), "下降33%"), ((12.5, 0), "新增12.5"), ((Decimal("120.0"), 0), "新增120"),
        ((1.15, 1), "增长15.0%"), ((100.05, 100, 2), "增长0.05%"), (("120", "100"), "增长20.0%"),
        ((1000.5, 1000), "增长0.1%"),  # 0.05% rounds half up to 0.1
    ],
)
def test_change_examples(args, expected):
    assert change(*args) == expected


@pytest.mark.parametrize("args", [(120, -100), (-120, 100), (-1, 0), ("abc", 100), (100, None),
                                  (True, 100), (100, math.nan), (100, 100, -1)])
def test_change_rejects(args):
    with pytest.raises(FilterError, match=r"^change:"):
        change(*args)


def test_change_negative_previous_has_hint():
    with pytest.raises(FilterError) as info:
        change(120, -100)
    assert info.value.problems[0].hint


@given(current=st.integers(0, 10**12), previous=st.integers(1, 10**12),
       precision=st.integers(0, 3))
def test_change_properties(current, previous, precision):
    text = change(current, previous, precision)
    exact = Fraction(current - previous, previous) * 100
    if text == "持平":
        assert abs(exact) < Fraction(1, 2) * Fraction(1, 10**precision)
        return
    m = re.fullmatch(r"(增长|下降)(\d+(?:\.(\d+))?)%", text)
    assert m, text
    assert len(m[3] or "") == precision
    signed = Fraction(Decimal(m[2])) * (1 if m[1] == "增长" else -1)
    assert (signed > 0) == (exact > 0)
    assert abs(signed - exact) <= Fraction(1, 2) / 10**precision


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((0.35, 0.30), "提高5.0个百分点"), ((0.30, 0.35), "降低5.0个百分点"),
        ((0.3, 0.3), "持平"), ((0.123, 0.1), "提高2.3个百分点"),
        ((0.1234, 0.1, 2), "提高2.34个百分点"), ((0.3, 0.3000001), "持平"),
        ((0.7, 0.1), "提高60.0个百分点"), ((0.0005, 0), "提高0.1个百分点"),
        ((-0.05, 0.05), "降低10.0个百分点"), (("0.35", Decimal("0.3")), "提高5.0个百分点"),
    ],
)
def test_pp_change_examples(args, expected):
    assert pp_change(*args) == expected


@pytest.mark.parametrize("args", [(0.3, None), (True, 0.3), ("35%", 0.3), (math.nan, 0.3),
                                  (0.3, 0.2, 30)])
def test_pp_change_rejects(args):
    with pytest.raises(FilterError, match=r"^pp_change:"):
        pp_change(*args)


# ---------------------------------------------------------------------------
# num
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((2953,), "2953"), ((2953.0,), "2953"), ((12.5,), "12.5"), (("12.50",), "12.5"),
        ((Decimal("2953.00"),), "2953"), ((-5,), "-5"), ((0,), "0"), ((-0.0,), "0"),
        ((1234567, True), "1,234,567"), ((2953, True), "2,953"), ((1234.5, True), "1,234.5"),
        ((12345678901234567890,), "12345678901234567890"), ((0.1,), "0.1"),
    ],
)
def test_num_examples(args, expected):
    assert num(*args) == expected


@pytest.mark.parametrize("args", [(None,), (True,), (math.nan,), ("2,953",), (2953, "yes"), ([],)])
def test_num_rejects(args):
    with pytest.raises(FilterError, match=r"^num:"):
        num(*args)


# ---------------------------------------------------------------------------
# everything together
# ---------------------------------------------------------------------------

# filter name -> how to call it with one bad value
@pytest.mark.parametrize(("value", "expected"), [
    ("2020-09", "9"), ("2020-12", "12"), ("2021-1", "1"), (dt.date(2020, 11, 26), "11"),
    ("2020-11-26", "11"),
])
def test_month(value, expected):
    assert month(value) == expected


@pytest.mark.parametrize("value", ["2020-13", "2020-00", "九月", "2020/09"])
def test_month_rejects(value):
    with pytest.raises(FilterError, match="month"):
        month(value)


CALLS = {
    "cn_num": lambda v: cn_num(v),
    "cn_year": lambda v: cn_year(v),
    "cn_date": lambda v: cn_date(v),
    "cn_month_day": lambda v: cn_month_day(v),
    "month": lambda v: month(v),
    "rmb_upper": lambda v: rmb_upper(v),
    "approx": lambda v: approx(v, 2, "万"),
    "wan": lambda v: wan(v),
    "yi": lambda v: yi(v),
    "pct": lambda v: pct(v),
    "change": lambda v: change(v, 100),
    "pp_change": lambda v: pp_change(0.3, v),
    "ordinal": lambda v: ordinal(v),
    "num": lambda v: num(v),
}


class Undefined:
    """Stands in for jinja2.Undefined (recognised by class name)."""

    def __repr__(self) -> str:
        raise RuntimeError("strict undefined refuses repr")


def test_filters_table_is_complete():
    assert set(FILTERS) == set(CALLS)
    for name, fn in FILTERS.items():
        assert fn.__name__ == name
        assert fn.__doc__ and ">>>" in fn.__doc__
        assert getattr(filters, name) is fn


@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("bad", [True, False, None, math.nan, math.inf, -math.inf,
                                 Decimal("NaN"), Decimal("-Infinity"), "abc", [], object(),
                                 Undefined()], ids=lambda v: type(v).__name__)
def test_every_filter_rejects_bad_values(name, bad):
    with pytest.raises(FilterError) as info:
        CALLS[name](bad)
    message = str(info.value)
    assert names(message) == name
    assert re.search(r"[\u4e00-\u9fff]", message) and re.search(r"\([a-z]", message)


def test_undefined_is_named():
    with pytest.raises(FilterError, match="未定义"):
        cn_num(Undefined())


def test_import_is_light():
    """Importing the filters pulls in neither Jinja nor Babel (Babel loads on demand)."""
    code = (
        "import sys; import reportgen.errors; before = set(sys.modules); "
        "import reportgen.filters; new = set(sys.modules) - before; "
        "print(sorted(m for m in new if m.split('.')[0] in ('jinja2', 'babel')))"
    )
    root = str(Path(__file__).resolve().parents[1])
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"PYTHONPATH": root})
    assert out.stdout.strip() == "[]"


def test_readme_documents_every_filter_with_true_examples():
    """Each line of the README's filter block is rendered and must print what the README says."""
    from reportgen.templating import make_environment

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("Filters for official wording", 1)[1].split("```jinja\n", 1)[1].split("```", 1)[0]
    env = make_environment([])
    env.finalize = None  # show the filter's own output, not markup-escaped text
    seen = set()
    for line in block.splitlines():
        expression, _, shown = line.partition("→")
        expected = re.split(r"\s{2,}|\s\(", shown.strip())[0].strip()
        assert env.from_string(expression.strip()).render() == expected, line
        seen.add(re.search(r"\|\s*(\w+)", expression).group(1))
    assert seen == set(FILTERS) | {"markup"}


@pytest.mark.parametrize(("args", "expected"), [
    ((300,), "300余"), ((312,), "300余"), ((1700000, 2, "万"), "170多万"),
    ((1712345, 2, "万"), "170多万"), ((20000000, 1, "万"), "2000多万"), ((10000, 1, "万"), "1万多"),
    ((300, 1, "", "多"), "300多"), ((0,), "0"),
])
def test_approx_marked_always_marks_the_figure(args, expected):
    """The printed approximate figure as the value gives its words back; an exact one is cut as approx."""
    assert approx(*args, marked=True) == expected


@given(st.integers(min_value=1, max_value=10**12), st.integers(min_value=1, max_value=4))
def test_approx_marked_agrees_with_approx_when_digits_are_cut(n, digits):
    if approx(n, digits) != str(n):
        assert approx(n, digits, marked=True) == approx(n, digits)
    else:
        assert approx(n, digits, marked=True) == str(n) + "余"


def test_approx_marked_must_be_a_boolean():
    with pytest.raises(FilterError, match="marked"):
        approx(300, marked="yes")
