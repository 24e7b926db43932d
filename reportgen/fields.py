"""Checks of a document's 公文 elements (GB/T 9704-2012 and 《党政机关公文处理工作条例》).

They run on the parsed Document, before layout, so that a wrong 发文字号 or a 报告 that
asks for instructions is caught whatever template produced it. Each problem points at
the data value it came from when one matches, else at the template.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from . import gongwen
from .data import Facts, leaves
from .errors import Place, Problem
from .gongwen import SECRECY_LEVELS, URGENCY_LEVELS
from .model import Document, Paragraph, iter_blocks

# 文种 of 《党政机关公文处理工作条例》 art. 8, whose titles end with their name.
KINDS = tuple(name for name, kind in gongwen.KINDS.items() if kind.group == "文种")


def trace(facts: Facts | None, source: str | None, *candidates: Any) -> Place:
    """The data place of the first value equal to a candidate, else the template."""
    if facts is not None:
        for candidate in candidates:
            if candidate is None or candidate == "":
                continue
            for path, value in leaves(facts.values):
                if value == candidate or (isinstance(value, int | str) and not isinstance(value, bool)
                                          and str(value) == str(candidate)):
                    return facts.place(path)
    return Place(source)


def trace_key(facts: Facts | None, source: str | None, name: str) -> Place:
    """The data place of a key called ``name`` (e.g. ``signers``), else the template."""
    if facts is not None:
        for path, place in facts.places.items():
            if path.rsplit(".", 1)[-1] == name:
                return place
    return Place(source)


def check_document(doc: Document, facts: Facts | None = None) -> list[Problem]:
    """Every 公文-element problem of a document: errors and warnings."""
    problems: list[Problem] = []
    src = doc.source

    def add(message: str, hint: str, *candidates: Any, severity: str = "error") -> None:
        problems.append(Problem(message, trace(facts, src, *candidates), hint, severity))

    problems.extend(_kind(doc, facts))
    if doc.doc_number and doc.format in ("order", "minutes"):
        problems.extend(_special_number(doc, facts))
    elif doc.doc_number:
        problems.extend(_doc_number(doc, facts))
    if doc.secrecy:
        fault = gongwen.secrecy_fault(doc.secrecy)
        if fault == "level":
            add(f"密级 {doc.secrecy!r} is not one of {'、'.join(SECRECY_LEVELS)}",
                "write 秘密, 机密 or 绝密, then ★ and the 保密期限, e.g. 机密★1年", doc.secrecy)
        elif fault == "no-period":
            add(f"密级 {doc.secrecy!r} has no 保密期限",
                "add ★ and the period, e.g. 机密★1年; without it the statutory default applies",
                doc.secrecy, severity="warning")
        elif fault == "star":
            add(f"密级 {doc.secrecy!r}: the 保密期限 follows a ★", "write 机密★1年 (the black star ★)",
                doc.secrecy, severity="warning")
        elif fault == "period":
            period = re.split(r"[★☆*＊]", doc.secrecy, maxsplit=1)[-1]
            add(f"保密期限 {period!r} is not a period such as 1年, 6个月 or 长期",
                "write the period after ★, e.g. 机密★5年", doc.secrecy, severity="warning")
    if doc.urgency and not gongwen.urgency_ok(doc.urgency):
        add(f"紧急程度 {doc.urgency!r} is not one of {'、'.join(URGENCY_LEVELS)}",
            "write 特急 or 加急, or leave it out", doc.urgency)
    if doc.is_upward and doc.has_head and not doc.signers:
        problems.append(Problem(f"上行文 ({doc.kind}) without 签发人", trace_key(facts, src, "signers"),
                                "a 报告 or 请示 sent upward names its 签发人: add signers to the data",
                                "warning"))
    if doc.to:
        body = doc.to[:-1] if doc.to.endswith(("：", ":")) else doc.to
        if doc.to.endswith(":"):
            add(f"主送 {doc.to!r} ends with a half-width colon",
                "use the full-width colon ：, or none: it is added", body)
        if body and body[-1] in "。，、；.,;！？":
            add(f"主送 {doc.to!r} ends with {body[-1]!r} before its colon",
                "separate several organs with 、 and end with the colon only", body)
    if doc.kind == "报告":
        for text in _texts(doc):
            found = gongwen.REQUEST.search(text)  # a 报告 carries no 请示事项
            if found:
                add(f"a 报告 asks for instructions: “…{_around(text, found)}…”",
                    "a 报告 must not carry 请示事项; send a separate 请示, or end with 特此报告",
                    severity="warning")
                break
    if doc.title_lines:
        from .layout import cells

        shape = gongwen.title_shape([cells(line) for line in doc.title_lines])
        if shape is not None:
            words = {"rectangle": "a rectangle (all lines alike)", "hourglass": "an hourglass",
                     "inverted": "上长下短 (the first line the longest)"}[shape]
            add(f"the title's lines as given make {words}: " + " / ".join(doc.title_lines),
                "GB/T 9704 7.3.1 asks for 梯形 (上短下长) or 菱形: move words between the lines, "
                "or give the title as one line and let reportgen split it", *doc.title_lines,
                severity="warning")
    if doc.kind in KINDS and doc.title and not doc.title.endswith(doc.kind):
        add(f"the title does not end with its 文种 {doc.kind!r}: {doc.title!r}",
            f"a title names the 文种 last, e.g. 关于……的{doc.kind}", doc.title, severity="warning")
    for name in doc.attachment_note:
        if name and name[-1] in "。，、；：.,;:":
            add(f"附件 name ends with punctuation: {name!r}",
                "no punctuation after an attachment's name [GB/T 9704 7.3.5]", name)
    if doc.signature and doc.date is None:
        add("署名 without 成文日期", "give the date (成文日期) under the signature", doc.signature)
    if doc.date and doc.print_date and doc.print_date < doc.date:
        add(f"印发日期 {doc.print_date} is before 成文日期 {doc.date}",
            "a document is printed on or after the day it is signed", doc.print_date, severity="warning")
    return problems


def _special_number(doc: Document, facts: Facts | None) -> list[Problem]:
    """A 命令's 令号 (第5号) or a 纪要's number line (〔2026〕第5次, 第5期) [10.2, 10.3]."""
    number = doc.doc_number or ""
    if doc.format == "order":
        if gongwen.ORDER_NUMBER.match(number):
            return []
        return [Problem(f"令号 {number!r} is not written 第N号", trace(facts, doc.source, number),
                        "a 命令's number: 第5号 (Arabic digits, no leading zero)")]
    if gongwen.MINUTES_NUMBER.match(number):
        return []
    return [Problem(f"纪要 number {number!r} is not written 第N次 or 第N期", trace(facts, doc.source, number),
                    "a 纪要's number line: 第5次, 第12期, or with the year 〔2026〕第5次", "warning")]


# How each fault of a 发文字号 is worded (gongwen.DocNumber.faults).
_DOC_NUMBER_FAULTS = {
    "di": ("no 第 before the sequence number", ""),
    "brackets": ("the year goes in the hexagonal brackets 〔〕", " (〔〕, not [] （） 【】)"),
    "year": ("write the full year", ""),
    "zero": ("no leading zero in the sequence number", " (38, not 038)"),
    "nian": ("no 年 after the year", ""),
    "spaces": ("no spaces inside", ""),
}


def _doc_number(doc: Document, facts: Facts | None) -> list[Problem]:
    number = doc.doc_number or ""
    parsed = gongwen.parse_doc_number(number)
    form = "write 代字〔YYYY〕N号, e.g. 宝网信办发〔2020〕38号"
    # The whole number, else its 代字: a figure such as the year could match unrelated data.
    code = re.match(r"^([^〔\[（(【{｛\d]{2,})", number)
    candidates = (number, code.group(1)) if code else (number,)
    place = trace(facts, doc.source, *candidates)
    if parsed is None:
        return [Problem(f"发文字号 {number!r}: not in the form 代字〔YYYY〕N号", place, form)]
    # With the full year known the number can be written out right; else the form is shown.
    fixed = "year" not in parsed.faults
    problems = [Problem(f"发文字号 {number!r}: {message}", place,
                        f"write {parsed.fixed}" if fixed else form + detail)
                for message, detail in (_DOC_NUMBER_FAULTS[f] for f in parsed.faults)]
    year = int(parsed.year)
    if not parsed.faults and doc.date and year != doc.date.year:
        problems.append(Problem(
            f"发文字号 {number!r}: the year {year} differs from the 成文日期 {doc.date}",
            trace(facts, doc.source, number, parsed.code),
            "the year in 〔〕 is the year the document is dated"))
    return problems


def _kind(doc: Document, facts: Facts | None) -> list[Problem]:
    """The kind is a known one, and the document has what that kind requires."""
    if not doc.kind:
        return []
    kind = gongwen.KINDS.get(doc.kind)
    where = trace(facts, doc.source, doc.kind)
    if kind is None:
        guess = gongwen.kind_suggestion(doc.kind)
        known = "、".join(gongwen.KINDS)
        return [Problem(f"kind {doc.kind!r} is not a kind of document reportgen knows", where,
                        (f"did you mean {guess}? " if guess else "") + f"the kinds: {known}")]
    problems: list[Problem] = []
    if kind.title and not doc.title.strip():
        problems.append(Problem(f"a {kind.name} needs a title (标题)", where,
                                f"give title: in the front matter, e.g. 关于……的{kind.name}"))
    if kind.to and not (doc.to or "").strip(" ：:"):
        problems.append(Problem(f"a {kind.name} needs its 主送机关", where,
                                "give to: in the front matter, e.g. to: 省委网信办"))
    if kind.one_to and doc.to and len(gongwen.organs(doc.to)) > 1:
        problems.append(Problem(f"a {kind.name} is sent to one organ, not {len(gongwen.organs(doc.to))}: "
                                f"{doc.to!r}", trace(facts, doc.source, doc.to, doc.to.rstrip("：:")),
                                "a 请示 has one 主送机关 (一文一事); send copies with cc: (抄送)"))
    if kind.request:
        paragraphs = [block.text for block in doc.blocks
                      if isinstance(block, Paragraph) and block.text.strip()]
        if paragraphs and not gongwen.REQUEST.search(paragraphs[-1]):
            problems.append(Problem(f"a {kind.name} ends with its request; the last paragraph asks for "
                                    f"nothing: “{paragraphs[-1][-20:]}”", Place(doc.source),
                                    "end with the request, e.g. 妥否，请批示。 or 以上请示，请予审批。",
                                    "warning"))
    return problems


def _texts(doc: Document) -> Iterator[str]:
    """The text of every block: body, tables and attachments."""
    for block in iter_blocks(doc):
        yield block.text


def _around(text: str, found: re.Match[str], width: int = 8) -> str:
    return text[max(0, found.start() - width): found.end() + width]

