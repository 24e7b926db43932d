"""Hardening of the 公文 rules and the layout: every block of a document is searched and laid out,
and line prediction follows the renderer where no break is allowed."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import run_cli

from reportgen import fields, spec
from reportgen.layout import build_items
from reportgen.markup import parse
from reportgen.model import Attachment, Document, Paragraph, Run, Table, iter_blocks

# --------------------------------------------------------- every block: body, tables, attachments

REPORT = """---
kind: 报告
organ_mark: 某某市网信办
number: 某网信发〔2020〕5号
signers: [张三]
title: 关于工作情况的报告
to: 市委网信办
signature: 某某市网信办
date: 2020-12-15
---
{body}
"""


@pytest.mark.parametrize(("body", "asks"), [
    ("今年工作进展顺利。\n\n以上报告妥否，请批示。", True),
    ("今年工作进展顺利。\n\n::: 附件 工作情况\n\n以上事项请予批准。", True),
    ("今年工作进展顺利。\n\n::: 附件 工作情况\n\n# 请批示的事项\n\n正文。", True),
    ("今年工作进展顺利。\n\n::: 附件 经费表\n\n| 项目 | 说明 |\n| --- | --- |\n| 培训 | 请审批 |", True),
    ("| 项目 | 说明 |\n| --- | --- |\n| 培训 | 妥否 |", True),
    ("今年工作进展顺利。\n\n::: 附件 附件一\n\n正文。\n\n::: 附件 附件二\n\n请指示。", True),
    ("今年工作进展顺利。\n\n::: 附件 工作情况\n\n特此报告。", False),
    ("今年工作进展顺利，特此报告。", False),
])
def test_a_report_asking_for_instructions_anywhere_is_warned(body: str, asks: bool) -> None:
    doc = parse(REPORT.format(body=body), "t.md")
    warned = [p for p in fields.check_document(doc) if "asks for instructions" in p.message]
    assert bool(warned) is asks
    if asks:
        assert warned[0].severity == "warning" and "请示事项" in (warned[0].hint or "")


def test_the_warning_for_an_attachment_reaches_the_user(tmp_path: Path) -> None:
    template = tmp_path / "t.md.j2"
    body = "今年工作进展顺利。\n\n::: 附件 工作情况\n\n以上事项妥否，请批示。"
    template.write_text(REPORT.format(body=body),
                        encoding="utf-8")
    data = tmp_path / "d.yaml"
    data.write_text("year: 2020\n", encoding="utf-8")
    code, stdout, stderr = run_cli("validate", str(template), str(data))
    assert code == 0 and "Traceback" not in stdout + stderr
    assert "警告 warning:" in stderr and "a 报告 asks for instructions: “…以上事项妥否，请批示。…”" in stderr


def test_iter_blocks_walks_the_body_then_each_attachment() -> None:
    body = [Paragraph([Run("正文")]), Table([[[Run("表")]]])]
    first = [Paragraph([Run("附件一")])]
    second = [Table([[[Run("附件二表")]]]), Paragraph([Run("附件二")])]
    doc = Document(blocks=body, attachments=[Attachment("一", first), Attachment("二", second),
                                             Attachment("空")])
    assert list(iter_blocks(doc)) == [*body, *first, *second]
    assert list(iter_blocks(Document())) == []


@dataclasses.dataclass
class _Figure:
    """A block kind the layout does not know."""

    caption: str
    text: str = ""


@pytest.mark.parametrize("where", ["body", "attachment"])
def test_an_unknown_block_is_an_error_not_a_silent_gap(where: str) -> None:
    figure = _Figure("图1")
    doc = Document(title="关于工作的通知", blocks=[Paragraph([Run("正文")])])
    if where == "body":
        doc.blocks.append(figure)  # type: ignore[arg-type]
    else:
        doc.attachments = [Attachment("附件", [figure])]  # type: ignore[list-item]
    with pytest.raises(AssertionError, match="_Figure"):
        build_items(doc, spec.DEFAULT_STYLE)
