"""The 公文-element rules for a read .docx: :func:`reportgen.fields.check_document`, worded for check.

The rules on what an element says (a 发文字号's form, a 密级's period, a 主送's colon, a 请示's
request, 附件 names) live once, in :mod:`reportgen.fields`, and run both on the Document a
template renders and on the one :mod:`.to_model` reads from a .docx. Here each of their
problems becomes a finding: its rule id, the paragraph it was read from, and a fix in the
words of Word's menus. What the page shows (fonts, grid, positions) stays in :mod:`.rules`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..data import Facts
from ..errors import Place, Problem
from ..fields import check_document
from ..model import Paragraph
from .classify import ROLE_ELEMENTS
from .rules import RULES, Finding, excerpt
from .to_model import ReadDocument


@dataclass(frozen=True)
class ElementRule:
    """How one kind of fields problem reads in a check report."""

    pattern: re.Pattern[str]  # matches the problem's message
    rule: str | None  # the rule id in RULES; None: not reported by check (see the reason in MAPPING)
    fields: tuple[str, ...]  # the Document fields it concerns: not judged when one of them is unread
    fix: str | None = None  # the fix in Word's words; None: the problem's own hint


def _rule(pattern: str, rule: str | None, fields: tuple[str, ...], fix: str | None = None) -> ElementRule:
    return ElementRule(re.compile(pattern), rule, fields, fix)


TO_FIX = "在标题下空一行顶格写主送机关，后加全角冒号“：”"
MAPPING: tuple[ElementRule, ...] = (
    _rule(r"^发文字号 .*: no 第 before", "doc-number.di", ("doc_number",)),
    _rule(r"^发文字号 .*: the year goes in the hexagonal", "doc-number.brackets", ("doc_number",)),
    _rule(r"^发文字号 .*: write the full year", "doc-number.year", ("doc_number",), "写全年份，如〔2020〕"),
    _rule(r"^发文字号 .*: no leading zero", "doc-number.zero", ("doc_number",)),
    _rule(r"^发文字号 .*: no 年 after the year", "doc-number.nian", ("doc_number",)),
    _rule(r"^发文字号 .*: no spaces inside", "doc-number.spaces", ("doc_number",)),
    _rule(r"^发文字号 .*: the year \d+ differs from the 成文日期", "doc-number.date", ("doc_number", "date"),
          "〔〕中的年份是成文日期的年份 the year in 〔〕 is the year of the 成文日期"),
    # classify takes a line for a 文号 only when it reads as one (or is a template's slot, unread).
    _rule(r"^发文字号 .*: not in the form", None, ("doc_number",)),
    _rule(r"^密级 .*(is not one of|has no 保密期限|follows a ★)|^保密期限 ", "secrecy.period", ("secrecy",),
          "写成 机密★1年 的形式"),
    _rule(r"^紧急程度 ", "urgency.word", ("urgency",), "写“特急”或“加急”，或不标注"),
    _rule(r"^上行文 ", "signers.missing", ("signers", "doc_number"),
          "在发文字号同一行居右空一字标注“签发人：”和姓名（楷体）"),
    _rule(r"^主送 .*(half-width colon|before its colon)", "to.colon", ("to",),
          "末尾只用全角冒号“：”，机关间用顿号、"),
    _rule(r"needs its 主送机关$", "to.missing", ("to",), TO_FIX),
    _rule(r"is sent to one organ", "to.one", ("to",),
          "请示只主送一个上级机关（一文一事），其他机关用抄送"),
    _rule(r"ends with its request", "request.ending", (), "以请求结尾，如“妥否，请批示。”"),
    _rule(r"^a 报告 asks for instructions", "report.request", (),
          "报告中不夹带请示事项；另行请示，或以“特此报告。”结尾"),
    _rule(r"^附件 name ends with punctuation", "attachment-note.punctuation", ("attachment_note",),
          "附件名称后不加标点符号"),
    _rule(r"^印发日期 .* is before 成文日期", "colophon.print-date", ("print_date", "date"),
          "印发日期不早于成文日期 printed on or after the day it is dated"),
    # The shape of the title as printed is measured by rules.title.shape (lines broken by Word too).
    _rule(r"^the title's lines as given", None, ("title",)),
    # Only a date that is there but cannot be read (a placeholder, 2024.1.21) leaves a 署名 alone:
    # date.format says what is wrong with it, and rules.date.missing covers a date that is absent.
    _rule(r"^署名 without 成文日期", None, ("date",)),
    # The kind is read from the title's last word, so it is a known kind and the title names it.
    _rule(r"^kind .* is not a kind|needs a title|does not end with its 文种", None, ("title",)),
)


def rule_of(problem: Problem) -> ElementRule | None:
    return next((m for m in MAPPING if m.pattern.search(problem.message)), None)


def facts_of(read: ReadDocument) -> Facts:
    """The read values with their paragraphs as places, so that fields' problems point there."""
    doc = read.document
    values: dict[str, object] = {}
    places: dict[str, Place] = {}
    for name, paras in read.fields.items():
        value = getattr(doc, name, None)
        if value is None or value == [] or paras == []:
            continue
        values[name] = value
        places[name] = read.place(name)
        if isinstance(value, list) and len(value) == len(paras):
            for k, p in enumerate(paras):
                places[f"{name}[{k}]"] = Place(doc.source, p.index, key=name)
    if doc.to:
        values["to_organs"] = doc.to.rstrip("：:")  # fields names the 主送 without its colon
        places["to_organs"] = read.place("to")
    if "signers" not in places and "doc_number" in places:
        places["signers"] = read.place("doc_number")  # a missing 签发人 belongs on the 文号's line
    return Facts(values, places, [doc.source or ""])


