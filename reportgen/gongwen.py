"""The 公文 text rules, once: 发文字号, dates, title shape, heading markers, numerals, vocabularies.

GB/T 9704-2012 and 《党政机关公文处理工作条例》 say what these look like. Two sides ask:
the element check of the Document before layout (:mod:`reportgen.fields`, English
messages with the data's place) and the .docx checker (:mod:`reportgen.check.rules`,
Chinese messages with the paragraph). Both call the functions here and only word the
verdict, so they cannot disagree. No I/O, no third-party imports: the CLI loads it early.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import NamedTuple

# --- vocabularies ------------------------------------------------------------------

SECRECY_LEVELS = ("绝密", "机密", "秘密")  # 密级 [7.2.2]
URGENCY_LEVELS = ("特急", "加急")  # 紧急程度 [7.2.3]; 条例 art. 9 (五)
# Words written where a 紧急程度 stands but not in the standard (电报's 特提, the old 平急):
# the checker recognises the line by them and then reports the word.
URGENCY_OTHER = ("特提", "平急")
_PERIOD = re.compile(r"^(\d+年|\d+个月|长期|\d{4}年\d{1,2}月\d{1,2}日|解密条件.*)$")


class Kind(NamedTuple):
    """A kind of document and what it must have.

    ``group`` is 文种 for the fifteen kinds of 《党政机关公文处理工作条例》 art. 8 (and 令, the
    short form of 命令), or 文章 for the articles an office writes without a 版头 (总结, 综述 …).
    """

    name: str
    group: str
    title: bool = True  # a title is required (a 命令 has none; a 纪要's mark stands for it)
    to: bool = False  # a 主送 is required
    one_to: bool = False  # exactly one 主送 (请示: 一文一事, one superior organ; 条例 art. 15)
    request: bool = False  # the text ends with a request (请示: 妥否，请批示)


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("决议", "文种"), Kind("决定", "文种"), Kind("命令", "文种", title=False),
    Kind("令", "文种", title=False), Kind("公报", "文种"), Kind("公告", "文种"), Kind("通告", "文种"),
    Kind("意见", "文种"), Kind("通知", "文种"), Kind("通报", "文种"), Kind("报告", "文种", to=True),
    Kind("请示", "文种", to=True, one_to=True, request=True), Kind("批复", "文种", to=True),
    Kind("议案", "文种", to=True), Kind("函", "文种", to=True), Kind("纪要", "文种", title=False),
    Kind("总结", "文章"), Kind("综述", "文章"), Kind("讲话", "文章"), Kind("信息", "文章"),
    Kind("调研报告", "文章"), Kind("方案", "文章"), Kind("要点", "文章"), Kind("规划", "文章"),
)}
# The formats of GB/T 9704: 文件格式 (chapter 7) and chapter 10's 信函格式, 命令（令）格式 and 纪要格式,
# as the front matter's ``format:`` names them (the standard's words, or these ids).
FORMATS = {"文件": "standard", "信函": "letter", "命令": "order", "令": "order", "纪要": "minutes"}
FORMAT_NAMES = {"standard": "文件格式", "letter": "信函格式", "order": "命令（令）格式",
                "minutes": "纪要格式"}
# The format a kind takes when the front matter names none: a 函 goes out in 信函格式 [10.1].
KIND_FORMATS = {"函": "letter", "命令": "order", "令": "order", "纪要": "minutes"}
# A 命令's 令号 (第5号) and a 纪要's number line (〔2026〕第5次, 第5期) [10.2, 10.3].
ORDER_NUMBER = re.compile(r"^第\d+号$")
MINUTES_NUMBER = re.compile(r"^(〔\d{4}〕)?第\d+[次期]$")
# The lines under a 纪要's body, in the order offices print them; 出席、请假、列席 are the
# standard's [10.3], 主持 and 记录 its "根据实际制作需要".
ATTENDANCE_LABELS = ("主持", "出席", "请假", "列席", "记录")


def kind_format(kind: str, marked: bool = True) -> str:
    """The format a kind of document takes by default: ``standard`` unless KIND_FORMATS says; a
    函 without an organ mark (``marked`` false) is laid out as a plain document."""
    found = KIND_FORMATS.get(kind, "standard")
    return found if marked or found != "letter" else "standard"


# What people write for a kind, with the kind they mean.
KIND_ALIASES = {"会议纪要": "纪要", "工作总结": "总结", "年度总结": "总结", "讲话稿": "讲话",
                "工作要点": "要点", "实施方案": "方案", "工作方案": "方案", "函件": "函", "批示": "批复"}
# A request for instructions: how a 请示 ends (条例 art. 15: its last words say what it asks for),
# and what a 报告 must not carry (请示事项).
REQUEST = re.compile(r"(妥否|当否|可否|是否(?:妥当|可行))"
                     r"|请(?:予)?(?:批示|批复|审批|审定|指示|批准|同意|研究|核准|审核|予以)")


def kind_suggestion(word: str) -> str | None:
    """The known kind someone who wrote ``word`` most likely meant, or None."""
    import difflib

    if word in KIND_ALIASES:
        return KIND_ALIASES[word]
    ending = next((name for name in sorted(KINDS, key=len, reverse=True) if word.endswith(name)), None)
    if ending:
        return ending
    close = difflib.get_close_matches(word, list(KINDS), n=1, cutoff=0.3)
    return close[0] if close else None


def organs(to: str) -> list[str]:
    """The organs of a 主送 line (主送机关 are separated by 、 or ，; the colon ends the line)."""
    return [name for name in re.split(r"[、，,]", to.rstrip("：:").strip()) if name.strip()]


def urgency_ok(word: str) -> bool:
    """Whether ``word`` is a 紧急程度 of the standard (特急 or 加急)."""
    return word in URGENCY_LEVELS


def secrecy_fault(text: str) -> str | None:
    """What is wrong with a 密级和保密期限 such as 机密★1年: ``"level"``, ``"no-period"``,
    ``"star"`` (not ★ before the period), ``"period"`` (not a period such as 1年, 6个月, 长期),
    or None when it is right."""
    m = re.match(r"^(.*?)([★☆*＊])(.*)$", text, re.S)
    level, star, period = m.groups() if m else (text, "", "")
    if level.strip() not in SECRECY_LEVELS:
        return "level"
    if not star or not period.strip():
        return "no-period"
    if star != "★":
        return "star"
    if not _PERIOD.match(period.strip()):
        return "period"
    return None


# --- Chinese numerals ----------------------------------------------------------------

LOWER_DIGITS = "零一二三四五六七八九"
LOWER_UNITS = ("", "十", "百", "千")
UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖"
UPPER_UNITS = ("", "拾", "佰", "仟")
CN_SMALL = "一二三四五六七八九十"  # the characters of heading numbers 1..99


def spell(n: int, digits: str = LOWER_DIGITS, units: tuple[str, ...] = LOWER_UNITS, *,
          bare_ten: bool = True) -> str:
    """Spell ``0 <= n < 10**16`` with 万/亿 sections: 12 → 十二, 105 → 一百零五, 10010 → 一万零一十.

    ``bare_ten`` writes a leading 一十 as 十 (only at the very start of the number);
    amounts in capitals (壹拾) pass False.
    """
    if n == 0:
        return digits[0]

    def section(n: int, first: bool) -> str:  # 1 <= n <= 9999
        out: list[str] = []
        pending_zero = False
        for place in (3, 2, 1, 0):
            d = n // 10**place % 10
            if d == 0:
                pending_zero = bool(out)
                continue
            if pending_zero:
                out.append(digits[0])
                pending_zero = False
            if not (bare_ten and first and not out and place == 1 and d == 1):
                out.append(digits[d])
            out.append(units[place])
        return "".join(out)

    def group(n: int, first: bool) -> str:  # 1 <= n
        if n >= 10**8:
            size, big = 10**8, "亿"
        elif n >= 10**4:
            size, big = 10**4, "万"
        else:
            return section(n, first)
        high, low = divmod(n, size)
        text = group(high, first) + big
        if low:
            # a zero is read when the lower block does not fill its top place
            text += (digits[0] if low < size // 10 else "") + group(low, False)
        return text

    return group(n, True)


def cn_small(n: int) -> str:
    """The numeral of a heading number: 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五."""
    if not 1 <= n < 10**16:
        raise ValueError(f"heading number out of range: {n}")
    return spell(n)


_CN_PLACE = {"十": 10, "百": 100, "千": 1000}


def cn_value(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十三 → 23, 一百零五 → 105; None when not such a numeral.

    The inverse of :func:`cn_small` for 1..9999: only the form it writes is read.
    """
    if not text or len(text) > 9:
        return None
    total, digit = 0, 0
    for ch in text:
        if ch in LOWER_DIGITS:
            digit = LOWER_DIGITS.index(ch)
        elif ch in _CN_PLACE:
            total += (digit or 1) * _CN_PLACE[ch]
            digit = 0
        else:
            return None
    total += digit
    return total if 0 < total < 10_000 and spell(total) == text else None


