"""The figures of a text as facts: what ``reportgen import`` puts in the data file.

:func:`scan` finds every figure of a piece of text — counts with their measure word, amounts
in 万/亿, percentages, approximate figures (300余, 170多万), dates, month-days, years — and
says how a template reprints it: a value and the filter that gives back the printed words
(each checked by running the filter, else the figure falls back to a plain value).
:class:`FactBook` turns the figures into named facts: a key from the words around the figure
(the noun before it and the measure word after it: ``互联网企业_户``), one fact for a figure
printed several times with the same value and the same words, the document's year as ``year``
and years near it as ``year - 1``; and the sums a text states (a total, then ``其中`` and its
parts) as contract rules.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .. import filters
from ..errors import ReportgenError

# A figure, longest forms first. Digits glued to Latin letters (5G, H5, App2.0) are names, not figures.
_FIGURE = re.compile(
    r"(?<![0-9A-Za-z.．])(?:"
    r"(?P<date>(?P<dy>\d{4})年(?P<dm>\d{1,2})月(?P<dd>\d{1,2})日)"
    r"|(?P<md>(?P<mm>\d{1,2})月(?P<mdd>\d{1,2})日)"
    r"|(?P<code>\d+(?:[-/:：+]\d+)+)"
    r"|(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|\d+(?:\.\d+)?(?!\.?[A-Za-z\d]))"
    r"(?P<pct>[%％])?(?P<m1>余|多)?(?P<unit>万亿|万|亿)?(?P<m2>余|多)?"
    r")(?![A-Za-z])")
_POWERS = {"": 0, "万": 4, "亿": 8, "万亿": 12}
# Where the words that name a figure stop: punctuation, and the figure before it.
_CLAUSE_BREAK = re.compile(r"[，。；：、,;:！？!?（）()“”‘’\"《》〈〉【】\[\]〔〕{}\n\t 　]")
_SENTENCE_END = "。；！？!?;\n"
# Verbs and particles between a noun and its figure (企业达31户, 共有13个, 约300余人).
_TRAILING = re.compile(r"(?:累计|共计|合计|总计|共有|达到|超过|多达|高达|分别为|分别|其中|普遍|只有|仅有"
                       r"|为|达|有|共|约|计|近|逾|至|到|了|是|占|和|及|与|等|以上|只|仅)+$")
_LEADING = re.compile(r"^(?:其中|另有|包括|共有|现有|目前|今年|全年|全市|全省|全县|全区|截至)+")
# Two-character measure words, then one character: the unit after a figure.
_UNITS_2 = ("人次", "场次", "户次", "家次", "批次", "个月", "周年", "百分点", "平方米", "公里", "小时",
            "万元", "亿元")
_RANGE = ("至", "到", "~", "～", "-", "－", "—")
_NOT_UNIT = set("的是在和与及等以至到了为有把被从向对于中上下内外后前左右")
_RESERVED = {"year", "data", "prev", "districts", "loop", "true", "false", "none", "True", "False", "None"}
KEY_CHARS = 8  # the noun part of a key: enough to tell 单独组建党支部 from 联合党支部
# Characters after which a word starts: particles, prepositions, conjunctions, administrative levels.
_JOINS = set("的了和与及或向对在把从将给为由等各市县区省级")
# Verbs a figure's noun often follows in a work summary: where no joining word shows where a word
# starts, a long phrase is cut at one of these (…组织选派党建指导员 → 选派党建指导员).
_VERBS = ("选派", "建立", "成立", "组建", "开展", "举办", "组织", "确定", "创建", "培训", "发展", "联系",
          "指导", "涵盖", "覆盖", "推动", "完成", "实现", "打造", "建成", "设立", "招募", "吸纳", "走访",
          "排查", "登记", "发放", "投入", "带动", "培育", "评选", "表彰", "签订", "录制", "发布", "推送")


@dataclass
class Figure:
    """One figure found in a text: its span, the value it stands for and how it prints."""

    start: int
    end: int
    printed: str
    value: Any  # int, float, Decimal, str (kept as typed), dt.date; None for a year relative to `year`
    kind: str  # integer, number, ratio, date, text, year
    filter: str = ""  # the filter call that reprints it, e.g. 'approx(1)'; "" prints the value itself
    unit: str = ""  # the measure word after it
    noun: str = ""  # the words before it
    offset: int = 0  # for kind "year": the year relative to the document's (year + offset)


def _sig_digits(number: str) -> int:
    digits = number.replace(".", "").lstrip("0").rstrip("0")
    return max(len(digits), 1)


def _as_number(text: str) -> tuple[Any, str] | None:
    """A figure as printed → (value, kind) that prints the same without a filter, or None."""
    if text.isdigit():
        return (text, "text") if len(text) > 1 and text[0] == "0" else (int(text), "integer")
    try:
        value = float(text)
    except ValueError:
        return None
    return (value, "number") if repr(value) == text else (text, "text")


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _plain_value(value: Decimal) -> Any:
    return int(value) if value == value.to_integral_value() else value


def _reprints(name: str, value: Any, args: tuple[Any, ...], printed: str) -> bool:
    try:
        return filters.FILTERS[name](value, *args) == printed
    except Exception:  # a filter that refuses the value does not reprint it
        return False


def _call(name: str, args: tuple[Any, ...]) -> str:
    shown = ", ".join(repr(a) if not isinstance(a, str) else '"' + a + '"' for a in args)
    return f"{name}({shown})" if args else name


def _number_figure(m: re.Match[str], text: str) -> Figure:
    """A number with what follows it: %, 余/多, 万/亿 — the form that reprints it exactly."""
    num, unit = m["num"], m["unit"] or ""
    more = m["m1"] or m["m2"] or ""
    start = m.start("num")
    if m["pct"] == "%":
        places = len(num.split(".")[1]) if "." in num else 0
        value = _decimal(num).scaleb(-2)
        if _reprints("pct", value, (places,), num + "%"):
            return Figure(start, m.end("pct"), num + "%", value, "ratio", _call("pct", (places,)))
    if more:
        used_unit = unit if m["m1"] is None or m["unit"] else ""
        end = (m.end("unit") if m["m1"] and m["unit"] else m.end("m1") if m["m1"] else m.end("m2"))
        printed = text[start:end]
        value = _plain_value(_decimal(num).scaleb(_POWERS[used_unit]))
        digits = _sig_digits(num)
        more_arg = None if more == ("多" if used_unit else "余") else more
        shown: list[str] = [str(digits)]
        if used_unit or more_arg:
            shown.append(f'"{used_unit}"')
        if more_arg:
            shown.append(f'"{more_arg}"')
        try:
            same = filters.approx(value, digits, used_unit, more_arg, marked=True) == printed
        except ReportgenError:
            same = False
        if same:
            return Figure(start, end, printed, value, "integer" if isinstance(value, int) else "number",
                          f"approx({', '.join(shown)}, marked=true)")
    if unit in ("万", "亿"):
        places = len(num.split(".")[1]) if "." in num else 0
        value = _plain_value(_decimal(num).scaleb(_POWERS[unit]))
        name = "wan" if unit == "万" else "yi"
        if _reprints(name, value, (places,), num + unit):
            return Figure(start, m.end("unit"), num + unit, value,
                          "integer" if isinstance(value, int) else "number", _call(name, (places,)))
    if "," in num:
        value = _plain_value(_decimal(num))
        if _reprints("num", value, (), num.replace(",", "")) and \
                filters.num(value, group=True) == num:
            return Figure(start, m.end("num"), num, value, "integer" if isinstance(value, int) else "number",
                          "num(group=True)")
        return Figure(start, m.end("num"), num, num, "text")
    plain = _as_number(num)
    assert plain is not None  # the pattern only matches digits and one decimal point
    return Figure(start, m.end("num"), num, plain[0], plain[1])


def scan(text: str, year: int | None) -> list[Figure]:
    """Every figure of ``text`` in order, with the words around it."""
    found: list[Figure] = []
    for m in _FIGURE.finditer(text):
        found += _figures(m, text, year)
    previous_end = 0
    for figure in found:
        figure.unit = unit_after(text, figure.end) if figure.kind not in ("date", "year") else ""
        before = text[previous_end:figure.start]
        # 2026年3月: the year names nothing; the month's words are those after it, if any
        figure.noun = "" if before == "年" and figure.unit == "月" else noun_before(before)
        # 举办了2期专题培训班: after a verb, the noun that the figure counts follows its measure word.
        if figure.unit and (not figure.noun or before.rstrip().endswith("了")):
            figure.noun = words_after(text, figure.end + len(figure.unit)) or figure.noun
        previous_end = figure.end
    for first, second in itertools.pairwise(found):  # a range: 2至3人
        if first.kind == second.kind == "integer" and text[first.end:second.start] in _RANGE:
            first.unit = second.unit
            second.noun, first.noun = first.noun, first.noun
            second.unit = f"{second.unit}_上限" if second.unit else "上限"
    return found


def _figures(m: re.Match[str], text: str, year: int | None) -> list[Figure]:
    if m["date"]:
        try:
            day = dt.date(int(m["dy"]), int(m["dm"]), int(m["dd"]))
        except ValueError:
            day = None
        if day and filters.cn_date(day) == m["date"]:
            return [Figure(m.start(), m.end(), m["date"], day, "date", "cn_date")]
        return _parts(m, text, year)
    if m["md"]:
        try:
            day = dt.date(year or 2000, int(m["mm"]), int(m["mdd"]))
        except ValueError:
            day = None
        if day and year and filters.cn_month_day(day) == m["md"]:
            return [Figure(m.start(), m.end(), m["md"], day, "date", "cn_month_day")]
        return _parts(m, text, year)
    if m["code"]:
        return [Figure(m.start(), m.end(), m["code"], m["code"], "text")]
    num = m["num"]
    after = text[m.end("num"): m.end("num") + 1]
    before = text[m.start("num") - 1: m.start("num")] if m.start("num") else ""
    bracketed = (before, after) in (("〔", "〕"), ("[", "]"))
    if year and len(num) == 4 and num.isdigit() and (after == "年" or bracketed):
        offset = int(num) - year
        if abs(offset) <= 10:
            return [Figure(m.start("num"), m.end("num"), num, None, "year", offset=offset)]
    return [_number_figure(m, text)]


def _parts(m: re.Match[str], text: str, year: int | None) -> list[Figure]:
    """A date that its filter does not reprint (2020年12月05日): its numbers one by one."""
    out: list[Figure] = []
    base = m.start()
    for sub in re.finditer(r"\d+", m.group()):
        start, end = base + sub.start(), base + sub.end()
        digits = sub.group()
        if year and len(digits) == 4 and text[end: end + 1] == "年" and abs(int(digits) - year) <= 10:
            out.append(Figure(start, end, digits, None, "year", offset=int(digits) - year))
            continue
        value, kind = _as_number(digits) or (digits, "text")
        out.append(Figure(start, end, digits, value, kind))
    return out


def unit_after(text: str, end: int) -> str:
    """The measure word after a figure: 户, 人次, 个百分点 …, or ""."""
    rest = text[end: end + 4]
    if rest.startswith("个百分点"):
        return "百分点"
    for unit in _UNITS_2:
        if rest.startswith(unit):
            return unit
    first = rest[:1]
    return first if first and "\u4e00" <= first <= "\u9fff" and first not in _NOT_UNIT else ""


def noun_before(text: str) -> str:
    """The words naming a figure: the end of the clause before it, verbs and particles cut."""
    clause = _CLAUSE_BREAK.split(text)[-1]
    clause = _TRAILING.sub("", clause)
    for particle in ("的", "了"):
        if particle in clause[:-1]:
            clause = clause[clause.rindex(particle) + 1:]
    clause = _LEADING.sub("", clause) or clause
    clause = "".join(ch for ch in clause if ("a" + ch).isidentifier())
    return _shortened(clause)


def _shortened(words: str) -> str:
    """At most KEY_CHARS characters from the end, cut after a word that joins (向, 和, 市 …) when
    there is one, so that a key starts with a word (选派党建指导员, not 织选派党建指导员)."""
    if len(words) <= KEY_CHARS:
        return words
    for k in range(len(words) - KEY_CHARS - 2, len(words) - 2):
        if words[k - 1] in _JOINS and words[k] not in _JOINS:
            return words[k:]
    # Else start at a verb that governs the noun (选派党建指导员), or right after it when verb and
    # noun are too long together (评选表彰|优秀党务工作者): the longest such key that fits.
    found = [(k, k + len(verb)) for verb in _VERBS if (k := words.rfind(verb)) >= 0]
    fitting = [k for pair in found for k in pair if len(words) - KEY_CHARS <= k < len(words) - 2]
    return words[min(fitting):] if fitting else words[-KEY_CHARS:]


def words_after(text: str, end: int) -> str:
    """The first words after a figure (a date at the start of a clause: 11月26日，市委组织部…)."""
    rest = _CLAUSE_BREAK.split(text[end:].lstrip("，,、 “”"))[0]
    rest = re.split(r"[了的]", rest)[0]
    words = "".join(ch for ch in rest if ("a" + ch).isidentifier())
    return words if len(words) <= KEY_CHARS + 4 else words[:KEY_CHARS]


def sentence_of(text: str, start: int, end: int, width: int = 36) -> str:
    """The sentence a figure stands in, cut to ``width`` characters either side of it."""
    left = max((text.rfind(ch, 0, start) for ch in _SENTENCE_END), default=-1) + 1
    ends = [i for i in (text.find(ch, end) for ch in _SENTENCE_END) if i >= 0]
    right = min(ends) + 1 if ends else len(text)
    left_cut, right_cut = max(left, start - width), min(right, end + width)
    quoted = ("…" if left_cut > left else "") + text[left_cut:right_cut] + ("…" if right_cut < right else "")
    return quoted.replace("\n", " ").strip()


@dataclass
class Fact:
    key: str
    value: Any
    kind: str  # integer, number, ratio, date, text
    printed: str  # the first occurrence as printed (300余, 170多万)
    sentence: str  # where it was first found
    document: str
    filter: str = ""
    uses: int = 0
    description: str = ""  # the words it was named from, for the contract


@dataclass
class Rule:
    total: str
    parts: list[str]
    sentence: str

    @property
    def expression(self) -> str:
        return f"{self.total} == {' + '.join(self.parts)}"


@dataclass
class FactBook:
    """The facts of every document imported into one project, keyed as the templates use them."""

    year: int | None
    facts: dict[str, Fact] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)
    years_used: int = 0
    figures: int = 0  # figures found in the text (every occurrence)
    digit_runs: int = 0  # the runs of digits those figures cover (2020年12月15日 is 3)

    def template(self, text: str, document: str, label: str = "") -> list[str | tuple[str, Figure]]:
        """``text`` as pieces: literal text and (expression, figure) for each figure.

        ``label`` names figures whose clause has no words before them (the 文号's sequence
        number is ``发文字号``)."""
        pieces: list[str | tuple[str, Figure]] = []
        figures = scan(text, self.year)
        keys: list[tuple[Figure, str]] = []
        at = 0
        for figure in figures:
            if figure.start > at:
                pieces.append(text[at:figure.start])
            expression = self._expression(figure, text, document, label)
            pieces.append((expression, figure))
            if figure.kind != "year":
                keys.append((figure, expression.split(" | ")[0]))
            at = figure.end
        if at < len(text):
            pieces.append(text[at:])
        self.figures += len(figures)
        self.digit_runs += sum(len(re.findall(r"\d+(?:[.,]\d+)*", f.printed)) for f in figures)
        self._sums(text, keys)
        return pieces

    def known(self, text: str, label: str = "") -> Fact | None:
        """The fact a text that is one whole figure stands for (a table cell), if it is one."""
        figures = scan(text.strip(), self.year)
        if len(figures) != 1 or figures[0].printed != text.strip() or figures[0].kind == "year":
            return None
        fact = self.facts.get(self._key(figures[0], text.strip(), label))
        return fact if fact is not None and fact.value == figures[0].value else None

    def reuse(self, text: str, label: str = "") -> str:
        """``text`` as a Jinja template over the facts already known: a figure that is one of them
        (same key, same value) or a year becomes its expression, any other stays as printed.
        For names made from the data, such as a document's output file name."""
        out: list[str] = []
        at = 0
        for figure in scan(text, self.year):
            out.append(text[at:figure.start])
            at = figure.end
            if figure.kind == "year":
                out.append("{{ " + ("year" if figure.offset == 0 else
                                    f"year {'+' if figure.offset > 0 else '-'} {abs(figure.offset)}") + " }}")
                continue
            fact = self.facts.get(self._key(figure, text, label))
            if fact is not None and fact.value == figure.value and fact.filter == figure.filter:
                out.append("{{ " + (f"{fact.key} | {fact.filter}" if fact.filter else fact.key) + " }}")
            else:
                out.append(figure.printed)
        return "".join(out) + text[at:]

    def _expression(self, figure: Figure, text: str, document: str, label: str) -> str:
        if figure.kind == "year":
            self.years_used += 1
            if figure.offset == 0:
                return "year"
            return f"year {'+' if figure.offset > 0 else '-'} {abs(figure.offset)}"
        return self._use(self._key(figure, text, label), figure, sentence_of(text, figure.start, figure.end),
                         document, label)

    def date_fact(self, figure: Figure, document: str, label: str) -> str:
        """A date element (成文日期, 印发日期) as a fact named by its label."""
        self.figures += 1
        self.digit_runs += 3
        return self._use(label, figure, f"{label} {figure.printed}", document, label)

    def _use(self, key: str, figure: Figure, sentence: str, document: str, label: str) -> str:
        fact = self.facts.get(key)
        suffix = 2
        while fact is not None and (fact.value != figure.value or type(fact.value) is not type(figure.value)):
            key_n = f"{key}_{suffix}"
            fact = self.facts.get(key_n)
            if fact is None:
                key = key_n
                break
            if fact.value == figure.value and type(fact.value) is type(figure.value):
                key = key_n
                break
            suffix += 1
        if fact is None:
            described = (figure.noun or label) + (f"（{figure.unit}）" if figure.unit else "")
            fact = self.facts[key] = Fact(key, figure.value, figure.kind, figure.printed, sentence, document,
                                          figure.filter, description=described or label)
        fact.uses += 1
        return f"{key} | {figure.filter}" if figure.filter else key

    def _key(self, figure: Figure, text: str, label: str) -> str:
        noun = figure.noun
        if figure.kind == "date":
            base = noun or words_after(text, figure.end) or label
            key = f"{base}_日期" if base and not base.endswith("日期") else base or "日期"
        else:
            noun = noun or label or words_after(text, figure.end + len(figure.unit))
            key = "_".join(part for part in (noun, figure.unit) if part) or "数字"
        if not key.isidentifier() or key in _RESERVED:
            key = "数字_" + key if ("数字_" + key).isidentifier() else "数字"
        return key

    def _sums(self, text: str, keys: list[tuple[Figure, str]]) -> None:
        """A total, then 其中 and parts of the same unit that add up to it: a rule."""
        for k, (total, key) in enumerate(keys):
            if total.kind != "integer" or not isinstance(total.value, int):
                continue
            sentence_end = min([i for i in (text.find(ch, total.end) for ch in _SENTENCE_END) if i >= 0]
                               or [len(text)])
            among = text.find("其中", total.end, sentence_end)
            if among < 0:
                continue
            parts: list[str] = []
            running = 0
            for part, part_key in keys[k + 1:]:
                if part.start > sentence_end or part.start < among:
                    continue
                if part.kind != "integer" or part.unit != total.unit or part_key == key:
                    break
                parts.append(part_key)
                running += part.value
                if running >= total.value:
                    break
            rule = Rule(key, parts, sentence_of(text, total.start, total.end))
            if running == total.value and len(parts) >= 2 and \
                    rule.expression not in {r.expression for r in self.rules}:
                self.rules.append(rule)
