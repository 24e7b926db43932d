"""Number and date wording for 公文 (GB/T 9704-2012) templates.

Every public function here is registered as a Jinja filter under its own name
(see :data:`FILTERS`); they are plain Python and do not import Jinja.

Input rules shared by all filters:

* numbers may be ``int``, ``float``, ``decimal.Decimal`` (or other real numbers);
* strings are accepted when YAML quoted a number: integer filters accept only
  ASCII digits (``"31"``), the other filters a plain decimal (``"-12.5"``);
* ``bool``, ``None``, NaN, infinities, Jinja undefined values and anything else
  raise :class:`reportgen.errors.FilterError` naming the filter and the value.

Floats are read through their shortest ``repr`` (``0.1`` is ``Decimal("0.1")``),
and all rounding is decimal ``ROUND_HALF_UP`` (ties away from zero).
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
import re
from collections.abc import Callable
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Any

from reportgen.errors import FilterError
from reportgen.gongwen import LOWER_DIGITS as _LOWER_DIGITS
from reportgen.gongwen import LOWER_UNITS as _LOWER_UNITS
from reportgen.gongwen import UPPER_DIGITS as _UPPER_DIGITS
from reportgen.gongwen import UPPER_UNITS as _UPPER_UNITS
from reportgen.gongwen import format_date as _format_date
from reportgen.gongwen import spell as _spell

__all__ = [
    "FILTERS",
    "approx",
    "change",
    "cn_date",
    "cn_month_day",
    "cn_num",
    "cn_year",
    "num",
    "ordinal",
    "pct",
    "pp_change",
    "rmb_upper",
    "wan",
    "yi",
]

# ---------------------------------------------------------------------------
# input checking
# ---------------------------------------------------------------------------

_INT_TEXT = re.compile(r"[0-9]+")
_DEC_TEXT = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

#: Numbers at or above this magnitude are refused by the decimal filters.
_MAX_MAGNITUDE = Decimal(10) ** 40
#: cn_num / ordinal / rmb_upper stop below 10^16 (the largest unit is 万亿).
_CN_LIMIT = 10**16
_MAX_PRECISION = 20


def _show(value: Any) -> str:
    """Short, safe repr of a bad value for an error message."""
    text = "<undefined>" if _is_undefined(value) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_undefined(value: Any) -> bool:
    """True for Jinja's Undefined family, recognised without importing Jinja."""
    return any(cls.__name__.endswith("Undefined") for cls in type(value).__mro__)


def _undefined_detail(value: Any) -> str:
    """What the undefined value says about itself ("'prev.x' is not in ..."), when it can."""
    try:
        text = getattr(value, "_undefined_message", None)
    except Exception:  # a stand-in whose attributes refuse to be read
        return ""
    return f": {text}" if isinstance(text, str) and text else ""


def _fail(name: str, what_zh: str, value: Any, what_en: str, hint: str | None = None) -> FilterError:
    return FilterError(f"{name}: {what_zh}，得到 {_show(value)} ({what_en})", hint=hint)


def _reject_common(name: str, value: Any, what_zh: str, what_en: str) -> None:
    """Raise for the values no filter accepts: bool, None, undefined."""
    if isinstance(value, bool):
        raise _fail(name, f"{what_zh}，不能用布尔值", value, f"{what_en}, not a boolean",
                    hint="检查数据是否把 yes/no/true/false 写成了数字 "
                         "(YAML reads yes/no/true/false as booleans)")
    if value is None:
        raise _fail(name, f"{what_zh}，值为空", value, f"{what_en}, got nothing",
                    hint="在数据中填写该值 (fill in the value in the data)")
    if _is_undefined(value):
        raise FilterError(f"{name}: {what_zh}，但值未定义 ({what_en}, the value is undefined"
                          f"{_undefined_detail(value)})",
                          hint="检查数据中是否缺少该字段或拼写有误 "
                               "(check the data for a missing or misspelt key)")


def _not_finite(name: str, value: Any) -> FilterError:
    return _fail(name, "需要有限的数字", value, "expected a finite number, not NaN or infinity")


