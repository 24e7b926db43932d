"""Checks of a document's 公文 elements (GB/T 9704-2012 and 《党政机关公文处理工作条例》).

They run on the parsed Document, before layout, so that a wrong 发文字号 or a 报告 that
asks for instructions is caught whatever template produced it. Each problem points at
the data value it came from when one matches, else at the template.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .data import Facts, leaves
from .errors import Place, Problem
from .model import Document

SECRECY_LEVELS = ("绝密", "机密", "秘密")  # 密级 [7.2.2]
URGENCY_LEVELS = ("特急", "加急")  # 紧急程度 [7.2.3]
# 文种 of 《党政机关公文处理工作条例》 art. 8.
KINDS = ("决议", "决定", "命令", "令", "公报", "公告", "通告", "意见", "通知", "通报", "报告", "请示",
         "批复", "议案", "函", "纪要")
# A 报告 must not carry a request for instructions (请示事项).
ASKS_FOR_INSTRUCTIONS = re.compile(r"请(?:予)?(?:批示|批复|审批|指示|批准)|妥否")
DOC_NUMBER = re.compile(r"^(?P<code>[^〔〕\[\]（）()【】]+)〔(?P<year>\d{4})〕(?P<n>[1-9]\d*)号$")
_BRACKETS = re.compile(r"[\[\]（）()【】{}｛｝]")
_PERIOD = re.compile(r"^(\d+年|\d+个月|长期|\d{4}年\d{1,2}月\d{1,2}日|解密条件.*)$")


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

    if doc.doc_number:
        problems.extend(_doc_number(doc, facts))
    if doc.secrecy:
        level, _, period = doc.secrecy.partition("★")
        if level.strip() not in SECRECY_LEVELS:
            add(f"密级 {doc.secrecy!r} is not one of {'、'.join(SECRECY_LEVELS)}",
                "write 秘密, 机密 or 绝密, then ★ and the 保密期限, e.g. 机密★1年", doc.secrecy)
        elif not period.strip():
            add(f"密级 {doc.secrecy!r} has no 保密期限",
                "add ★ and the period, e.g. 机密★1年; without it the statutory default applies",
                doc.secrecy, severity="warning")
        elif not _PERIOD.match(period.strip()):
            add(f"保密期限 {period!r} is not a period such as 1年, 6个月 or 长期",
                "write the period after ★, e.g. 机密★5年", doc.secrecy, severity="warning")
    if doc.urgency and doc.urgency not in URGENCY_LEVELS:
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
            found = ASKS_FOR_INSTRUCTIONS.search(text)
            if found:
                add(f"a 报告 asks for instructions: “…{_around(text, found)}…”",
                    "a 报告 must not carry 请示事项; send a separate 请示, or end with 特此报告",
                    severity="warning")
                break
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


def _doc_number(doc: Document, facts: Facts | None) -> list[Problem]:
    number = doc.doc_number or ""
    found = DOC_NUMBER.match(number)
    form = "write 代字〔YYYY〕N号, e.g. 宝网信办发〔2020〕38号"
    problems: list[Problem] = []

    def add(message: str, hint: str, *candidates: Any) -> None:
        problems.append(Problem(f"发文字号 {number!r}: {message}", trace(facts, doc.source, *candidates),
                                hint))

    # The whole number, else its 代字: a figure such as the year could match unrelated data.
    code = re.match(r"^([^〔\[（(【{｛\d]{2,})", number)
    candidates = (number, code.group(1)) if code else (number,)
    if found:
        year = int(found["year"])
        if doc.date and year != doc.date.year:
            problems.append(Problem(
                f"发文字号 {number!r}: the year {year} differs from the 成文日期 {doc.date}",
                trace(facts, doc.source, number, found["code"]),
                "the year in 〔〕 is the year the document is dated"))
        return problems
    if "第" in number:
        add("no 第 before the sequence number", form, *candidates)
    elif _BRACKETS.search(number) or "〔" not in number:
        add("the year goes in the hexagonal brackets 〔〕", form + " (〔〕, not [] （） 【】)", *candidates)
    elif re.search(r"〔\d{2}〕", number):
        add("write the full year", form, *candidates)
    elif re.search(r"〕0\d*号$", number):
        add("no leading zero in the sequence number", form + " (38, not 038)", *candidates)
    else:
        add("not in the form 代字〔YYYY〕N号", form, *candidates)
    return problems


def _texts(doc: Document) -> Iterator[str]:
    for block in doc.blocks:
        yield block.text


def _around(text: str, found: re.Match[str], width: int = 8) -> str:
    return text[max(0, found.start() - width): found.end() + width]

