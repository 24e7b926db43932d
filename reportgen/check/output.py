"""The report, for people (grouped, Chinese with short English) and for programs (JSON)."""

from __future__ import annotations

from typing import Any

from . import CheckReport
from .classify import ROLE_NAMES, Structure
from .docxread import DocxView
from .rules import RULES, Finding

MAX_PLACES = 6


def _label(severity: str) -> str:
    return {"error": "错误 error", "warning": "警告 warning"}.get(severity, "提示 notice")


def human(report: CheckReport, roles: bool = False) -> str:
    lines = [f"{report.file}: {report.errors} 个错误 errors，{report.warnings} 个警告 warnings"]
    groups: dict[tuple[str, str, str, str, str, bool], list[Finding]] = {}
    for finding in report.findings:
        key = (finding.rule, finding.severity, finding.element, finding.message, finding.fix, finding.unsure)
        groups.setdefault(key, []).append(finding)
    for (rule, severity, element, message, fix, unsure), found in groups.items():
        clause = RULES[rule].clause
        first = found[0]
        place = first.place
        if len(found) > 1:
            more = [f"第{f.paragraph}段" if f.paragraph is not None else (f.where or "") for f in found[1:]]
            shown = "、".join(more[:MAX_PLACES]) + ("…" if len(more) > MAX_PLACES else "")
            place += f"；另 {len(more)} 处 more: {shown}"
        doubt = "（不确定 unsure）" if unsure else ""
        lines.append(f"  {_label(severity)} [{rule}] {element} · {place}{doubt}")
        lines.append(f"      {message}" + (f" [{clause}]" if clause else ""))
        lines.append(f"      → {fix}")
    if not report.findings:
        lines.append("  符合 GB/T 9704-2012 的各项检查 passes every check")
    if roles:
        lines += role_lines(report.view, report.structure)
    return "\n".join(lines)


def role_lines(view: DocxView, structure: Structure) -> list[str]:
    """The element found for every paragraph that is not blank (``--roles``)."""
    lines = ["  识别 elements found:"]
    for p in view.paras:
        role = structure.roles[p.index]
        if role.role == "blank":
            continue
        doubt = f"  ？{role.unsure}" if role.unsure else ""
        text = p.text.strip().replace("\n", "⏎").replace("\t", " ")
        text = text if len(text) <= 20 else text[:20] + "…"
        lines.append(f"    第{p.index}段 {ROLE_NAMES.get(role.role, role.role)}: {text}{doubt}")
    return lines


def as_dict(report: CheckReport) -> dict[str, Any]:
    return {
        "file": report.file,
        "ok": report.errors == 0,
        "errors": report.errors,
        "warnings": report.warnings,
        "findings": [
            {"rule": f.rule, "severity": f.severity, "element": f.element, "paragraph": f.paragraph,
             "text": f.text, "where": f.where, "message": f.message, "fix": f.fix, "xml": f.xml,
             "clause": f.clause, "unsure": f.unsure}
            for f in report.findings
        ],
        "paragraphs": [
            {"paragraph": p.index, "role": role.role, "element": ROLE_NAMES.get(role.role, role.role),
             "unsure": role.unsure, "text": p.text.strip()[:40]}
            for p in report.view.paras
            if (role := report.structure.roles[p.index]).role != "blank"
        ],
    }


def rules_table() -> str:
    """Every rule with its severity, element and clause (for ``reportgen check --rules``)."""
    from ..layout import cells

    lines = []
    for rule_id, rule in RULES.items():
        clause = f"[{rule.clause}]" if rule.clause else ""
        element = rule.element + " " * max(10 - round(cells(rule.element) * 2), 0)
        lines.append(f"{rule_id:28} {rule.severity:7} {element} {clause:10} {rule.summary}")
    return "\n".join(lines)