def _to_int(name: str, value: Any) -> int:
    """Accept int, integral float/Decimal and ASCII digit strings."""
    _reject_common(name, value, "需要整数", "expected an integer")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _not_finite(name, value)
        if not value.is_integer():
            raise _fail(name, "需要整数", value, "expected an integer",
                        hint="先取整，例如 {{ x | round | int }} (round it first)")
        return int(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _not_finite(name, value)
        if value != value.to_integral_value():
            raise _fail(name, "需要整数", value, "expected an integer")
        return int(value)
    if isinstance(value, str) and _INT_TEXT.fullmatch(value):
        return int(value)
    raise _fail(name, "需要整数", value, "expected an integer",
                hint="在 YAML 中写成阿拉伯数字，例如 31 (write it as a number in YAML, e.g. 31)")


def _to_decimal(name: str, value: Any) -> Decimal:
    """Accept any finite real number or a plain decimal string; return it exactly."""
    _reject_common(name, value, "需要数字", "expected a number")
    if isinstance(value, numbers.Integral):
        result = Decimal(int(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise _not_finite(name, value)
        result = value
    elif isinstance(value, numbers.Real):
        as_float = float(value)
        if not math.isfinite(as_float):
            raise _not_finite(name, value)
        result = Decimal(repr(as_float))
    elif isinstance(value, str) and _DEC_TEXT.fullmatch(value):
        result = Decimal(value)
    else:
        raise _fail(name, "需要数字", value, "expected a number",
                    hint="在 YAML 中写成不带千分位逗号的数字，例如 1234.5 "
                         "(write a plain number, e.g. 1234.5, without thousands separators)")
    if abs(result) >= _MAX_MAGNITUDE:
        raise _fail(name, "数值过大", value, "number too large")
    return result


def _to_option(name: str, option: str, value: Any, low: int, high: int) -> int:
    """Check an integer option such as ``precision``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not (
        low <= value <= high
    ):
        raise FilterError(f"{name}: 参数 {option} 须为 {low} 到 {high} 的整数，得到 {_show(value)} "
                          f"({option} must be an integer from {low} to {high})")
    return int(value)


def _exact(*values: Decimal) -> Any:
    """A decimal context roomy enough that scaling and quantizing stay exact."""
    digits = max(len(v.as_tuple().digits) for v in values)
    return localcontext(prec=digits + 100, rounding=ROUND_HALF_UP)


def _plain(value: Decimal) -> str:
    """Decimal as plain positional text, trailing fractional zeros dropped, no '-0'."""
    if value == 0:
        return "0"
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _fixed(value: Decimal, places: int) -> str:
    """Round half up to ``places`` decimals and keep them all (``50.0``); no '-0.0'."""
    with _exact(value):
        rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)
    return format(rounded, "f")


def _to_date(name: str, value: Any) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    _reject_common(name, value, "需要日期", "expected a date")
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            raise _fail(name, "不是有效日期", value, "not a valid calendar date") from None
    raise _fail(name, "需要日期", value, "expected a date",
                hint="在 YAML 中写成 2020-12-15 这样的日期 (write dates as YYYY-MM-DD)")


# ---------------------------------------------------------------------------
# spelling numbers in Chinese
# ---------------------------------------------------------------------------

def cn_num(n: Any) -> str:
    """Integer in lowercase Chinese numerals, ``|n| < 10**16``.

    十 stands alone only at the very start (十二, 十万零一十, but 一百一十).
    Integral floats, integral Decimals and ASCII digit strings are accepted.

    >>> cn_num(0), cn_num(12), cn_num(105), cn_num(110)
    ('零', '十二', '一百零五', '一百一十')
    >>> cn_num(100010), cn_num(20000000), cn_num(100000001), cn_num(-3)
    ('十万零一十', '二千万', '一亿零一', '负三')
    >>> cn_num("31")
    '三十一'
    """
    value = _to_int("cn_num", n)
    if abs(value) >= _CN_LIMIT:
        raise _fail("cn_num", "数值超出范围（绝对值须小于10^16，即一万万亿）", n,
                    "out of range: |n| must be below 10^16")
    text = _spell(abs(value), _LOWER_DIGITS, _LOWER_UNITS, bare_ten=True)
    return "负" + text if value < 0 else text


def ordinal(n: Any) -> str:
    """Enumeration word for lists in prose: 一是、二是 ….

    >>> ordinal(1), ordinal(10), ordinal(11)
    ('一是', '十是', '十一是')
    """
    value = _to_int("ordinal", n)
    if value < 1:
        raise _fail("ordinal", "序号须为正整数", n, "expected a positive integer")
    if value >= _CN_LIMIT:
        raise _fail("ordinal", "数值超出范围", n, "out of range")
    return _spell(value, _LOWER_DIGITS, _LOWER_UNITS, bare_ten=True) + "是"


def cn_year(y: Any) -> str:
    """Year digit by digit with 〇 for zero; years 1 to 9999.

    >>> cn_year(2020), cn_year("1949")
    ('二〇二〇', '一九四九')
    """
    value = _to_int("cn_year", y)
    if not 1 <= value <= 9999:
        raise _fail("cn_year", "年份须在 1 到 9999 之间", y, "year must be from 1 to 9999")
    return "".join("〇一二三四五六七八九"[int(c)] for c in str(value))


_DATE_STYLES = ("arabic", "hanzi")


def cn_date(d: Any, style: str = "arabic") -> str:
    """Date as written in 公文: full year, no leading zeros.

    ``d`` is a ``datetime.date``/``datetime`` or an ISO ``'YYYY-MM-DD'`` string.
    ``style='arabic'`` (GB/T 9704 成文日期) or ``'hanzi'`` (all in Chinese numerals).

    >>> cn_date("2020-12-05")
    '2020年12月5日'
    >>> cn_date(_dt.date(2020, 12, 15), style="hanzi")
    '二〇二〇年十二月十五日'
    """
    day = _to_date("cn_date", d)
    if style == "arabic":
        return _format_date(day)
    if style == "hanzi":
        return f"{cn_year(day.year)}年{cn_num(day.month)}月{cn_num(day.day)}日"
    raise FilterError(f"cn_date: 未知样式 {_show(style)} (unknown style)",
                      hint="可用 (choose one of): " + ", ".join(_DATE_STYLES))


def cn_month_day(d: Any) -> str:
    """Month and day in arabic figures, no year and no leading zeros.

    >>> cn_month_day("2020-11-26"), cn_month_day(_dt.date(2021, 1, 5))
    ('11月26日', '1月5日')
    """
    day = _to_date("cn_month_day", d)
    return f"{day.month}月{day.day}日"


_ISO_MONTH = re.compile(r"\d{4}-\d{1,2}")


def month(d: Any) -> str:
    """The month of a date or of a ``YYYY-MM`` string, in arabic figures.

    Facts such as "成立于今年9月份" are kept as ``2020-09`` when the day is unknown.

    >>> month("2020-09"), month(_dt.date(2020, 11, 26))
    ('9', '11')
    """
    if isinstance(d, str) and _ISO_MONTH.fullmatch(d):
        value = int(d.split("-")[1])
        if not 1 <= value <= 12:
            raise _fail("month", "月份应在 1 到 12 之间", d, "month must be 1..12")
        return str(value)
    return str(_to_date("month", d).month)


def rmb_upper(amount: Any) -> str:
    """大写金额 in the usual bank convention, rounded half up to 分.

    Whole yuan end in 整; with 角 or 分 there is no 整. 零 is written where a
    digit inside the number is zero and after 元 when 角 is zero but 分 is not;
    the optional 零 for an empty 元 place before 角 is left out. A leading ten
    is 壹拾. Amounts below one yuan omit 元.

    >>> rmb_upper(126000.5), rmb_upper(20000000), rmb_upper(0)
    ('壹拾贰万陆仟元伍角', '贰仟万元整', '零元整')
    >>> rmb_upper("100.05"), rmb_upper(1001), rmb_upper(0.5), rmb_upper(-1.2)
    ('壹佰元零伍分', '壹仟零壹元整', '伍角', '负壹元贰角')
    """
    value = _to_decimal("rmb_upper", amount)
    with _exact(value):
        cents = int(abs(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)
    if cents >= _CN_LIMIT * 100:
        raise _fail("rmb_upper", "金额超出范围（须小于10^16元）", amount,
                    "out of range: amount must be below 10^16")
    if cents == 0:
        return "零元整"
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    parts = ["负"] if value < 0 else []
    if yuan:
        parts.append(_spell(yuan, _UPPER_DIGITS, _UPPER_UNITS, bare_ten=False) + "元")
    if jiao:
        parts.append(_UPPER_DIGITS[jiao] + "角")
    elif fen and yuan:
        parts.append("零")
    if fen:
        parts.append(_UPPER_DIGITS[fen] + "分")
    if not rest:
        parts.append("整")
    return "".join(parts)


# ---------------------------------------------------------------------------
# figures in prose
# ---------------------------------------------------------------------------

_UNITS = {"": 0, "百": 2, "千": 3, "万": 4, "亿": 8, "万亿": 12}


def approx(n: Any, digits: int = 1, unit: str = "", more: str | None = None, marked: bool = False) -> str:
    """Exact figure → 约数: keep ``digits`` significant digits of ``n`` in ``unit``.

    Digits are cut, never rounded up. When anything was cut a marker is added:
    ``more`` defaults to 余 without a unit and 多 with one. The marker goes before
    the unit when the kept figure ends in a zero (170多万), otherwise after it
    (1万多, 1.2万多), as Chinese grammar requires. Units: '', 百, 千, 万, 亿, 万亿.
    0 gives "0"; negative numbers and values below one unit raise FilterError
    (the hint suggests a smaller unit). ``marked=True`` adds the marker even when nothing was cut:
    a fact known only by its printed words (300余人次) keeps the figure printed as its value,
    and 300 gives back 300余 (an exact 312 next year is worded as without it).

    >>> approx(312), approx(300), approx(300, marked=True), approx(1700000, 2, "万", marked=True)
    ('300余', '300', '300余', '170多万')
    >>> approx(312), approx(300)
    ('300余', '300')
    >>> approx(1712345, 2, "万"), approx(20350000, 2, "万"), approx(20000000, 2, "万")
    ('170多万', '2000多万', '2000万')
    >>> approx(17123, 1, "万"), approx(312, more="多")
    ('1万多', '300多')
    """
    text, cut, round_figure = _cut("approx", n, digits, unit, more)
    if not isinstance(marked, bool):
        raise FilterError(f"approx: 参数 marked 须为 true 或 false，得到 {_show(marked)} "
                          "(marked must be true or false)")
    if text == "0" or not (cut or marked):
        return text if text == "0" else text + unit
    return _marked(text, unit, more, round_figure)


def _marked(text: str, unit: str, more: str | None, round_figure: bool) -> str:
    """The kept digits with 余/多: before the unit after a zero (170多万), else after it (1万多)."""
    marker = more if more is not None else ("多" if unit else "余")
    if round_figure:
        return text + marker + unit
    return text + unit + marker


def _cut(name: str, n: Any, digits: int, unit: str, more: str | None) -> tuple[str, bool, bool]:
    """``n`` cut to ``digits`` significant digits in ``unit``: (the digits kept, whether anything
    was cut, whether the kept figure ends in a zero). Errors name the filter ``name``."""
    value = _to_decimal(name, n)
    keep = _to_option(name, "digits", digits, 1, 40)
    if not isinstance(unit, str) or unit not in _UNITS:
        raise FilterError(f"{name}: 未知单位 {_show(unit)} (unknown unit)",
                          hint="可用 (choose one of): " + ", ".join(repr(u) for u in _UNITS))
    if more is not None and not isinstance(more, str):
        raise FilterError(f"{name}: 参数 more 须为文字，得到 {_show(more)} (more must be a string)")
    if value < 0:
        raise _fail(name, "约数只用于非负数", n, "expected a non-negative number")
    if value == 0:
        return "0", False, False
    with _exact(value):
        scaled = value.scaleb(-_UNITS[unit])
        if scaled < 1:
            fitting = [u for u, k in _UNITS.items() if Decimal(10) ** k <= value]
            hint = (f"改用较小的单位，例如 unit={fitting[-1]!r} (use a smaller unit)" if fitting
                    else f"约数只用于不小于1的数 ({name} needs a value of at least 1)")
            raise _fail(name, f"数值不足1{unit}", n,
                        f"value is below one {unit or 'unit'}", hint=hint)
        step = Decimal(1).scaleb(scaled.adjusted() - keep + 1)
        kept = scaled.quantize(step, rounding=ROUND_DOWN)
        return _plain(kept), kept != scaled, kept % 10 == 0


def _in_unit(name: str, n: Any, power: int, precision: Any, unit: str) -> str:
    value = _to_decimal(name, n)
    places = _to_option(name, "precision", precision, 0, _MAX_PRECISION)
    with _exact(value):
        scaled = value.scaleb(-power).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return _plain(scaled) + unit


def wan(n: Any, precision: int = 2) -> str:
    """Figure in 万, rounded half up to ``precision`` decimals, trailing zeros dropped.

    >>> wan(12345678), wan(12000000), wan(12300000), wan(12345678, 0)
    ('1234.57万', '1200万', '1230万', '1235万')
    """
    return _in_unit("wan", n, 4, precision, "万")


def yi(n: Any, precision: int = 2) -> str:
    """Figure in 亿, rounded half up to ``precision`` decimals, trailing zeros dropped.

    >>> yi(123456789), yi(300000000)
    ('1.23亿', '3亿')
    """
    return _in_unit("yi", n, 8, precision, "亿")


def pct(x: Any, precision: int = 1) -> str:
    """Ratio as a percentage with exactly ``precision`` decimals (round half up).

    >>> pct(0.1234), pct(0.5), pct(1), pct(0.12345, 2)
    ('12.3%', '50.0%', '100.0%', '12.35%')
    """
    value = _to_decimal("pct", x)
    places = _to_option("pct", "precision", precision, 0, _MAX_PRECISION)
    with _exact(value):
        hundred = value.scaleb(2)
    return _fixed(hundred, places) + "%"


def _round_fraction(value: Fraction, places: int) -> Decimal:
    """Round a non-negative fraction half up to ``places`` decimals, exactly."""
    scaled = value * 10**places
    whole = math.floor(scaled + Fraction(1, 2))
    return Decimal(whole).scaleb(-places)


def change(current: Any, previous: Any, precision: int = 1) -> str:
    """Year-on-year wording: 增长/下降 x% or 持平.

    Used as ``{{ x | change(prev.x) }}``. Both figures must be non-negative.
    From 0 to a positive figure there is no percentage: the result is
    ``新增`` plus the new figure. A change that rounds to 0 at ``precision`` is 持平.

    >>> change(120, 100), change(80, 100), change(100, 100)
    ('增长20.0%', '下降20.0%', '持平')
    >>> change(120, 0), change(0, 0)
    ('新增120', '持平')
    """
    now = _to_decimal("change", current)
    before = _to_decimal("change", previous)
    places = _to_option("change", "precision", precision, 0, _MAX_PRECISION)
    for label, figure, raw in (("current", now, current), ("previous", before, previous)):
        if figure < 0:
            raise _fail("change", f"增减幅度只适用于非负数（{label}）", raw,
                        f"{label} must not be negative",
                        hint="负数（如亏损）的变化请在模板中直接表述 "
                             "(word changes of negative figures, e.g. losses, by hand)")
    if before == 0:
        return "持平" if now == 0 else "新增" + _plain(now)
    ratio = (Fraction(now) - Fraction(before)) / Fraction(before) * 100
    size = _round_fraction(abs(ratio), places)
    if size == 0:
        return "持平"
    word = "增长" if ratio > 0 else "下降"
    return f"{word}{format(size, 'f')}%"


def pp_change(current_rate: Any, previous_rate: Any, precision: int = 1) -> str:
    """Change between two rates in 个百分点 (percentage points).

    Rates are ratios (0.35 = 35%). A change that rounds to 0 is 持平.

    >>> pp_change(0.35, 0.30), pp_change(0.3, 0.35), pp_change(0.3, 0.3)
    ('提高5.0个百分点', '降低5.0个百分点', '持平')
    """
    now = _to_decimal("pp_change", current_rate)
    before = _to_decimal("pp_change", previous_rate)
    places = _to_option("pp_change", "precision", precision, 0, _MAX_PRECISION)
    with _exact(now, before):
        points = (now - before).scaleb(2)
    size = _fixed(abs(points), places)
    if Decimal(size) == 0:
        return "持平"
    word = "提高" if points > 0 else "降低"
    return f"{word}{size}个百分点"


def num(n: Any, group: bool = False) -> str:
    """Figure in arabic numerals as 公文 prose writes it: no grouping by default.

    Integral floats lose their ``.0``; other decimals are kept as given
    (trailing zeros dropped). ``group=True`` adds thousands separators (Babel, zh_CN).

    >>> num(2953), num(2953.0), num("12.50"), num(2953, group=True)
    ('2953', '2953', '12.5', '2,953')
    """
    value = _to_decimal("num", n)
    if not isinstance(group, bool):
        raise FilterError(f"num: 参数 group 须为 True 或 False，得到 {_show(group)} "
                          "(group must be True or False)")
    text = _plain(value)
    if not group:
        return text
    from babel.numbers import format_decimal  # lazy: Babel is slow to import

    return format_decimal(Decimal(text), locale="zh_CN", decimal_quantization=False)


FILTERS: dict[str, Callable[..., str]] = {
    "cn_num": cn_num,
    "cn_year": cn_year,
    "cn_date": cn_date,
    "cn_month_day": cn_month_day,
    "month": month,
    "rmb_upper": rmb_upper,
    "approx": approx,
    "wan": wan,
    "yi": yi,
    "pct": pct,
    "change": change,
    "pp_change": pp_change,
    "ordinal": ordinal,
    "num": num,
}