# --- heading markers [7.3.3] -----------------------------------------------------------

_CN = rf"[{CN_SMALL}百千零]{{1,7}}"
# Correct markers of the four heading levels.
MARKERS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^({_CN})、")),
    (2, re.compile(rf"^（({_CN})）")),
    (3, re.compile(r"^(\d{1,3})[.．](?![\d.．])")),
    (4, re.compile(r"^（(\d{1,3})）")),
)
# Markers written in a wrong form, with the level they stand for.
BAD_MARKERS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^({_CN})\s*[.．,，:：]")),
    (1, re.compile(rf"^({_CN})\s+、")),
    (2, re.compile(rf"^[(（]\s*({_CN})\s*[)）]")),
    (3, re.compile(r"^(\d{1,3})\s*[、，,]")),
    (3, re.compile(r"^(\d{1,3})\s+[.．]")),
    (4, re.compile(r"^[(（]\s*(\d{1,3})\s*[)）]")),
    (4, re.compile(r"^(\d{1,3})[)）]")),
)


class Marker(NamedTuple):
    """A heading marker at the start of a text: its level, its number (None when the numeral is
    not one: 一二、), the marker and whether it is written in a wrong form (二． for 二、,
    (1) for （1）)."""

    level: int
    number: int | None
    text: str
    bad: bool