def element_findings(read: ReadDocument) -> list[Finding]:
    """The findings of fields.check_document on a read document, each at its paragraph."""
    structure = read.structure
    if structure.format == "not-gongwen":
        return []
    paras = {p.index: p for p in read.view.paras}
    findings: list[Finding] = []
    for problem in check_document(read.document, facts_of(read)):
        mapped = rule_of(problem)
        if mapped is None or mapped.rule is None or any(f in read.unread for f in mapped.fields):
            continue
        if mapped.rule.startswith("doc-number.") and structure.format in ("order", "minutes"):
            continue  # a 令号 or a 纪要's 编号 [10.2, 10.3] is no 发文字号
        info = RULES[mapped.rule]
        index = problem.place.line or _fallback(read, mapped.rule, problem)
        para = paras.get(index) if index is not None else None
        severity, unsure, element = problem.severity, False, info.element
        if para is not None:
            role = structure.roles[para.index]
            element = ROLE_ELEMENTS.get(role.role, info.element) if info.element == "正文" else info.element
            if role.unsure:
                severity, unsure = "warning", True
        findings.append(Finding(mapped.rule, severity, element, _worded(problem.message),
                                mapped.fix or _worded(problem.hint or ""), para.index if para else None,
                                excerpt(para.text) if para else None,
                                None if para else "全文 document", unsure, info.clause))
    return findings


def _worded(text: str) -> str:
    """A fields message as check prints it: one line, values in “…” and 写成 for the fix."""
    text = re.sub(r"'([^'\n]*)'", r"“\1”", " ".join(text.split("\n")))
    return re.sub(r"^write (\S+)$", r"写成 \1", text)


def _fallback(read: ReadDocument, rule: str, problem: Problem) -> int | None:
    """The paragraph of a problem that names no value: the request's last paragraph, or the
    paragraph holding the quoted words."""
    blocks = read.document.blocks
    if rule == "request.ending":
        last = [b for b in blocks if isinstance(b, Paragraph) and b.text.strip()]
        paras = read.paras_of(last[-1]) if last else []
        return paras[0].index if paras else None
    quoted = re.search(r"“…(.*)…”", problem.message)
    if quoted:
        for block in blocks:
            if quoted.group(1) in block.text:
                paras = read.paras_of(block)
                return paras[0].index if paras else None
    return None