def heading_marker(text: str) -> Marker | None:
    """The heading marker a text opens with, or None (1.5万元 is a number, not a marker)."""
    for bad, table in ((False, MARKERS), (True, BAD_MARKERS)):
        for level, pattern in table:
            m = pattern.match(text)
            if m:
                number = int(m.group(1)) if level > 2 else cn_value(m.group(1))
                return Marker(level, number, m.group(0), bad)
    return None


# --- 发文字号 [7.2.5] -------------------------------------------------------------------

DOC_NUMBER_BRACKETS = ("〔", "〕")  # 六角括号 [7.2.5]
# Loose on purpose: brackets of any kind, a short year, 第, 年, spaces, leading zeros are
# read so that each can be named; the faults say what is wrong.
_DOC_NUMBER = re.compile(
    r"^(?P<code>[^\s]*?[\u4e00-\u9fff][^\s]*?)\s*(?P<open>[〔\[［【(（{｛〖]?)\s*(?P<year>\d{2,4})\s*"
    r"(?P<close>[〕\]］】)）}｝〗]?)\s*(?P<nian>年?)\s*(?P<di>第?)\s*(?P<num>\d+)\s*号$")
# The faults in the order they are reported.
DOC_NUMBER_FAULTS = ("di", "brackets", "year", "zero", "nian", "spaces")


@dataclass(frozen=True)
class DocNumber:
    """A 发文字号 read as 代字〔年份〕序号号, with what is wrong in it (``faults``, in the order of
    DOC_NUMBER_FAULTS): ``di`` 第 before the number, ``brackets`` not 〔〕, ``year`` not four
    digits, ``zero`` a leading zero, ``nian`` 年 after the year, ``spaces`` blanks inside."""

    code: str
    open: str
    year: str
    close: str
    num: str
    faults: tuple[str, ...]

    @property
    def fixed(self) -> str:
        """The number written right (the year as given when it is short)."""
        return f"{self.code}〔{self.year}〕{int(self.num)}号"


def parse_doc_number(text: str) -> DocNumber | None:
    """The whole of ``text`` read as a 发文字号, or None when it is not one at all."""
    m = _DOC_NUMBER.match(text)
    if m is None:
        return None
    faults = {
        "di": bool(m["di"]),
        "brackets": (m["open"], m["close"]) != DOC_NUMBER_BRACKETS,
        "year": len(m["year"]) != 4,
        "zero": len(m["num"]) > 1 and m["num"].startswith("0"),
        "nian": bool(m["nian"]),
        "spaces": bool(re.search(r"\s", text)),
    }
    return DocNumber(m["code"], m["open"], m["year"], m["close"], m["num"],
                     tuple(f for f in DOC_NUMBER_FAULTS if faults[f]))


# --- dates [7.3.5.4] --------------------------------------------------------------------------

DATE_LOOSE = re.compile(
    r"^(?P<y>\d{4}|[〇○零Ｏ一二三四五六七八九]{4})\s*年\s*(?P<m>\d{1,2}|[〇○零一二三四五六七八九十]{1,3})\s*月"
    r"\s*(?P<d>\d{1,2}|[〇○零一二三四五六七八九十]{1,3})\s*日$")


def format_date(d: dt.date) -> str:
    """成文日期 and 印发日期: Arabic numerals, the full year, no leading zeros (2020年12月5日)."""
    return f"{d.year}年{d.month}月{d.day}日"


def date_faults(text: str) -> tuple[tuple[str, ...], str | None] | None:
    """What is wrong with a written date, and the date written right when one is known.

    None when ``text`` is not a date at all. Faults: ``hanzi`` (Chinese numerals),
    ``zero`` (a leading zero in month or day), ``invalid`` (no such day), ``spaces``.
    """
    m = DATE_LOOSE.match(re.sub(r"\s", "", text))
    if m is None:
        return None
    y, mo, d = m.group("y", "m", "d")
    faults: list[str] = []
    fixed: str | None = None
    if not all(part.isdigit() for part in (y, mo, d)):
        faults.append("hanzi")
    else:
        try:
            fixed = format_date(dt.date(int(y), int(mo), int(d)))
        except ValueError:
            faults.append("invalid")
        else:
            if mo.startswith("0") or d.startswith("0"):
                faults.append("zero")
    if re.search(r"\s", text):
        faults.append("spaces")
    return tuple(faults), fixed


# --- title shape [7.3.1] ------------------------------------------------------------------

def title_shape(widths: list[float]) -> str | None:
    """What is wrong with the shape of a title's lines (widths in 字), or None for a 梯形
    (上短下长) or 菱形 (longest in the middle).

    ``"rectangle"``: all lines the same length; ``"hourglass"``: a line shorter than both
    neighbours; ``"inverted"``: the first line the longest (上长下短, an upside-down 梯形).
    Half a 字 is tolerated between neighbours, as a line never ends exactly at a width.
    """
    if len(widths) < 2:
        return None
    if max(widths) - min(widths) < 1.0:
        return "rectangle"
    peak = widths.index(max(widths))
    rising = all(widths[i] <= widths[i + 1] + 0.5 for i in range(peak))
    falling = all(widths[i] >= widths[i + 1] - 0.5 for i in range(peak, len(widths) - 1))
    if not (rising and falling):
        return "hourglass"
    if peak == 0:
        return "inverted"
    return None
